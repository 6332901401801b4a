package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fanout ci github examples/contextlite}: a workflow that actionlint and
 * @action-validator/cli accept, whose jobs and needs follow {@code fanout graph}, written the same
 * byte for byte each time.
 */
class CiGithubTest {

  private static final Path REPO = Path.of(System.getProperty("fanout.repo", ".")).toAbsolutePath();
  private static final Path CONTEXTLITE = REPO.resolve("examples/contextlite");

  @TempDir
  Path temp;

  /** Main.run with the test's environment, from outside any copy of a release folder. */
  private static FanoutRun.Result fanout(String... args) {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int exit = Main.run(out, err, Map.of("PATH", System.getenv("PATH")), false,
        new java.io.BufferedReader(new java.io.StringReader("")), args);
    return new FanoutRun.Result(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8),
        err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  private Path write(String... more) {
    Path out = temp.resolve(".github/workflows/release.yml");
    String[] args = new String[4 + more.length];
    args[0] = "ci";
    args[1] = "github";
    args[2] = CONTEXTLITE.toString();
    args[3] = "--out=" + out;
    System.arraycopy(more, 0, args, 4, more.length);
    FanoutRun.Result r = fanout(args);
    assertEquals(0, r.exit(), r.all());
    return out;
  }

  @Test
  void actionlintAndActionValidatorAcceptTheContextliteWorkflow() throws Exception {
    ActionLint.require();
    Path workflow = write();
    Tools.Result validated = ActionLint.validate(REPO, workflow);
    assertEquals(0, validated.exit(), validated.output());
    Tools.Result linted = ActionLint.lint(REPO, temp, workflow.toString());
    assertEquals(0, linted.exit(), linted.output() + "\n" + Files.readString(workflow));
  }

  @Test
  void aRerunWritesTheSameBytesAndCheckExits2OnlyWhenTheFileDiffers() throws Exception {
    Path workflow = write();
    byte[] first = Files.readAllBytes(workflow);
    write();
    assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(workflow)), "a second run wrote other bytes");

    FanoutRun.Result check = fanout("ci", "github", CONTEXTLITE.toString(), "--out", workflow.toString(), "--check");
    assertEquals(0, check.exit(), check.all());

    Files.writeString(workflow, Files.readString(workflow).replace("contents: write", "contents: read"));
    check = fanout("ci", "github", CONTEXTLITE.toString(), "--out", workflow.toString(), "--check");
    assertEquals(2, check.exit(), check.all());
    assertTrue(check.out().contains("differs from the release graph"), check.out());
    assertFalse(Files.readString(workflow).contains("contents: write"), "--check wrote the file");

