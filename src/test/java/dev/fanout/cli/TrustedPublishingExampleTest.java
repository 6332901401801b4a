package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/trusted-publishing under --sandbox: the sandbox plays the GitHub Actions job, the
 * registries trust it (or, in the second scenario, another workflow), and npm, PyPI and
 * crates.io are published with nothing but the tokens they exchanged for the job's ID tokens.
 */
class TrustedPublishingExampleTest {

  @TempDir
  java.nio.file.Path temp;

  private static List<JsonNode> select(List<JsonNode> log, String registry, String method, String path) {
    return log.stream().filter(r -> r.get("registry").asText().equals(registry) && r.get("method").asText().equals(method)
        && r.get("path").asText().startsWith(path)).toList();
  }

  @Test
  void eachRegistryGetsOneIdTokenAndOneExchangeAndEveryPublishUsesTheExchangedToken() throws Exception {
    FanoutRun f = new FanoutRun(temp, "trusted-publishing");
    f.env.put("GITHUB_TOKEN", "fanout-sandbox-token");

    FanoutRun.Result apply = f.sandboxed("apply", "--scenario", "trusted-publishing", "--auto-approve",
        "--visibility-wait", "1s");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("trusted publishing: ok for repository Michael-A-Kuykendall/contextlite,"
        + " workflow release.yml, environment release"), apply.out());
    // What the apply itself sent (the scenario's seeding came before, with the sandbox token).
    List<JsonNode> all = f.requests();
    int from = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).get("registry").asText().equals("actions")) {
        from = i;
        break;
      }
    }
    List<JsonNode> log = all.subList(from, all.size());
    assertEquals(3, select(log, "actions", "GET", "/_apis/idtoken").size(), "one ID token per registry: " + log);
    assertTrue(select(log, "actions", "GET", "/_apis/idtoken").stream()
        .allMatch(r -> r.path("credential").asText().equals("actions-request-token")));
    assertEquals(1, select(log, "npm", "POST", "/-/npm/v1/oidc/token/exchange/package/contextlite").size(), log.toString());
    assertEquals(1, select(log, "pypi", "POST", "/_/oidc/mint-token").size(), log.toString());
    assertEquals(1, select(log, "crates", "POST", "/api/v1/trusted_publishing/tokens").size(), log.toString());
    assertEquals(1, select(log, "crates", "DELETE", "/api/v1/trusted_publishing/tokens").size(),
        "crates.io's token is revoked at the end: " + log);
    for (String registry : List.of("npm", "pypi", "crates")) {
      List<JsonNode> writes = log.stream().filter(r -> r.get("registry").asText().equals(registry)
          && r.get("write").asBoolean()).toList();
      assertTrue(!writes.isEmpty(), registry + " was not published");
      assertTrue(writes.stream().allMatch(r -> r.path("credential").asText().equals("exchanged")
          && r.get("status").asInt() < 300), registry + " publishes not made with the exchanged token: " + writes);
      // No long-lived credential reached these registries in this run.
      Map<String, Long> kinds = log.stream().filter(r -> r.get("registry").asText().equals(registry))
          .collect(Collectors.groupingBy(r -> r.path("credential").asText("none"), Collectors.counting()));
      assertTrue(!kinds.containsKey("sandbox-token") && !kinds.containsKey("other"), registry + ": " + kinds);
    }
    assertTrue(f.writes("github") > 0, "the GitHub release was not written");
    signedRelease(f);
    for (String file : List.of(".fanout/journal.jsonl")) {
      String text = Files.readString(f.dir.resolve(file));
      assertTrue(!text.contains("fanout-sandbox-oidc-") && !text.contains("eyJ"), file + " holds a token");
    }
  }

  @Test
  void theFirstPlanOfASeededScenarioSeesTheSeedAsAnEarlierReleaseLongIndexed() throws Exception {
    // Seeding publishes 1.0.34 moments before the plan reads; the crates.io index shows a
    // version 300 ms after its upload, so a plan that followed at once (a warm JVM: the second
    // and third time here) missed it, and apply of its saved plan then found crates.contextlite
    // "changed after the plan was made".
    for (int i = 0; i < 3; i++) {
      FanoutRun f = new FanoutRun(java.nio.file.Files.createDirectories(temp.resolve("seeded-" + i)), "trusted-publishing");
      f.env.put("GITHUB_TOKEN", "fanout-sandbox-token");
      FanoutRun.Result plan = f.sandboxed("plan", "--scenario", "trusted-publishing", "--json");
      assertEquals(0, plan.exit(), plan.all());
      JsonNode crates = FanoutRun.change(plan, "crates.contextlite");
      assertEquals("1.0.34", crates.path("before").path("version").asText(), "plan " + i + ": " + crates);
    }
  }

  @Test
  void aTrustedPublisherForAnotherWorkflowBlocksEachTargetWithTheRegistrysReasonAndWritesNothing() throws Exception {
    FanoutRun f = new FanoutRun(temp, "trusted-publishing");
    f.env.put("GITHUB_TOKEN", "fanout-sandbox-token");

    FanoutRun.Result plan = f.sandboxed("plan", "--scenario", "trusted-publishing-other-workflow", "--no-color");
    long seeded = packageWrites(f);
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--no-color");

    assertEquals(1, plan.exit(), plan.all());
    String out = plan.out();
    assertTrue(out.contains("OIDC token exchange error - package not found"), out);
    assertTrue(out.contains("invalid-publisher: valid token, but no corresponding publisher"
        + " (Publisher with matching claims was not found)"), out);
    assertTrue(out.contains("The Trusted Publishing config for repository `Michael-A-Kuykendall/contextlite` does not"
        + " match the workflow filename `release.yml` in the JWT. Expected workflow filenames: `publish.yml`"), out);
    assertTrue(out.contains("the trusted publisher must allow this job: repository Michael-A-Kuykendall/contextlite,"
        + " workflow release.yml, environment release"), out);
    assertTrue(apply.exit() != 0, apply.all());
    assertTrue(seeded > 0, "the scenario's seeding wrote npm and crates.io");
    assertEquals(seeded, packageWrites(f), "a refused registry was written to: " + f.requests());
  }

  /** Writes to npm, PyPI and crates.io so far. */
  private static long packageWrites(FanoutRun f) {
    return f.requests().stream().filter(r -> r.get("write").asBoolean()
        && List.of("npm", "pypi", "crates").contains(r.get("registry").asText())).count();
  }

  /**
   * The release is signed with the sandbox's key (the example's key variables are unset): gpg
   * verifies the binary's and SHA256SUMS's signatures downloaded from the release, and the SBOM
   * and the provenance are there too.
   */
  private void signedRelease(FanoutRun f) throws Exception {
    dev.fanout.testing.Tools.require("gpg", "apt-get install gnupg");
    Path dir = Files.createDirectories(temp.resolve("downloads"));
    okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();
    try (dev.fanout.sandbox.Sandbox sandbox = dev.fanout.sandbox.Sandbox.start(f.sandbox, "trusted-publishing")) {
      String base = sandbox.url("github") + "/download/Michael-A-Kuykendall/contextlite/v1.0.35/";
      for (String name : List.of("contextlite-linux-amd64", "contextlite-linux-amd64.asc", "SHA256SUMS",
          "SHA256SUMS.asc", "contextlite-linux-amd64.cdx.json", "contextlite-linux-amd64.intoto.jsonl")) {
        try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder().url(base + name).build()).execute()) {
          assertEquals(200, r.code(), base + name);
          Files.write(dir.resolve(name), r.body().bytes());
        }
      }
    }
    Path home = Files.createDirectories(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dir.resolve("sandbox-key.asc"), dev.fanout.signing.EphemeralKey.sandbox().armoredPublic());
    assertEquals(0, gpg(dir, home, "--import", "sandbox-key.asc").exit());
    for (String name : List.of("contextlite-linux-amd64", "SHA256SUMS")) {
      dev.fanout.testing.Tools.Result verified = gpg(dir, home, "--verify", name + ".asc", name);
      assertEquals(0, verified.exit(), name + ": " + verified.output());
      assertTrue(verified.output().contains("Good signature"), verified.output());
    }
  }

  private static dev.fanout.testing.Tools.Result gpg(Path dir, Path home, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch"));
    command.addAll(List.of(args));
    return dev.fanout.testing.Tools.run(dir, Map.of(), command.toArray(String[]::new));
  }
}
