package dev.fanout.dsl;

import dev.fanout.provider.Providers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;

/**
 * The references between declarations, read from the text before anything is evaluated:
 * they give the evaluation order, the cycles (reported with their whole path), and the
 * references to blocks that are not declared.
 */
final class References {

  /** A reference found by looking at the text: {@code npm.contextlite} in {@code npm.contextlite.version}. */
  private record StaticRef(String declaration, SourceRange range, String text) { }

  private final Providers providers;
  private final Map<String, Declaration> declarations;
  private final List<Diagnostic> diagnostics;

  References(Providers providers, Map<String, Declaration> declarations, List<Diagnostic> diagnostics) {
    this.providers = providers;
    this.declarations = declarations;
    this.diagnostics = diagnostics;
  }

  /** The declarations other than variables, each after what it refers to; those in cycles are reported and left out. */
  List<Declaration> order() {
    Graph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
    Map<String, Map<String, StaticRef>> why = new LinkedHashMap<>();
    for (Declaration e : declarations.values()) {
      if (e.kind() != BlockKind.VARIABLE) {
        graph.addVertex(e.key());
      }
    }
    for (Declaration e : declarations.values()) {
      if (e.kind() == BlockKind.VARIABLE) {
        continue;
      }
      for (StaticRef ref : staticRefs(e)) {
        if (ref.declaration().startsWith("var.")) {
          continue;
        }
        if (!graph.containsVertex(ref.declaration())) {
          continue;
        }
        // Edge from the dependency to the dependent, so topological order evaluates it first.
        graph.addEdge(ref.declaration(), e.key());
        why.computeIfAbsent(e.key(), k -> new LinkedHashMap<>()).putIfAbsent(ref.declaration(), ref);
      }
      String settingsBlock = e.kind() != BlockKind.PUBLICATION ? null
          : "provider." + providers.get(e.type()).settingsBlock();
      if (settingsBlock != null && graph.containsVertex(settingsBlock)) {
        graph.addEdge(settingsBlock, e.key());
      }
    }
    Comparator<String> ties = Comparator.comparing((String k) -> declarations.get(k).kind().rank())
        .thenComparing(k -> k);
    List<String> ordered;
    try {
      ordered = dev.fanout.graph.StableOrder.of(graph, ties);
    } catch (IllegalArgumentException cycle) {
      // Only a graph with a cycle pays for finding its strongly connected parts (a tenth of
      // loading a 10,000-publication release when every file was searched for them).
      graph.removeAllVertices(reportCycles(graph, why));
      ordered = dev.fanout.graph.StableOrder.of(graph, ties);
    }
    List<Declaration> order = new ArrayList<>(ordered.size());
    for (String k : ordered) {
      order.add(declarations.get(k));
    }
    return order;
  }

  private Set<String> reportCycles(Graph<String, DefaultEdge> graph, Map<String, Map<String, StaticRef>> why) {
    Set<String> members = new TreeSet<>();
    for (Set<String> scc : new KosarajuStrongConnectivityInspector<>(graph).stronglyConnectedSets()) {
      boolean selfLoop = scc.size() == 1 && graph.containsEdge(scc.iterator().next(), scc.iterator().next());
      if (scc.size() < 2 && !selfLoop) {
        continue;
      }
      members.addAll(scc);
      if (selfLoop) {
        String self = scc.iterator().next();
        StaticRef ref = why.getOrDefault(self, Map.of()).get(self);
        Declaration declaration = declarations.get(self);
        diagnostics.add(Diagnostic.error("Self-reference: " + self + " refers to itself",
            self + " uses " + (ref == null ? "itself" : ref.text()) + (ref == null ? "" : " at " + ref.range())
            + ", so it would need its own value before it has one. Remove the reference.",
            declaration == null ? null : declaration.range()));
        continue;
      }
      List<String> path = cyclePath(graph, new TreeSet<>(scc));
      StringBuilder detail = new StringBuilder("The blocks refer to each other in a circle, so none can go first:\n  ");
      detail.append(String.join(" -> ", path));
      for (int i = 0; i + 1 < path.size(); i++) {
        StaticRef ref = why.getOrDefault(path.get(i), Map.of()).get(path.get(i + 1));
        if (ref != null) {
          detail.append("\n  ").append(path.get(i)).append(" refers to ").append(ref.text())
              .append(" at ").append(ref.range());
        }
      }
      detail.append("\nRemove one of these references or depends_on entries.");
      Declaration first = declarations.get(path.get(0));
      diagnostics.add(Diagnostic.error("Dependency cycle: " + String.join(" -> ", path), detail.toString(),
          first == null ? null : first.range()));
    }
    return members;
  }

  /** One cycle through the component, as dependent -> dependency -> ... -> the first again. */
  private static List<String> cyclePath(Graph<String, DefaultEdge> graph, TreeSet<String> scc) {
    String start = scc.first();
    Map<String, String> parent = new LinkedHashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(start);
    parent.put(start, null);
    // Walk dependent -> dependency, the reverse of the graph's edges, breadth first.
    while (!queue.isEmpty()) {
      String at = queue.poll();
      List<String> next = graph.incomingEdgesOf(at).stream().map(graph::getEdgeSource)
          .filter(scc::contains).sorted().toList();
      for (String n : next) {
        if (n.equals(start)) {
          List<String> path = new ArrayList<>();
          for (String s = at; s != null; s = parent.get(s)) {
            path.add(0, s);
          }
          path.add(start);
          return path;
        }
        if (!parent.containsKey(n)) {
          parent.put(n, at);
          queue.add(n);
        }
      }
    }
    return List.of(start, start);
  }

