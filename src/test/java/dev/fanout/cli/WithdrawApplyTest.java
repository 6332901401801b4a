package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.providers.crates.DependentCrate;
import dev.fanout.providers.npm.NpmCli;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21's acceptance: examples/contextlite 1.0.34 and 1.0.35 published into an empty
 * sandbox, then {@code withdraw "1.0.35"}: the plan shows each registry's steps, apply (killed
 * with SIGKILL after a random write, then run again until it ends) does each of them once,
 * a second apply writes nothing, drift agrees, and the registries' own clients see 1.0.34.
 */
class WithdrawApplyTest {

  static final String REASON = "corrupts the index on upgrade; use 1.0.36";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path temp;

  static void withdraw(FanoutRun f, String version) throws Exception {
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release) + "\nwithdraw \"" + version + "\" {\n  reason = \""
        + REASON + "\"\n}\n");
  }

  @Test
  void withdrawingTheNewestVersionIsPlannedAppliedOnceThroughKillsAndSeenByRealClients() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    FanoutRun.Result older = f.sandboxed("apply", "--auto-approve", "--var", "version=1.0.34");
    assertEquals(0, older.exit(), older.all());
    // Chocolatey holds 1.0.34 in moderation and refuses 1.0.35 until it is approved: blocked, exit 1.
    FanoutRun.Result newer = f.sandboxed("apply", "--auto-approve");
    assertTrue(newer.out().contains("npm.contextlite              published"), newer.all());
    withdraw(f, "1.0.35");

    FanoutRun.Result plan = f.sandboxed("plan");
    assertEquals(0, plan.exit(), plan.all());
    for (String line : new String[] {
        "- npm.contextlite              deprecate 1.0.35 (\"" + REASON + "\")",
        "~ npm.contextlite              latest: 1.0.35 -> 1.0.34",
        "~ github_packages.contextlite  latest: 1.0.35 -> 1.0.34",
        "- github_packages.contextlite  delete 1.0.35",
        "~ snap.contextlite             latest/stable amd64: 1.0.35 -> 1.0.34",
        "~ snap.contextlite             latest/stable arm64: 1.0.35 -> 1.0.34",
        "- crates.contextlite           yank 1.0.35",
        "~ docker.image                 latest: 1.0.35 -> 1.0.34",
        "~ homebrew.contextlite         1.0.35 -> 1.0.34",
        "~ scoop.contextlite            1.0.35 -> 1.0.34",
        "~ github_release.main          latest: v1.0.35 -> v1.0.34",
        "- github_release.main          deprecate v1.0.35 (\"" + REASON + "\")",
        "! pypi.contextlite             PyPI has no API to yank: yank 1.0.35",
        "~ aur.contextlite              1.0.35 -> 1:1.0.34",
        "- winget.contextlite           close pull request #2 proposing 1.0.35 (\"" + REASON + "\")",
        "- nix.contextlite              close pull request #2 proposing 1.0.35 (\"" + REASON + "\")"}) {
      assertTrue(plan.out().contains(line), line + "\n" + plan.out());
    }
    JsonNode json = f.sandboxed("plan", "--json").json();
    assertEquals(11, json.path("summary").path("withdraw").asInt(), json.toString());
    assertEquals(0, json.path("summary").path("create").asInt() + json.path("summary").path("update").asInt());

    // Reverse dependency order: while the tap refuses the formula, the GitHub release its URLs
    // point at is not touched; the other targets withdraw.
    f.faults("[{\"registry\": \"github\", \"operation\": \"write\", \"path\": \"^/repos/contextlite/homebrew-tap/\","
        + " \"status\": 422}]");
    int faulted = f.requests().size();
    FanoutRun.Result refused = f.sandboxed("apply", "--auto-approve");
    assertEquals(1, refused.exit(), refused.all());
    assertTrue(refused.out().contains("not withdrawn: homebrew.contextlite could not withdraw first"), refused.all());
    assertTrue(f.requests().subList(faulted, f.requests().size()).stream().noneMatch(r -> r.path("write").asBoolean()
        && r.path("path").asText().contains("/releases/")), "the GitHub release was changed before its formula");
    f.faults("[]");

    int kills = killAfterRandomWrites(f);
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");
    assertEquals(0, apply.exit(), apply.all());
    assertTrue(kills > 0, "no run was killed");
    assertTrue(apply.out().contains("14/14 published, withdrawn or up to date") || apply.out().contains(
        "Nothing to publish"), apply.all());
    Map<String, Integer> repeated = repeatedWrites(f.requests().subList(faulted, f.requests().size()));
    // The snap's revisions go back one POST each to the same path: as many as the plan's snap steps.
    repeated.remove("snap POST /dev/api/snap-release/", (int) plan.out().lines()
        .filter(l -> l.strip().startsWith("~ snap.contextlite")).count());
    assertEquals(Map.of(), repeated, "after " + kills + " kills, a write was sent twice");

    long settled = f.writes();
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve");
    assertEquals(0, again.exit(), again.all());
    assertEquals(settled, f.writes(), again.all());
    FanoutRun.Result drift = f.sandboxed("drift");
    assertEquals(0, drift.exit(), drift.all());

    try (Sandbox sandbox = Sandbox.start(f.sandbox, "empty")) {
      registriesSeeTheOlderVersion(sandbox);
    }

    // The fix, 1.0.36, is published while 1.0.35 stays withdrawn: latest moves on to it.
    // Its index line shows at once here: in a warm JVM the saved plan below is made within the
    // index's 300 ms lag, and apply would rightly call it stale when 1.0.36 shows up in between.
    f.faults("[{\"registry\": \"crates\", \"visibility_delay_ms\": 0}]");
    String[] fix = {"--auto-approve", "--var", "version=1.0.36", "--target", "npm.contextlite", "--target",
        "crates.contextlite"};
    FanoutRun.Result next = f.sandboxed("apply", fix);
    assertEquals(0, next.exit(), next.all());
    FanoutRun.Result settledFix = f.sandboxed("plan", "--detailed-exitcode", "--var", "version=1.0.36", "--target",
        "npm.contextlite", "--target", "crates.contextlite");
    assertEquals(0, settledFix.exit(), settledFix.all());

    // Without the block, crates.io offers 1.0.35 again.
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release).replaceAll("(?s)\nwithdraw \"1\\.0\\.35\" \\{.*?\\}\n", "\n"));
    FanoutRun.Result unyank = f.sandboxed("plan", "--target", "crates.contextlite");
    assertTrue(unyank.out().contains("+ crates.contextlite  unyank 1.0.35"), unyank.all());
    // Through a saved plan: its withdrawal steps survive the file.
    Path saved = temp.resolve("unyank.plan");
    assertEquals(0, f.sandboxed("plan", "--target", "crates.contextlite", "--out", saved.toString()).exit());
    FanoutRun.Result applied = f.run("apply", saved.toString());
    assertEquals(0, applied.exit(), applied.all());
    assertTrue(applied.out().contains("unyank 1.0.35"), applied.all());
    assertEquals(0, f.sandboxed("plan", "--detailed-exitcode", "--target", "crates.contextlite").exit());
    try (Sandbox sandbox = Sandbox.start(f.sandbox, "empty")) {
      NpmCli npm = new NpmCli(temp.resolve("npm-home"), sandbox.url("npm"), null);
      assertEquals("1.0.36", npm.run(temp, "view", "contextlite", "version").output().trim());
      Tools.Result lock = DependentCrate.lock(temp.resolve("after"), sandbox.url("crates"), "contextlite", "=1.0.35");
      assertEquals(0, lock.exit(), lock.output());
    }
  }

  /**
   * Applies in a process killed with SIGKILL right after its Nth withdrawal write (N random),
   * three times at most (each JVM costs seconds); returns how many runs were killed.
   */
  private int killAfterRandomWrites(FanoutRun f) throws Exception {
    Path journal = f.dir.resolve(".fanout/journal.jsonl");
    int kills = 0;
    for (int round = 0; round < 3; round++) {
      long seen = withdrawWrites(journal);
      int after = ThreadLocalRandom.current().nextInt(1, 4);
      Process p = FanoutRun.process(temp, "apply", f.dir.toString(), "--sandbox=" + f.sandbox, "--auto-approve")
          .redirectErrorStream(true).redirectOutput(temp.resolve("killed-" + round + ".log").toFile()).start();
      while (p.isAlive() && withdrawWrites(journal) < seen + after) {
        Thread.sleep(2);
      }
      if (!p.isAlive()) {
        return kills;
      }
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      kills++;
    }
    return kills;
  }

  private static long withdrawWrites(Path journal) throws Exception {
    if (!Files.exists(journal)) {
      return 0;
    }
    return Files.readAllLines(journal).stream().filter(l -> l.contains("\"event\":\"writing\"")
        && l.contains("withdraw: ")).count();
  }

  /** Writes (method and path) sent more than once; a GitHub PATCH names its release by id, so each is distinct. */
  private static Map<String, Integer> repeatedWrites(List<JsonNode> requests) {
    Map<String, Integer> count = new TreeMap<>();
    for (JsonNode r : requests) {
      if (r.path("write").asBoolean() && r.path("status").asInt() < 400) {
        count.merge(r.path("registry").asText() + " " + r.path("method").asText() + " " + r.path("path").asText(), 1,
            Integer::sum);
      }
    }
    count.values().removeIf(n -> n == 1);
    return count;
  }

  private void registriesSeeTheOlderVersion(Sandbox sandbox) throws Exception {
    // npm's own client shows the deprecation and resolves latest to 1.0.34.
    NpmCli npm = new NpmCli(temp.resolve("npm-home"), sandbox.url("npm"), null);
    Tools.Result deprecated = npm.run(temp, "view", "contextlite@1.0.35", "deprecated");
    assertEquals(0, deprecated.exit(), deprecated.output());
    assertEquals(REASON, deprecated.output().trim());
    assertEquals("1.0.34", npm.run(temp, "view", "contextlite", "version").output().trim());

    // A new cargo lockfile skips the yanked 1.0.35.
    Tools.require("cargo", "install rustup and a stable toolchain");
    Tools.Result lock = DependentCrate.lock(temp, sandbox.url("crates"), "contextlite", "1");
    assertEquals(0, lock.exit(), lock.output());
    String lockfile = Files.readString(temp.resolve("app/Cargo.lock"));
    assertTrue(lockfile.contains("name = \"contextlite\"\nversion = \"1.0.34\""), lockfile);

    // skopeo: latest is 1.0.34's image again, byte for byte.
    Path skopeo = Tools.require("skopeo", "apt-get install skopeo");
    String image = "docker://" + sandbox.url("oci").substring("http://".length()) + "/contextlite/contextlite:";
    String latest = digest(skopeo, image + "latest");
    assertEquals(digest(skopeo, image + "1.0.34"), latest);
    assertTrue(!latest.equals(digest(skopeo, image + "1.0.35")), latest);

    // The tap's formula is 1.0.34's again.
    HttpResponse<String> formula = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        sandbox.url("github") + "/repos/contextlite/homebrew-tap/contents/Formula/contextlite.rb"))
        .header("Authorization", "Bearer " + TokenPolicy.SANDBOX_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    String rb = new String(Base64.getMimeDecoder().decode(JSON.readTree(formula.body()).path("content").asText()),
        StandardCharsets.UTF_8);
    assertTrue(rb.contains("v1.0.34/") && !rb.contains("1.0.35"), rb);
  }

  private String digest(Path skopeo, String ref) throws Exception {
    Tools.Result r = Tools.run(temp, Map.of(), skopeo.toString(), "inspect", "--tls-verify=false", "--creds",
        "user:" + TokenPolicy.SANDBOX_TOKEN, ref);
    assertEquals(0, r.exit(), r.output());
    return JSON.readTree(r.output()).path("Digest").asText();
  }
}
