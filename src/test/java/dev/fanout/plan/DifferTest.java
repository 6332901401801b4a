package dev.fanout.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.provider.DesiredState;
import dev.fanout.provider.RegistryState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One verdict per target, with reasons, for every way a registry can stand against the release. */
class DifferTest {

  private static final String LOCATION = "registry.example";

  private static DesiredState want(Map<String, String> items, Map<String, String> pointers) {
    return new DesiredState("1.0.35", items, pointers);
  }

  private static RegistryState holds(List<String> versions, String current, Map<String, String> items,
      Map<String, String> pointers) {
    return new RegistryState(true, versions, current, items, pointers, null, LOCATION);
  }

  @Test
  void absentPackageIsCreated() {
    Differ.Verdict v = Differ.diff(RegistryState.absent(LOCATION), want(Map.of("a.tgz", "x"), Map.of()), false, LOCATION);

    assertEquals(Action.CREATE, v.action());
    assertTrue(v.reasons().get(0).contains("not on registry.example"), v.reasons().toString());
    assertEquals(List.of(new PlannedChange.ItemChange("a.tgz", null, "x")), v.items());
  }

  @Test
  void immutableRegistryWithOnlyOlderVersionsPlansCreateNamingTheNewest() {
    Differ.Verdict v = Differ.diff(holds(List.of("1.0.33", "1.0.34"), "1.0.34", Map.of(), Map.of()),
        want(Map.of("a.tgz", "x"), Map.of()), false, LOCATION);

    assertEquals(Action.CREATE, v.action());
    assertTrue(v.reasons().get(0).contains("newest there: 1.0.34"), v.reasons().toString());
  }

  @Test
  void mutableTargetAtAnOlderVersionIsUpdated() {
    Differ.Verdict v = Differ.diff(holds(List.of("1.0.34"), "1.0.34", Map.of("version", "1.0.34"), Map.of()),
        want(Map.of("version", "1.0.35"), Map.of()), true, LOCATION);

    assertEquals(Action.UPDATE, v.action());
    assertEquals("at 1.0.34 -> 1.0.35", v.reasons().get(0));
  }

  @Test
  void sameVersionSameContentIsUpToDate() {
    Differ.Verdict v = Differ.diff(holds(List.of("1.0.35"), "1.0.35", Map.of("a.tgz", "x"), Map.of("latest", "1.0.35")),
        want(Map.of("a.tgz", "x"), Map.of("latest", "1.0.35")), false, LOCATION);

    assertEquals(Action.NO_OP, v.action());
    assertEquals("1.0.35 already on registry.example", v.reasons().get(0));
  }

  @Test
  void sameVersionOtherBytesOnAnImmutableRegistryIsDriftWithBothDigests() {
    Differ.Verdict v = Differ.diff(holds(List.of("1.0.35"), "1.0.35", Map.of("a.tgz", "held"), Map.of()),
        want(Map.of("a.tgz", "wanted"), Map.of()), false, LOCATION);

    assertEquals(Action.DRIFT, v.action());
    assertEquals(List.of(new PlannedChange.ItemChange("a.tgz", "held", "wanted")), v.items());
    assertTrue(v.reasons().get(0).contains("a person must decide"));
  }

  @Test
  void sameVersionOtherContentOnAMutableTargetIsUpdated() {
    Differ.Verdict v = Differ.diff(holds(List.of("1.0.35"), "1.0.35", Map.of("sha256.linux", "old"), Map.of()),
        want(Map.of("sha256.linux", "new"), Map.of()), true, LOCATION);

    assertEquals(Action.UPDATE, v.action());
    assertTrue(v.reasons().get(0).contains("1 item differ"));
  }

  @Test
  void missingItemsOfAHeldVersionAreAddedAsAnUpdate() {
    Differ.Verdict v = Differ.diff(holds(List.of("1.0.35"), "1.0.35", Map.of("a", "1"), Map.of()),
        want(Map.of("a", "1", "b", "2", "c", "3"), Map.of()), false, LOCATION);

    assertEquals(Action.UPDATE, v.action());
    assertEquals("2 of 3 items missing on registry.example", v.reasons().get(0));
  }

  @Test
  void pointerOnAnOldVersionIsMoved() {
    Map<String, String> pointers = new HashMap<>();
    pointers.put("latest", "1.0.34");
    Differ.Verdict v = Differ.diff(holds(List.of("1.0.34", "1.0.35"), "1.0.35", Map.of("a", "1"), pointers),
        want(Map.of("a", "1"), Map.of("latest", "1.0.35")), false, LOCATION);

    assertEquals(Action.UPDATE, v.action());
    assertEquals("latest points at 1.0.34, not 1.0.35", v.reasons().get(0));
  }

  @Test
  void openPullRequestForTheVersionIsInProgressNotMissing() {
    RegistryState state = new RegistryState(true, List.of("1.0.34"), "1.0.34", Map.of(), Map.of(),
        "pull request #7 open", LOCATION);

    Differ.Verdict v = Differ.diff(state, want(Map.of("version", "1.0.35"), Map.of()), true, LOCATION);

    assertEquals(Action.NO_OP, v.action());
    assertTrue(v.reasons().get(0).contains("pull request #7 open"));
  }

  @Test
  void contentNotKnownBeforeTheBuildIsNotCalledDrift() {
    Map<String, String> unknown = new HashMap<>();
    unknown.put("a.tgz", null);
    Differ.Verdict v = Differ.diff(holds(List.of("1.0.35"), "1.0.35", Map.of("a.tgz", "held"), Map.of()),
        want(unknown, Map.of()), false, LOCATION);

    assertEquals(Action.NO_OP, v.action());
    assertTrue(v.reasons().get(0).contains("compared once the build has run"));
  }
}
