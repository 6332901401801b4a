package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many targets against a registry that answers 429 (Retry-After: 1) to one request in five:
 * the apply completes, every package is published once, every 429 is followed by a wait of
 * at least the asked second, and threads and memory stay bounded (reported).
 */
class RateLimitScaleDrill {

  @TempDir
  Path dir;

  @Test
  void manyTargetsUnderRateLimitingCompleteOnceEachHonouringRetryAfter() throws Exception {
    int targets = Drills.full() ? 2000 : 150;
    Path release = dir.resolve("release");
    Files.createDirectories(release.resolve("bin"));
    Files.writeString(release.resolve("bin/tool"), "#!/bin/sh\necho tool\n");
    StringBuilder text = new StringBuilder("""
        release "scale" {
          version = "1.0.0"
        }

        artifact "tool" {
          os      = "linux"
          arch    = "amd64"
          sources = ["bin/tool"]
        }
        """);
    for (int i = 0; i < targets; i++) {
      text.append("\nnpm \"p").append(i).append("\" {\n  package  = \"scale-p").append(i)
          .append("\"\n  binaries = [artifact.tool]\n}\n");
    }
    Files.writeString(release.resolve("release.fanout"), text);
    Path sandbox = dir.resolve("sandbox");
    Drills.writeFaults(sandbox, List.of(Map.of("registry", "npm", "operation", "any", "status", 429,
        "retry_after", 1, "every", 5)));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    threads.resetPeakThreadCount();
    int threadsBefore = threads.getThreadCount();
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        Runtime rt = Runtime.getRuntime();
        peakHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();

    Drills.Run apply = Drills.cli(Map.of("PATH", System.getenv("PATH")), "apply", release.toString(),
        "--sandbox=" + sandbox, "--auto-approve");

    long seconds = (System.nanoTime() - t0) / 1_000_000_000;
    sampler.interrupt();
    assertEquals(0, apply.code(), apply.err());
    List<Map<String, Object>> log = Drills.jsonLines(sandbox.resolve("requests.jsonl"));
    Map<String, Integer> publishes = new HashMap<>();
    Map<String, Instant> last429 = new HashMap<>();
    List<String> tooSoon = new ArrayList<>();
    int limited = 0;
    for (Map<String, Object> r : log) {
      String key = r.get("method") + " " + r.get("path");
      Instant at = Drills.time(r);
      int status = ((Number) r.get("status")).intValue();
      Instant limitedAt = last429.remove(key);
      if (limitedAt != null && java.time.Duration.between(limitedAt, at).toMillis() < 900) {
        tooSoon.add(key + " again after " + java.time.Duration.between(limitedAt, at).toMillis() + " ms");
      }
      if (status == 429) {
        limited++;
        last429.put(key, at);
      } else if (r.get("method").equals("PUT") && status < 300 && !((String) r.get("path")).contains("dist-tags")) {
        publishes.merge((String) r.get("path"), 1, Integer::sum);
      }
    }
    long duplicates = publishes.values().stream().filter(n -> n > 1).count();
    int peakThreads = threads.getPeakThreadCount();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("targets", targets);
    figures.put("requests", log.size());
    figures.put("answered 429", limited);
    figures.put("retried sooner than Retry-After", tooSoon.size());
    figures.put("packages published", publishes.size());
    figures.put("duplicate writes", duplicates);
    figures.put("peak threads", peakThreads);
    figures.put("threads before", threadsBefore);
    figures.put("peak heap MB", peakHeap.get() / (1024 * 1024));
    figures.put("seconds", seconds);
    Drills.saveFigures("rate-limit-scale", figures);

    assertEquals(targets, publishes.size(), "every package published: " + figures);
    assertEquals(0, duplicates, figures.toString());
    assertTrue(limited > targets / 10, "the registry rate limited: " + figures);
    assertEquals(List.of(), tooSoon.subList(0, Math.min(5, tooSoon.size())), figures.toString());
    // Bounded: refresh and apply pools of --parallelism, the client's dispatcher, the sandbox.
    assertTrue(peakThreads - threadsBefore < 200, "threads grew with the targets: " + figures);
  }
}
