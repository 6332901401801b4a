package dev.fanout.cli;

import dev.fanout.model.Address;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The targets still waiting on their registry, told every {@code interval}: a log in CI that
 * stays silent while a registry hangs looks like a hung Fanout. Plain output gets a line per
 * waiting target; a terminal gets one live line with each target's elapsed time.
 */
final class StillWaiting implements AutoCloseable {

  private final Map<Address, Long> since = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker;

  /**
   * A line per target still waiting, every {@code interval}, for the targets that have waited
   * that long: one that started a moment before the tick is not stuck (a release of 100,000
   * packages printed a line for each target that happened to be in flight).
   */
  StillWaiting(Duration interval, Function<Address, String> location, Consumer<String> line) {
    this(interval, waiting -> waiting.forEach((address, seconds) -> {
      if (seconds >= interval.toSeconds()) {
        line.accept(address + ": still waiting on " + location.apply(address) + " (" + seconds + "s)");
      }
    }));
  }

  /** {@code tick} hears every target waiting and its seconds, every {@code interval}, oldest first. */
  StillWaiting(Duration interval, Consumer<Map<Address, Long>> tick) {
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fanout-still-waiting");
      t.setDaemon(true);
      return t;
    });
    long every = interval.toMillis();
    ticker.scheduleAtFixedRate(() -> {
      Map<Address, Long> waiting = waiting();
      if (!waiting.isEmpty()) {
        tick.accept(waiting);
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  /** Every target waiting now, with its seconds. */
  Map<Address, Long> waiting() {
    Map<Address, Long> waiting = new TreeMap<>();
    long now = System.nanoTime();
    since.forEach((address, start) -> waiting.put(address, TimeUnit.NANOSECONDS.toSeconds(now - start)));
    return waiting;
  }

  /**
   * For a terminal: {@code npm.app 12s, docker.image 3s}, the longest waits first, at most
   * three named; the rest counted.
   */
  static String live(Map<Address, Long> waiting) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (Map.Entry<Address, Long> e : waiting.entrySet().stream()
        .sorted(Map.Entry.<Address, Long>comparingByValue().reversed()).toList()) {
      if (shown == 3) {
        out.append(", ").append(waiting.size() - 3).append(" more");
        break;
      }
      out.append(shown++ == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()).append('s');
    }
    return out.toString();
  }

  void started(Address address) {
    since.put(address, System.nanoTime());
  }

  void finished(Address address) {
    since.remove(address);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
