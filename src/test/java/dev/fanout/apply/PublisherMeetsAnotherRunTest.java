package dev.fanout.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.output.Redactor;
import dev.fanout.plan.Plan;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import dev.fanout.refresh.Acknowledgements;
import dev.fanout.target.Target;
import dev.fanout.target.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runners on one release: the read before the write finds the version missing, and by
 * the write another run has made it. What the registry then says (a refusal, or nothing
 * written) is confirmed by a read: the target ends up to date, never failed, and never
 * "published" by the run that wrote nothing.
 */
class PublisherMeetsAnotherRunTest {

  private static final Address ADDRESS = Address.of("pkg", "contextlite");
  private static final Map<String, String> OURS = Map.of("contextlite-1.0.0.tgz", "sha256:aa");

  @TempDir
  Path dir;

  /** A registry of one package whose publish first lets "the other run" land, then answers as told. */
  private final class Registry implements Provider {
    Map<String, String> held = Map.of();
    final Map<String, String> otherRunMakes;
    final Answer answer;

    Registry(Map<String, String> otherRunMakes, Answer answer) {
      this.otherRunMakes = otherRunMakes;
      this.answer = answer;
    }

    @Override
    public RegistryState read(Publication p) {
      return held.isEmpty() ? RegistryState.absent("pkg (test)")
          : new RegistryState(true, List.of("1.0.0"), "1.0.0", held, Map.of(), null, "pkg (test)");
    }

    @Override
    public CredentialCheck checkCredentials(Publication p) {
      return null;
    }

    @Override
    public DesiredState desired(Publication p) {
      return new DesiredState("1.0.0", OURS, Map.of());
    }

    @Override
    public PublishResult publish(Publication p, RegistryState before) throws RegistryException {
      held = otherRunMakes;
      return answer.give(this);
    }
  }

  @FunctionalInterface
  private interface Answer {
    Provider.PublishResult give(Registry r) throws RegistryException;
  }

  @Test
  void aWriteThatWroteNothingBecauseAnotherRunMadeItIsUpToDateNamingTheOtherRun() throws Exception {
    NodeResult r = publish(new Registry(OURS, x -> new Provider.PublishResult(List.of(),
        "contextlite 1.0.0 was already there (published by run 7f3a)")));

    assertEquals(Status.UP_TO_DATE, r.status(), r.detail());
    assertTrue(r.detail().contains("another run") && r.detail().contains("run 7f3a"), r.detail());
    assertTrue(r.written().isEmpty());
    assertTrue(Files.readString(dir.resolve("journal.jsonl")).contains("\"event\":\"met\""));
  }

  @Test
  void aRefusalAsTakenConfirmedByAReadIsUpToDateWithTheRegistrysWords() throws Exception {
    NodeResult r = publish(new Registry(OURS, x -> {
      throw new RegistryException("pkg", "publish", 409, "cannot publish over the previously published versions: 1.0.0",
          null);
    }));

    assertEquals(Status.UP_TO_DATE, r.status(), r.detail());
    assertTrue(r.detail().contains("cannot publish over"), r.detail());
  }

  @Test
  void aRefusalAsTakenWhereTheRegistryHoldsOtherBytesStaysAFailure() throws Exception {
    NodeResult r = publish(new Registry(Map.of("contextlite-1.0.0.tgz", "sha256:bb"), x -> {
      throw new RegistryException("pkg", "publish", 409, "cannot publish over the previously published versions: 1.0.0",
          null);
    }));

    assertEquals(Status.FAILED, r.status(), r.detail());
  }

  @Test
  void aWriteThatWroteItsOwnFilesIsPublished() throws Exception {
    NodeResult r = publish(new Registry(OURS, x -> new Provider.PublishResult(List.of("contextlite-1.0.0.tgz"),
        "published")));

    assertEquals(Status.PUBLISHED, r.status(), r.detail());
  }

  private NodeResult publish(Registry registry) throws Exception {
    Publication p = new Publication(ADDRESS, "pkg", Map.of(), Map.of());
    Target target = new Target(ADDRESS, p, new Factory(), registry, Map.of(), "pkg (test)", true);
    Plan plan = new Plan("contextlite", "1.0.0", "literal", "h", "release.fanout", List.of(), List.of(), false,
        Map.of(), null);
    try (Journal journal = new Journal(dir.resolve("journal.jsonl"), "run-b", Redactor.none())) {
      return new Publisher(new Targets(Map.of(ADDRESS, target)), plan, journal,
          new Acknowledgements(dir, Clock.systemUTC()),
          Applier.Options.standard(1).withVisibilityWait(Duration.ZERO), 1000, false).publish(ADDRESS);
    }
  }

  private static final class Factory implements ProviderFactory {
    @Override
    public String type() {
      return "pkg";
    }

    @Override
    public String description() {
      return "a test registry";
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
      return Map.of();
    }

    @Override
    public Map<String, String> sandboxEndpoints() {
      return Map.of();
    }

    @Override
    public Traits traits() {
      return Traits.immutable();
    }

    @Override
    public Provider create(ProviderContext context) {
      throw new UnsupportedOperationException("the test makes its registry itself");
    }
  }
}
