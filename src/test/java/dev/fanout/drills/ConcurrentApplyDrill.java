package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    // given ten CI jobs of one release, each with its own view of the registries (its own
    // sandbox folder), writes slow enough that the first still holds the lock
    Path example = Drills.example(tmp);
    List<Path> sandboxes = new ArrayList<>();
    for (int i = 0; i < APPLIES; i++) {
      Path sandbox = tmp.resolve("sandbox" + i);
      Drills.writeFaults(sandbox, List.of(Map.of("registry", "*", "operation", "write", "latency_ms", 150)));
      sandboxes.add(sandbox);
    }

    // when they start at once
    List<Drills.Run> runs = startTogether(example, i -> sandboxes.get(i));

    // then one publishes, the nine others stop at once naming the holder
    List<String> problems = new ArrayList<>();
    long publishers = runs.stream().filter(r -> r.out().contains(": published")).count();
    long refused = runs.stream().filter(r -> r.code() == 1 && r.err().contains("another apply holds the lock")
        && r.err().contains("pid " + ProcessHandle.current().pid())).count();
    if (publishers != 1 || refused != APPLIES - 1) {
      problems.add(publishers + " applies published and " + refused + " were refused by the lock; others: "
          + runs.stream().filter(r -> !r.out().contains(": published") && !r.err().contains("another apply holds"))
              .map(Drills.Run::all).toList());
    }
    Map<String, Integer> total = new java.util.TreeMap<>();
    for (Path sandbox : sandboxes) {
      problems.addAll(Drills.duplicates(sandbox));
      Drills.publishingWrites(sandbox).forEach((t, n) -> total.merge(t, n, Integer::sum));
    }
    total.forEach((t, n) -> {
      if (n != Drills.perRelease(t)) {
        problems.add(t + ": " + n + " publishing writes in all ten views, one release makes " + Drills.perRelease(t));
      }
    });
    problems.addAll(Drills.journalProblems(example.resolve(".fanout/journal.jsonl"), java.util.Set.of()));

    // and with --lock-timeout over one shared sandbox, the others wait and find it all there
    Path example2 = Drills.example(tmp.resolve("waiting"));
    Path shared = tmp.resolve("waiting/sandbox");
    List<Drills.Run> waited = startTogether(example2, i -> shared, "--lock-timeout", "3m");
    long waitedPublishers = waited.stream().filter(r -> r.out().contains(": published")).count();
    long waitedClean = waited.stream().filter(r -> r.code() == 0 && (r.out().contains(": published")
        || r.out().contains("Nothing to publish."))).count();
    if (waitedPublishers != 1 || waitedClean != APPLIES) {
      problems.add("with --lock-timeout: " + waitedPublishers + " published, " + waitedClean + " of " + APPLIES
          + " ended well: " + waited.stream().filter(r -> r.code() != 0).map(Drills.Run::all).findFirst().orElse(""));
    }
    List<String> sharedDups = Drills.duplicates(shared);
    problems.addAll(sharedDups);
    problems.addAll(Drills.journalProblems(example2.resolve(".fanout/journal.jsonl"), java.util.Set.of()));

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("simultaneous_applies", APPLIES);
    figures.put("publishers", publishers);
    figures.put("stopped_by_the_lock_naming_the_holder", refused);
    figures.put("publishers_with_lock_timeout", waitedPublishers);
    figures.put("duplicate_writes", (int) total.entrySet().stream()
        .filter(e -> e.getValue() > Drills.perRelease(e.getKey())).count() + sharedDups.size());
    Drills.saveFigures("concurrency", figures);
    assertEquals(List.of(), problems);
  }

  private static List<Drills.Run> startTogether(Path example, java.util.function.IntFunction<Path> sandbox,
      String... extra) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(APPLIES);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Drills.Run>> futures = new ArrayList<>();
    for (int i = 0; i < APPLIES; i++) {
      Path dir = sandbox.apply(i);
      futures.add(pool.submit(() -> {
        go.await();
        List<String> args = new ArrayList<>(List.of("apply", example.toString(), "--sandbox=" + dir,
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
