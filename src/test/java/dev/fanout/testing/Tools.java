package dev.fanout.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * External tools the tests drive (npm, twine, cargo, skopeo, git...). {@code .ci/run}
 * installs them, so under CI a missing tool fails the test; on a developer's machine
 * without it the test is skipped with a message saying what to install.
 */
public final class Tools {

  private Tools() {
  }

  /** The tool's path; fails under CI and skips elsewhere when it is not on PATH. */
  public static Path require(String tool, String installHint) {
    Path found = find(tool);
    if (found == null) {
      String message = tool + " is not installed (" + installHint + "; .ci/run installs it)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message);
      }
      assumeTrue(false, message);
    }
    return found;
  }

  public static Path find(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Runs a command, returns its exit code and combined output; fails the test on timeout. */
  public static Result run(Path workdir, java.util.Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8));
  }

  public record Result(int exit, String output) { }
}
