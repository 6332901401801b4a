package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.apply.Lock;
import dev.fanout.testing.GitHttpServer;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apply lock as a git ref on a real git server (git's own http-backend): two release folders
 * (separate .fanout, as on two runners) share one lock; the second apply stops naming the holder or
 * waits for it; force-unlock removes the ref.
 */
class GitRefLockTest {

  static final String REF = "refs/fanout/locks/hello";

  @TempDir
  Path temp;

  private GitHttpServer git;

  @BeforeEach
  void start() throws Exception {
    git = GitHttpServer.start("runner", "s3cret-lock-token");
    git.createRepository("locks", "main");
  }

  @AfterEach
  void stop() throws Exception {
    if (git != null) {
      git.close();
    }
  }

  /** The repository the lock ref is made in, and who may push to it. */
  String lockUrl() {
    return git.url() + "/locks.git";
  }

  String lockUser() {
    return "runner";
  }

  String lockToken() {
    return "s3cret-lock-token";
  }

  private FanoutRun runner(String name) throws IOException {
    FanoutRun f = FanoutRun.minimal(temp.resolve(name));
    Path file = f.dir.resolve("release.fanout");
    Files.writeString(file, Files.readString(file).replace("  license     = \"MIT\"\n", "  license     = \"MIT\"\n"
        + "  lock          = \"" + lockUrl() + "\"\n  lock_username = \"" + lockUser() + "\"\n"
        + "  lock_token    = env(\"LOCK_TOKEN\")\n"));
    f.env.put("LOCK_TOKEN", lockToken());
    return f;
  }

  /** The lock ref's name when it is there, else empty. */
  String refValue() throws Exception {
    Tools.Result r = Tools.run(temp, Map.of(), "git", "--git-dir", git.repository("locks").toString(), "for-each-ref",
        "--format=%(refname)", REF);
    return r.output().strip();
  }

  @Test
  void theSecondRunnerStopsNamingTheHolderThenWaitsForIt() throws Exception {
    FanoutRun first = runner("first");
    FanoutRun second = runner("second");
    first.faults("[{\"registry\": \"npm\", \"operation\": \"write\", \"latency_ms\": 6000, \"times\": 1}]");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.fanout.cli.Main", "apply", first.dir.toString(),
        "--sandbox=" + first.sandbox, "--auto-approve"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(temp.resolve("first.log").toFile());
    pb.environment().putAll(first.env);
    Process holder = pb.start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (refValue().isEmpty() && holder.isAlive() && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    assertEquals(REF, refValue(), "the first runner took the lock: " + Files.readString(temp.resolve("first.log")));

    FanoutRun.Result stopped = second.sandboxed("apply", "--auto-approve", "--lock-timeout", "0s");
    assertEquals(1, stopped.exit(), stopped.all());
    assertTrue(stopped.err().contains("another apply holds the lock " + REF + " of " + lockUrl() + ": apply of"
        + " hello 0.1.0, pid " + holder.pid()), stopped.err());
    assertTrue(!stopped.all().contains(lockToken()));

    FanoutRun.Result waited = second.sandboxed("apply", "--auto-approve", "--lock-timeout", "60s");
    assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, holder.exitValue(), Files.readString(temp.resolve("first.log")));
    assertEquals(0, waited.exit(), waited.all());
    assertEquals("", refValue(), "the lock is gone once both are done");
  }

  @Test
  void forceUnlockRemovesTheRef() throws Exception {
    FanoutRun f = runner("one");
    Lock held = Lock.acquire(new Lock.GitRef(lockUrl(), REF, lockUser(), lockToken()),
        "apply of hello 0.1.0", Duration.ZERO);
    assertEquals(REF, refValue());

    FanoutRun.Result unlocked = f.run("force-unlock", f.dir.toString());

    assertEquals(0, unlocked.exit(), unlocked.all());
    assertTrue(unlocked.out().contains("Removed the lock held by apply of hello 0.1.0 by pid " + ProcessHandle.current().pid()),
        unlocked.out());
    assertEquals("", refValue());
    held.close();
    assertEquals("", refValue(), "closing a lock taken over deletes nothing of another's");
  }
}
