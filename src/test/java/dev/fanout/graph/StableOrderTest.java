package dev.fanout.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.traverse.TopologicalOrderIterator;
import org.junit.jupiter.api.Test;

/** Our order is jgrapht's with the same tie-break, on graphs of many shapes, and a cycle is refused. */
class StableOrderTest {

  @Test
  void theOrderIsJgraphtsWithTheSameTieBreak() {
    Comparator<String> ties = Comparator.comparing((String v) -> v.length() % 3).thenComparing(v -> v);
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      Graph<String, DefaultEdge> g = new DefaultDirectedGraph<>(DefaultEdge.class);
      int n = 1 + random.nextInt(60);
      List<String> vertices = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String v = "v" + random.nextInt(1000) + "-" + i;
        vertices.add(v);
        g.addVertex(v);
      }
      // Edges only from an earlier vertex to a later one: acyclic, in a shuffled naming.
      for (int i = 0; i < n * 2; i++) {
        int a = random.nextInt(n);
        int b = random.nextInt(n);
        if (a < b) {
          g.addEdge(vertices.get(a), vertices.get(b));
        }
      }
      List<String> expected = new ArrayList<>();
      new TopologicalOrderIterator<>(g, ties).forEachRemaining(expected::add);
      assertEquals(expected, StableOrder.of(g, ties), "seed " + seed);
    }
  }

  @Test
  void aCycleIsRefused() {
    Graph<String, DefaultEdge> g = new DefaultDirectedGraph<>(DefaultEdge.class);
    g.addVertex("a");
    g.addVertex("b");
    g.addVertex("c");
    g.addEdge("a", "b");
    g.addEdge("b", "a");
    g.addEdge("c", "a");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StableOrder.of(g, Comparator.<String>naturalOrder()));
    assertEquals("the graph has a cycle: 2 vertices are on or after one", e.getMessage());
  }
}
