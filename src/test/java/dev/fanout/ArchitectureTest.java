package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules the folders promise, checked on the source files of production code
 * ({@code src/main/java} and every {@code providers/NAME/src/main/java}):
 * <ol>
 *   <li>a provider folder imports no other provider's package, except the GitHub kit
 *       ({@code providers/github});</li>
 *   <li>production code that is not an emulator names no {@code ...Emulator} class (the sandbox
 *       host finds emulators through {@code ServiceLoader} by their interface);</li>
 *   <li>{@code MessageDigest.getInstance} is called only by {@code dev.fanout.provider.Digests}.</li>
 * </ol>
 * A failure names each offending file and line.
 */
class ArchitectureTest {

  /** The shared folder every provider may import. */
  static final String KIT = "github";

  private static final Pattern PROVIDER_REFERENCE = Pattern.compile("\\bdev\\.fanout\\.providers\\.(\\w+)\\.");
  private static final Pattern EMULATOR_CLASS = Pattern.compile("\\b\\w+Emulator\\b");
  private static final Path SANDBOX_HOST = Path.of("src", "main", "java", "dev", "fanout", "sandbox");
  private static final Path DIGESTS = Path.of("src", "main", "java", "dev", "fanout", "provider", "Digests.java");

  @TempDir
  Path tmp;

  @Test
  void productionCodeKeepsTheFolderRules() {
    Path repo = Path.of(System.getProperty("fanout.repo", System.getProperty("user.dir")));

    List<String> found = violations(repo);

    assertEquals(List.of(), found, "architecture rules broken:\n" + String.join("\n", found));
  }

  @Test
  void aProviderImportingAnotherProviderIsNamedWithItsLine() throws IOException {
    write("providers/scoop/src/main/java/dev/fanout/providers/scoop/ScoopProvider.java",
        "package dev.fanout.providers.scoop;", "",
        "import dev.fanout.providers.github.GithubApi;",
        "import dev.fanout.providers.winget.WingetManifest;");

    assertEquals(List.of(Path.of("providers/scoop/src/main/java/dev/fanout/providers/scoop/ScoopProvider.java")
        + ":4: imports provider 'winget' (only its own package and the GitHub kit): "
        + "import dev.fanout.providers.winget.WingetManifest;"), violations(tmp));
  }

  @Test
  void aProviderCallingAnEmulatorIsNamedWithItsLine() throws IOException {
    write("providers/crates/src/main/java/dev/fanout/providers/crates/CratesProvider.java",
        "package dev.fanout.providers.crates;", "", "class CratesProvider {",
        "  String sum(byte[] b) { return CratesEmulator.sha256(b); }", "}");
    write("providers/crates/src/main/java/dev/fanout/providers/crates/CratesEmulator.java",
        "package dev.fanout.providers.crates;", "", "class CratesEmulator extends OtherEmulator {", "}");
    write("src/main/java/dev/fanout/sandbox/Sandbox.java", "class Sandbox { NpmEmulator e; }");

    assertEquals(List.of(Path.of("providers/crates/src/main/java/dev/fanout/providers/crates/CratesProvider.java")
        + ":4: production code names an emulator (CratesEmulator): "
        + "String sum(byte[] b) { return CratesEmulator.sha256(b); }"), violations(tmp));
  }

  @Test
  void aDigestOutsideTheHelperIsNamedWithItsLine() throws IOException {
    write("src/main/java/dev/fanout/plan/Planner.java", "class Planner {",
        "  byte[] d = java.security.MessageDigest.getInstance(\"SHA-256\").digest(new byte[0]);", "}");
    write(DIGESTS.toString(), "class Digests { Object d = MessageDigest.getInstance(\"SHA-256\"); }");

    assertEquals(List.of(Path.of("src/main/java/dev/fanout/plan/Planner.java")
        + ":2: MessageDigest.getInstance outside dev.fanout.provider.Digests: "
        + "byte[] d = java.security.MessageDigest.getInstance(\"SHA-256\").digest(new byte[0]);"), violations(tmp));
  }

  /** Every broken rule as {@code path:line: rule: the line}, paths relative to {@code repo}. */
  static List<String> violations(Path repo) {
    List<String> out = new ArrayList<>();
    for (Path file : productionSources(repo)) {
      Path rel = repo.relativize(file);
      String folder = rel.startsWith("providers") ? rel.getName(1).toString() : null;
      boolean emulator = file.getFileName().toString().endsWith("Emulator.java") || rel.startsWith(SANDBOX_HOST);
      List<String> lines = read(file);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (isComment(line)) {
          continue;
        }
        String where = rel + ":" + (i + 1) + ": ";
        Matcher provider = PROVIDER_REFERENCE.matcher(line);
        while (folder != null && provider.find()) {
          String other = provider.group(1);
          if (!other.equals(folder) && !other.equals(KIT)) {
            out.add(where + "imports provider '" + other + "' (only its own package and the GitHub kit): " + line);
          }
        }
        Matcher emulatorClass = EMULATOR_CLASS.matcher(line);
        if (!emulator && emulatorClass.find()) {
          out.add(where + "production code names an emulator (" + emulatorClass.group() + "): " + line);
        }
        if (line.contains("MessageDigest.getInstance") && !rel.equals(DIGESTS)) {
          out.add(where + "MessageDigest.getInstance outside dev.fanout.provider.Digests: " + line);
        }
      }
    }
    return out;
  }

  private static List<Path> productionSources(Path repo) {
    List<Path> roots = new ArrayList<>(List.of(repo.resolve("src/main/java")));
    try (Stream<Path> folders = Files.isDirectory(repo.resolve("providers")) ? Files.list(repo.resolve("providers"))
        : Stream.empty()) {
      folders.sorted().forEach(f -> roots.add(f.resolve("src/main/java")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return files;
  }

  /** Javadoc and comments may name anything; only code is held to the rules. */
  private static boolean isComment(String line) {
    return line.startsWith("//") || line.startsWith("/*") || line.startsWith("*");
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(String path, String... lines) throws IOException {
    Path file = tmp.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines));
  }
}
