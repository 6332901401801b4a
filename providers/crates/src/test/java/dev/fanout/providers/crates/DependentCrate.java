package dev.fanout.providers.crates;

import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A binary crate that depends on one crate of the sandbox's registry, run with the real cargo. */
public final class DependentCrate {

  private DependentCrate() {
  }

  /** {@code cargo run} of an app whose main is {@code mainRs}, depending on {@code crate} {@code version} from the emulator at {@code cratesUrl}. */
  public static Tools.Result run(Path dir, String cratesUrl, String crate, String version, String mainRs) throws Exception {
    Path app = app(dir, cratesUrl, crate, version, mainRs);
    return Tools.run(app, Map.of("CARGO_HOME", dir.resolve("cargo-home").toString(), "CARGO_TERM_COLOR", "never"),
        "cargo", "run", "--quiet");
  }

  /**
   * {@code cargo generate-lockfile} of the same app, depending on {@code crate} {@code requirement}:
   * what a new project resolves (a yanked version is skipped); the lockfile is in {@code dir/app}.
   */
  public static Tools.Result lock(Path dir, String cratesUrl, String crate, String requirement) throws Exception {
    Path app = app(dir, cratesUrl, crate, requirement, "fn main() {}\n");
    return Tools.run(app, Map.of("CARGO_HOME", dir.resolve("cargo-home").toString(), "CARGO_TERM_COLOR", "never"),
        "cargo", "generate-lockfile");
  }

  private static Path app(Path dir, String cratesUrl, String crate, String version, String mainRs) throws Exception {
    Path app = dir.resolve("app");
    Files.createDirectories(app.resolve("src"));
    Files.createDirectories(app.resolve(".cargo"));
    Files.writeString(app.resolve(".cargo/config.toml"), "[registries.sandbox]\nindex = \"sparse+" + cratesUrl + "/index/\"\n");
    Files.writeString(app.resolve("Cargo.toml"), """
        [package]
        name = "app"
        version = "0.1.0"
        edition = "2021"

        [dependencies]
        %s = { version = "%s", registry = "sandbox" }
        """.formatted(crate, version));
    Files.writeString(app.resolve("src/main.rs"), mainRs);
    return app;
  }
}
