package dev.fanout.apply;

import java.util.List;

/** Every node's outcome, in the order they finished, and the run's wall time. */
public record ApplyResult(String release, String version, List<NodeResult> nodes, long millis) {

  public ApplyResult {
    nodes = List.copyOf(nodes);
  }

  /** Publications only: what the success rate counts. */
  public List<NodeResult> targets() {
    return nodes.stream().filter(n -> !n.address().type().equals("build") && !n.address().type().equals("artifact"))
        .toList();
  }

  public boolean success() {
    return nodes.stream().allMatch(n -> n.status().ok());
  }
}
