package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sandbox-except}: a target kept real must not publish content that points at the
 * sandbox. The "real" AUR here is a closed loopback port, so nothing leaves the machine.
 */
class MixedWorldsTest {

  private static final String[] REAL_AUR = {"--var", "aur_git=http://127.0.0.1:9", "--var", "aur_rpc=none"};

  @TempDir
  Path temp;

  @Test
  void aTargetKeptRealWhoseDownloadsAreInTheSandboxIsBlockedAndTheSourceIsNamed() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");

    FanoutRun.Result plan = f.sandboxed("plan", "--sandbox-except", "aur", "--target", "aur.contextlite", "--json",
        REAL_AUR[0], REAL_AUR[1], REAL_AUR[2], REAL_AUR[3]);

    assertEquals(1, plan.exit(), plan.all());
    JsonNode aur = FanoutRun.change(plan, "aur.contextlite");
    assertEquals("blocked", aur.get("action").asText(), aur.toString());
    String reason = aur.get("reasons").get(0).asText();
    assertTrue(reason.contains("kept on a real registry by --sandbox-except, but what it would publish refers to the"
        + " sandbox ("), reason);
    assertTrue(reason.contains("http://127.0.0.1:") && reason.contains("/download/"), "names a sandbox download: " + reason);
    assertTrue(reason.endsWith("Keep its source real too: --sandbox-except aur,github_release"), reason);
    assertEquals("create", FanoutRun.change(plan, "github_release.main").get("action").asText());
  }

  @Test
  void aTargetKeptRealWithItsSourceKeptRealIsNotBlockedForMixing() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");

    FanoutRun.Result plan = f.sandboxed("plan", "--sandbox-except", "aur,github_release", "--target", "aur.contextlite",
        "--json", REAL_AUR[0], REAL_AUR[1], REAL_AUR[2], REAL_AUR[3]);

    JsonNode aur = FanoutRun.change(plan, "aur.contextlite");
    assertFalse(aur.get("reasons").toString().contains("refers to the sandbox"), aur.toString());
  }
}
