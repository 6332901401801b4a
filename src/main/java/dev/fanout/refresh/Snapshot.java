package dev.fanout.refresh;

import dev.fanout.model.Address;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The state of every target registry at one moment, by publication. */
public record Snapshot(Map<Address, TargetState> targets) {

  public Snapshot {
    targets = Collections.unmodifiableMap(new TreeMap<>(targets));
  }

  public TargetState get(Address a) {
    return targets.get(a);
  }
}
