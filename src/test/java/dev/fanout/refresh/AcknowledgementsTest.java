package dev.fanout.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.provider.RegistryState;
import dev.fanout.target.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged write is in progress only where it was written: the same release pointed at
 * a new sandbox (or another registry) publishes there instead of waiting for a write it never
 * received. Found by applying Fanout's own release to a second sandbox folder.
 */
class AcknowledgementsTest {

  @TempDir
  Path dir;

  @Test
  void aWriteAcknowledgedByOneRegistryIsNotInProgressAtAnother() throws Exception {
    Acknowledgements acks = new Acknowledgements(dir, Clock.systemUTC());
    Target first = target("http://127.0.0.1:41001");
    Target second = target("http://127.0.0.1:41002");
    RegistryState absent = RegistryState.absent("npm");

    acks.record(first, "1.0.0", "files: app-1.0.0.tgz");

    assertEquals("acknowledged", acks.overlay(first, "1.0.0", absent).inProgress().substring(0, 12));
    assertNull(acks.overlay(second, "1.0.0", absent).inProgress());
    assertNull(acks.overlay(first, "1.0.1", absent).inProgress());
  }

  @Test
  void anEntryFromBeforeWhereWasKeptStillCounts() throws Exception {
    Files.writeString(dir.resolve("acknowledged.json"), """
        {"npm.app": {"version": "1.0.0", "at": "%s", "detail": "files: app-1.0.0.tgz"}}
        """.formatted(java.time.Instant.now()));
    Acknowledgements acks = new Acknowledgements(dir, Clock.systemUTC());

    assertEquals("acknowledged", acks.overlay(target("http://127.0.0.1:41002"), "1.0.0",
        RegistryState.absent("npm")).inProgress().substring(0, 12));
  }

  private static Target target(String url) {
    Address a = Address.parse("npm.app");
    return new Target(a, new Publication(a, "npm", Map.of(), Map.of()), null, null, Map.of("registry", url),
        "npm", true, null);
  }
}
