package dev.fanout.bench;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.model.Config;
import dev.fanout.provider.Providers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The releases the benchmarks run on, named by their {@code release} parameter:
 * {@code contextlite} is the example as shipped, a number N a generated release of N publications.
 */
final class Releases {

  /** The {@code release} parameter of every benchmark; bench/run.sh overrides it with {@code -p release=...}. */
  static final String DEFAULT = "contextlite";

  private Releases() {
  }

  /** The folder holding the release's {@code *.fanout} files. */
  static Path folder(String release) {
    if (release.equals("contextlite")) {
      return repo().resolve("examples/contextlite");
    }
    try {
      Path dir = Files.createTempDirectory("fanout-jmh-" + release + "-");
      write(dir, Integer.parseInt(release));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a generated release; the shipped example stays. */
  static void discard(String release, Path dir) {
    if (release.equals("contextlite")) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh loader: one loader collects the diagnostics of one load, so it is not reused. */
  static ConfigLoader loader(Providers providers) {
    return new ConfigLoader(providers, Map.of(), Map.of(), p -> null);
  }

  /** Loads the folder and refuses a release with errors, so that no benchmark measures an error path. */
  static Config load(Providers providers, Path dir) {
    ConfigLoader.Result r = loader(providers).load(dir);
    if (r.hasErrors()) {
      throw new IllegalStateException(dir + " does not load: " + r.diagnostics());
    }
    return r.config();
  }

  /** Every release file of the folder, as text, in name order. */
  static List<String> texts(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".fanout")).sorted().map(Releases::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The checkout: {@code -Dfanout.repo}, else the working directory (bench/run.sh runs from the checkout). */
  private static Path repo() {
    return Path.of(System.getProperty("fanout.repo", "")).toAbsolutePath();
  }

  /**
   * The scale section's release shape (bench/Bench.java): packages x (npm, pypi,
   * github_packages in turn) over two shared prebuilt binaries, so the JMH figures and the
   * whole-command figures at the same size describe the same release.
   */
  private static void write(Path dir, int publications) throws IOException {
    Files.createDirectories(dir.resolve("bin"));
    StringBuilder text = new StringBuilder("""
        release "scale" {
          version = "1.0.0"
          license = "MIT"
        }

        """);
    for (String[] platform : new String[][] {{"linux", "amd64"}, {"darwin", "arm64"}}) {
      Files.writeString(dir.resolve("bin/app-" + platform[0] + "-" + platform[1]), "#!/bin/sh\necho app " + platform[0] + "\n");
      text.append(String.format(Locale.ROOT, "artifact \"%1$s\" {%n  os = \"%1$s\"%n  arch = \"%2$s\"%n"
          + "  sources = [\"bin/app-%1$s-%2$s\"]%n}%n%n", platform[0], platform[1]));
    }
    String[][] registries = {{"npm", "package", ""}, {"pypi", "project", ""}, {"github_packages", "package", "@scale/"}};
    for (int i = 0; i < publications; i++) {
      String[] r = registries[i % 3];
      String name = String.format(Locale.ROOT, "pkg%05d", i / 3);
      text.append(String.format(Locale.ROOT, "%s \"%s\" {%n  %s = \"%s%s\"%n  binaries = [artifact.linux, artifact.darwin]%n}%n%n",
          r[0], name, r[1], r[2], name));
    }
    Files.writeString(dir.resolve("release.fanout"), text);
  }
}
