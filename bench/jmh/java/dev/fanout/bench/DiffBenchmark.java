package dev.fanout.bench;

import dev.fanout.engine.Engine;
import dev.fanout.output.Redactor;
import dev.fanout.model.Address;
import dev.fanout.plan.Differ;
import dev.fanout.plan.Plan;
import dev.fanout.plan.Planner;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.RegistryState;
import dev.fanout.refresh.Snapshot;
import dev.fanout.refresh.TargetState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Snapshot to plan, without the network: {@code differ} is the item-by-item verdict for
 * every target alone; {@code plan} is the whole {@link Planner} (verdicts, dependency and
 * artifact blocks, fingerprints of what each registry held). The snapshot is made in setup
 * from the real records, one target in four in each state a registry can be in: absent,
 * up to date, at an older version, holding the version with other content.
 */
public class DiffBenchmark extends ReleaseBenchmark {

  private Engine workspace;
  private Snapshot snapshot;
  private Set<Address> scope;
  private List<Target> targets;

  /** One Differ call's inputs, resolved in setup so that {@code differ} times the comparison alone. */
  private record Target(RegistryState state, DesiredState desired, boolean mutable, String location) { }

  @Override
  protected void prepare() throws NoSuchAlgorithmException {
    // No sandbox and no request: opening makes the providers and the HTTP client, nothing is sent.
    workspace = Engine.open(config, providers, Engine.Settings.standard("jmh"), Redactor.none());
    String version = config.release().version();
    Map<Address, TargetState> states = new LinkedHashMap<>();
    targets = new ArrayList<>();
    int i = 0;
    for (Address a : config.publications().keySet()) {
      String location = workspace.targets().get(a).location();
      Map<String, String> items = new LinkedHashMap<>();
      items.put(a.name() + "-linux-amd64", digest(a + "linux"));
      items.put(a.name() + "-darwin-arm64", digest(a + "darwin"));
      DesiredState desired = new DesiredState(version, items, Map.of("latest", version));
      RegistryState state = switch (i++ % 4) {
        case 0 -> RegistryState.absent(location);
        case 1 -> new RegistryState(true, List.of("0.9.0", version), version, items, Map.of("latest", version), null, location);
        case 2 -> new RegistryState(true, List.of("0.9.0"), "0.9.0", Map.of(), Map.of("latest", "0.9.0"), null, location);
        default -> {
          Map<String, String> other = new LinkedHashMap<>(items);
          other.put(a.name() + "-linux-amd64", digest(a + "rebuilt"));
          yield new RegistryState(true, List.of(version), version, other, Map.of("latest", version), null, location);
        }
      };
      states.put(a, new TargetState(a, state, null, CredentialCheck.ok("bench"), desired, null, 1));
      targets.add(new Target(state, desired, workspace.targets().get(a).traits().mutable(), location));
    }
    snapshot = new Snapshot(states);
    scope = new LinkedHashSet<>(config.publications().keySet());
  }

  @Override
  protected void finish() {
    workspace.close();
  }

  @Benchmark
  public void differ(Blackhole out) {
    for (Target t : targets) {
      out.consume(Differ.diff(t.state, t.desired, t.mutable, t.location));
    }
  }

  @Benchmark
  public Plan plan() {
    return workspace.plan(snapshot, scope, false);
  }

  private static String digest(String s) throws NoSuchAlgorithmException {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    return "sha256:" + HexFormat.of().formatHex(d);
  }
}
