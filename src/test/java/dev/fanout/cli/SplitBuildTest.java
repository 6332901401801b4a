package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.provider.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release split by hand over machines: {@code fanout build --only os=darwin} builds one
 * platform and records it; {@code fanout apply PLANFILE --artifacts DIR} publishes outputs built
 * elsewhere, each checked against the digest the plan showed.
 */
class SplitBuildTest {

  @TempDir
  Path temp;

  private FanoutRun f;

  @BeforeEach
  void releaseBuiltForTwoPlatforms() throws Exception {
    f = FanoutRun.minimal(temp);
    Files.writeString(f.dir.resolve("build.sh"), """
        #!/bin/sh
        set -eu
        mkdir -p "$(dirname "$3")"
        printf '#!/bin/sh\\necho "hello %s on %s"\\n' "$1" "$2" > "$3"
        """);
    Files.writeString(f.dir.resolve("release.fanout"), """
        release "hello" {
          version = "0.1.0"
          license = "MIT"
        }

        variable "platforms" {
          default = [{ os = "linux", arch = "amd64" }, { os = "darwin", arch = "arm64" }]
        }

        build "binary" {
          for_each = var.platforms
          command  = ["sh", "build.sh", release.version, each.key, "dist/hello-${each.key}"]
          output   = "dist/hello-${each.key}"
        }

        artifact "binary" {
          for_each = var.platforms
          os       = each.os
          arch     = each.arch
          name     = "hello-${each.key}"
          sources  = [build.binary[each.key].output]
        }

        provider "npm" {
          registry = "https://registry.npmjs.org"
          token    = env("NPM_TOKEN")
        }

        npm "hello" {
          package  = "@fanout-examples/hello"
          binaries = artifact.binary
        }
        """);
  }

  @Test
  void buildOnlyOsDarwinBuildsThatPlatformAloneAndRecordsIt() throws Exception {
    FanoutRun.Result build = f.run("build", f.dir.toString(), "--only", "os=darwin");

    assertEquals(0, build.exit(), build.all());
    assertTrue(Files.exists(f.dir.resolve("dist/hello-darwin-arm64")));
    assertFalse(Files.exists(f.dir.resolve("dist/hello-linux-amd64")), "the linux build ran too");
    String record = Files.readString(f.dir.resolve(".fanout/build.json"));
    assertTrue(record.contains("build.binary[\\\"darwin-arm64\\\"]"), record);
    assertFalse(record.contains("build.binary[\\\"linux-amd64\\\"]"), record);
    assertTrue(build.out().contains("Built 1 for hello 0.1.0"), build.out());

    // The other platform later, on its own machine: the record keeps both.
    assertEquals(0, f.run("build", f.dir.toString(), "--only", "os=linux", "--only", "arch=amd64").exit());
    record = Files.readString(f.dir.resolve(".fanout/build.json"));
    assertTrue(record.contains("darwin-arm64") && record.contains("linux-amd64"), record);
  }

  @Test
  void buildOnlyOfAPlatformNoBuildMakesSaysWhichThereAre() {
    FanoutRun.Result build = f.run("build", f.dir.toString(), "--only", "os=plan9");
    assertEquals(1, build.exit(), build.all());
    assertTrue(build.err().contains("No build step makes artifacts for os=plan9; the builds make darwin-arm64,"
        + " linux-amd64."), build.err());
    FanoutRun.Result bad = f.run("build", f.dir.toString(), "--only", "darwin");
    assertEquals(1, bad.exit());
    assertTrue(bad.err().contains("--only takes os=OS or arch=ARCH"), bad.err());
  }

  /** Both platforms built, planned with their digests, the outputs moved to another machine's folder. */
  private Path builtElsewhere(Path plan) throws Exception {
    assertEquals(0, f.run("build", f.dir.toString()).exit());
    assertEquals(0, f.sandboxed("plan", "--out", plan.toString()).exit());
    Path incoming = Files.createDirectories(temp.resolve("incoming"));
    for (String p : new String[] {"linux-amd64", "darwin-arm64"}) {
      Files.move(f.dir.resolve("dist/hello-" + p), incoming.resolve("hello-" + p));
    }
    // This machine cannot build: apply must publish the files it was given, not build others.
    Files.writeString(f.dir.resolve("build.sh"), "#!/bin/sh\nexit 3\n");
    Files.delete(f.dir.resolve(".fanout/build.json"));
    return incoming;
  }

