package dev.fanout.providers.winget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import dev.fanout.sandbox.Emulator;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The manifest providers and the AUR emulator are found the way the CLI finds them. */
class ManifestRegistrationTest {

  @Test
  void providersAreFoundByTypeAndAreMutable() {
    Providers providers = Providers.load();

    for (String type : java.util.List.of("aur", "winget", "nix", "flathub")) {
      ProviderFactory f = providers.get(type);
      assertEquals(type, f.type());
      assertTrue(f.traits().mutable(), type);
      assertEquals(f.endpoints().keySet(), f.sandboxEndpoints().keySet(), type);
    }
    assertEquals("github", providers.get("winget").settingsBlock());
    assertEquals("aur", providers.get("aur").settingsBlock());
  }

  @Test
  void aurEmulatorIsFound() {
    assertTrue(ServiceLoader.load(Emulator.class).stream().anyMatch(e -> e.get().registry().equals("aur")));
  }
}
