package dev.fanout.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.output.Redactor;
import dev.fanout.plan.Action;
import dev.fanout.plan.Plan;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk of a three-node release through the engine, with a stub registry in place of a
 * real one: a failure blocks only its dependent, with the root cause, and the independent
 * target is still published.
 */
class WalkerTest {

  @TempDir
  Path dir;

  /** b needs a; c needs nothing. */
  private static final String THREE = """
      release "three" {
        version = "1.0.0"
      }
      stub "a" {}
      stub "b" {
        depends_on = [stub.a]
      }
      stub "c" {}
      """;

  /** What the stub registry holds, by package; shared by every target of the run. */
  private final Map<String, String> registry = new ConcurrentHashMap<>();
  private final Set<String> refusing = ConcurrentHashMap.newKeySet();

  @Test
  void applyBlocksOnlyTheDependentsOfAFailedTarget() throws Exception {
    // given: b needs a; c needs nothing; the registry refuses a
    Files.writeString(dir.resolve("release.fanout"), THREE);
    refusing.add("a");

    // when
    Map<String, NodeResult> byName = apply();

    // then
    assertEquals(Status.FAILED, byName.get("a").status());
    assertEquals("publish", byName.get("a").step());
    assertEquals(Status.BLOCKED, byName.get("b").status());
    assertTrue(byName.get("b").rootCause().startsWith("stub.a failed"), byName.get("b").rootCause());
    assertEquals(Status.PUBLISHED, byName.get("c").status());
    assertEquals(Map.of("c", "1.0.0"), registry);
  }

  @Test
  void aSecondApplyFindsEverythingPublishedAndWritesNothing() throws Exception {
    // given: a run that published all three
    Files.writeString(dir.resolve("release.fanout"), THREE);
    Map<String, NodeResult> first = apply();
    assertTrue(first.values().stream().allMatch(r -> r.status() == Status.PUBLISHED), first.toString());

    // when
    Map<String, NodeResult> second = apply();

    // then
    assertTrue(second.values().stream().allMatch(r -> r.status() == Status.UP_TO_DATE), second.toString());
    assertFalse(Files.readString(dir.resolve(".fanout/journal.jsonl")).isEmpty());
  }

  private Map<String, NodeResult> apply() throws Exception {
    Providers providers = Providers.of(new StubFactory());
    ConfigLoader.Result loaded = new ConfigLoader(providers, Map.of(), Map.of(), p -> null).load(dir);
    assertFalse(loaded.hasErrors(), loaded.diagnostics().toString());
    try (Engine engine = Engine.open(loaded.config(), providers, Engine.Settings.standard("test"), Redactor.none())) {
      Plan plan = engine.plan(engine.scope(List.of()), false, n -> { });
      assertTrue(plan.changes().stream().allMatch(c -> c.action() == Action.CREATE || c.action() == Action.NO_OP));
      ApplyResult result = engine.apply(plan, Walker.Listener.NONE, Applier.Options.standard(10));
      return result.targets().stream().collect(Collectors.toMap(r -> r.address().name(), Function.identity()));
    }
  }

  /** A registry in memory: a package holds one version, or none. */
  private final class StubFactory implements ProviderFactory {
    @Override
    public String type() {
      return "stub";
    }

    @Override
    public String description() {
      return "a registry in memory";
    }

    @Override
    public Schema schema() {
      return Schema.builder().build();
    }

    @Override
    public Schema settingsSchema() {
      return Schema.builder().build();
    }

    @Override
    public Map<String, String> endpoints() {
      return Map.of("registry", "http://127.0.0.1:9");
    }

    @Override
    public Map<String, String> sandboxEndpoints() {
      return Map.of("registry", "stub");
    }

    @Override
    public String credentialSetting() {
      return null;
    }

    @Override
    public Traits traits() {
      return Traits.immutable();
    }

    @Override
    public Provider create(ProviderContext context) {
      return new Provider() {
        @Override
        public RegistryState read(Publication p) {
          String held = registry.get(p.address().name());
          return held == null ? RegistryState.absent("stub")
              : new RegistryState(true, List.of(held), held, Map.of("version", held), Map.of(), null, "stub");
        }

        @Override
        public CredentialCheck checkCredentials(Publication p) {
          return CredentialCheck.uncheckable("a stub");
        }

        @Override
        public DesiredState desired(Publication p) {
          return new DesiredState("1.0.0", Map.of("version", "1.0.0"), Map.of());
        }

        @Override
        public PublishResult publish(Publication p, RegistryState before) throws RegistryException {
          if (refusing.contains(p.address().name())) {
            throw new RegistryException("stub", "publish", 400, "refused", false, "fix it", null);
          }
          registry.put(p.address().name(), "1.0.0");
          return new PublishResult(List.of("1.0.0"), null);
        }
      };
    }
  }
}
