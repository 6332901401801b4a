package dev.fanout.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.model.Address;
import dev.fanout.model.Config;
import dev.fanout.model.Edge;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jgrapht.Graph;
import org.jgrapht.graph.SimpleDirectedGraph;

/**
 * The dependency graph of a release: builds, artifacts and publications, with an edge from
 * each dependency to what needs it, each edge keeping why it exists. Its topological order
 * is deterministic (ties broken by kind, then address), so plans and logs read the same
 * on every run.
 */
public final class ReleaseGraph {

  /** What a node is. */
  public enum Kind { BUILD, ARTIFACT, PUBLICATION }

  private final Graph<Address, Edge> graph;
  private final Map<Address, Kind> kinds;
  private final List<Address> order;

  private ReleaseGraph(Graph<Address, Edge> graph, Map<Address, Kind> kinds) {
    this.graph = graph;
    this.kinds = Collections.unmodifiableMap(kinds);
    this.order = List.copyOf(StableOrder.of(graph,
        java.util.Comparator.comparing((Address a) -> kinds.get(a)).thenComparing(a -> a)));
  }

  public static ReleaseGraph of(Config config) {
    // Not a DirectedAcyclicGraph: the checker has refused cycles already, and keeping a
    // topological order on every added edge was a visible share of a large release's plan.
    Graph<Address, Edge> g = new SimpleDirectedGraph<>(null, null, false);
    Map<Address, Kind> kinds = new LinkedHashMap<>();
    config.builds().keySet().forEach(a -> add(g, kinds, a, Kind.BUILD));
    config.artifacts().keySet().forEach(a -> add(g, kinds, a, Kind.ARTIFACT));
    config.publications().keySet().forEach(a -> add(g, kinds, a, Kind.PUBLICATION));
    for (Edge e : config.edges()) {
      if (g.containsVertex(e.from()) && g.containsVertex(e.to()) && !g.containsEdge(e.to(), e.from())) {
        // The checker has already refused cycles between blocks, so this cannot close one.
        g.addEdge(e.to(), e.from(), e);
      }
    }
    return new ReleaseGraph(g, kinds);
  }

  private static void add(Graph<Address, Edge> g, Map<Address, Kind> kinds, Address a, Kind k) {
    g.addVertex(a);
    kinds.put(a, k);
  }

  /** Every node, dependencies before dependents. */
  public List<Address> order() {
    return order;
  }

  public Kind kind(Address a) {
    return kinds.get(a);
  }

  public Set<Address> nodes() {
    return Collections.unmodifiableSet(new TreeSet<>(graph.vertexSet()));
  }

  /** What {@code a} needs first, each with the edge that says why. */
  public List<Edge> dependencies(Address a) {
    return graph.incomingEdgesOf(a).stream().sorted(java.util.Comparator.comparing(Edge::to)).toList();
  }

  /** What needs {@code a}. */
  public List<Edge> dependents(Address a) {
    return graph.outgoingEdgesOf(a).stream().sorted(java.util.Comparator.comparing(Edge::from)).toList();
  }

  /** Every node {@code a} needs, directly or not. */
  public Set<Address> ancestors(Address a) {
    Set<Address> out = new TreeSet<>();
    java.util.ArrayDeque<Address> todo = new java.util.ArrayDeque<>(List.of(a));
    while (!todo.isEmpty()) {
      for (Edge e : graph.incomingEdgesOf(todo.pop())) {
        if (out.add(e.to())) {
          todo.push(e.to());
        }
      }
    }
    return out;
  }

  public List<Edge> edges() {
    return graph.edgeSet().stream()
        .sorted(java.util.Comparator.comparing(Edge::to).thenComparing(Edge::from)).toList();
  }

  /** The targets and everything they need, for {@code --target}. */
  public Set<Address> closure(Set<Address> targets) {
    Set<Address> out = new LinkedHashSet<>();
    for (Address t : targets) {
      out.add(t);
      out.addAll(ancestors(t));
    }
    return out;
  }

  /** Graphviz DOT: renders with {@code dot -Tsvg}. */
  public String toDot() {
    StringBuilder out = new StringBuilder("digraph release {\n  rankdir = LR;\n  node [fontname = \"Helvetica\"];\n");
    for (Address a : order) {
      String shape = switch (kinds.get(a)) {
        case BUILD -> "box, style = rounded";
        case ARTIFACT -> "note";
        case PUBLICATION -> "box";
      };
      out.append("  ").append(quote(a.toString())).append(" [shape = ").append(shape).append("];\n");
    }
    for (Edge e : edges()) {
      out.append("  ").append(quote(e.to().toString())).append(" -> ").append(quote(e.from().toString()))
          .append(" [tooltip = ").append(quote(e.reason())).append("];\n");
    }
    return out.append("}\n").toString();
  }

  /** Mermaid flowchart, for Markdown that renders it. */
  public String toMermaid() {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    Map<Address, String> ids = new LinkedHashMap<>();
    for (Address a : order) {
      String id = "n" + ids.size();
      ids.put(a, id);
      String label = a.toString().replace("\"", "#quot;");
      out.append("  ").append(id).append(switch (kinds.get(a)) {
        case BUILD -> "([\"" + label + "\"])";
        case ARTIFACT -> "[/\"" + label + "\"/]";
        case PUBLICATION -> "[\"" + label + "\"]";
      }).append('\n');
    }
    for (Edge e : edges()) {
      out.append("  ").append(ids.get(e.to())).append(" --> ").append(ids.get(e.from())).append('\n');
    }
    return out.toString();
  }

  /** JSON: {@code {nodes: [{address, kind}], edges: [{from, to, reason, where}]}}, edges from dependency to dependent. */
  public String toJson() {
    Map<String, Object> doc = new LinkedHashMap<>();
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (Address a : order) {
      nodes.add(Map.of("address", a.toString(), "kind", kinds.get(a).name().toLowerCase(java.util.Locale.ROOT)));
    }
    List<Map<String, Object>> edgeList = new ArrayList<>();
    for (Edge e : edges()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", e.to().toString());
      m.put("to", e.from().toString());
      m.put("reason", e.reason());
      m.put("where", e.where() == null ? null : e.where().toString());
      edgeList.add(m);
    }
    doc.put("nodes", nodes);
    doc.put("edges", edgeList);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
