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
    assertTrue(apply.out().contains("npm.hello: trying again, attempt 2 after: "), apply.out());
    assertTrue(apply.out().contains("503"), apply.out());
  }
}
