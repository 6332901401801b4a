package dev.fanout.apply;

import dev.fanout.graph.ReleaseGraph;
import dev.fanout.model.Address;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Walks the release graph: every node whose dependencies are done runs at once, up to the
 * parallelism, as Terraform's walker does. A node that does not succeed stops only its
 * dependents, which end blocked with its name and cause; every independent node still runs.
 * What a node does is the {@link Step}'s business: the walk knows only the graph.
 */
public final class Walker {

  /** Hears about nodes as they start and end. Called from worker threads. */
  public interface Listener {
    void started(Address node);

    void finished(NodeResult result);

    /** A write is tried again: {@code detail} says which attempt and after what. */
    default void retried(Address node, String detail) {
    }

    Listener NONE = new Listener() {
      @Override
      public void started(Address node) {
      }

      @Override
      public void finished(NodeResult result) {
      }
    };
  }

  /** Runs one node; a runtime failure of the step fails that node only. */
  @FunctionalInterface
  public interface Step {
    NodeResult run(Address node) throws InterruptedException;
  }

  private final ReleaseGraph graph;
  private final Journal journal;
  private final Listener listener;
  private final int parallelism;
  /** In-run dependents of each in-run node, through nodes that do not run. */
  private final Map<Address, Set<Address>> dependents = new HashMap<>();

  public Walker(ReleaseGraph graph, Journal journal, Listener listener, int parallelism) {
    this.graph = graph;
    this.journal = journal;
    this.listener = listener;
    this.parallelism = parallelism;
  }

  /** Runs {@code toRun} in dependency order and returns every node's outcome, in the order they ended. */
  public List<NodeResult> walk(Set<Address> toRun, Step step) throws InterruptedException {
    List<NodeResult> results = new ArrayList<>();
    Map<Address, NodeResult> byNode = new HashMap<>();
    Map<Address, Integer> waiting = new LinkedHashMap<>();
    dependents.clear();
    for (Address a : graph.order()) {
      if (toRun.contains(a)) {
        Set<Address> deps = nearestInRun(a, toRun);
        deps.forEach(d -> dependents.computeIfAbsent(d, k -> new TreeSet<>()).add(a));
        waiting.put(a, deps.size());
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, toRun.size())), r -> {
      Thread t = new Thread(r, "fanout-apply");
      t.setDaemon(true);
      return t;
    });
    CompletionService<NodeResult> done = new ExecutorCompletionService<>(pool);
    int running = 0;
    try {
      for (Map.Entry<Address, Integer> w : waiting.entrySet()) {
        if (w.getValue() == 0) {
          submit(done, w.getKey(), step);
          running++;
        }
      }
      while (running > 0) {
        NodeResult r;
        try {
          r = done.take().get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("a node failed unexpectedly", e.getCause());
        }
        running--;
        results.add(r);
        byNode.put(r.address(), r);
        listener.finished(r);
        List<Address> unblocked = new ArrayList<>();
        cascade(r, waiting, byNode, results, unblocked);
        for (Address next : unblocked) {
          submit(done, next, step);
          running++;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return results;
  }

  /**
   * What {@code a} must wait for among the nodes that run: its dependencies, and where one
   * does not run (an upstream publication left out), that one's dependencies in turn, so a
   * target never starts before the builds it needs through it.
   */
  private Set<Address> nearestInRun(Address a, Set<Address> toRun) {
    Set<Address> out = new TreeSet<>();
    ArrayDeque<Address> todo = new ArrayDeque<>();
    Set<Address> seen = new HashSet<>();
    graph.dependencies(a).forEach(e -> todo.add(e.to()));
    while (!todo.isEmpty()) {
      Address d = todo.pop();
      if (!seen.add(d)) {
        continue;
      }
      if (toRun.contains(d)) {
        out.add(d);
      } else {
        graph.dependencies(d).forEach(e -> todo.add(e.to()));
      }
    }
    return out;
  }

  /** Releases the dependents of a finished node, or blocks them (and theirs) when it did not succeed. */
  private void cascade(NodeResult r, Map<Address, Integer> waiting, Map<Address, NodeResult> byNode,
      List<NodeResult> results, List<Address> ready) {
    for (Address dependent : dependents.getOrDefault(r.address(), Set.of())) {
      if (byNode.containsKey(dependent)) {
        continue;
      }
      if (!r.status().ok()) {
        String root = r.rootCause() != null ? r.rootCause()
            : r.address() + " " + r.status().name().toLowerCase(Locale.ROOT)
                + (r.detail() == null ? "" : ": " + r.detail());
        NodeResult blocked = new NodeResult(dependent, Status.BLOCKED, null,
            "blocked by " + r.address(), root, 0, List.of());
        byNode.put(dependent, blocked);
        results.add(blocked);
        journal.record(dependent, "blocked", blocked.detail() + "; root cause: " + root);
        listener.finished(blocked);
        cascade(blocked, waiting, byNode, results, ready);
      } else if (waiting.merge(dependent, -1, Integer::sum) == 0) {
        ready.add(dependent);
      }
    }
  }

  private void submit(CompletionService<NodeResult> done, Address a, Step step) {
    done.submit(() -> {
      listener.started(a);
      journal.record(a, "started", null);
      long t0 = System.nanoTime();
      NodeResult r;
      // Parallelism 1 is one request at a time, inside a node too (see Later).
      try (dev.fanout.http.Http.Notices serial = parallelism == 1 ? dev.fanout.provider.Later.oneAtATime() : null) {
        r = step.run(a);
      } catch (RuntimeException e) {
        r = new NodeResult(a, Status.FAILED, "internal", String.valueOf(e), null, 0, List.of());
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      NodeResult timed = new NodeResult(r.address(), r.status(), r.step(), r.detail(), r.rootCause(), ms, r.written());
      journal.record(a, timed.status().name().toLowerCase(Locale.ROOT),
          (timed.step() == null ? "" : timed.step() + ": ") + (timed.detail() == null ? "" : timed.detail()));
      return timed;
    });
  }
}
