package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A GitHub repository that does not exist is found by the plan, with its name, before anything is written. */
class MistypedRepositoryPlanTest {

  @TempDir
  Path temp;

  @Test
  void mistypedTapRepositoryIsBlockedInThePlanWithItsName() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release).replace("\"contextlite/homebrew-tap\"", "\"contextlite/homebrew-tapp\""));

    FanoutRun.Result plan = f.sandboxed("plan", "--json");
    FanoutRun.Result text = f.sandboxed("plan");
    JsonNode homebrew = FanoutRun.change(plan, "homebrew.contextlite");

    assertEquals("blocked", homebrew.path("action").asText(), homebrew.toString());
    assertTrue(homebrew.path("reasons").toString().contains("contextlite/homebrew-tapp"), homebrew.toString());
    assertEquals("create", FanoutRun.change(plan, "scoop.contextlite").path("action").asText(), "the bucket is there");
    assertTrue(text.out().contains("contextlite/homebrew-tapp"), text.out());
    assertEquals(0, f.writes(), "a plan writes nothing");
  }
}
