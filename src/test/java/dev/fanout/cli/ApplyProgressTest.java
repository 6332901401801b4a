package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apply is never silent while a registry is slow: a line while a target waits, and one per retry. */
class ApplyProgressTest {

  @TempDir
  Path temp;

  @Test
  void aTargetWaitingOnASlowRegistryGetsAStillWaitingLine() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    f.faults("[{\"registry\": \"npm\", \"operation\": \"write\", \"latency_ms\": 1500, \"times\": 1}]");

    // The interval is 10s by default; a shorter one keeps the test fast.
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--progress-interval", "200ms");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("npm.hello: still waiting on "), apply.out());
  }

  @Test
  void eachRetryOfAWriteGetsALineWithItsReason() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    f.faults("[{\"registry\": \"npm\", \"operation\": \"write\", \"status\": 503, \"times\": 1}]");

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("npm.hello: trying again, attempt 2 of 4 in "), apply.out());
    assertTrue(apply.out().matches("(?s).*attempt 2 of 4 in \\d+\\.\\ds after: .*503.*"), apply.out());
  }

  @Test
  void planSaysWhichTargetsStillWaitOnTheirRegistry() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    f.faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"latency_ms\": 1500, \"times\": 1}]");

    FanoutRun.Result plan = f.sandboxed("plan", "--progress-interval", "200ms");

    assertEquals(0, plan.exit(), plan.all());
    assertTrue(plan.err().contains("npm.hello: still waiting on npm (sandbox) ("), plan.err());
  }

  @Test
  void aReadRetriedInsideTheHttpClientGetsALineWithItsReasonAndWait() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    f.faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"status\": 503, \"times\": 1}]");

    FanoutRun.Result plan = f.sandboxed("plan");

    assertEquals(0, plan.exit(), plan.all());
    assertTrue(plan.err().matches("(?s).*npm\\.hello: reading again, GET 127\\.0\\.0\\.1/\\S*: HTTP 503; again in"
        + " \\d+\\.\\ds, attempt 2 of 4.*"), plan.err());
  }

  @Test
  void onATerminalThePlanShowsEachWaitingTargetsElapsedTimeLive() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    f.faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"latency_ms\": 2500, \"times\": 1}]");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

    int exit = Main.run(out, err, f.env, true, new java.io.BufferedReader(new java.io.StringReader("")),
        "plan", f.dir.toString(), "--sandbox=" + f.sandbox, "--no-color");

    String shown = err.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, exit, shown);
    assertTrue(shown.matches("(?s).*Reading registries: 0/1; waiting: npm\\.hello [1-9]s.*"), shown);
    assertTrue(shown.contains("Reading registries: 1/1 "), "the finished target leaves the line: " + shown);
    assertTrue(!shown.contains("still waiting on"), "a terminal gets the live line, not the plain lines: " + shown);
  }

  @Test
  void aReadRetriedInsideTheHttpClientDuringApplyGetsALine() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    Path p = temp.resolve("p");
    assertEquals(0, f.sandboxed("plan", "--out", p.toString()).exit());
    // Every second read of the package: the saved plan's check reads it first, apply's read before the write next.
    f.faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"path\": \"hello$\", \"status\": 503,"
        + " \"every\": 2}]");

    FanoutRun.Result apply = f.run("apply", p.toString());

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().matches("(?s).*npm\\.hello: trying again, read GET 127\\.0\\.0\\.1/\\S*hello: HTTP 503;"
        + " again in \\d+\\.\\ds, attempt 2 of 4.*"), apply.out());
  }
}
