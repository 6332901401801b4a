/**
 * JMH benchmarks of the steps a plan takes in process once the registries have answered:
 * parsing release files, loading them (parse, check, evaluate), building the graph, and
 * diffing a snapshot into a plan. Each runs on {@code examples/contextlite} and on
 * generated releases of N publications, so the cost per publication and its growth show.
 * Built only by the {@code jmh} Maven profile; {@code bench/run.sh} runs them (section {@code jmh}).
 */
package dev.fanout.bench;
