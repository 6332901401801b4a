package dev.fanout.bench;

import dev.fanout.graph.ReleaseGraph;
import org.openjdk.jmh.annotations.Benchmark;

/** The dependency graph from a loaded Config: vertices, edges and the topological order every stage walks. */
public class GraphBenchmark extends ReleaseBenchmark {

  @Benchmark
  public ReleaseGraph build() {
    return ReleaseGraph.of(config);
  }
}
