package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions from git: the release tag at HEAD, a clean work tree, and the commit in the plan's header. */
class GitVersionTest {

  @TempDir
  Path temp;
  private FanoutRun f;

  @BeforeEach
  void repository() throws Exception {
    f = new FanoutRun(temp, "minimal");
    f.env.put("NPM_TOKEN", "fanout-sandbox-token");
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release).replace("version     = \"0.1.0\"",
        "version     = trimprefix(git_tag(), \"v\")"));
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "release");
  }

  private void git(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Fanout Test", "-c",
        "user.email=test@fanout.dev", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(f.dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
  }

  @Test
  void gitTagTakesTheReleaseTagOverOtherTagsAtHeadAndTheHeaderNamesACleanCommit() throws Exception {
    git("tag", "aa-docs");
    git("tag", "v0.4.6");

    FanoutRun.Result plan = f.sandboxed("plan");

    assertEquals(0, plan.exit(), plan.all());
    assertTrue(plan.out().contains("hello 0.4.6 (version from git tag)"), plan.out());
    assertTrue(plan.out().matches("(?s).*From git commit [0-9a-f]{12} \\(clean\\)\\..*"), plan.out());
  }

  @Test
  void severalReleaseTagsAtHeadFailWithTheCandidates() throws Exception {
    git("tag", "v0.4.6");
    git("tag", "v0.4.6-rc.1");

    FanoutRun.Result validate = f.run("validate", f.dir.toString());

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.err().contains("Several release tags on HEAD"), validate.err());
    assertTrue(validate.err().contains("these match: v0.4.6, v0.4.6-rc.1"), validate.err());
  }

  @Test
  void noReleaseTagAtHeadFailsWithTheTagsThereAndACommandThatWorks() throws Exception {
    git("tag", "aa-docs");

    FanoutRun.Result before = f.run("validate", f.dir.toString());
    git("tag", "v1.2.3");
    FanoutRun.Result after = f.run("validate", f.dir.toString());

    assertEquals(1, before.exit(), before.all());
    assertTrue(before.err().contains("No release tag on HEAD"), before.err());
    assertTrue(before.err().contains("HEAD has only aa-docs. Tag the commit and run again: git tag v1.2.3"),
        before.err());
    assertEquals(0, after.exit(), "the hint's command works: " + after.all());
  }

  @Test
  void aTagPatternOfTheReleasesOwnIsTaken() throws Exception {
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release).replace("trimprefix(git_tag(), \"v\")",
        "trimprefix(git_tag(\"^release-\"), \"release-\")"));
    git("commit", "-q", "-am", "own tags");
    git("tag", "v9.9.9");
    git("tag", "release-2.0.1");

    FanoutRun.Result plan = f.sandboxed("plan");

    assertTrue(plan.out().contains("hello 2.0.1"), plan.all());
  }

  @Test
  void anUntrackedFileUnderTheReleaseFolderIsRefusedUnlessAllowDirty() throws Exception {
    git("tag", "v0.4.6");
    Files.writeString(f.dir.resolve("bin/extra"), "not committed\n");

    FanoutRun.Result refused = f.sandboxed("plan");
    FanoutRun.Result allowed = f.sandboxed("plan", "--allow-dirty");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");

    assertEquals(1, refused.exit(), refused.all());
    assertTrue(refused.err().contains("not clean: bin/extra") && refused.err().contains("--allow-dirty"),
        refused.err());
    assertEquals(0, allowed.exit(), allowed.all());
    assertTrue(allowed.out().contains("with 1 uncommitted file (allowed by --allow-dirty)"), allowed.out());
    assertEquals(1, apply.exit(), apply.all());
    assertEquals(0, f.writes());
  }

  @Test
  void anUncommittedChangeToATrackedFileIsRefused() throws Exception {
    git("tag", "v0.4.6");
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release) + "\n# edited\n");

    FanoutRun.Result refused = f.sandboxed("plan");

    assertEquals(1, refused.exit(), refused.all());
    assertTrue(refused.err().contains("not clean: release.fanout"), refused.err());
  }

  @Test
  void applyOfASavedPlanRefusesWhenHeadMovedSinceThePlan() throws Exception {
    git("tag", "v0.4.6");
    Path p = temp.resolve("p");
    FanoutRun.Result plan = f.sandboxed("plan", "--out", p.toString());
    assertEquals(0, plan.exit(), plan.all());
    String planned = plan.out().replaceAll("(?s).*From git commit ([0-9a-f]{12}).*", "$1");
    git("commit", "-q", "--allow-empty", "-m", "after the plan");
    git("tag", "-f", "v0.4.6");

    FanoutRun.Result apply = f.run("apply", p.toString());

    assertEquals(1, apply.exit(), apply.all());
    assertTrue(apply.err().matches("(?s).*Saved plan is stale: it was made at commit " + planned
        + ", and HEAD is now [0-9a-f]{12}\\. Make a new plan\\..*"), apply.err());
    assertEquals(0, f.writes());
  }
}
