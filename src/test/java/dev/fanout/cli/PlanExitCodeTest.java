package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exit codes a CI relies on: a plan or an apply that cannot publish what it shows never exits 0. */
class PlanExitCodeTest {

  private static final String READ_ONLY = "fanout-sandbox-readonly-token";

  @TempDir
  Path temp;

  @Test
  void planWithABlockedTargetExitsOneAfterPrintingTheWholePlan() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.env.put("NPM_TOKEN", READ_ONLY);

    FanoutRun.Result plan = f.sandboxed("plan");

    assertEquals(1, plan.exit(), plan.all());
    assertTrue(plan.out().contains("! npm.contextlite"), plan.out());
    assertTrue(plan.out().contains("+ pypi.contextlite") && plan.out().contains("1 blocked."),
        "the rest of the plan and its summary are printed: " + plan.out());
  }

  @Test
  void detailedExitcodeWithATargetWhoseOnlyTargetIsBlockedExitsOne() throws Exception {
    FanoutRun f = new FanoutRun(temp, "minimal");
    f.env.put("NPM_TOKEN", READ_ONLY);

    FanoutRun.Result plan = f.sandboxed("plan", "--target", "npm.hello", "--detailed-exitcode");

    assertEquals(1, plan.exit(), plan.all());
  }

  @Test
  void detailedExitcodeWithATargetIsTwoWithChangesAndZeroOncePublished() throws Exception {
    FanoutRun f = new FanoutRun(temp, "minimal");
    f.env.put("NPM_TOKEN", "fanout-sandbox-token");

    FanoutRun.Result before = f.sandboxed("plan", "--target", "npm.hello", "--detailed-exitcode");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");
    FanoutRun.Result after = f.sandboxed("plan", "--target", "npm.hello", "--detailed-exitcode");

    assertEquals(2, before.exit(), before.all());
    assertEquals(0, apply.exit(), apply.all());
    assertEquals(0, after.exit(), after.all());
  }

  @Test
  void applyWithNothingItCanPublishNamesEachBlockedTargetAndWhy() throws Exception {
    FanoutRun f = new FanoutRun(temp, "minimal");
    f.env.put("NPM_TOKEN", READ_ONLY);

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");

    assertEquals(1, apply.exit(), apply.all());
    assertTrue(apply.out().contains("Nothing to publish: 1 target cannot be published as planned:"), apply.out());
    assertTrue(apply.out().contains("  npm.hello is blocked: blocked: npm credentials"), apply.out());
    assertEquals(0, f.writes());
  }
}
