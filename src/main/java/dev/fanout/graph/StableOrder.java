package dev.fanout.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.jgrapht.Graph;

/**
 * The topological order of a graph where, among the vertices ready at each step, the least by
 * {@code ties} comes first: the order jgrapht's {@code TopologicalOrderIterator} gives with that
 * comparator. The vertices are sorted once and the queue compares their ranks: with the
 * comparator in the queue, a release of 10,000 publications spent about half a second of its
 * plan comparing addresses.
 */
public final class StableOrder {

  private StableOrder() {
  }

  /** Every vertex, each after the sources of its incoming edges. */
  public static <V, E> List<V> of(Graph<V, E> graph, Comparator<? super V> ties) {
    List<V> byRank = new ArrayList<>(graph.vertexSet());
    byRank.sort(ties);
    Map<V, Integer> rank = new HashMap<>(byRank.size() * 2);
    int[] waiting = new int[byRank.size()];
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < byRank.size(); i++) {
      rank.put(byRank.get(i), i);
    }
    for (int i = 0; i < byRank.size(); i++) {
      waiting[i] = graph.inDegreeOf(byRank.get(i));
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    List<V> out = new ArrayList<>(byRank.size());
    while (!ready.isEmpty()) {
      V v = byRank.get(ready.poll());
      out.add(v);
      for (E e : graph.outgoingEdgesOf(v)) {
        int next = rank.get(graph.getEdgeTarget(e));
        if (--waiting[next] == 0) {
          ready.add(next);
        }
      }
    }
    if (out.size() != byRank.size()) {
      throw new IllegalArgumentException("the graph has a cycle: " + (byRank.size() - out.size()) + " vertices are on or after one");
    }
    return out;
  }
}