  /**
   * Reports references to blocks that are not declared, with a suggestion.
   *
   * @param variables the declared variables' names, for "did you mean"
   */
  boolean allDeclared(Declaration e, Set<String> variables) {
    boolean ok = true;
    for (StaticRef ref : staticRefs(e)) {
      if (declarations.containsKey(ref.declaration())) {
        continue;
      }
      if (ref.declaration().indexOf('.') < 0) {
        // Found by the fuzz drill ("$[each.os}" in a string): a reference without a dot
        // crashed the message below; it names no block, so say that.
        diagnostics.add(Diagnostic.error("Unknown reference \"" + ref.text() + "\"",
            "A reference names a block as type.name, such as var.version or artifact.binary.", ref.range()));
        ok = false;
        continue;
      }
      String prefix = ref.declaration().substring(0, ref.declaration().indexOf('.') + 1);
      if (prefix.isEmpty()) {
        // Only "release" has no dot: the release block itself is missing (reported on its own).
        if (declarations.values().stream().noneMatch(x -> x.kind() == BlockKind.RELEASE)) {
          diagnostics.add(Diagnostic.error("Reference to the release, but there is no release block",
              "Declare it: release \"name\" { version = \"1.0.0\" }.", ref.range()));
        }
        ok = false;
        continue;
      }
      if (ref.declaration().startsWith("var.")) {
        String wanted = ref.declaration().substring(4);
        diagnostics.add(Diagnostic.error("Undeclared variable \"" + wanted + "\"",
            "Declare it with variable \"" + wanted + "\" { ... }." + Names.didYouMean(wanted, variables), ref.range()));
      } else {
        List<String> sameType = declarations.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        String kind = prefix.substring(0, prefix.length() - 1);
        diagnostics.add(Diagnostic.error("Reference to undeclared " + kind + " \""
            + ref.declaration().substring(prefix.length()) + "\"",
            (sameType.isEmpty() ? "No " + kind + " block is declared." : "Declared: " + String.join(", ", sameType) + ".")
            + Names.didYouMean(ref.declaration(), sameType), ref.range()));
      }
      ok = false;
    }
    return ok;
  }

  private List<StaticRef> staticRefs(Declaration e) {
    List<StaticRef> out = new ArrayList<>();
    List<Ast.Attribute> attrs = e.block() != null ? e.block().attributes() : List.of(e.local());
    for (Ast.Attribute a : attrs) {
      collectRefs(a.value(), out, a.name().equals("depends_on"));
    }
    return out;
  }

  private void collectRefs(Ast.Expr expr, List<StaticRef> out, boolean dependsOn) {
    if (expr == null) {
      return;
    }
    String ref = refKey(expr);
    if (ref != null) {
      out.add(new StaticRef(ref, expr.range(), text(expr)));
    }
    if (expr instanceof Ast.Template t) {
      t.parts().forEach(p -> {
        if (p instanceof Ast.Expr x) {
          collectRefs(x, out, false);
        }
      });
    } else if (expr instanceof Ast.ListExpr l) {
      l.items().forEach(x -> collectRefs(x, out, dependsOn));
    } else if (expr instanceof Ast.MapExpr m) {
      m.keys().forEach(x -> collectRefs(x, out, false));
      m.values().forEach(x -> collectRefs(x, out, false));
    } else if (expr instanceof Ast.ForExpr f) {
      Stream.of(f.collection(), f.key(), f.value(), f.condition()).forEach(x -> collectRefs(x, out, false));
    } else if (expr instanceof Ast.Call c) {
      c.args().forEach(x -> collectRefs(x, out, false));
    } else if (expr instanceof Ast.GetAttr g && ref == null) {
      collectRefs(g.target(), out, false);
    } else if (expr instanceof Ast.Index i) {
      if (ref == null) {
        collectRefs(i.target(), out, false);
      }
      collectRefs(i.key(), out, false);
    } else if (expr instanceof Ast.Splat s) {
      collectRefs(s.target(), out, false);
    } else if (expr instanceof Ast.Unary u) {
      collectRefs(u.operand(), out, false);
    } else if (expr instanceof Ast.Binary b) {
      collectRefs(b.left(), out, false);
      collectRefs(b.right(), out, false);
    } else if (expr instanceof Ast.Conditional c) {
      Stream.of(c.condition(), c.then(), c.otherwise()).forEach(x -> collectRefs(x, out, false));
    }
  }

  /** The declaration a traversal such as {@code npm.main.version} starts with, or null. */
  String refKey(Ast.Expr expr) {
    if (expr instanceof Ast.Variable v && v.name().equals("release")) {
      return "release";
    }
    if (!(expr instanceof Ast.GetAttr g) || !(g.target() instanceof Ast.Variable root)) {
      return null;
    }
    return switch (root.name()) {
      case "var" -> "var." + g.name();
      case "local" -> "local." + g.name();
      case "release" -> "release";
      case "build", "artifact" -> root.name() + "." + g.name();
      default -> providers.get(root.name()) != null ? root.name() + "." + g.name() : null;
    };
  }

  private static String text(Ast.Expr e) {
    if (e instanceof Ast.Variable v) {
      return v.name();
    } else if (e instanceof Ast.GetAttr g) {
      return text(g.target()) + "." + g.name();
    }
    return "an expression";
  }
}
