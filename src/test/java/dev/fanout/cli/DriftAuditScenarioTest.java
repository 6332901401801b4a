package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registries as the audit left them: the table says who is behind. */
class DriftAuditScenarioTest {

  @TempDir
  Path temp;

  @Test
  void auditStateReadsAsTargetsOneReleaseBehind() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");

    FanoutRun.Result drift = f.sandboxed("drift", "--scenario", "audit", "--json");
    FanoutRun.Result table = f.sandboxed("drift");

    assertEquals(2, drift.exit(), drift.all());
    Map<String, JsonNode> rows = new HashMap<>();
    drift.json().get("targets").forEach(t -> rows.put(t.get("address").asText(), t));
    for (String current : Set.of("npm.contextlite", "pypi.contextlite", "github_packages.contextlite",
        "chocolatey.contextlite")) {
      assertEquals("1.0.35", rows.get(current).get("latest").asText(), current);
      assertEquals(0, rows.get(current).get("behind").asInt(), current);
    }
    for (String behind : Set.of("github_release.main", "homebrew.contextlite", "scoop.contextlite", "docker.image",
        "crates.contextlite", "aur.contextlite", "snap.contextlite")) {
      assertEquals("1.0.34", rows.get(behind).get("latest").asText(), behind);
      assertEquals(1, rows.get(behind).get("behind").asInt(), behind);
    }
    assertTrue(table.out().contains("1.0.34        missing 1.0.35 (1 behind)"), table.out());
  }
}
