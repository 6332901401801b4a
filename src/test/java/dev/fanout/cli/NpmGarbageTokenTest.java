package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.testing.ServerRequest;
import dev.fanout.testing.Verdaccio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A garbage {@code NPM_TOKEN} against the real Verdaccio, whose whoami answers {@code {}} for a
 * token it does not know: the plan shows the npm target blocked with the reason, and apply
 * sends Verdaccio no write.
 */
class NpmGarbageTokenTest {

  @TempDir
  Path temp;

  @Test
  void aGarbageTokenBlocksTheNpmTargetInThePlanAndApplyPublishesNothing() throws Exception {
    try (Verdaccio npm = Verdaccio.start()) {
      FanoutRun f = new FanoutRun(temp, "minimal");
      Path release = f.dir.resolve("release.fanout");
      Files.writeString(release, Files.readString(release).replace("https://registry.npmjs.org", npm.url()));
      f.env.put("NPM_TOKEN", "garbage");

      FanoutRun.Result plan = f.run("plan", f.dir.toString(), "--json");
      FanoutRun.Result text = f.run("plan", f.dir.toString());
      FanoutRun.Result apply = f.run("apply", f.dir.toString(), "--auto-approve");

      assertEquals(1, plan.exit(), plan.all());
      JsonNode change = FanoutRun.change(plan, "npm.hello");
      assertEquals("blocked", change.get("action").asText(), plan.out());
      assertTrue(change.get("credentials").asText().startsWith("invalid: "), change.toString());
      assertTrue(change.get("reasons").toString().contains("blocked: npm credentials: npm names no user for the token from env NPM_TOKEN (whoami answered {})"), change.toString());
      assertTrue(text.out().contains("npm.hello"), text.all());
      assertFalse(text.all().contains("authenticated as ?"), text.all());
      assertFalse(text.all().contains("garbage"), "the token was printed: " + text.all());
      assertNotEquals(0, apply.exit(), apply.all());
      assertTrue(apply.all().contains("Nothing to publish"), apply.all());
      List<ServerRequest> writes = npm.requests().stream().filter(ServerRequest::write).toList();
      assertEquals(List.of(), writes, "Verdaccio got writes");
      assertTrue(npm.requests().stream().anyMatch(r -> r.path().equals("/-/whoami")), npm.requests().toString());
    }
  }
}
