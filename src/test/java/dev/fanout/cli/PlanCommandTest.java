package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fanout plan} against the sandbox, as a user runs it. */
class PlanCommandTest {

  private static final Set<String> AUDIT_DONE = Set.of("npm.contextlite", "pypi.contextlite",
      "github_packages.contextlite", "chocolatey.contextlite");

  @TempDir
  Path temp;

  @Test
  void auditScenarioPlansNoOpForWhatTheAuditPublishedAndChangesForTheRest() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");

    FanoutRun.Result plan = f.sandboxed("plan", "--scenario", "audit", "--json");
    FanoutRun.Result exit = f.sandboxed("plan", "--detailed-exitcode");

    assertEquals(0, plan.exit(), plan.all());
    Map<String, String> actions = FanoutRun.actions(plan);
    actions.forEach((address, action) -> {
      if (AUDIT_DONE.contains(address)) {
        assertEquals("no-op", action, address + " in " + plan.out());
      } else {
        assertTrue(action.equals("create") || action.equals("update"), address + " is " + action);
      }
      assertFalse(FanoutRun.change(plan, address).get("reasons").isEmpty(), address + " has no reason");
    });
    assertEquals("update", actions.get("homebrew.contextlite"), "the tap holds 1.0.34: an update");
    assertTrue(FanoutRun.change(plan, "homebrew.contextlite").get("reasons").toString().contains("1.0.34 -> 1.0.35"));
    assertEquals(2, exit.exit(), exit.all());
    assertTrue(exit.out().contains("Plan: "), exit.out());
  }

  @Test
  void tokenWithoutWriteAccessBlocksOnlyItsTargetWithTheReason() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.env.put("NPM_TOKEN", "fanout-sandbox-readonly-token");

    FanoutRun.Result plan = f.sandboxed("plan", "--json");

    assertEquals(1, plan.exit(), "a blocked target fails the plan: " + plan.all());
    JsonNode npm = FanoutRun.change(plan, "npm.contextlite");
    assertEquals("blocked", npm.get("action").asText());
    String reason = npm.get("reasons").get(0).asText();
    assertTrue(reason.contains("npm") && (reason.contains("write") || reason.contains("read-only")), reason);
    FanoutRun.actions(plan).forEach((address, action) -> {
      if (!address.equals("npm.contextlite")) {
        assertEquals("create", action, address);
      }
    });
  }

  @Test
  void registryAnswering503IsRetriedThenUnknownAndTheRestIsPlanned() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.faults("[{\"registry\": \"pypi\", \"operation\": \"read\", \"status\": 503}]");

    FanoutRun.Result plan = f.sandboxed("plan", "--json");

    assertEquals(1, plan.exit(), "an unknown target fails the plan: " + plan.all());
    JsonNode pypi = FanoutRun.change(plan, "pypi.contextlite");
    assertEquals("unknown", pypi.get("action").asText());
    assertTrue(pypi.get("reasons").get(0).asText().contains("503"), pypi.toString());
    long pypiReads = f.requests().stream().filter(r -> r.get("registry").asText().equals("pypi")
        && r.get("status").asInt() == 503).count();
    assertTrue(pypiReads > 1, "retried: " + pypiReads + " reads answered 503");
    assertEquals("create", FanoutRun.change(plan, "npm.contextlite").get("action").asText());
  }

  @Test
  void readSilentLongerThanHttpTimeoutIsRetriedAndPlanned() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"latency_ms\": 1500, \"times\": 1}]");

    FanoutRun.Result plan = f.sandboxed("plan", "--json", "--http-timeout", "500ms", "--target", "npm.contextlite");

    assertEquals(0, plan.exit(), plan.all());
    assertEquals("create", FanoutRun.change(plan, "npm.contextlite").get("action").asText());
    long npmReads = f.requests().stream().filter(r -> r.get("registry").asText().equals("npm")).count();
    assertTrue(npmReads > 1, "the silent read was sent again: " + npmReads + " npm requests");
  }

  @Test
  void httpTimeoutOfZeroIsRefusedWithTheOptionNamed() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");

    FanoutRun.Result plan = f.sandboxed("plan", "--http-timeout", "0s");

    assertEquals(1, plan.exit(), plan.all());
    assertTrue(plan.err().contains("--http-timeout must be more than zero"), plan.err());
  }

  @Test
  void publishedFileWithOtherBytesThanTheLocalArtifactPlansDriftWithBothChecksums() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    assertEquals(0, f.sandboxed("apply", "--auto-approve", "--target", "npm.contextlite").exit());
    // A rebuild after the publish (fanout build records it): the same version, other bytes on this machine.
    // A file changed by hand would not count: no build record vouches for it.
    Files.writeString(f.dir.resolve("build.sh"), Files.readString(f.dir.resolve("build.sh"))
        + "printf '# rebuilt differently\\n' >> \"$out\"\n");
    assertEquals(0, f.run("build", f.dir.toString()).exit());

    FanoutRun.Result plan = f.sandboxed("plan", "--json", "--target", "npm.contextlite");

    JsonNode npm = FanoutRun.change(plan, "npm.contextlite");
    assertEquals("drift", npm.get("action").asText(), plan.out());
    JsonNode item = npm.get("items").get(0);
    assertTrue(item.get("before").asText().startsWith("sha512-"), item.toString());
    assertTrue(item.get("after").asText().startsWith("sha512-"), item.toString());
    assertFalse(item.get("before").asText().equals(item.get("after").asText()));
    FanoutRun.Result text = f.sandboxed("plan", "--target", "npm.contextlite");
    assertTrue(text.out().contains(item.get("before").asText()) && text.out().contains(item.get("after").asText()),
        "the human plan shows both checksums: " + text.out());
  }

  @Test
  void planWritesNothing() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");

    assertEquals(0, f.sandboxed("plan").exit());
    assertEquals(0, f.sandboxed("plan", "--scenario", "audit").exit());
    long before = f.writes();
    assertEquals(0, f.sandboxed("plan", "--json").exit());
    FanoutRun.Result drift = f.sandboxed("drift");
    assertTrue(drift.exit() == 0 || drift.exit() == 2, "drift read the registries: " + drift.all());

    assertEquals(before, f.writes(), "plan and drift wrote to a registry");
    assertEquals(0, before);
  }

  @Test
  void targetLimitsThePlanToItAndWhatItNeedsWithAWarning() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");

    FanoutRun.Result plan = f.sandboxed("plan", "--target", "homebrew.contextlite", "--json");

    assertEquals(Set.of("homebrew.contextlite", "github_release.main"), FanoutRun.actions(plan).keySet());
    assertTrue(plan.json().get("warnings").get(0).asText().contains("--target"));
    FanoutRun.Result bad = f.sandboxed("plan", "--target", "homebrew.contextlit");
    assertEquals(1, bad.exit());
    assertTrue(bad.err().contains("Did you mean \"homebrew.contextlite\"?"), bad.err());
  }

  @Test
  void savedPlanRoundTripsAndIsRefusedWhenStaleOrEdited() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path planFile = temp.resolve("release.plan");

    FanoutRun.Result saved = f.sandboxed("plan", "--out", planFile.toString(), "--target", "npm.contextlite");
    String edited = Files.readString(planFile).replace("\"create\"", "\"no-op\"");
    Path editedFile = temp.resolve("edited.plan");
    Files.writeString(editedFile, edited);
    FanoutRun.Result refusedEdit = f.run("apply", editedFile.toString(), "--sandbox=" + f.sandbox);
    // Someone else publishes npm before the saved plan runs.
    assertEquals(0, f.sandboxed("apply", "--auto-approve", "--target", "npm.contextlite").exit());
    FanoutRun.Result stale = f.run("apply", planFile.toString(), "--sandbox=" + f.sandbox);

    assertEquals(0, saved.exit(), saved.all());
    assertFalse(Files.readString(planFile).contains("fanout-sandbox-token"));
    assertEquals(1, refusedEdit.exit());
    assertTrue(refusedEdit.err().contains("integrity"), refusedEdit.err());
    assertEquals(1, stale.exit());
    assertTrue(stale.err().contains("stale") && stale.err().contains("npm.contextlite"), stale.err());
  }

  @Test
  void savedPlanAppliesWhenNothingChanged() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path planFile = temp.resolve("release.plan");
    assertEquals(0, f.sandboxed("plan", "--out", planFile.toString(), "--target", "crates.contextlite").exit());

    FanoutRun.Result apply = f.run("apply", planFile.toString(), "--sandbox=" + f.sandbox);
    FanoutRun.Result show = f.run("show", planFile.toString());

    assertEquals(0, apply.exit(), apply.all());
    assertEquals(1, f.writes("crates"));
    assertTrue(show.out().contains("crates.contextlite"), show.all());
  }

  @Test
  void secretsNeverAppearInOutputOrPlanFile() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.env.put("NPM_TOKEN", "npm_SECRETSECRETSECRETSECRETSECRETSECRET12");
    f.env.put("GITHUB_TOKEN", "ghp_SECRETSECRETSECRETSECRETSECRETSECRET34");
    f.env.put("PYPI_TOKEN", "pypi-SECRETSECRETSECRETSECRET56");
    Path planFile = temp.resolve("release.plan");

    String everything = f.sandboxed("plan", "--out", planFile.toString()).all()
        + f.sandboxed("plan", "--json", "--debug").all()
        + f.sandboxed("apply", "--auto-approve", "--target", "npm.contextlite").all()
        + Files.readString(planFile)
        + Files.readString(f.dir.resolve(".fanout/journal.jsonl"))
        + Files.readString(f.sandbox.resolve("requests.jsonl"));

    assertFalse(everything.contains("SECRETSECRET"), "a token leaked");
  }
}
