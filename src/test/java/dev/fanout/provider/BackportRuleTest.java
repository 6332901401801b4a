package dev.fanout.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a release is a backport: from what the registry holds, never from a tag that is no version. */
class BackportRuleTest {

  private static RegistryState holding(String... versions) {
    return new RegistryState(true, List.of(versions), null, Map.of(), Map.of(), null, "registry");
  }

  @Test
  void anOlderVersionThanTheNewestStableOneIsABackport() {
    assertEquals("0.4.6", Backport.latestStaysAt("0.4.5", holding("0.4.4", "0.4.6", "0.4.5"), false));
  }

  @Test
  void theNewestVersionOrANewerOneIsNoBackport() {
    assertNull(Backport.latestStaysAt("0.4.6", holding("0.4.6"), false));
    assertNull(Backport.latestStaysAt("0.4.7", holding("0.4.6"), false));
    assertNull(Backport.latestStaysAt("0.4.5", holding(), false));
  }

  @Test
  void aReleaseThatAsksForLatestIsNoBackport() {
    assertNull(Backport.latestStaysAt("0.4.5", holding("0.4.6"), true));
  }

  @Test
  void prereleasesDateTagsAndWordsDoNotCountAsNewer() {
    assertNull(Backport.latestStaysAt("0.4.6", holding("0.5.0-rc.1", "20240101", "latest", "0.4.5", "v0.4.6"), false));
    assertEquals("0.5.0-rc.1", Backport.newest(holding("0.5.0-rc.1", "20240101")));
  }
}
