package dev.fanout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real CLI, in-process, on a copy of an example in a temporary folder with its own
 * sandbox: what a user would type, and what they would see.
 */
final class FanoutRun {

  private static final ObjectMapper JSON = new ObjectMapper();
  final Path dir;
  final Path sandbox;
  final Map<String, String> env = new HashMap<>();

  /** The exit code and both streams of one command. */
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }

    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  FanoutRun(Path temp, String example) throws IOException {
    this(temp, example, repository().resolve("examples").resolve(example), List.of(""));
  }

  /** A copy of {@code paths} (files or folders) of {@code from}, in {@code temp/name}. */
  private FanoutRun(Path temp, String name, Path from, List<String> paths) throws IOException {
    this.dir = temp.resolve(name);
    this.sandbox = temp.resolve("sandbox");
    for (String path : paths) {
      try (Stream<Path> files = Files.walk(from.resolve(path))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Path rel = from.relativize(f);
          if (rel.startsWith(".fanout") || rel.startsWith("dist") || rel.startsWith("target")) {
            continue;
          }
          Path to = dir.resolve(rel.toString());
          Files.createDirectories(to.getParent());
          // With its mode: a launcher script stays executable.
          Files.copy(f, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
  }

  /** Files of the repository's root (its own release.fanout and what it names), in {@code temp/fanout}. */
  static FanoutRun repositoryFiles(Path temp, List<String> paths) throws IOException {
    return new FanoutRun(temp, "fanout", repository(), paths);
  }

  private static Path repository() {
    return Path.of(System.getProperty("fanout.repo", ".")).toAbsolutePath().normalize();
  }

  /** The minimal example (one npm package) with the sandbox's write token. */
  static FanoutRun minimal(Path temp) throws IOException {
    FanoutRun f = new FanoutRun(temp, "minimal");
    f.env.put("NPM_TOKEN", "fanout-sandbox-token");
    return f;
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(out, err, env, false, new BufferedReader(new StringReader("")), args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A command against this copy's sandbox: {@code plan}, {@code apply}, {@code drift} with extra flags. */
  Result sandboxed(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, dir.toString(), "--sandbox=" + sandbox));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  void faults(String json) throws IOException {
    Files.createDirectories(sandbox);
    Files.writeString(sandbox.resolve("faults.json"), json);
  }

  /** Every request the sandbox logged. */
  List<JsonNode> requests() {
    Path log = sandbox.resolve("requests.jsonl");
    if (!Files.exists(log)) {
      return List.of();
    }
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        out.add(JSON.readTree(line));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long writes() {
    return requests().stream().filter(r -> r.get("write").asBoolean()).count();
  }

  long writes(String registry) {
    return requests().stream().filter(r -> r.get("write").asBoolean() && r.get("registry").asText().equals(registry)).count();
  }

  /** The planned action of each target, from plan --json. */
  static Map<String, String> actions(Result plan) {
    Map<String, String> out = new HashMap<>();
    plan.json().get("changes").forEach(c -> out.put(c.get("address").asText(), c.get("action").asText()));
    return out;
  }

  static JsonNode change(Result plan, String address) {
    for (JsonNode c : plan.json().get("changes")) {
      if (c.get("address").asText().equals(address)) {
        return c;
      }
    }
    throw new AssertionError("no change for " + address + " in " + plan.out());
  }

  /** The CLI as its own process (as a user or CI runs it), in {@code dir}; the caller starts it. */
  static ProcessBuilder process(Path dir, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.fanout.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("HOME", System.getProperty("user.home"));
    return pb;
  }
}
