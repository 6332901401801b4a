package dev.fanout.bench;

import dev.fanout.model.Config;
import dev.fanout.provider.Providers;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every benchmark here shares: the {@code release} parameter, the release loaded once
 * per trial, and the settings JMH uses when run without options (average time per operation,
 * in microseconds, so that dividing by the publications gives the cost of one).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class ReleaseBenchmark {

  /** {@code contextlite} (the example as shipped) or N (a generated release of N publications). */
  @Param(Releases.DEFAULT)
  public String release;

  protected Providers providers;
  protected Path dir;
  /** The release loaded in setup; loading also proves that it has no errors. */
  protected Config config;

  @Setup
  public void loadRelease() throws Exception {
    providers = Providers.load();
    dir = Releases.folder(release);
    config = Releases.load(providers, dir);
    prepare();
  }

  @TearDown
  public void discardRelease() {
    finish();
    Releases.discard(release, dir);
  }

  /** What a benchmark builds from the loaded release before it is timed. */
  protected void prepare() throws Exception {
  }

  /** What a benchmark closes after its trial. */
  protected void finish() {
  }
}
