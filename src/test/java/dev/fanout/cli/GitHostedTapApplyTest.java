package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example with its tap given as a git URL on another git server: validate takes it, and
 * in the sandbox the tap is the sandbox GitHub's repository of the same owner and name,
 * written over git (no contents API call) once, then up to date. Each command is its own
 * process, as a user runs them.
 */
class GitHostedTapApplyTest {

  @TempDir
  Path temp;

  private String run(FanoutRun f, String... args) throws Exception {
    Path out = Files.createTempFile(temp, "out", ".txt");
    Process p = FanoutRun.process(temp, args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "hung: " + String.join(" ", args));
    return p.exitValue() + "\n" + Files.readString(out);
  }

  @Test
  void aTapGivenAsAGitUrlAppliesOverGitInTheSandboxAndTheNextPlanHasNothingToDo() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path file = f.dir.resolve("release.fanout");
    Files.writeString(file, Files.readString(file).replace("repository = \"contextlite/homebrew-tap\"",
        "repository = \"https://git.example.invalid/contextlite/homebrew-tap.git\""));
    String sandbox = "--sandbox=" + f.sandbox;

    FanoutRun.Result validate = f.run("validate", f.dir.toString());
    String apply = run(f, "apply", f.dir.toString(), sandbox, "--auto-approve", "--target", "homebrew.contextlite");
    String plan = run(f, "plan", f.dir.toString(), sandbox, "--detailed-exitcode", "--target", "homebrew.contextlite");

    assertEquals(0, validate.exit(), validate.all());
    assertTrue(apply.startsWith("0\n"), apply);
    assertTrue(apply.contains("pushed Formula/contextlite.rb to https://git.example.invalid/contextlite/homebrew-tap.git"),
        apply);
    assertTrue(plan.startsWith("0\n"), plan);
    assertTrue(f.requests().stream().noneMatch(r -> r.get("path").asText().contains("/contents/Formula")),
        "the tap is not written through the contents API");
    assertEquals(1, f.requests().stream().filter(r -> r.get("write").asBoolean()
        && r.get("path").asText().equals("/git/contextlite/homebrew-tap.git/git-receive-pack")).count(), "one push");
  }
}
