package dev.fanout.cli;

import dev.fanout.apply.Applier;
import dev.fanout.apply.ApplyResult;
import dev.fanout.apply.NodeResult;
import dev.fanout.apply.Walker;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.BundledExample;
import dev.fanout.engine.Engine;
import dev.fanout.model.Address;
import dev.fanout.output.Redactor;
import dev.fanout.plan.Plan;
import dev.fanout.provider.Providers;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.SandboxRouting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Seeds a new sandbox for its scenario by publishing with Fanout itself: each step applies
 * some targets of the bundled contextlite example at some version, so the seeded state is
 * exactly what a real earlier release would have left.
 */
final class SandboxSeeder {

  private SandboxSeeder() {
  }

  static void seedIfNeeded(Sandbox sandbox, Map<String, String> env, Providers providers)
      throws IOException, InterruptedException {
    List<Map<String, Object>> steps = sandbox.pendingSeed();
    if (steps.isEmpty()) {
      if (!Files.exists(sandbox.dir().resolve(".seeded"))) {
        sandbox.markSeeded();
      }
      return;
    }
    Path work = Files.createTempDirectory("fanout-seed");
    try {
      Path example = BundledExample.extract(work.resolve("contextlite"));
      Engine.Settings settings = Engine.Settings.standard(VersionCommand.version())
          .withRouting(new SandboxRouting(sandbox.urls(), Set.of()));
      for (Map<String, Object> step : steps) {
        String version = String.valueOf(step.get("version"));
        ConfigLoader.Result loaded = new ConfigLoader(providers, Map.of("version", version), env,
            GitWorkTree::tagsAtHead).withSandbox(sandbox.urls()).load(example);
        if (loaded.hasErrors()) {
          throw new IOException("the bundled example does not load: " + loaded.diagnostics().get(0).summary());
        }
        try (Engine engine = Engine.open(loaded.config(), providers, settings, Redactor.none())) {
          Set<Address> targets = new LinkedHashSet<>();
          for (Object t : (List<?>) step.get("targets")) {
            Address a = Address.parse(String.valueOf(t));
            if (a != null && engine.config().publications().containsKey(a)) {
              targets.add(a);
            }
          }
          Plan plan = engine.plan(targets, true, n -> { });
          ApplyResult result = engine.apply(plan, Walker.Listener.NONE,
              Applier.Options.standard(10).withoutUpstreamPublications());
          if (!result.success()) {
            NodeResult bad = result.nodes().stream().filter(n -> !n.status().ok()).findFirst().orElseThrow();
            throw new IOException("seeding scenario " + sandbox.scenarioName() + " failed at " + bad.address() + ": "
                + bad.detail());
          }
        }
      }
      // The seed plays an earlier release, whose versions every read shows by now: without
      // this, a plan right after seeding could miss a seeded crate the index still hides, and
      // its saved plan would be stale by the time apply reads again.
      Thread.sleep(sandbox.readLag().toMillis());
      sandbox.markSeeded();
    } finally {
      deleteTree(work);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
