package dev.fanout.apply;

import dev.fanout.model.Address;
import dev.fanout.model.BuildStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The build step of apply: runs a build's command without a shell (unless it asks for one),
 * its output in {@code .fanout/logs}, and checks that it made what it promised.
 */
final class BuildRunner {

  private final Path configDir;
  private final Path logs;
  private final Duration deadline;

  BuildRunner(Path configDir, Path stateDir, Duration deadline) {
    this.configDir = configDir;
    this.logs = stateDir.resolve("logs");
    this.deadline = deadline;
  }

  NodeResult build(Address a, BuildStep step) {
    Path dir = step.workdir() == null ? configDir : configDir.resolve(step.workdir());
    List<String> command = step.shell() ? List.of("sh", "-c", String.join(" ", step.command())) : step.command();
    Path log = logs.resolve(a.toString().replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(step.env());
      Process p = pb.start();
      if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return Applier.failed(a, "build", "timed out after " + deadline.toMinutes() + " min; output in " + log);
      }
      if (p.exitValue() != 0) {
        return Applier.failed(a, "build", "exit " + p.exitValue() + ": " + lastLines(log) + " (full output: " + log + ")");
      }
      for (String out : step.outputs()) {
        if (!Files.isRegularFile(configDir.resolve(out))) {
          return Applier.failed(a, "build", "the command succeeded but did not make " + out);
        }
      }
      return new NodeResult(a, Status.DONE, null, "built " + String.join(", ", step.outputs()), null, 0, List.of());
    } catch (IOException e) {
      return Applier.failed(a, "build", "cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Applier.failed(a, "build", "interrupted");
    }
  }

  private static String lastLines(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
    return tail.isEmpty() ? "no output" : String.join(" / ", tail);
  }
}
