package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries are eventually consistent: a write they acknowledged shows in their reads
 * later. Apply must neither call that a failure nor send the write again, and the next plan
 * must show it in progress, not missing.
 */
class RegistryLagTest {

  @TempDir
  Path temp;

  @Test
  void mavenCentralsLaggingRepositoryEndsPublishedNotVisibleYetAndTheNextPlanShowsItInProgress() throws Exception {
    FanoutRun f = new FanoutRun(temp, "java-library");
    f.faults("[{\"registry\": \"maven_central\", \"visibility_delay_ms\": 900000}]");

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");
    FanoutRun.Result plan = f.sandboxed("plan", "--json");
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.all().contains("not visible yet"), apply.all());
    assertTrue(apply.out().contains("published or up to date (100%)"), apply.out());
    assertEquals(1, uploads(f), "the bundle was uploaded again");
    JsonNode change = FanoutRun.change(plan, "maven_central.greeter");
    assertEquals("no-op", change.get("action").asText(), plan.out());
    assertTrue(change.get("reasons").toString().contains("is in progress: the Central Portal says"), plan.out());
    assertEquals(0, again.exit(), again.all());
    assertEquals(1, uploads(f), "the second apply uploaded again");
    assertTrue(Files.readString(f.dir.resolve(".fanout/journal.jsonl")).contains("\"event\":\"not_visible_yet\""));

    f.faults("[]");
    FanoutRun.Result caughtUp = f.sandboxed("plan", "--json");
    assertEquals("no-op", FanoutRun.change(caughtUp, "maven_central.greeter").get("action").asText());
    assertTrue(!FanoutRun.change(caughtUp, "maven_central.greeter").get("reasons").toString().contains("in progress"),
        caughtUp.out());
  }

  @Test
  void pypisStaleJsonIsSeenPastThroughTheSimpleIndexSoTheUploadIsVerifiedAndNeverRepeated() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.faults("[{\"registry\": \"pypi\", \"visibility_delay_ms\": 60000}]");

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");
    long pypiWrites = f.writes("pypi");
    FanoutRun.Result plan = f.sandboxed("plan", "--json");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("14/14 published or up to date (100%)"), apply.out());
    assertTrue(!apply.all().contains("pypi.contextlite: not visible yet") && !apply.all().matches("(?s).*pypi[^\\n]*not visible yet.*"),
        apply.all());
    JsonNode change = FanoutRun.change(plan, "pypi.contextlite");
    assertEquals("no-op", change.get("action").asText(), plan.out());
    assertEquals(change.get("before").get("items").size(), pypiWrites, "one upload per file: " + change);
    assertEquals(pypiWrites, f.writes("pypi"));
    assertEquals(0, FanoutRun.actions(plan).values().stream().filter(a -> a.equals("create")).count(), plan.out());
  }

  private static long uploads(FanoutRun f) {
    return f.requests().stream().filter(r -> r.get("path").asText().startsWith("/api/v1/publisher/upload")).count();
  }
}
