package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved plan pins the bytes it showed: apply never publishes other ones in its name. */
class SavedPlanArtifactTest {

  @TempDir
  Path temp;

  private Path savedPlan(FanoutRun f) {
    Path p = temp.resolve("p");
    assertEquals(0, f.sandboxed("plan", "--out", p.toString()).exit());
    return p;
  }

  @Test
  void applyOfASavedPlanRefusesWhenAnArtifactChangedNamingItAndBothDigests() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    Path p = savedPlan(f);
    String pinned = new ObjectMapper().readTree(p.toFile()).get("artifacts").get("artifact.binary").asText();
    Files.writeString(f.dir.resolve("bin/hello-linux-amd64"), "#!/bin/sh\necho rebuilt\n");

    FanoutRun.Result apply = f.run("apply", p.toString());

    assertEquals(1, apply.exit(), apply.all());
    assertTrue(pinned.startsWith("sha256:"), pinned);
    assertTrue(apply.err().contains("artifact.binary is not the file the plan showed: the plan has " + pinned
        + ", the file now sha256:"), apply.err());
    assertEquals(0, f.writes(), "other bytes were published");
  }

  @Test
  void applyOfASavedPlanPublishesWhenTheArtifactsAreUnchanged() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    Path p = savedPlan(f);

    FanoutRun.Result apply = f.run("apply", p.toString());

    assertEquals(0, apply.exit(), apply.all());
    assertEquals(1, f.writes("npm"));
  }
}
