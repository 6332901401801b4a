package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.sandbox.TokenPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code GITHUB_TOKEN} from GitHub Actions (an installation token, which GitHub refuses on
 * {@code GET /user}), the plan names the kind of token: it may push to the project's own
 * repositories, but pull requests to winget-pkgs, nixpkgs and flathub need a token that can fork.
 */
class GithubTokenKindPlanTest {

  @TempDir
  Path temp;

  @Test
  void anInstallationTokenIsNamedAndBlocksOnlyThePullRequestTargets() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.env.put("GITHUB_TOKEN", GithubEmulator.INSTALLATION_PREFIX + TokenPolicy.SANDBOX_TOKEN);

    FanoutRun.Result plan = f.sandboxed("plan", "--json");

    JsonNode release = FanoutRun.change(plan, "github_release.main");
    assertTrue(release.path("credentials").asText().startsWith("ok: an installation token"), release.toString());
    assertEquals("create", release.path("action").asText(), release.toString());
    for (String pr : new String[] {"winget.contextlite", "nix.contextlite", "flathub.contextlite"}) {
      JsonNode c = FanoutRun.change(plan, pr);
      assertEquals("blocked", c.path("action").asText(), c.toString());
      assertTrue(c.path("reasons").toString().contains("installation token")
          && c.path("reasons").toString().contains("can neither fork"), c.toString());
    }
    assertEquals(0, f.writes(), "a plan writes nothing");
  }
}
