package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten applies of the same release started at once (in-process, each with its own sandbox
 * host over the same sandbox state): exactly one publishes; the others stop with the lock
 * message naming the holder, or with --lock-timeout wait and then find nothing to do.
 */
class ConcurrentApplyDrill {

  static final int APPLIES = 10;

  @Test
  void tenSimultaneousAppliesPublishOnceAndTheOthersNameTheLockHolder(@TempDir Path tmp) throws Exception {
    Path example = Drills.example(tmp);
    Path sandbox = tmp.resolve("sandbox");
    Drills.writeFaults(sandbox, List.of(Map.of("registry", "*", "operation", "write", "latency_ms", 50)));

    List<Drills.Run> runs = startTogether(example, sandbox);

    List<String> problems = new ArrayList<>();
    long publishers = runs.stream().filter(r -> r.out().contains(": published")).count();
    long refused = runs.stream().filter(r -> r.code() == 1 && r.err().contains("another apply holds the lock")
        && r.err().contains("pid " + ProcessHandle.current().pid())).count();
    long nothingLeft = runs.stream().filter(r -> r.code() == 0 && r.out().contains("Nothing to publish.")).count();
    if (publishers != 1) {
      problems.add(publishers + " applies published");
    }
    if (publishers + refused + nothingLeft != APPLIES) {
      problems.add("some applies ended otherwise: " + runs.stream().filter(r -> !r.out().contains(": published")
          && !r.err().contains("another apply holds the lock") && !r.out().contains("Nothing to publish."))
          .map(Drills.Run::all).toList());
    }
    problems.addAll(Drills.duplicates(sandbox));
    Drills.publishingWrites(sandbox).forEach((t, n) -> {
      if (n != Drills.perRelease(t)) {
        problems.add(t + ": " + n + " publishing writes");
      }
    });
    problems.addAll(Drills.journalProblems(example.resolve(".fanout/journal.jsonl"), java.util.Set.of()));

    // With --lock-timeout the others wait their turn and then find everything there.
    Path example2 = Drills.example(tmp.resolve("waiting"));
    Path sandbox2 = tmp.resolve("waiting/sandbox");
    List<Drills.Run> waited = startTogether(example2, sandbox2, "--lock-timeout", "3m");
    long waitedPublishers = waited.stream().filter(r -> r.out().contains(": published")).count();
    long waitedClean = waited.stream().filter(r -> r.code() == 0).count();
    if (waitedPublishers != 1 || waitedClean != APPLIES) {
      problems.add("with --lock-timeout: " + waitedPublishers + " published, " + waitedClean + " of " + APPLIES
          + " exited 0: " + waited.stream().filter(r -> r.code() != 0).map(Drills.Run::all).findFirst().orElse(""));
    }
    problems.addAll(Drills.duplicates(sandbox2));

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("simultaneous_applies", APPLIES);
    figures.put("publishers", publishers);
    figures.put("stopped_by_the_lock", refused);
    figures.put("found_nothing_to_do", nothingLeft);
    figures.put("publishers_with_lock_timeout", waitedPublishers);
    figures.put("duplicate_writes", Drills.duplicates(sandbox).size() + Drills.duplicates(sandbox2).size());
    Drills.saveFigures("concurrency", figures);
    assertEquals(List.of(), problems);
    assertTrue(refused > 0, "no apply met the lock: the runs did not overlap");
  }

  private static List<Drills.Run> startTogether(Path example, Path sandbox, String... extra) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(APPLIES);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Drills.Run>> futures = new ArrayList<>();
    for (int i = 0; i < APPLIES; i++) {
      futures.add(pool.submit(() -> {
        go.await();
        List<String> args = new ArrayList<>(List.of("apply", example.toString(), "--sandbox=" + sandbox,
            "--auto-approve", "--no-color"));
        args.addAll(List.of(extra));
        return Drills.cli(Map.of(), args.toArray(String[]::new));
      }));
    }
    go.countDown();
    List<Drills.Run> runs = new ArrayList<>();
    for (Future<Drills.Run> f : futures) {
      runs.add(f.get(5, TimeUnit.MINUTES));
    }
    pool.shutdown();
    return runs;
  }
}
