package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registry against every fault a registry really shows: each cell applies one target
 * of the contextlite example on a fresh sandbox with the fault file in place, checks the
 * outcome the table below expects, then (when the outcome is a failure) removes the fault
 * and applies again, which must finish the job. In every cell nothing is published twice
 * and the journal is a complete history.
 */
class FaultMatrixDrill {

  /** What a cell's first apply must end in. */
  enum Expect {
    /** The fault was transient: retried (after a fresh read) and published in the same run. */
    PUBLISHED,
    /** A lasting refusal: the target fails, naming the registry and the status; a re-run publishes. */
    FAILED
  }

  /**
   * A target of an example and where its publishing write goes.
   *
   * @param body what its reads answer with, for the malformed-body cell: JSON, XML or git
   * @param alreadyExists the registry's "this version exists" answer to a write, or null when it
   *     has none (then {@code noAlreadyExists} says why)
   * @param followsRedirects false for git pushes: git follows a redirect only on its first
   *     request, so a redirected push is a failed write like a 5xx (retried after a read), and
   *     the credentials never reach the other host
   */
  record Target(String address, String example, String registry, String writePath, String body,
      Map<String, Object> alreadyExists, String noAlreadyExists, boolean followsRedirects) {
    static Target of(String address, String registry, String writePath, String body, Map<String, Object> exists) {
      return new Target(address, "contextlite", registry, writePath, body, exists, null, true);
    }

    Expect expect(Fault f) {
      return f.name().startsWith("307") && !followsRedirects ? Expect.PUBLISHED : f.expect();
    }
  }

  /** A fault and what it must lead to. {@code mustSay} is what the failure message must show, or null. */
  record Fault(String name, Expect expect, String mustSay, java.util.function.Function<Target, List<Map<String, Object>>> rules) { }

  static Map<String, Object> answer(int status, String body) {
    return Map.of("status", status, "body", body);
  }

  /** A GitHub pull request for the same head: the answer winget, nix and flathub meet. */
  static final Map<String, Object> PR_EXISTS = answer(422, "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":"
      + "\"PullRequest\",\"code\":\"custom\",\"message\":\"A pull request already exists for fanout-sandbox:branch.\"}]}");

  // Each write path is the request that makes the version visible; for git-based registries
  // that propose through a pull request, the pull request.
  static final List<Target> TARGETS = List.of(
      Target.of("npm.contextlite", "npm", "^/contextlite$", "JSON",
          answer(403, "You cannot publish over the previously published versions: 1.0.35.")),
      Target.of("github_packages.contextlite", "github_packages", "^/@michael", "JSON",
          answer(409, "{\"error\":\"Cannot publish over existing version\"}")),
      Target.of("pypi.contextlite", "pypi", ".", "JSON", answer(400, "File already exists")),
      Target.of("crates.contextlite", "crates", "/api/v1/crates/new$", "JSON",
          answer(400, "{\"errors\":[{\"detail\":\"crate version `1.0.35` is already uploaded\"}]}")),
      new Target("docker.image", "contextlite", "oci", "/manifests/1\\.0\\.35$", "JSON", null,
          "OCI has no such answer: a manifest pushed to an existing tag replaces what the tag names"
              + " (OCI distribution spec, https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests)", true),
      Target.of("github_release.main", "github", "/releases$", "JSON", answer(422,
          "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Release\",\"code\":\"already_exists\",\"field\":\"tag_name\"}]}")),
      // A tap or bucket never refuses a version; the nearest answer is 422 for a file that exists (no sha given).
      Target.of("homebrew.contextlite", "github", "/contents/Formula/", "JSON",
          answer(422, "{\"message\":\"Invalid request. \\\"sha\\\" wasn't supplied.\"}")),
      Target.of("scoop.contextlite", "github", "/contents/bucket/", "JSON",
          answer(422, "{\"message\":\"Invalid request. \\\"sha\\\" wasn't supplied.\"}")),
      Target.of("chocolatey.contextlite", "chocolatey", "^/api/v2/package/?$", "XML", answer(409,
          "Conflict: A package with ID 'contextlite' and version '1.0.35' already exists and cannot be modified.")),
      Target.of("winget.contextlite", "github", "^/repos/microsoft/winget-pkgs/pulls$", "JSON", PR_EXISTS),
      Target.of("nix.contextlite", "github", "^/repos/NixOS/nixpkgs/pulls$", "JSON", PR_EXISTS),
      Target.of("flathub.contextlite", "github", "^/repos/flathub/flathub/pulls$", "JSON", PR_EXISTS),
      new Target("aur.contextlite", "contextlite", "aur", "/git-receive-pack$", "JSON and git", null,
          "AUR has no such answer: a push fast-forwards or git refuses it, and the RPC read decides what the"
              + " package holds", false),
      new Target("snap.contextlite", "contextlite", "snap", "^/dev/api/snap-push/?$", "JSON", null,
          "the Snap Store has no such answer: every push is a new revision (identical bytes are refused later,"
              + " in review), so Fanout reads the channel map before pushing", true),
      new Target("maven_central.greeter", "java-library", "maven_central", "^/api/v1/publisher/upload$", "XML", null,
          "the Central Portal takes every upload (201) and fails the deployment in validation; the provider's"
              + " status polling reports FAILED (MavenCentralProviderTest)", true));

