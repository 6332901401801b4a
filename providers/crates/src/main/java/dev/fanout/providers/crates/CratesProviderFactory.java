package dev.fanout.providers.crates;

import dev.fanout.model.Publication;
import dev.fanout.provider.Problem;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code crates "NAME" {...}}: a Rust crate on crates.io, packaged from a Cargo package or given as a .crate. */
public final class CratesProviderFactory implements ProviderFactory {

  @Override
  public String type() {
    return "crates";
  }

  @Override
  public String description() {
    return "crates.io: a Rust crate, packaged like `cargo package` with the release version";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("crate", Schema.Type.STRING, "the crate name; must match Cargo.toml's package.name")
        .optional("path", Schema.Type.STRING, "a Cargo package directory to package (one of path or crate_file)")
        .optional("crate_file", Schema.Type.STRING, "a prepared .crate file (one of path or crate_file)")
        .build();
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("api", Schema.Type.STRING, "web API URL; default https://crates.io")
        .optional("index", Schema.Type.STRING, "sparse index URL; default https://index.crates.io")
        .sensitive("token", "crates.io API token with the publish-new and publish-update scopes")
        .optional("trusted_publishing", Schema.Type.BOOL, "true: inside GitHub Actions (permissions: id-token: write),"
            + " exchange the job's ID token for a 30-minute publish token, revoked when the run ends, instead of using a"
            + " token; the crate must exist and its Trusted Publishing config must name this repository and workflow")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("api", "https://crates.io", "index", "https://index.crates.io");
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    // The emulator serves the sparse index at its root as well as at /index/.
    return Map.of("api", "crates", "index", "crates");
  }

  @Override
  public Traits traits() {
    // crates.io takes one request at a time from a tool and asks crawlers and tools for at
    // most one request a second to its API and downloads; the sparse index is a CDN. The
    // index is written by a background job after the API accepts a crate.
    return Traits.immutable().withConcurrency(1).withPacing(Map.of("crates.io", Duration.ofSeconds(1),
        "static.crates.io", Duration.ofSeconds(1), "index.crates.io", Duration.ZERO))
        .withVisibility(Duration.ofMinutes(5));
  }

  /**
   * A package folder is packaged here as {@code cargo package} would: a manifest whose
   * inherited fields or dependencies cannot be resolved, or that names another crate, is
   * refused before anything runs, naming the field.
   */
  @Override
  public List<Problem> validate(Publication publication, Path releaseDir) {
    String path = publication.string("path");
    if (path == null) {
      return List.of();
    }
    Path packageDir = releaseDir.resolve(path);
    if (!Files.isRegularFile(packageDir.resolve("Cargo.toml"))) {
      return List.of(new Problem("path", "no Cargo.toml in " + packageDir));
    }
    try {
      CrateManifest manifest = CrateManifest.read(packageDir);
      String name = publication.string("crate");
      if (name != null && !name.equals(manifest.name())) {
        return List.of(new Problem("crate", "crate = \"" + name + "\" but " + packageDir
            + "/Cargo.toml names package \"" + manifest.name() + "\""));
      }
      manifest.withVersion("0.0.0");
      manifest.publishMetadata("0.0.0");
      return List.of();
    } catch (IOException e) {
      return List.of(new Problem("path", e.getMessage()));
    }
  }

  /**
   * A workspace member's path dependencies are crates of this release: crates.io refuses a
   * crate whose dependency it does not know ("no known crate named"), so each goes first.
   */
  @Override
  public List<String> needs(Publication publication, Path releaseDir) {
    String path = publication.string("path");
    if (path == null) {
      return List.of();
    }
    try {
      return CrateManifest.read(releaseDir.resolve(path)).releaseDependencies().stream()
          .map(crate -> "crate " + crate.toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList();
    } catch (IOException e) {
      return List.of(); // validate names the problem
    }
  }

  @Override
  public String identity(Publication publication) {
    // crates.io treats - and _ alike, and case does not make another crate.
    String crate = publication.string("crate");
    return crate == null ? null : "crate " + crate.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  @Override
  public Provider create(ProviderContext context) {
    return new CratesProvider(context);
  }
}
