package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Since July 2026 PyPI takes no new file for a release older than 14 days: a platform wheel
 * added to such a release is shown blocked with warehouse's reason, not "+ publish", and apply
 * does not send it.
 */
class PypiOldReleasePlanTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path temp;

  @Test
  void aWheelAddedToAReleaseOlderThanFourteenDaysIsBlockedWithWarehousesReason() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    FanoutRun.Result first = f.sandboxed("apply", "--auto-approve", "--target", "pypi.contextlite",
        "--var", "platforms=[{\"os\": \"linux\", \"arch\": \"amd64\"}]");
    long uploads = f.writes("pypi");
    assertEquals(0, first.exit(), first.all());
    backdate(f.sandbox, Duration.ofDays(15));

    FanoutRun.Result plan = f.sandboxed("plan", "--json", "--target", "pypi.contextlite");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--target", "pypi.contextlite");

    assertEquals(1, uploads, first.all());
    assertEquals(1, plan.exit(), plan.all());
    JsonNode change = FanoutRun.change(plan, "pypi.contextlite");
    assertEquals("blocked", change.get("action").asText(), plan.out());
    assertTrue(change.get("reasons").toString().contains("Uploading new files to releases older than 14 days is not allowed."),
        plan.out());
    assertEquals(1, f.writes("pypi"), "a file was uploaded to the old release: " + apply.all());
  }

  /** Moves every upload time in the sandbox's PyPI state back by {@code age}. */
  private static void backdate(Path sandbox, Duration age) throws Exception {
    List<Path> projects;
    try (Stream<Path> files = Files.walk(sandbox)) {
      projects = files.filter(p -> p.getFileName().toString().equals("contextlite.json")
          && p.getParent().getFileName().toString().equals("projects")).toList();
    }
    assertEquals(1, projects.size(), projects.toString());
    ObjectNode project = (ObjectNode) JSON.readTree(projects.get(0).toFile());
    for (JsonNode release : project.path("releases")) {
      for (JsonNode file : release) {
        ((ObjectNode) file).put("uploadTime", Instant.parse(file.path("uploadTime").asText()).minus(age).toString());
      }
    }
    JSON.writeValue(projects.get(0).toFile(), project);
  }
}
