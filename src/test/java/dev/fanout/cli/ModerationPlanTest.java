package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chocolatey's community repository takes no new version of a package while an earlier one
 * waits in moderation and none stable is approved: the plan says so before anything is sent.
 */
class ModerationPlanTest {

  @TempDir
  Path temp;

  @Test
  void aSecondChocolateyVersionWhileTheFirstIsUnapprovedIsBlockedWithTheGallerysReason() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    FanoutRun.Result first = f.sandboxed("apply", "--auto-approve", "--target", "chocolatey.contextlite");
    long pushes = f.writes("chocolatey");

    FanoutRun.Result plan = f.sandboxed("plan", "--json", "--var", "version=1.0.36", "--target", "chocolatey.contextlite");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--var", "version=1.0.36",
        "--target", "chocolatey.contextlite");

    assertEquals(0, first.exit(), first.all());
    assertEquals(1, pushes, first.all());
    JsonNode change = FanoutRun.change(plan, "chocolatey.contextlite");
    assertEquals("blocked", change.get("action").asText(), plan.out());
    assertTrue(change.get("reasons").toString().contains("has a previous version in a submitted state, and no approved"
        + " stable releases") && change.get("reasons").toString().contains("1.0.35 (Submitted)"), plan.out());
    assertEquals(1, f.writes("chocolatey"), "the refused version was pushed: " + apply.all());
  }
}
