package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved plan carries how it was made: {@code apply PLANFILE} needs no flags, and refuses ones that contradict it. */
class SavedPlanOptionsTest {

  @TempDir
  Path temp;

  @Test
  void applyOfASavedPlanNeedsNoFlagsForItsSandboxVariablesAndTargets() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path p = temp.resolve("p");
    FanoutRun.Result plan = f.sandboxed("plan", "--var", "version=1.0.36", "--target", "crates.contextlite",
        "--out", p.toString());

    FanoutRun.Result apply = f.run("apply", p.toString());

    assertEquals(0, plan.exit(), plan.all());
    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("contextlite 1.0.36"), apply.out());
    assertEquals(1, f.writes("crates"), "published to the plan's sandbox");
  }

  @Test
  void aFlagThatContradictsTheSavedPlanIsRefusedWithThePlansValue() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path p = temp.resolve("p");
    assertEquals(0, f.sandboxed("plan", "--var", "version=1.0.36", "--target", "crates.contextlite",
        "--out", p.toString()).exit());

    FanoutRun.Result otherVar = f.run("apply", p.toString(), "--var", "version=1.0.37");
    FanoutRun.Result otherSandbox = f.run("apply", p.toString(), "--sandbox=" + temp.resolve("elsewhere"));
    FanoutRun.Result otherTarget = f.run("apply", p.toString(), "--target", "npm.contextlite");
    long writesAfterRefusals = f.writes();
    FanoutRun.Result same = f.run("apply", p.toString(), "--sandbox=" + f.sandbox, "--var", "version=1.0.36");

    assertEquals(1, otherVar.exit());
    assertTrue(otherVar.err().contains("--var version=1.0.37 contradicts the saved plan, made with --var version=1.0.36"),
        otherVar.err());
    assertEquals(1, otherSandbox.exit());
    assertTrue(otherSandbox.err().contains("made with --sandbox=" + f.sandbox), otherSandbox.err());
    assertEquals(1, otherTarget.exit());
    assertTrue(otherTarget.err().contains("made with --target crates.contextlite"), otherTarget.err());
    assertEquals(0, writesAfterRefusals, "nothing was published by a refused apply");
    assertEquals(0, same.exit(), "flags that agree with the plan are fine: " + same.all());
  }

  @Test
  void aSensitiveVariableIsNotSavedAndMustBeGivenAgain() throws Exception {
    FanoutRun f = new FanoutRun(temp, "minimal");
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release).replace("env(\"NPM_TOKEN\")", "var.npm_token")
        + "\nvariable \"npm_token\" {\n  type      = string\n  sensitive = true\n}\n");
    Path p = temp.resolve("p");
    FanoutRun.Result plan = f.sandboxed("plan", "--var", "npm_token=fanout-sandbox-token", "--out", p.toString());

    FanoutRun.Result without = f.run("apply", p.toString());
    FanoutRun.Result with = f.run("apply", p.toString(), "--var", "npm_token=fanout-sandbox-token");

    assertEquals(0, plan.exit(), plan.all());
    assertTrue(plan.out().contains("--var npm_token=..."), plan.out());
    assertFalse(Files.readString(p).contains("fanout-sandbox-token"), "the plan file holds the token");
    assertEquals(1, without.exit());
    assertTrue(without.err().contains("sensitive variable npm_token"), without.err());
    assertEquals(0, with.exit(), with.all());
    assertEquals(1, f.writes("npm"));
  }
}
