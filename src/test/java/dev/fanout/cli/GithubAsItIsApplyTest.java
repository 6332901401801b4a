package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.providers.github.ManifestRepo;
import dev.fanout.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example against a GitHub that behaves as github.com does on a busy day: forks whose git
 * data takes 2 s, a secondary rate limit on the first release write, and upstreams where
 * 150 other pull requests are newer than ours.
 */
class GithubAsItIsApplyTest {

  /** GitHub's body for a secondary rate limit (docs.github.com, rate limits for the REST API). */
  private static final String SECONDARY_LIMIT = "{\"message\": \"You have exceeded a secondary rate limit. Please wait"
      + " a few minutes before you try again. If you reach out to GitHub Support for help, please include the request"
      + " ID 0000:1111:2222:3333:44444444.\", \"documentation_url\": \"https://docs.github.com/free-pro-team@latest/rest/"
      + "overview/rate-limits-for-the-rest-api#about-secondary-rate-limits\", \"status\": \"403\"}";
  private static final List<String> UPSTREAMS = List.of("NixOS/nixpkgs", "microsoft/winget-pkgs", "flathub/flathub");

  @TempDir
  Path temp;

  @Test
  void applyPublishesEverythingThroughSlowForksARateLimitAndBusyUpstreamsAndThenWritesNothing() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.faults("[{\"registry\": \"github\", \"operation\": \"write\", \"path\": \"/releases$\", \"status\": 403,"
        + " \"retry_after\": 3, \"times\": 1, \"body\": " + new ObjectMapper().writeValueAsString(SECONDARY_LIMIT) + "}]");

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--scenario", "slow-forks");
    List<Integer> releaseWrites = f.requests().stream()
        .filter(r -> r.path("method").asText().equals("POST") && r.path("path").asText().endsWith("/releases"))
        .map(r -> r.path("status").asInt()).toList();
    try (Sandbox github = Sandbox.start(f.sandbox, "slow-forks", List.of(new GithubEmulator()))) {
      ManifestRepo repo = ManifestFixtures.github(Http.client("test", Http.Policy.standard()), github.url("github"));
      for (String upstream : UPSTREAMS) {
        ManifestFixtures.othersOpenPulls(repo, upstream, 150);
      }
    }
    long writes = f.writes();
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve", "--scenario", "slow-forks");
    FanoutRun.Result plan = f.sandboxed("plan", "--detailed-exitcode", "--scenario", "slow-forks");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("14/14 published or up to date (100%)"), apply.out());
    assertEquals(List.of(403, 201), releaseWrites, "the release is created once, after the wait GitHub asked for");
    assertEquals(0, again.exit(), again.all());
    assertEquals(writes, f.writes(), "the second apply wrote: " + again.out());
    assertEquals(0, plan.exit(), plan.all());
    for (String manifest : List.of("nix.contextlite", "winget.contextlite", "flathub.contextlite")) {
      JsonNode change = FanoutRun.change(f.sandboxed("plan", "--json", "--scenario", "slow-forks"), manifest);
      assertTrue(change.toString().contains("pull request #1 open"), manifest + ": " + change);
    }
  }
}
