package dev.fanout.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Address;
import dev.fanout.model.BuildStep;
import dev.fanout.provider.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Whether a build's outputs on disk are the ones this release would build: the build record
 * must be for this version and commit, with the same command and inputs, and the outputs must
 * still hold the bytes it recorded. Says why not, for the plan.
 */
final class BuildFreshness {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Never inputs: Fanout's own state, the repository, installed dependencies. */
  private static final Set<String> SKIPPED = Set.of(".fanout", ".git", "node_modules");

  private final Path dir;
  private final Map<Address, BuildStep> builds;
  private final String version;
  private final String commit;
  private final Function<Path, String> digest;

  BuildFreshness(Path dir, Map<Address, BuildStep> builds, String version, String commit,
      Function<Path, String> digest) {
    this.dir = dir;
    this.builds = builds;
    this.version = version;
    this.commit = commit;
    this.digest = digest;
  }

  /** Why {@code record} does not vouch for the build's outputs now, or null when it does. */
  String stale(Address build, BuildRecord record) {
    BuildStep step = builds.get(build);
    if (record == null) {
      return "no build record (.fanout/build.json) vouches for them";
    }
    if (!Objects.equals(record.version(), version)) {
      return "the build record (.fanout/build.json) is for " + record.version() + ", this release is " + version;
    }
    if (!Objects.equals(record.commit(), commit)) {
      return "the build record is for commit " + shortHash(record.commit()) + ", HEAD is " + shortHash(commit);
    }
    BuildRecord.Step recorded = record.steps().get(build.toString());
    if (recorded == null) {
      return "the build record does not hold " + build;
    }
    if (!recorded.definition().equals(definition(step))) {
      return "its command or environment changed since it was recorded";
    }
    for (Map.Entry<String, String> out : recorded.outputs().entrySet()) {
      Path file = dir.resolve(out.getKey());
      String now = Files.isRegularFile(file) ? "sha256:" + digest.apply(file) : "no file";
      if (!now.equals(out.getValue())) {
        return out.getKey() + " is not what the build made: recorded " + out.getValue() + ", now " + now;
      }
    }
    List<String> changed = changedInputs(recorded.inputs(), inputs(step));
    if (!changed.isEmpty()) {
      List<String> shown = changed.subList(0, Math.min(3, changed.size()));
      return "input" + (changed.size() == 1 ? " " : "s ") + String.join(", ", shown)
          + (changed.size() > shown.size() ? " and " + (changed.size() - shown.size()) + " more" : "")
          + " changed since it was built";
    }
    return null;
  }

  /** The step as it just ran, for the record. */
  BuildRecord.Step record(BuildStep step) {
    Map<String, String> outputs = new TreeMap<>();
    for (String out : step.outputs()) {
      Path file = dir.resolve(out);
      outputs.put(out, Files.isRegularFile(file) ? "sha256:" + digest.apply(file) : "no file");
    }
    return new BuildRecord.Step(step.command(), definition(step), inputs(step), outputs);
  }

  private static List<String> changedInputs(Map<String, String> before, Map<String, String> now) {
    List<String> changed = new ArrayList<>();
    Set<String> names = new java.util.TreeSet<>(before.keySet());
    names.addAll(now.keySet());
    for (String name : names) {
      if (!Objects.equals(before.get(name), now.get(name))) {
        changed.add(name);
      }
    }
    return changed;
  }

  /**
   * The files a step may read: those under its working folder that git does not ignore (every
   * file outside git), except what any build makes. A plan saved in the folder and ignored by
   * git is no input.
   */
  private Map<String, String> inputs(BuildStep step) {
    Path root = step.workdir() == null ? dir : dir.resolve(step.workdir()).normalize();
    Set<Path> outputs = new java.util.HashSet<>();
    builds.values().forEach(b -> b.outputs().forEach(o -> outputs.add(dir.resolve(o).normalize())));
    Map<String, String> out = new TreeMap<>();
    for (Path file : files(root)) {
      Path abs = file.toAbsolutePath().normalize();
      if (outputs.contains(abs) || !Files.isRegularFile(abs)) {
        continue;
      }
      out.put(dir.toAbsolutePath().normalize().relativize(abs).toString(), "sha256:" + digest.apply(abs));
    }
    return out;
  }

  private static List<Path> files(Path root) {
    List<Path> listed = gitFiles(root);
    if (listed != null) {
      return listed;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> root.relativize(p).getNameCount() > 0 && !SKIPPED.contains(root.relativize(p).getName(0).toString()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tracked and untracked files git does not ignore, or null outside git. */
  private static List<Path> gitFiles(Path root) {
    try {
      Process p = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
          .directory(root.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      List<Path> files = new ArrayList<>();
      for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
        if (!name.isEmpty() && !SKIPPED.contains(Path.of(name).getName(0).toString())) {
          files.add(root.resolve(name));
        }
      }
      return files;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static String definition(BuildStep step) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("command", step.command());
    d.put("env", new TreeMap<>(step.env()));
    d.put("workdir", step.workdir());
    d.put("shell", step.shell());
    try {
      return "sha256:" + Digests.sha256Hex(JSON.writeValueAsBytes(d));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String shortHash(String commit) {
    return commit == null ? "none (not in git)" : commit.substring(0, Math.min(12, commit.length()));
  }
}