    Files.delete(workflow);
    check = fanout("ci", "github", CONTEXTLITE.toString(), "--out", workflow.toString(), "--check");
    assertEquals(2, check.exit(), check.all());
    assertFalse(Files.exists(workflow));
  }

  @Test
  void jobsAndNeedsFollowTheGraph() throws Exception {
    JsonNode jobs = new YAMLMapper().readTree(write().toFile()).get("jobs");
    JsonNode graph = new ObjectMapper().readTree(fanout("graph", CONTEXTLITE.toString(), "--format", "json").out());

    Map<String, String> jobOf = new TreeMap<>();
    Map<String, Set<String>> needs = new HashMap<>();
    jobs.fields().forEachRemaining(e -> {
      Set<String> n = new TreeSet<>();
      e.getValue().path("needs").forEach(x -> n.add(x.asText()));
      needs.put(e.getKey(), n);
      for (JsonNode step : e.getValue().path("steps")) {
        if (step.path("with").path("command").asText().equals("apply")) {
          String[] args = step.path("with").path("args").asText().split(" ");
          for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--target")) {
              String before = jobOf.put(args[i + 1], e.getKey());
              assertTrue(before == null, args[i + 1] + " is applied by two jobs");
            }
          }
        }
      }
    });
    Set<String> publications = new TreeSet<>();
    Map<String, String> kind = new HashMap<>();
    for (JsonNode n : graph.get("nodes")) {
      kind.put(n.get("address").asText(), n.get("kind").asText());
      if (n.get("kind").asText().equals("publication")) {
        publications.add(n.get("address").asText());
      }
    }
    assertEquals(publications, jobOf.keySet(), "every publication is applied by one job");

    Map<String, Set<String>> upstream = new HashMap<>();
    for (JsonNode e : graph.get("edges")) {
      upstream.computeIfAbsent(e.get("to").asText(), k -> new TreeSet<>()).add(e.get("from").asText());
    }
    int crossJob = 0;
    for (String p : publications) {
      for (String up : closure(upstream, p)) {
        String need = kind.get(up).equals("publication") ? jobOf.get(up) : kind.get(up).equals("build") ? "build" : null;
        if (need != null && !need.equals(jobOf.get(p))) {
          crossJob++;
          assertTrue(closure(needs, jobOf.get(p)).contains(need), jobOf.get(p) + " applies " + p + ", which needs " + up
              + ", but does not wait for " + need);
        }
      }
    }
    assertTrue(crossJob > 0);
    // Grouped: the hub alone, what waits for it, and the package registries that do not wait.
    assertEquals("publish-hub", jobOf.get("github_release.main"));
    assertEquals("publish-after-hub", jobOf.get("homebrew.contextlite"));
    assertEquals("publish-packages", jobOf.get("npm.contextlite"));
    assertFalse(needs.get("publish-packages").contains("publish-hub"), "a GitHub outage must not hold npm");
    assertEquals(Set.of("build", "plan", "publish-hub"), needs.get("publish-after-hub"));
    // The builds come first and the plan is made with their outputs, so it pins their digests.
    assertEquals(Set.of(), needs.get("build"));
    assertEquals(Set.of("build"), needs.get("plan"));
    JsonNode planStep = null;
    for (JsonNode step : jobs.get("plan").path("steps")) {
      planStep = step.path("with").path("command").asText().equals("plan") ? step : planStep;
    }
    assertEquals("--artifacts ${{ runner.temp }}/artifacts", planStep.path("with").path("args").asText());
    assertTrue(jobs.get("plan").path("steps").toString().contains("fanout-build-*"), "the plan job downloads the builds");
  }

  private static Set<String> closure(Map<String, Set<String>> edges, String from) {
    Set<String> out = new TreeSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>(Set.of(from));
    while (!todo.isEmpty()) {
      for (String next : edges.getOrDefault(todo.pop(), Set.of())) {
        if (out.add(next)) {
          todo.push(next);
        }
      }
    }
    return out;
  }

  @Test
  void theBuildMatrixHasOnePlatformPerArtifactPlatformOnItsRunner() throws Exception {
    JsonNode build = new YAMLMapper().readTree(write("--runner", "darwin=macos-14", "--runner",
        "linux-arm64=ubuntu-24.04-arm").toFile()).get("jobs").get("build");
    Map<String, String> runners = new TreeMap<>();
    for (JsonNode p : build.path("strategy").path("matrix").path("include")) {
      runners.put(p.get("os").asText() + "-" + p.get("arch").asText(), p.get("runner").asText());
      assertTrue(p.get("outputs").asText().startsWith("examples/contextlite/dist/contextlite-" + p.get("os").asText()),
          p.toString());
    }
    assertEquals(Map.of("darwin-amd64", "macos-14", "darwin-arm64", "macos-14", "linux-amd64", "ubuntu-latest",
        "linux-arm64", "ubuntu-24.04-arm", "windows-amd64", "windows-latest"), runners);
    assertTrue(build.toString().contains("--only os=${{ matrix.os }} --only arch=${{ matrix.arch }}"), build.toString());
  }

  @Test
  void eachJobHasTheLeastPermissionsItsTargetsNeed() throws Exception {
    JsonNode workflow = new YAMLMapper().readTree(write().toFile());
    assertEquals("{\"contents\":\"read\"}", workflow.get("permissions").toString());
    JsonNode jobs = workflow.get("jobs");
    assertEquals("{\"contents\":\"write\"}", jobs.get("publish-hub").get("permissions").toString());
    assertEquals("{\"contents\":\"read\",\"packages\":\"write\"}",
        jobs.get("publish-packages").get("permissions").toString(), "GitHub Packages");
    assertEquals("{\"contents\":\"read\"}", jobs.get("publish-after-hub").get("permissions").toString());
    assertEquals("{\"contents\":\"read\"}", jobs.get("plan").get("permissions").toString());
    assertFalse(workflow.toString().contains("id-token"), "every registry here has a token: no trusted publishing");
    assertEquals("fanout-contextlite-${{ github.ref_name }}", workflow.get("concurrency").get("group").asText());
    assertEquals("${{ secrets.NPM_TOKEN }}", jobs.get("publish-packages").get("steps").get(4).get("env").get("NPM_TOKEN")
        .asText());
    assertFalse(jobs.get("publish-hub").toString().contains("NPM_TOKEN"), "a job gets only its targets' secrets");
  }

  @Test
  void trustedPublishingGetsIdTokenWriteOnlyInItsJob() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    Files.writeString(f.dir.resolve("release.fanout"), Files.readString(f.dir.resolve("release.fanout"))
        .replaceAll("(?m)^\\s*token\\s*=\\s*env\\(\"NPM_TOKEN\"\\)\\s*$", ""));
    FanoutRun.Result r = f.run("ci", "github", f.dir.toString(), "--out", "-");
    assertEquals(0, r.exit(), r.all());
    JsonNode jobs = new YAMLMapper().readTree(r.out()).get("jobs");
    assertEquals("write", jobs.get("publish-packages").get("permissions").path("id-token").asText(), r.out());
    assertTrue(jobs.get("plan").get("permissions").path("id-token").isMissingNode());
  }

  @Test
  void aBadRunnerOrActionIsAClearError() {
    FanoutRun.Result r = fanout("ci", "github", CONTEXTLITE.toString(), "--out", "-", "--runner", "macos-14");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("--runner takes OS=LABEL, as in darwin=macos-14; got \"macos-14\""), r.err());
    r = fanout("ci", "github", CONTEXTLITE.toString(), "--out", "-", "--action", "fanout");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("--action takes OWNER/REPO@REF"), r.err());
  }
}