  @Test
  void applyArtifactsPublishesOutputsBuiltElsewhereWithoutBuilding() throws Exception {
    Path plan = temp.resolve("release.plan");
    Path incoming = builtElsewhere(plan);

    FanoutRun.Result apply = f.run("apply", plan.toString(), "--artifacts", incoming.toString());

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("Took 2 artifacts built elsewhere from " + incoming), apply.out());
    assertEquals(1, f.writes("npm"));
    assertEquals(Files.readString(incoming.resolve("hello-darwin-arm64")),
        Files.readString(f.dir.resolve("dist/hello-darwin-arm64")));
  }

  @Test
  void applyArtifactsRefusesAFileThatIsNotThePlannedOneNamingTheArtifactAndBothDigests() throws Exception {
    Path plan = temp.resolve("release.plan");
    Path incoming = builtElsewhere(plan);
    Path file = incoming.resolve("hello-darwin-arm64");
    String planned = "sha256:" + Digests.sha256Hex(file);
    Files.writeString(file, "#!/bin/sh\necho 'built from another commit'\n");
    String given = "sha256:" + Digests.sha256Hex(file);

    FanoutRun.Result apply = f.run("apply", plan.toString(), "--artifacts", incoming.toString());

    assertEquals(1, apply.exit(), apply.all());
    assertTrue(apply.err().contains("artifact.binary[\"darwin-arm64\"]: " + file + " is not the file the plan showed:"
        + " the plan has " + planned + ", the file " + given), apply.err());
    assertEquals(0, f.writes(), "other bytes were published");
  }

  /**
   * As the workflow of {@code fanout ci github} runs it: the build jobs first, then the plan job
   * plans with their outputs ({@code plan --out --artifacts}), on a machine that cannot build.
   */
  @Test
  void planArtifactsPinsTheDigestsOfOutputsBuiltElsewhereAndApplyRefusesOtherFiles() throws Exception {
    assertEquals(0, f.run("build", f.dir.toString()).exit());
    Path incoming = Files.createDirectories(temp.resolve("incoming"));
    for (String p : new String[] {"linux-amd64", "darwin-arm64"}) {
      Files.move(f.dir.resolve("dist/hello-" + p), incoming.resolve("hello-" + p));
    }
    Files.writeString(f.dir.resolve("build.sh"), "#!/bin/sh\nexit 3\n");
    Files.delete(f.dir.resolve(".fanout/build.json"));
    Path plan = temp.resolve("release.plan");

    FanoutRun.Result planned = f.sandboxed("plan", "--out", plan.toString(), "--artifacts", incoming.toString());

    assertEquals(0, planned.exit(), planned.all());
    assertTrue(planned.out().contains("Took 2 artifacts built elsewhere from " + incoming), planned.out());
    assertFalse(planned.out().contains("known after build"), "the plan did not see the outputs:\n" + planned.out());
    // A publish job given another build's file (a re-run build job, another commit) stops.
    Path other = Files.createDirectories(temp.resolve("other"));
    Files.copy(incoming.resolve("hello-linux-amd64"), other.resolve("hello-linux-amd64"));
    Files.writeString(other.resolve("hello-darwin-arm64"), "#!/bin/sh\necho 'built again, other bytes'\n");
    FanoutRun.Result refused = f.run("apply", plan.toString(), "--artifacts", other.toString());
    assertEquals(1, refused.exit(), refused.all());
    assertTrue(refused.err().contains("artifact.binary[\"darwin-arm64\"]: " + other.resolve("hello-darwin-arm64")
        + " is not the file the plan showed"), refused.err());
    assertEquals(0, f.writes(), "other bytes were published");
    FanoutRun.Result apply = f.run("apply", plan.toString(), "--artifacts", incoming.toString());
    assertEquals(0, apply.exit(), apply.all());
    assertEquals(1, f.writes("npm"));
  }

  @Test
  void applyArtifactsOfAFolderThatIsNotThereSaysSo() throws Exception {
    Path plan = temp.resolve("release.plan");
    builtElsewhere(plan);
    FanoutRun.Result apply = f.run("apply", plan.toString(), "--artifacts", temp.resolve("nowhere").toString());
    assertEquals(1, apply.exit(), apply.all());
    assertTrue(apply.err().contains("is not a folder"), apply.err());
  }

  @Test
  void eachJobAppliesItsTargetsOfOneSavedPlanWithTheArtifactsBuiltElsewhere() throws Exception {
    Files.writeString(f.dir.resolve("release.fanout"), Files.readString(f.dir.resolve("release.fanout")) + """

        npm "other" {
          package  = "@fanout-examples/other"
          binaries = artifact.binary
        }
        """);
    Path plan = temp.resolve("release.plan");
    Path incoming = builtElsewhere(plan);

    FanoutRun.Result first = f.run("apply", plan.toString(), "--target", "npm.hello", "--artifacts", incoming.toString());
    assertEquals(0, first.exit(), first.all());
    assertEquals(1, f.writes("npm"), "only npm.hello is this job's");
    assertFalse(first.out().contains("npm.other"), first.out());

    // The second job starts after the first wrote: the saved plan still holds for its own target.
    FanoutRun.Result second = f.run("apply", plan.toString(), "--target", "npm.other", "--artifacts", incoming.toString());
    assertEquals(0, second.exit(), second.all());
    assertEquals(2, f.writes("npm"));

    FanoutRun.Result unknown = f.run("apply", plan.toString(), "--target", "npm.nope");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("--target npm.nope is not in the saved plan " + plan + "; it has npm.hello,"
        + " npm.other."), unknown.err());
  }
}
