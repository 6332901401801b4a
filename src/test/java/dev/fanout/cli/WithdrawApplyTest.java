package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21's acceptance: examples/contextlite 1.0.34 and 1.0.35 published into an empty
 * sandbox, then {@code withdraw "1.0.35"}: the plan shows each registry's steps, apply does
 * them, a second apply writes nothing and drift agrees.
 */
class WithdrawApplyTest {

  static final String REASON = "corrupts the index on upgrade; use 1.0.36";

  @TempDir
  Path temp;

  static void withdraw(FanoutRun f, String version) throws Exception {
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release) + "\nwithdraw \"" + version + "\" {\n  reason = \""
        + REASON + "\"\n}\n");
  }

  @Test
  void withdrawingTheNewestVersionIsPlannedAppliedOnceAndAgreedByDrift() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    FanoutRun.Result older = f.sandboxed("apply", "--auto-approve", "--var", "version=1.0.34");
    assertEquals(0, older.exit(), older.all());
    // Chocolatey holds 1.0.34 in moderation and refuses 1.0.35 until it is approved: blocked, exit 1.
    FanoutRun.Result newer = f.sandboxed("apply", "--auto-approve");
    assertTrue(newer.out().contains("npm.contextlite              published"), newer.all());
    withdraw(f, "1.0.35");

    FanoutRun.Result plan = f.sandboxed("plan");
    System.out.println(plan.all());
    FanoutRun.Result json = f.sandboxed("plan", "--json");
    assertEquals(0, plan.exit(), plan.all());
    long before = f.writes();
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");
    System.out.println(apply.all());
    assertEquals(0, apply.exit(), apply.all());
    assertTrue(f.writes() > before);

    long settled = f.writes();
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve");
    assertEquals(0, again.exit(), again.all());
    assertEquals(settled, f.writes(), again.all());
    FanoutRun.Result drift = f.sandboxed("drift");
    System.out.println(drift.all());
    assertEquals(0, drift.exit(), drift.all());
  }
}
