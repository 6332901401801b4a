package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sandbox-except TYPE}: those targets go to the registry the release file names,
 * with their own credentials, and everything else to the sandbox. The "real" registry here
 * is a second sandbox in its own folder, so its request log shows what reached it.
 */
class SandboxExceptTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path temp;
  private Sandbox elsewhere;
  private FanoutRun f;

  @BeforeEach
  void start() throws IOException {
    elsewhere = Sandbox.start(temp.resolve("elsewhere"), "empty");
    f = new FanoutRun(temp, "minimal");
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release).replace("https://registry.npmjs.org", elsewhere.url("npm")));
  }

  @AfterEach
  void stop() throws IOException {
    elsewhere.close();
  }

  private static List<String> npmRequests(Path sandboxDir) throws IOException {
    Path log = sandboxDir.resolve("requests.jsonl");
    List<String> out = new ArrayList<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        JsonNode r = JSON.readTree(line);
        if (r.path("registry").asText().equals("npm")) {
          out.add(r.path("method").asText() + " " + r.path("path").asText());
        }
      }
    }
    return out;
  }

  @Test
  void aTypeKeptRealIsReadFromTheConfiguredRegistryAndNotFromTheSandbox() throws Exception {
    f.env.put("NPM_TOKEN", "npm_not-a-sandbox-token");

    FanoutRun.Result plan = f.sandboxed("plan", "--sandbox-except", "npm", "--json");

    // The stand-in registry refuses a token it never issued: the target is unknown, and the plan exits 1.
    assertEquals(1, plan.exit(), plan.all());
    JsonNode npm = FanoutRun.change(plan, "npm.hello");
    assertEquals("unknown", npm.get("action").asText());
    assertEquals(elsewhere.url("npm").replace("http://", ""), npm.get("location").asText());
    assertTrue(npmRequests(temp.resolve("elsewhere")).stream().anyMatch(r -> r.startsWith("GET ")),
        npmRequests(temp.resolve("elsewhere")).toString());
    assertEquals(List.of(), npmRequests(f.sandbox));
  }

  @Test
  void withoutTheOptionTheSameTargetGoesToTheSandbox() throws Exception {
    f.env.put("NPM_TOKEN", "npm_not-a-sandbox-token");

    FanoutRun.Result plan = f.sandboxed("plan", "--json");

    assertEquals(0, plan.exit(), plan.all());
    assertEquals("create", FanoutRun.change(plan, "npm.hello").get("action").asText());
    assertEquals(List.of(), npmRequests(temp.resolve("elsewhere")));
    assertTrue(npmRequests(f.sandbox).stream().anyMatch(r -> r.startsWith("GET ")), npmRequests(f.sandbox).toString());
  }

  @Test
  void aSandboxTokenIsNeverSentToARealRegistry() throws Exception {
    f.env.put("NPM_TOKEN", "fanout-sandbox-token");

    FanoutRun.Result plan = f.sandboxed("plan", "--sandbox-except", "npm", "--json");

    assertEquals(1, plan.exit(), plan.all());
    JsonNode npm = FanoutRun.change(plan, "npm.hello");
    assertEquals("blocked", npm.get("action").asText());
    String reason = npm.get("reasons").toString();
    assertTrue(reason.contains("NPM_TOKEN (a sandbox token: never sent to a real registry)"), reason);
  }

  @Test
  void anUnknownTypeIsRefusedWithTheClosestName() {
    FanoutRun.Result plan = f.sandboxed("plan", "--sandbox-except", "nmp");

    assertEquals(1, plan.exit());
    assertTrue(plan.err().contains("--sandbox-except nmp: there is no publication type \"nmp\". Did you mean \"npm\"?"),
        plan.err());
  }

  @Test
  void theOptionNeedsTheSandbox() {
    FanoutRun.Result plan = f.run("plan", f.dir.toString(), "--sandbox-except", "npm");

    assertEquals(1, plan.exit());
    assertTrue(plan.err().contains("--sandbox-except only works with --sandbox"), plan.err());
  }
}
