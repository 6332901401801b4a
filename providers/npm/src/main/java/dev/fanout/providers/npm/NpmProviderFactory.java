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
 * The {@code npm} block: a release's binaries as npm packages with a Node launcher, or a
 * package folder (a JavaScript package of a monorepo) published as it is.
 */
public final class NpmProviderFactory implements ProviderFactory {

  @Override
  public String type() {
    return "npm";
  }

  @Override
  public String description() {
    return "npm packages: the release's binaries with a Node launcher, or a package folder as it is";
  }

  @Override
  public Schema schema() {
    return packageSchema();
  }

  /** The attributes of an npm package block; GitHub Packages accepts the same. */
  public static Schema packageSchema() {
    return Schema.builder()
        .required("package", Schema.Type.STRING, "the package name, scoped (@scope/name) or not")
        .optional("binaries", Schema.Type.ARTIFACTS, "the binaries to ship, artifacts with os and arch")
        .optional("directory", Schema.Type.STRING, "a package folder with package.json, relative to the release "
            + "file, packed like npm pack at the release's version")
        .existingFolder("directory", "package.json")
        .exactlyOne("binaries", "directory")
        .optional("launcher", Schema.Type.STRING, "the command name; defaults to the name without its scope")
        .optional("dist_tags", Schema.Type.LIST, "the dist-tags to point at the version; defaults to [\"latest\"]")
        .optional("access", Schema.Type.STRING, "\"public\" (the default) or \"restricted\"")
        .oneOf("access", "public", "restricted")
        .optional("description", Schema.Type.STRING, "package.json description; defaults to the release's")
        .optional("keywords", Schema.Type.LIST, "package.json keywords")
        .optional("mode", Schema.Type.STRING,
            "\"bundled\" (one package with every binary, the default) or \"optional\" (one package per platform)")
        .oneOf("mode", "bundled", "optional")
        .build();
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("registry", Schema.Type.STRING, "the registry URL; defaults to https://registry.npmjs.org")
        .sensitive("token", "an npm automation or publish token")
        .optional("trusted_publishing", Schema.Type.BOOL, "true: inside GitHub Actions (permissions: id-token: write),"
            + " exchange the job's ID token for a short-lived publish token per package instead of using a token;"
            + " the package's trusted publisher on npmjs.com must name this repository and workflow")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("registry", "https://registry.npmjs.org");
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("registry", "npm");
  }

  @Override
  public Traits traits() {
    // whoami and the token list name no package: one check serves every package.
    return Traits.immutable().withAccountCredentials();
  }

  @Override
  public List<Problem> validate(Publication publication, Path releaseDir) {
    return NpmValidation.problems(publication, releaseDir, NpmProvider.NPMJS);
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
    return new NpmProvider(context, NpmProvider.NPMJS);
  }
}
