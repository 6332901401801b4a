package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monorepo's npm packages released from several CI jobs: one saved plan, four folders (as
 * four runners check out the repository), each process applying its quarter of the plan with
 * {@code --target}, against one sandbox; and the same release from one process, for the time.
 * Every package is published once. The suite runs it with 20 packages (the same checks, in
 * seconds); the issue's 400 take minutes on two shared cores:
 *
 * <pre>mvn -B -o test -Dtest=NpmMonorepoSplitTest -Dfanout.monorepo.packages=400</pre>
 *
 * It prints the two times and the machine's load, and writes them to
 * {@code target/monorepo-split.txt}.
 */
class NpmMonorepoSplitTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PROCESSES = 4;

  @TempDir
  Path temp;

  @Test
  void fourProcessesEachApplyingAQuarterOfOneSavedPlanPublishEveryPackageOnce() throws Exception {
    int packages = Integer.getInteger("fanout.monorepo.packages", 20);
    Path sandbox = temp.resolve("sandbox");
    Process serve = FanoutRun.process(temp, "sandbox", "serve", "--dir", sandbox.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      JSON.readTree(new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine());
      String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();

      Path single = monorepo(temp.resolve("single"), "single", packages);
      long t0 = System.nanoTime();
      Process one = start(single, temp.resolve("single.out"), "apply", ".", "--sandbox=" + sandbox, "--auto-approve");
      finish(one, temp.resolve("single.out"));
      long singleMillis = (System.nanoTime() - t0) / 1_000_000;

      Path first = monorepo(temp.resolve("split-0"), "split", packages);
      Path plan = temp.resolve("split.plan");
      finish(start(first, temp.resolve("plan.out"), "plan", ".", "--sandbox=" + sandbox, "--out", plan.toString()),
          temp.resolve("plan.out"));
      List<Path> folders = new ArrayList<>(List.of(first));
      for (int i = 1; i < PROCESSES; i++) {
        folders.add(copy(first, temp.resolve("split-" + i)));
      }
      long t1 = System.nanoTime();
      List<Process> runs = new ArrayList<>();
      for (int i = 0; i < PROCESSES; i++) {
        List<String> args = new ArrayList<>(List.of("apply", plan.toString()));
        for (int p = i; p < packages; p += PROCESSES) {
          args.add("--target=npm.pkg[\"" + pkg(p) + "\"]");
        }
        runs.add(start(folders.get(i), temp.resolve("split-" + i + ".out"), args.toArray(String[]::new)));
      }
      for (int i = 0; i < PROCESSES; i++) {
        finish(runs.get(i), temp.resolve("split-" + i + ".out"));
      }
      long splitMillis = (System.nanoTime() - t1) / 1_000_000;
      String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();

      assertEquals(packages, publishedOnce(sandbox, "single"), "the single run published each package once");
      assertEquals(packages, publishedOnce(sandbox, "split"), "the four runs published each package once");
      String figures = String.format(Locale.ROOT, "%d npm packages: one process %.1f s, %d processes (one saved plan,"
          + " --target quarters) %.1f s; %d cores; load average before %s, after %s%n", packages, singleMillis / 1000.0,
          PROCESSES, splitMillis / 1000.0, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
      System.out.print(figures);
      Path target = Path.of(System.getProperty("fanout.repo", ".")).resolve("target");
      Files.createDirectories(target);
      Files.writeString(target.resolve("monorepo-split.txt"), figures);
    } finally {
      serve.destroy();
      serve.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** How many packages of the scope were written by exactly one successful publish; fails on a second one. */
  private static int publishedOnce(Path sandbox, String scope) throws Exception {
    Map<String, Integer> puts = new TreeMap<>();
    for (String line : Files.readAllLines(sandbox.resolve("requests.jsonl"))) {
      JsonNode r = JSON.readTree(line);
      String path = r.get("path").asText();
      int status = r.get("status").asInt();
      if (r.get("registry").asText().equals("npm") && r.get("method").asText().equals("PUT") && status >= 200
          && status < 300 && path.contains(scope) && !path.contains("dist-tags")) {
        puts.merge(path, 1, Integer::sum);
      }
    }
    puts.forEach((path, n) -> assertEquals(1, n, path + " published " + n + " times"));
    return puts.size();
  }

  private static String pkg(int i) {
    return String.format(Locale.ROOT, "pkg-%03d", i);
  }

  /** A monorepo of {@code n} packages under packages/ and one npm block over them. */
  private static Path monorepo(Path dir, String scope, int n) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path p = Files.createDirectories(dir.resolve("packages").resolve(pkg(i)));
      Files.writeString(p.resolve("package.json"), "{\n  \"name\": \"@" + scope + "/" + pkg(i) + "\",\n"
          + "  \"version\": \"1.0.0\",\n  \"description\": \"Package " + i + "\",\n  \"main\": \"index.js\",\n"
          + "  \"license\": \"MIT\"\n}\n");
      Files.writeString(p.resolve("index.js"), "module.exports = () => " + i + ";\n");
      names.add("\"" + pkg(i) + "\"");
    }
    Files.writeString(dir.resolve("release.fanout"), "release \"mono\" {\n  version = \"1.0.0\"\n  license = \"MIT\"\n}\n\n"
        + "provider \"npm\" {\n  registry = \"https://registry.npmjs.org\"\n  token    = env(\"NPM_TOKEN\")\n}\n\n"
        + "npm \"pkg\" {\n  for_each  = [" + String.join(", ", names) + "]\n  package   = \"@" + scope
        + "/${each.key}\"\n  directory = \"packages/${each.key}\"\n}\n");
    return dir;
  }

  /** Another runner's checkout: the same files, and the plan key the plan job left in .fanout. */
  private static Path copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = from.relativize(f);
        if (rel.startsWith(".fanout") && !rel.toString().equals(".fanout/plan.key")) {
          continue;
        }
        Files.createDirectories(to.resolve(rel.toString()).getParent());
        Files.copy(f, to.resolve(rel.toString()));
      }
    }
    return to;
  }

  private static Process start(Path dir, Path out, String... args) throws Exception {
    ProcessBuilder pb = FanoutRun.process(dir, args).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("NPM_TOKEN", "fanout-sandbox-token");
    return pb.start();
  }

  private static void finish(Process p, Path out) throws Exception {
    assertTrue(p.waitFor(30, TimeUnit.MINUTES), "a run hung: " + out);
    assertEquals(0, p.exitValue(), Files.readString(out));
  }
}
