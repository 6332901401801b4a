package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.apply.Lock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fanout apply} against the sandbox: only what is missing, failures contained, never twice. */
class ApplyCommandTest {

  private static final List<String> AUDIT_DONE_REGISTRIES = List.of("npm", "pypi", "github_packages", "chocolatey");

  @TempDir
  Path temp;

  @Test
  void auditApplyPublishesOnlyWhatIsMissingAndASecondApplyWritesNothing() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    FanoutRun.Result seeded = f.sandboxed("plan", "--scenario", "audit", "--detailed-exitcode");
    assertEquals(2, seeded.exit(), seeded.all());
    Map<String, Long> before = writesByRegistry(f);

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");
    Map<String, Long> after = writesByRegistry(f);
    long total = f.writes();
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve");
    FanoutRun.Result plan = f.sandboxed("plan", "--detailed-exitcode");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("14/14 published or up to date (100%)"), apply.out());
    for (String registry : AUDIT_DONE_REGISTRIES) {
      assertEquals(before.getOrDefault(registry, 0L), after.getOrDefault(registry, 0L), registry + " was written");
    }
    assertTrue(after.getOrDefault("oci", 0L) > before.getOrDefault("oci", 0L), "docker was not published");
    assertEquals(0, again.exit(), again.all());
    assertTrue(again.out().contains("Nothing to publish."), again.out());
    assertEquals(total, f.writes(), "the second apply wrote");
    assertEquals(0, plan.exit(), plan.all());
  }

  @Test
  void failingOciWritesFailDockerAloneAndTheReRunPublishesOnlyDocker() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.faults("[{\"registry\": \"oci\", \"operation\": \"write\", \"status\": 500}]");

    FanoutRun.Result first = f.sandboxed("apply", "--auto-approve", "--report", temp.resolve("r.json").toString());
    JsonNode report = new ObjectMapper().readTree(temp.resolve("r.json").toFile());
    f.faults("[]");
    Map<String, Long> beforeRerun = writesByRegistry(f);
    FanoutRun.Result rerun = f.sandboxed("apply", "--auto-approve");
    Map<String, Long> afterRerun = writesByRegistry(f);

    assertEquals(1, first.exit(), first.all());
    Map<String, String> status = new HashMap<>();
    report.get("nodes").forEach(n -> status.put(n.get("address").asText(), n.get("status").asText()));
    assertEquals("failed", status.get("docker.image"), report.toString());
    status.forEach((address, s) -> {
      if (!address.equals("docker.image") && !address.startsWith("build.") && !address.startsWith("artifact.")) {
        assertEquals("published", s, address);
      }
    });
    assertTrue(first.out().contains("13/14 published or up to date"), first.out());
    assertEquals(0, rerun.exit(), rerun.all());
    afterRerun.forEach((registry, n) -> {
      if (!registry.equals("oci")) {
        assertEquals(beforeRerun.getOrDefault(registry, 0L), n, registry + " written on the re-run");
      }
    });
    assertTrue(afterRerun.get("oci") > beforeRerun.getOrDefault("oci", 0L));
  }

  @Test
  void failedBuildBlocksWhatNeedsItsBinariesAndTheRestIsPublished() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path build = f.dir.resolve("build.sh");
    String script = Files.readString(build);
    // The audit's compile error, on one platform.
    Files.writeString(build, script.replace("set -eu\n",
        "set -eu\nif [ \"$1\" = windows ]; then echo 'cmd/contextlite/main.go:12:2: undefined: ctx' >&2; exit 2; fi\n"));

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--report", temp.resolve("r.json").toString());
    JsonNode report = new ObjectMapper().readTree(temp.resolve("r.json").toFile());

    assertEquals(1, apply.exit());
    Map<String, JsonNode> nodes = new HashMap<>();
    report.get("nodes").forEach(n -> nodes.put(n.get("address").asText(), n));
    JsonNode failed = nodes.get("build.binaries[\"windows-amd64\"]");
    assertEquals("failed", failed.get("status").asText());
    assertTrue(failed.get("detail").asText().contains("undefined: ctx"), failed.toString());
    for (String blocked : List.of("github_release.main", "npm.contextlite", "pypi.contextlite", "homebrew.contextlite",
        "winget.contextlite", "chocolatey.contextlite")) {
      assertEquals("blocked", nodes.get(blocked).get("status").asText(), blocked);
      assertTrue(nodes.get(blocked).get("root_cause").asText().contains("build.binaries[\"windows-amd64\"]"),
          blocked + ": " + nodes.get(blocked));
    }
    for (String published : List.of("docker.image", "snap.contextlite", "crates.contextlite")) {
      assertEquals("published", nodes.get(published).get("status").asText(), published);
    }
    assertTrue(apply.out().contains("root cause: build.binaries[\"windows-amd64\"] failed"), apply.out());
  }

  @Test
  void writeThatLandedButLostItsAnswerIsFoundByTheRetryAndNotPublishedTwice() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.faults("[{\"registry\": \"npm\", \"operation\": \"write\", \"drop\": \"after\", \"times\": 1}]");

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--target", "npm.contextlite");

    assertEquals(0, apply.exit(), apply.all());
    long landed = f.requests().stream().filter(r -> r.get("registry").asText().equals("npm")
        && r.get("method").asText().equals("PUT") && r.get("path").asText().equals("/contextlite")).count();
    assertEquals(1, landed, "npm publish requests (the first landed, its answer was lost): " + f.requests());
    String journal = Files.readString(f.dir.resolve(".fanout/journal.jsonl"));
    assertTrue(journal.contains("\"retry\""), journal);
  }

  @Test
  void secondApplyStopsAndNamesTheHolderOfTheLock() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    try (Lock held = Lock.acquire(f.dir.resolve(".fanout"), "apply of contextlite 1.0.35", Duration.ZERO)) {
      FanoutRun.Result second = f.sandboxed("apply", "--auto-approve");

      assertEquals(1, second.exit());
      assertTrue(second.err().contains("pid " + ProcessHandle.current().pid()), second.err());
      assertEquals(0, f.writes());
    }
    assertEquals(0, f.sandboxed("apply", "--auto-approve", "--target", "crates.contextlite").exit());
  }

  @Test
  void applyWithoutATerminalRefusesWithoutAutoApprove() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");

    FanoutRun.Result apply = f.sandboxed("apply");

    assertEquals(1, apply.exit());
    assertTrue(apply.err().contains("--auto-approve"), apply.err());
    assertEquals(0, f.writes());
  }

  @Test
  void reportAndStepSummaryHoldTheSuccessRateAndNoSecret() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path summary = temp.resolve("summary.md");
    f.env.put("GITHUB_STEP_SUMMARY", summary.toString());
    f.env.put("NPM_TOKEN", "npm_REPORTSECRETREPORTSECRETREPORTSECRET1");

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--report", temp.resolve("report.md").toString(),
        "--json");

    assertEquals(0, apply.exit(), apply.all());
    String md = Files.readString(temp.resolve("report.md"));
    assertTrue(md.contains("14/14 published or up to date (100%)"), md);
    assertTrue(md.contains("| `npm.contextlite` | published |"), md);
    assertEquals(md, Files.readString(summary));
    for (String line : apply.out().split("\n")) {
      new ObjectMapper().readTree(line);
    }
    assertTrue(apply.out().contains("\"type\":\"apply_complete\""), apply.out());
    assertFalse((md + apply.all() + Files.readString(f.dir.resolve(".fanout/journal.jsonl"))).contains("REPORTSECRET"));
  }

  private static Map<String, Long> writesByRegistry(FanoutRun f) {
    Map<String, Long> out = new HashMap<>();
    f.requests().stream().filter(r -> r.get("write").asBoolean())
        .forEach(r -> out.merge(r.get("registry").asText(), 1L, Long::sum));
    return out;
  }
}
