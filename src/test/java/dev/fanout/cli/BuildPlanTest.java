package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.provider.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan shows the digest of a build's output only when the build record vouches for it:
 * an older release's binary left in dist/ is never shown (nor published) as this release's.
 */
class BuildPlanTest {

  @TempDir
  Path temp;

  private FanoutRun f;
  private Path binary;

  @BeforeEach
  void releaseWithABuild() throws Exception {
    f = FanoutRun.minimal(temp);
    binary = f.dir.resolve("dist/hello-linux-amd64");
    Files.writeString(f.dir.resolve("build.sh"), """
        #!/bin/sh
        set -eu
        mkdir -p "$(dirname "$2")"
        printf '#!/bin/sh\\necho "hello %s"\\n' "$1" > "$2"
        """);
    Files.writeString(f.dir.resolve("release.fanout"), """
        variable "version" {
          default = "0.1.0"
        }

        release "hello" {
          version = var.version
          license = "MIT"
        }

        build "binary" {
          command = ["sh", "build.sh", release.version, "dist/hello-linux-amd64"]
          output  = "dist/hello-linux-amd64"
        }

        artifact "binary" {
          os      = "linux"
          arch    = "amd64"
          name    = "hello-linux-amd64"
          sources = [build.binary.output]
        }

        provider "npm" {
          registry = "https://registry.npmjs.org"
          token    = env("NPM_TOKEN")
        }

        npm "hello" {
          package  = "@fanout-examples/hello"
          binaries = [artifact.binary]
        }
        """);
  }

  private static JsonNode pinned(FanoutRun.Result plan) {
    return plan.json().get("artifacts");
  }

  @Test
  void afterFanoutBuildThePlanShowsAndPinsTheBuiltDigest() throws Exception {
    FanoutRun.Result build = f.run("build", f.dir.toString());
    assertEquals(0, build.exit(), build.all());
    assertTrue(build.out().contains("built build.binary"), build.out());
    JsonNode record = new ObjectMapper().readTree(f.dir.resolve(".fanout/build.json").toFile());
    String sha = "sha256:" + Digests.sha256Hex(binary);
    assertEquals("0.1.0", record.get("version").asText());
    assertEquals(sha, record.get("steps").get("build.binary").get("outputs").get("dist/hello-linux-amd64").asText());

    FanoutRun.Result plan = f.sandboxed("plan", "--json");

    assertEquals(0, plan.exit(), plan.all());
    assertEquals(sha, pinned(plan).path("artifact.binary").asText(), plan.out());
  }

  @Test
  void aNewVersionWithTheOldBinaryInDistIsKnownAfterBuildAndSaysWhy() throws Exception {
    assertEquals(0, f.run("build", f.dir.toString()).exit());
    String oldSha = Digests.sha256Hex(binary);

    FanoutRun.Result plan = f.sandboxed("plan", "--var", "version=0.1.1");
    FanoutRun.Result json = f.sandboxed("plan", "--var", "version=0.1.1", "--json");

    assertEquals(0, plan.exit(), plan.all());
    assertTrue(plan.out().contains("+ npm.hello"), plan.out());
    assertTrue(plan.out().contains("(known after build)"), plan.out());
    assertTrue(plan.out().contains("The outputs on disk of build.binary are not used: the build record"
        + " (.fanout/build.json) is for 0.1.0, this release is 0.1.1"), plan.out());
    assertFalse(plan.out().contains(oldSha), plan.out());
    assertFalse(pinned(json).has("artifact.binary"), json.out());
    assertEquals("create", FanoutRun.actions(json).get("npm.hello"));
  }

  @Test
  void aBinaryInDistWithoutABuildRecordIsNotTrusted() throws Exception {
    Files.createDirectories(binary.getParent());
    Files.writeString(binary, "#!/bin/sh\necho 'hello 0.0.9'\n");

    FanoutRun.Result plan = f.sandboxed("plan");

    assertEquals(0, plan.exit(), plan.all());
    assertTrue(plan.out().contains("(known after build)"), plan.out());
    assertTrue(plan.out().contains("no build record (.fanout/build.json) vouches for them"), plan.out());
  }

  @Test
  void applyOfASavedPlanRefusesWhenTheBuiltBinaryChangedNamingItAndBothDigests() throws Exception {
    assertEquals(0, f.run("build", f.dir.toString()).exit());
    Path p = temp.resolve("p");
    assertEquals(0, f.sandboxed("plan", "--out", p.toString()).exit());
    String planned = "sha256:" + Digests.sha256Hex(binary);
    Files.writeString(binary, "#!/bin/sh\necho 'hello, changed by hand'\n");
    String now = "sha256:" + Digests.sha256Hex(binary);

    FanoutRun.Result apply = f.run("apply", p.toString());

    assertEquals(1, apply.exit(), apply.all());
    assertTrue(apply.err().contains("artifact.binary is not the file the plan showed: the plan has " + planned
        + ", the file now " + now), apply.err());
    assertEquals(0, f.writes(), "other bytes were published");
  }

  @Test
  void applyOfASavedPlanPublishesTheRecordedBytesWithoutBuildingAgain() throws Exception {
    assertEquals(0, f.run("build", f.dir.toString()).exit());
    Path p = temp.resolve("p");
    assertEquals(0, f.sandboxed("plan", "--out", p.toString()).exit());
    // A build that is not reproducible would make other bytes: apply must not run it again.
    Files.writeString(f.dir.resolve("build.sh"), "#!/bin/sh\nexit 3\n");
    Files.writeString(f.dir.resolve(".fanout/build.json"), Files.readString(f.dir.resolve(".fanout/build.json"))
        .replaceAll("\"build.sh\" : \"sha256:[0-9a-f]+\"", "\"build.sh\" : \"sha256:" + Digests.sha256Hex(
            f.dir.resolve("build.sh")) + "\""));

    FanoutRun.Result apply = f.run("apply", p.toString());

    assertEquals(0, apply.exit(), apply.all());
    assertEquals(1, f.writes("npm"));
  }

  @Test
  void applyRecordsWhatItBuiltSoTheNextPlanShowsTheDigest() throws Exception {
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");
    assertEquals(0, apply.exit(), apply.all());

    FanoutRun.Result plan = f.sandboxed("plan", "--json");

    assertEquals("sha256:" + Digests.sha256Hex(binary), pinned(plan).path("artifact.binary").asText(), plan.out());
    assertEquals("no-op", FanoutRun.actions(plan).get("npm.hello"));
  }
}
