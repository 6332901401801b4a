package dev.fanout.providers.npm;

import dev.fanout.model.Publication;
import dev.fanout.provider.Problem;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import dev.fanout.providers.github.GithubHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code github_packages} block: the same npm packages as the {@code npm} block, on
 * GitHub Packages, configured by the shared {@code provider "github"} block.
 */
public final class GithubPackagesProviderFactory implements ProviderFactory {

  static final NpmProvider.Flavour FLAVOUR = new NpmProvider.Flavour("github_packages", "npm_registry", true);

  @Override
  public String type() {
    return "github_packages";
  }

  @Override
  public String description() {
    return "npm packages on GitHub Packages (@owner/name) that install the release's binaries";
  }

  @Override
  public Schema schema() {
    return NpmProviderFactory.packageSchema();
  }

  @Override
  public String settingsBlock() {
    return "github";
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("npm_registry", Schema.Type.STRING, "GitHub Packages' npm URL; defaults to https://npm.pkg.github.com")
        .optional("api_url", Schema.Type.STRING, "the REST API; default " + PackageVersionDeletes.DEFAULT_API)
        .sensitive("token", "a GitHub token with write:packages (or GITHUB_TOKEN in Actions); delete:packages to"
            + " withdraw a version")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    // api_url: GitHub's REST API, where a withdrawn version is deleted.
    return Map.of("npm_registry", "https://npm.pkg.github.com", "api_url", PackageVersionDeletes.DEFAULT_API);
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("npm_registry", "github_packages", "api_url", "github_packages.api");
  }

  /**
   * With the {@code github} block's Enterprise {@code host}, the packages go to that server's
   * npm registry ({@code https://npm.HOST}, GitHub Enterprise Server with subdomain isolation,
   * https://docs.github.com/enterprise-server@latest/packages/working-with-a-github-packages-registry/working-with-the-npm-registry),
   * never to github.com's with the Enterprise token, and the REST API is {@code https://HOST/api/v3}.
   * Without subdomain isolation set {@code npm_registry = "https://HOST/_registry/npm"}.
   */
  @Override
  public Map<String, String> derivedEndpoints(Map<String, Object> settings, Map<String, String> resolved, boolean sandbox) {
    String root = GithubHost.root(settings.get("host"));
    if (root == null || sandbox) {
      return resolved;
    }
    Map<String, String> out = new java.util.LinkedHashMap<>(resolved);
    if (!(settings.get("npm_registry") instanceof String s && !s.isBlank())) {
      out.put("npm_registry", root.replaceFirst("://", "://npm."));
    }
    if (!(settings.get("api_url") instanceof String s && !s.isBlank())) {
      out.put("api_url", root + GithubHost.API_PREFIX);
    }
    return out;
  }

  @Override
  public Traits traits() {
    // whoami and the token list name no package: one check serves every package.
    return Traits.immutable().withAccountCredentials();
  }

  @Override
  public List<Problem> validate(Publication publication, Path releaseDir) {
    return NpmValidation.problems(publication, releaseDir, FLAVOUR);
  }

  @Override
  public List<String> needs(Publication publication, java.nio.file.Path releaseDir) {
    return NpmValidation.needs(publication, releaseDir);
  }

  @Override
  public String identity(Publication publication) {
    return "package " + publication.string("package");
  }

  @Override
  public Provider create(ProviderContext context) {
    return new NpmProvider(context, FLAVOUR);
  }
}
