package dev.fanout.cli;

import dev.fanout.model.Address;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A line for each target still waiting on its registry, every {@code interval}: a log in CI
 * that stays silent while a registry hangs looks like a hung Fanout.
 */
final class StillWaiting implements AutoCloseable {

  private final Map<Address, Long> since = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker;

  StillWaiting(Duration interval, Function<Address, String> location, Consumer<String> line) {
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fanout-still-waiting");
      t.setDaemon(true);
      return t;
    });
    long every = interval.toMillis();
    ticker.scheduleAtFixedRate(() -> since.forEach((address, start) -> {
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      line.accept(address + ": still waiting on " + location.apply(address) + " (" + seconds + "s)");
    }), every, every, TimeUnit.MILLISECONDS);
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
