package dev.fanout.bench;

import dev.fanout.graph.ReleaseGraph;
import dev.fanout.model.Config;
import dev.fanout.provider.Providers;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
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

/** The dependency graph from a loaded Config: vertices, edges and the topological order every stage walks. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GraphBenchmark {

  @Param(Releases.DEFAULT)
  public String release;

  private Path dir;
  private Config config;

  @Setup
  public void setUp() {
    dir = Releases.folder(release);
    config = Releases.load(Providers.load(), dir);
  }

  @TearDown
  public void tearDown() {
    Releases.discard(release, dir);
  }

  @Benchmark
  public ReleaseGraph build() {
    return ReleaseGraph.of(config);
  }
}
