package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two CI runners releasing the same version at once: two copies of the example's release
 * folder (each its own {@code .fanout}) applied by two {@code fanout} processes started
 * together against one {@code fanout sandbox serve}. Each run's writes may be refused because
 * the other just made the same thing; a run must then read what is there and end it up to
 * date, so both exit 0 and the registries end as one run would have left them.
 *
 * <p>Rounds share the sandbox, each releasing a fresh version. The suite runs
 * {@value #SUITE_ROUNDS}; the ten are one command:
 * {@code mvn -B -o test -Dtest=TwoRunnersApplyTest -Dfanout.runners.rounds=10}.
 */
class TwoRunnersApplyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int SUITE_ROUNDS = 2;

  /**
   * The targets whose registry refuses a second write of the same thing (a ref or a file
   * written on a known sha, a pull request, a version npm, crates.io or the AUR holds), so no
   * write may be in both runs' reports. The others take the same write twice by design and
   * store nothing new: an OCI registry's content-addressed blobs and manifests (and no
   * conditional tag PUT: the tag is checked right before its push, which only narrows it);
   * PyPI answers a file it holds with the same bytes 200 (warehouse forklift/legacy.py,
   * _is_duplicate_file); Chocolatey takes a version again while it waits in moderation; the
   * snap store answers two uploads of the same bytes at once with the one revision, and a
   * release is not conditional. Those may show a write in both runs.
   */
  private static final Set<String> REFUSE_A_SECOND_WRITE = Set.of("github_release", "homebrew", "scoop", "winget",
      "nix", "flathub", "npm", "github_packages", "crates", "aur");

  @TempDir
  Path temp;

  @Test
  void twoAppliesOfOneReleaseStartedTogetherBothSucceedWithOneReleaseOnePullRequestEachAndEveryTargetWrittenOnce()
      throws Exception {
    int rounds = Integer.getInteger("fanout.runners.rounds", SUITE_ROUNDS);
    Path sandbox = temp.resolve("sandbox");
    Path a = new FanoutRun(temp.resolve("runner-a"), "contextlite").dir;
    Path b = new FanoutRun(temp.resolve("runner-b"), "contextlite").dir;
    for (int round = 1; round <= rounds; round++) {
      if (round > 1) {
        approveChocolateyModeration(sandbox);
      }
      Process serve = FanoutRun.process(temp, "sandbox", "serve", "--dir", sandbox.toString())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try {
        JsonNode urls = JSON.readTree(new BufferedReader(new InputStreamReader(serve.getInputStream(),
            StandardCharsets.UTF_8)).readLine());
        round(sandbox, urls.get("github").asText(), a, b, "1.0." + (40 + round), round);
      } finally {
        serve.destroy();
        serve.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * With the release's lock on a git ref both runners reach (the shared lock for runners
   * outside GitHub Actions), the second waits for the first and then finds every target up to
   * date: each target is written by one run only, on every registry, those that would take a
   * second identical write too (OCI, PyPI, Chocolatey, the snap store).
   */
  @Test
  void withTheReleaseLockOnAGitRefTheSecondRunnerWaitsAndEveryTargetIsWrittenByOneRun() throws Exception {
    Path sandbox = temp.resolve("sandbox");
    Path a = new FanoutRun(temp.resolve("runner-a"), "contextlite").dir;
    Path b = new FanoutRun(temp.resolve("runner-b"), "contextlite").dir;
    Process serve = FanoutRun.process(temp, "sandbox", "serve", "--dir", sandbox.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      JsonNode urls = JSON.readTree(new BufferedReader(new InputStreamReader(serve.getInputStream(),
          StandardCharsets.UTF_8)).readLine());
      String lock = urls.get("github.git").asText() + "/Michael-A-Kuykendall/contextlite.git";
      for (Path dir : List.of(a, b)) {
        Path file = dir.resolve("release.fanout");
        String text = Files.readString(file);
        String opening = "release \"contextlite\" {\n";
        assertTrue(text.contains(opening), text);
        Files.writeString(file, text.replace(opening, opening + "  lock       = \"" + lock
            + "\"\n  lock_token = env(\"GITHUB_TOKEN\")\n"));
      }
      List<Process> runs = new ArrayList<>();
      for (Path dir : List.of(a, b)) {
        // As a CI job would: wait for the other runner rather than stop at once (the default).
        ProcessBuilder pb = FanoutRun.process(temp, "apply", dir.toString(), "--sandbox=" + sandbox, "--auto-approve",
            "--lock-timeout=5m", "--report=" + dir.resolve("report.json")).redirectErrorStream(true)
            .redirectOutput(dir.resolve("apply.out").toFile());
        pb.environment().put("GITHUB_TOKEN", "fanout-sandbox-token");
        runs.add(pb.start());
      }
      for (Process p : runs) {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "an apply hung");
      }
      String outs = "runner a:\n" + Files.readString(a.resolve("apply.out")) + "\nrunner b:\n"
          + Files.readString(b.resolve("apply.out"));
      assertEquals(0, runs.get(0).exitValue(), outs);
      assertEquals(0, runs.get(1).exitValue(), outs);
      // A run with nothing to publish may write no report.
      Map<String, JsonNode> nodesA = Files.exists(a.resolve("report.json")) ? nodes(a.resolve("report.json")) : Map.of();
      Map<String, JsonNode> nodesB = Files.exists(b.resolve("report.json")) ? nodes(b.resolve("report.json")) : Map.of();
      int written = 0;
      Set<String> addresses = new TreeSet<>(nodesA.keySet());
      addresses.addAll(nodesB.keySet());
      for (String address : addresses) {
        boolean byA = nodesA.containsKey(address) && nodesA.get(address).path("written").size() > 0;
        boolean byB = nodesB.containsKey(address) && nodesB.get(address).path("written").size() > 0;
        assertTrue(!(byA && byB), address + " was written by both runs:\n" + nodesA.get(address) + "\n"
            + nodesB.get(address));
        written += byA || byB ? 1 : 0;
      }
      assertEquals(14, written, "every target written by one of the runs: " + outs);
      assertTrue(Files.readString(a.resolve("apply.out")).contains("Nothing to publish")
          || Files.readString(b.resolve("apply.out")).contains("Nothing to publish"), outs);
    } finally {
      serve.destroy();
      serve.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /**
   * Chocolatey refuses a new version while the last one waits in moderation, as the gallery
   * does: between rounds a moderator approves it. The sandbox keeps its state in files and is
   * started again on them, which the emulators read at start.
   */
  private static void approveChocolateyModeration(Path sandbox) throws Exception {
    try (java.util.stream.Stream<Path> files = Files.walk(sandbox)) {
      for (Path f : files.filter(x -> x.toString().contains("chocolatey") && x.getParent().endsWith("packages")
          && x.toString().endsWith(".json")).toList()) {
        com.fasterxml.jackson.databind.node.ObjectNode pkg = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(f.toFile());
        pkg.get("versions").forEach(v -> ((com.fasterxml.jackson.databind.node.ObjectNode) v)
            .put("status", "Approved").put("approved", true));
        JSON.writeValue(f.toFile(), pkg);
      }
    }
  }

  private void round(Path sandbox, String github, Path a, Path b, String version, int round) throws Exception {
    Path log = sandbox.resolve("requests.jsonl");
    int logged = Files.exists(log) ? Files.readAllLines(log).size() : 0;
    String var = "--var=version=" + version;
    Path reportA = temp.resolve("a-" + round + ".json");
    Path reportB = temp.resolve("b-" + round + ".json");
    Process first = FanoutRun.process(temp, "apply", a.toString(), "--sandbox=" + sandbox, "--auto-approve", var,
        "--report=" + reportA).redirectErrorStream(true).redirectOutput(temp.resolve("a.out").toFile()).start();
    Process second = FanoutRun.process(temp, "apply", b.toString(), "--sandbox=" + sandbox, "--auto-approve", var,
        "--report=" + reportB).redirectErrorStream(true).redirectOutput(temp.resolve("b.out").toFile()).start();
    assertTrue(first.waitFor(5, TimeUnit.MINUTES) && second.waitFor(5, TimeUnit.MINUTES), "an apply hung");
    String outA = Files.readString(temp.resolve("a.out"));
    String outB = Files.readString(temp.resolve("b.out"));
    String where = "round " + round + " (" + version + ")";

    assertEquals(0, first.exitValue(), where + " runner a:\n" + outA + "\nrunner b:\n" + outB);
    assertEquals(0, second.exitValue(), where + " runner b:\n" + outB + "\nrunner a:\n" + outA);
    JsonNode releases = get(github + "/repos/Michael-A-Kuykendall/contextlite/releases?per_page=100");
    List<JsonNode> ofVersion = new ArrayList<>();
    releases.forEach(r -> {
      if (r.get("tag_name").asText().equals("v" + version)) {
        ofVersion.add(r);
      }
    });
    assertEquals(1, ofVersion.size(), where + ": one release on GitHub: " + tags(releases));
    assertTrue(!ofVersion.get(0).get("draft").asBoolean(), where + ": the release is published");
    List<String> assets = new ArrayList<>();
    ofVersion.get(0).get("assets").forEach(x -> assets.add(x.get("name").asText()));
    assertEquals(new HashSet<>(assets).size(), assets.size(), where + ": an asset twice: " + assets);
    assertTrue(assets.size() >= 5, where + ": every asset: " + assets);
    for (String upstream : List.of("NixOS/nixpkgs", "microsoft/winget-pkgs", "flathub/flathub")) {
      // A new version is a new pull request (nixpkgs, winget-pkgs); Flathub takes one for a
      // new app and later versions in the app's own repository: never two for one change.
      JsonNode pulls = get(github + "/repos/" + upstream + "/pulls?state=all&per_page=100");
      Set<String> heads = new HashSet<>();
      pulls.forEach(pr -> assertTrue(heads.add(pr.get("head").get("label").asText() + " " + pr.get("title").asText()),
          where + ": a second pull request on " + upstream + ": " + pr.get("title").asText()));
      assertTrue(pulls.size() >= 1 && pulls.size() <= round, where + ": " + pulls.size() + " pull requests on " + upstream);
    }
    // Each GitHub write is made once in the round: every manifest file, branch, pull request
    // and the publish of the release (the run that made the draft publishes it, the other
    // waits for it). Release creates and asset uploads share a path (the second run's own
    // draft is made, then deleted: checked above by what GitHub holds; GitHub has no
    // conditional create of a release). POST /forks of an existing fork only answers it, and
    // POST merge-upstream of a fork already in step answers merge_type "none": both change
    // nothing the second time, so those are not counted either.
    boolean metSomewhere = false;
    Map<String, Integer> creates = new TreeMap<>();
    List<String> lines = Files.readAllLines(log);
    for (String line : lines.subList(logged, lines.size())) {
      JsonNode r = JSON.readTree(line);
      int status = r.get("status").asInt();
      String path = r.get("path").asText();
      if (r.get("registry").asText().equals("github") && r.get("write").asBoolean() && status >= 200 && status < 300
          && !r.get("method").asText().equals("DELETE") && !path.endsWith("/assets") && !path.endsWith("/releases")
          && !path.endsWith("/forks") && !path.endsWith("/merge-upstream")) {
        creates.merge(r.get("registry").asText() + " " + r.get("method").asText() + " " + r.get("path").asText(), 1, Integer::sum);
      }
    }
    creates.values().removeIf(n -> n == 1);
    assertTrue(creates.isEmpty(), where + ": written more than once: " + creates);
    // What one run found made by the other is up to date; where both wrote part of a target
    // (one the branch and file, the other the pull request), no write was made by both.
    Map<String, JsonNode> nodesA = nodes(reportA);
    Map<String, JsonNode> nodesB = nodes(reportB);
    for (Map.Entry<String, JsonNode> e : nodesA.entrySet()) {
      if (!REFUSE_A_SECOND_WRITE.contains(e.getKey().substring(0, e.getKey().indexOf('.')))) {
        continue;
      }
      JsonNode other = nodesB.get(e.getKey());
      Set<String> mine = new HashSet<>();
      e.getValue().path("written").forEach(w -> mine.add(w.asText()));
      // POST /forks of a fork the other run made only answers it (not counted above either).
      mine.removeIf(w -> w.startsWith("fork "));
      Set<String> both = new TreeSet<>();
      if (other != null) {
        other.path("written").forEach(w -> {
          if (mine.contains(w.asText())) {
            both.add(w.asText());
          }
        });
      }
      assertTrue(both.isEmpty(), where + ": " + e.getKey() + " wrote " + both + " in both runs:\n" + e.getValue()
          + "\n" + other);
      boolean upToDate = "up_to_date".equals(e.getValue().path("status").asText())
          || other != null && "up_to_date".equals(other.path("status").asText());
      metSomewhere |= upToDate;
    }
    assertTrue(metSomewhere, where + ": no target of one run found the other's work and ended up to date");
    Process plan = FanoutRun.process(temp, "plan", a.toString(), "--sandbox=" + sandbox, "--detailed-exitcode", var)
        .redirectErrorStream(true).redirectOutput(temp.resolve("plan.out").toFile()).start();
    assertTrue(plan.waitFor(5, TimeUnit.MINUTES), "plan hung");
    assertEquals(0, plan.exitValue(), where + ": after both runs nothing is left to do:\n"
        + Files.readString(temp.resolve("plan.out")));
  }

  private static Map<String, JsonNode> nodes(Path report) throws Exception {
    Map<String, JsonNode> out = new TreeMap<>();
    JSON.readTree(report.toFile()).get("nodes").forEach(n -> out.put(n.get("address").asText(), n));
    return out;
  }

  private static String tags(JsonNode releases) {
    List<String> out = new ArrayList<>();
    releases.forEach(r -> out.add(r.get("tag_name").asText() + (r.get("draft").asBoolean() ? " (draft)" : "")));
    return out.toString();
  }

  private static JsonNode get(String url) throws Exception {
    try (Response r = new OkHttpClient().newCall(new Request.Builder().url(url)
        .header("Authorization", "Bearer fanout-sandbox-token").build()).execute()) {
      assertEquals(200, r.code(), url);
      return JSON.readTree(r.body().string());
    }
  }
}
