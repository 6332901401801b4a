package dev.fanout.providers.npm;

import dev.fanout.model.Publication;
import dev.fanout.provider.Problem;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
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
        .sensitive("token", "a GitHub token with write:packages (or GITHUB_TOKEN in Actions)")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("npm_registry", "https://npm.pkg.github.com");
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("npm_registry", "github_packages");
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