  static Map<String, Object> rule(Target t, String operation, Object... effects) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("registry", t.registry());
    r.put("operation", operation);
    if (operation.equals("write")) {
      r.put("path", t.writePath());
    }
    for (int i = 0; i < effects.length; i += 2) {
      r.put((String) effects[i], effects[i + 1]);
    }
    return r;
  }

  /** How long a cell's client waits for an answer (--http-timeout), and how long the timeout faults stay silent. */
  static final String HTTP_TIMEOUT = "2s";
  static final int SILENCE_MS = 3_000;

  static final List<Fault> FAULTS = List.of(
      new Fault("500 on the write", Expect.PUBLISHED, null, t -> List.of(rule(t, "write", "status", 500, "times", 1))),
      new Fault("502 on the write", Expect.PUBLISHED, null, t -> List.of(rule(t, "write", "status", 502, "times", 1))),
      new Fault("503 on reads", Expect.PUBLISHED, null, t -> List.of(rule(t, "read", "status", 503, "times", 2))),
      new Fault("429 + Retry-After: 1 on the write", Expect.PUBLISHED, null,
          t -> List.of(rule(t, "write", "status", 429, "retry_after", 1, "times", 1))),
      new Fault("connection reset before the write", Expect.PUBLISHED, null,
          t -> List.of(rule(t, "write", "drop", "before", "times", 1))),
      new Fault("answer lost after the write landed", Expect.PUBLISHED, null,
          t -> List.of(rule(t, "write", "drop", "after", "times", 1))),
      new Fault("timeout on a read (silent " + SILENCE_MS / 1000 + " s, client waits " + HTTP_TIMEOUT + ")",
          Expect.PUBLISHED, null, t -> List.of(rule(t, "read", "latency_ms", SILENCE_MS, "times", 1))),
      new Fault("timeout on the write (lands " + SILENCE_MS / 1000 + " s late, client waits " + HTTP_TIMEOUT + ")",
          Expect.PUBLISHED, null, t -> List.of(rule(t, "write", "latency_ms", SILENCE_MS, "times", 1))),
      new Fault("slow body (2 KB/s) on a read", Expect.PUBLISHED, null,
          t -> List.of(rule(t, "read", "slow_body_bps", 2048, "times", 1))),
      new Fault("malformed body on a read", Expect.PUBLISHED, null,
          t -> List.of(rule(t, "read", "malformed", true, "times", 1))),
      new Fault("401 on every write", Expect.FAILED, "HTTP 401", t -> List.of(rule(t, "write", "status", 401))),
      new Fault("403 on every write", Expect.FAILED, "HTTP 403", t -> List.of(rule(t, "write", "status", 403))),
      new Fault("\"already exists\" on every write, version absent", Expect.FAILED, null, t -> t.alreadyExists() == null
          ? null : List.of(rule(t, "write", "status", t.alreadyExists().get("status"), "body", t.alreadyExists().get("body")))),
      new Fault("307 redirect of the write to another host", Expect.FAILED, "HTTP 401",
          t -> List.of(rule(t, "write", "redirect_to", "OTHER_HOST", "times", 1))));

  /**
   * Cells the short (CI) setting runs: every fault once, on a target chosen in turn, and the
   * two connection faults (the ones that found bugs) on every target.
   */
  static boolean inShortSet(Target t, Fault f) {
    return f.name().startsWith("answer lost") || f.name().startsWith("connection reset")
        || FAULTS.indexOf(f) % TARGETS.size() == TARGETS.indexOf(t);
  }

  /** {@code -Dfanout.matrix.targets=aur,snap} runs the cells of those targets only (while fixing one). */
  static boolean chosen(Target t) {
    String only = System.getProperty("fanout.matrix.targets", "");
    return only.isBlank() || java.util.Arrays.stream(only.split(",")).anyMatch(p -> t.address().startsWith(p.trim()));
  }

  @Test
  void everyRegistrySurvivesEveryFaultWithoutWritingTwice(@TempDir Path tmp) throws Exception {
    List<Map<String, Object>> table = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    List<String> notes = new ArrayList<>(List.of(
        "Every cell runs with --http-timeout " + HTTP_TIMEOUT + "; the timeout faults keep the registry silent for "
            + SILENCE_MS + " ms, and on a write the registry still takes it after the client gave up.",
        "\"already exists\" is injected while the version is absent, so the provider's re-read finds nothing"
            + " and the walker's verification must refuse to call it published.",
        "The malformed body replaces a read's answer with broken JSON, which is broken XML and a broken git"
            + " reply too; the target's column says what its reads normally carry."));
    for (Target t : TARGETS) {
      if (t.noAlreadyExists() != null) {
        notes.add(t.address() + ", \"already exists\": not run; " + t.noAlreadyExists() + ".");
      }
    }
    int cell = 0;
    int passed = 0;
    int notRun = 0;
    int duplicates = 0;
    for (Target t : TARGETS) {
      for (Fault f : FAULTS) {
        if (!Drills.full() && !inShortSet(t, f) || !chosen(t)) {
          continue;
        }
        List<Map<String, Object>> rules = f.rules().apply(t);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("target", t.address());
        row.put("fault", f.name().startsWith("malformed") ? f.name() + " (" + t.body() + ")" : f.name());
        row.put("expected", t.expect(f) == Expect.PUBLISHED ? "retried, published" : "failed, re-run publishes");
        if (rules == null) {
          row.put("observed", "not run (no such answer)");
          row.put("ok", "n/a");
          table.add(row);
          notRun++;
          continue;
        }
        cell++;
        Path dir = tmp.resolve("cell" + cell);
        Path example = Drills.example(dir, t.example());
        Path sandbox = dir.resolve("sandbox");
        List<String> problems = new ArrayList<>();
        String observed = runCell(t, f, rules, example, sandbox, problems);
        List<String> dups = Drills.duplicates(sandbox);
        duplicates += dups.size();
        problems.addAll(dups);
        problems.addAll(Drills.journalProblems(example.resolve(".fanout/journal.jsonl"), java.util.Set.of()));
        row.put("observed", observed);
        row.put("ok", problems.isEmpty() ? "yes" : "NO: " + String.join("; ", problems));
        table.add(row);
        if (problems.isEmpty()) {
          passed++;
        } else {
          failures.add(t.address() + " / " + f.name() + ": " + problems);
        }
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("cells_run", cell);
    figures.put("cells_passing", passed);
    figures.put("cells_not_run", notRun);
    figures.put("duplicate_writes", duplicates);
    figures.put("table", table);
    figures.put("notes", notes);
    Drills.saveFigures("fault-matrix", figures);
    assertEquals(List.of(), failures, "cells that did not behave as the table says");
  }

  private static final Pattern LINE = Pattern.compile("^(?:\\[[^\\]]*\\] )?(\\S+): (published|up-to-date|failed|blocked|drift)(.*)$",
      Pattern.MULTILINE);

  /** Runs one cell; returns what happened in words and adds anything wrong to problems. */
  private static String runCell(Target t, Fault f, List<Map<String, Object>> rules, Path example, Path sandbox,
      List<String> problems) throws Exception {
    // The sandbox's ports are known only once it ran: start it once, fault-free, to learn them.
    Drills.Run warm = Drills.cli(Map.of(), "plan", example.toString(), "--sandbox=" + sandbox, "--no-color",
        "--target", t.address());
    if (warm.code() != 0) {
      problems.add("plan before the fault failed: " + warm.all());
      return "plan failed";
    }
    Map<String, Integer> ports = Drills.JSON.readValue(sandbox.resolve("ports.json").toFile(),
        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Integer>>() { });
    String other = "http://localhost:" + ports.get(t.registry());
    List<Map<String, Object>> placed = new ArrayList<>();
    for (Map<String, Object> r : rules) {
      Map<String, Object> copy = new LinkedHashMap<>(r);
      copy.replaceAll((k, v) -> "OTHER_HOST".equals(v) ? other : v);
      placed.add(copy);
    }
    Drills.writeFaults(sandbox, placed);
    Drills.Run first = apply(example, sandbox, t);
    String outcome = outcome(first, t.address());
    String observed = outcome;
    if (t.expect(f) == Expect.PUBLISHED) {
      if (!outcome.startsWith("published") || first.code() != 0) {
        problems.add("expected published, got exit " + first.code() + ": " + outcome);
      }
    } else {
      if (!outcome.startsWith("failed") || first.code() != 1) {
        problems.add("expected failed, got exit " + first.code() + ": " + outcome);
      }
      if (f.mustSay() != null && !outcome.contains(f.mustSay())) {
        problems.add("the failure does not say " + f.mustSay() + ": " + outcome);
      }
      if (!outcome.contains(t.registry()) && !outcome.contains(t.address().substring(0, t.address().indexOf('.')))) {
        problems.add("the failure does not name the registry: " + outcome);
      }
      Drills.clearFaults(sandbox);
      Drills.Run again = apply(example, sandbox, t);
      String second = outcome(again, t.address());
      observed += " / re-run: " + second;
      if (!second.startsWith("published") || again.code() != 0) {
        problems.add("the re-run without the fault did not publish: exit " + again.code() + ": " + second);
      }
    }
    if (f.name().startsWith("429")) {
      observed += "; next write " + gapAfter429(sandbox, t.registry()) + " ms after the 429 (Retry-After: 1 s)";
    }
    int writes = Drills.publishingWrites(sandbox, t.address());
    if (writes != Drills.perRelease(t.address())) {
      problems.add(writes + " publishing writes for " + t.address() + ", one release makes " + Drills.perRelease(t.address()));
    }
    return observed.length() > 200 ? observed.substring(0, 200) + "..." : observed;
  }

  /** Milliseconds from the injected 429 to the registry's next write: does the retry honour Retry-After? */
  private static long gapAfter429(Path sandbox, String registry) {
    List<Map<String, Object>> requests = Drills.jsonLines(sandbox.resolve("requests.jsonl"));
    java.time.Instant at429 = null;
    for (Map<String, Object> r : requests) {
      if (!registry.equals(r.get("registry")) || !Boolean.TRUE.equals(r.get("write"))) {
        continue;
      }
      java.time.Instant time = Drills.time(r);
      if (at429 == null && Integer.valueOf(429).equals(r.get("status"))) {
        at429 = time;
      } else if (at429 != null) {
        return java.time.Duration.between(at429, time).toMillis();
      }
    }
    return -1;
  }

  private static Drills.Run apply(Path example, Path sandbox, Target t) {
    return Drills.cli(Map.of(), "apply", example.toString(), "--sandbox=" + sandbox, "--auto-approve", "--no-color",
        "--http-timeout", HTTP_TIMEOUT, "--target", t.address());
  }

  /** The target's own result line from the run, such as "published after 0.5s". */
  static String outcome(Drills.Run run, String address) {
    Matcher m = LINE.matcher(run.out());
    while (m.find()) {
      if (m.group(1).equals(address)) {
        return m.group(2) + m.group(3);
      }
    }
    return "no result line (exit " + run.code() + "): " + run.all().lines().filter(l -> !l.isBlank())
        .reduce((a, b) -> b).orElse("");
  }
}
