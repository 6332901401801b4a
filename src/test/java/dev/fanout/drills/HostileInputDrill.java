package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.dsl.Diagnostic;
import dev.fanout.provider.Providers;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.testing.ProviderHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input nobody should write, and input somebody will: release files fuzzed from a seeded
 * corpus (each case reproducible from its index), a saved plan edited by hand, and a
 * build argument that looks like a shell command.
 */
class HostileInputDrill {

  static final long SEED = Long.getLong("fanout.drills.seed", 20261124L);

  /** Pieces the mutator inserts: the language's own tokens, and the shapes that break parsers. */
  static final String[] DICTIONARY = {
      "{", "}", "[", "]", "(", ")", "\"", "${", "%{", "=", ":", ",", ".", "?", "!", "=>", "...", "*",
      "for", "in", "if", "each.key", "each.value", "each.os", "var.platforms", "release.version", "local.x",
      "artifact.binary", "build.binaries[each.key].output", "npm.contextlite.version", "null", "true", "1e309",
      "-0", "99999999999999999999999", "0x1F", "\\u0000", "\u0000", "\r\n", "\t", "\u202e", "\uD83D\uDE00",
      "/*", "*/", "#", "//", "<<EOF\n", "\"${\"${\"${", "\\", "\\\"", "format(\"%s %d %z\", 1)",
      "substr(\"abc\", -5, 999999)", "tonumber(\"x\")", "split(\"\", \"\")", "lookup({}, \"k\")",
      "flatten([[[[[[[]]]]]]])", "merge({}, 1)", "keys(1)", "length(null)", "base64encode(1)",
      "replace(\"a\", \"\", \"b\")", "trimprefix(git_tag(), \"v\")", "env(\"HOME\")", "file(\"/nonexistent\")",
      "coalesce()", "join(\",\", [1, [2]])", "depends_on = [npm.contextlite]", "for_each = var.platforms",
      "enabled = \"maybe\"", "release \"x\" {", "variable \"v\" { type = list(object({ a = string })) }",
      "npm \"n\" { package = \"p\" }", "docker \"d\" {", "build \"b\" { command = [] }"};

  @Test
  void fuzzedReleaseFilesGiveDiagnosticsNeverACrashOrAHang(@TempDir Path tmp) throws Exception {
    int cases = Drills.full() ? 10_000 : 2_000;
    List<String> corpus = corpus();
    Random random = new Random(SEED);
    Providers providers = Providers.load();
    ExecutorService worker = worker();
    List<String> failures = new ArrayList<>();
    int valid = 0;
    int diagnosed = 0;
    long slowest = 0;
    Path dir = tmp.resolve("case");
    Files.createDirectories(dir);
    Path file = dir.resolve("release.fanout");
    for (int i = 0; i < cases; i++) {
      String text = mutate(corpus.get(random.nextInt(corpus.size())), new Random(SEED * 31 + i), i);
      Files.writeString(file, text, StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      Future<ConfigLoader.Result> f = worker.submit(() -> new ConfigLoader(providers, Map.of(), Map.of(),
          p -> List.of("v1.0.0")).load(dir));
      ConfigLoader.Result r;
      try {
        r = f.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException hang) {
        failures.add("case " + i + ": no answer within a second");
        keep(i, text);
        f.cancel(true);
        worker.shutdownNow();
        worker = worker();
        continue;
      } catch (java.util.concurrent.ExecutionException crash) {
        failures.add("case " + i + ": " + crash.getCause());
        keep(i, text);
        continue;
      }
      slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
      if (r.config() != null && !r.hasErrors()) {
        valid++;
      } else if (r.hasErrors() && r.diagnostics().stream().filter(Diagnostic::isError)
          .allMatch(d -> d.summary() != null && !d.summary().isBlank())) {
        diagnosed++;
      } else {
        failures.add("case " + i + ": neither a configuration nor an error diagnostic: " + r.diagnostics());
        keep(i, text);
      }
      if (failures.size() > 20) {
        break;
      }
    }
    worker.shutdownNow();
    // The CLI renders diagnostics too: a sample of the cases through `fanout validate`.
    int rendered = 0;
    Random sample = new Random(SEED);
    for (int i = 0; i < (Drills.full() ? 300 : 60); i++) {
      String text = mutate(corpus.get(sample.nextInt(corpus.size())), new Random(SEED * 17 + i), i);
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Drills.Run run;
      try {
        run = Drills.cli(Map.of(), "validate", dir.toString(), "--no-color");
      } catch (RuntimeException | StackOverflowError crash) {
        failures.add("validate of sample " + i + " threw " + crash);
        keep(100_000 + i, text);
        continue;
      }
      rendered++;
      if (run.code() > 1 || run.err().contains("This is a bug in Fanout")) {
        failures.add("validate of sample " + i + " ended with " + run.code() + ": " + run.err());
        keep(100_000 + i, text);
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("seed", SEED);
    figures.put("fuzz_cases_run", cases);
    figures.put("loaded_cleanly", valid);
    figures.put("refused_with_diagnostics", diagnosed);
    figures.put("rendered_by_validate", rendered);
    figures.put("crashes_or_hangs", failures.size());
    figures.put("slowest_case_ms", slowest);
    Drills.saveFigures("fuzz", figures);
    assertEquals(List.of(), failures);
  }

  /** The thread a case runs on: a daemon, so a hung case does not keep the JVM alive. */
  private static ExecutorService worker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz");
      t.setDaemon(true);
      return t;
    });
  }

  private static void keep(int index, String text) throws java.io.IOException {
    Path f = Drills.figuresDir().resolve("evidence").resolve("fuzz").resolve("case-" + index + ".fanout");
    Files.createDirectories(f.getParent());
    Files.writeString(f, text, StandardCharsets.UTF_8);
  }

  static List<String> corpus() throws java.io.IOException {
    List<String> corpus = new ArrayList<>();
    corpus.add(Files.readString(Drills.repo().resolve("examples/contextlite/release.fanout")));
    corpus.add(Files.readString(Drills.repo().resolve("examples/minimal/release.fanout")));
    corpus.add("release \"a\" {\n  version = \"1.0.0\"\n}\n");
    corpus.add("release \"a\" { version = \"${upper(\"x\")}-${1 + 2}\" }\nlocals { l = [for k, v in {a = 1} : \"${k}=${v}\" if v > 0] }\n");
    corpus.add("variable \"v\" { type = map(string) default = { a = \"b\" } }\nrelease \"r\" { version = lookup(var.v, \"a\", \"0\") }\n");
    return corpus;
  }

  /** A mutated or freshly generated file; kinds chosen by the case's own seeded random. */
  static String mutate(String seed, Random r, int index) {
    StringBuilder s = new StringBuilder(seed);
    switch (index % 5) {
      case 0 -> {   // token soup
        s.setLength(0);
        for (int i = 0, n = 1 + r.nextInt(60); i < n; i++) {
          s.append(DICTIONARY[r.nextInt(DICTIONARY.length)]).append(r.nextBoolean() ? " " : "\n");
        }
      }
      case 1 -> {   // byte flips
        for (int i = 0, n = 1 + r.nextInt(8); i < n && s.length() > 0; i++) {
          s.setCharAt(r.nextInt(s.length()), (char) r.nextInt(128));
        }
      }
      case 2 -> {   // deletions (unbalanced braces, cut strings)
        for (int i = 0, n = 1 + r.nextInt(6); i < n && s.length() > 1; i++) {
          int at = r.nextInt(s.length());
          s.delete(at, Math.min(s.length(), at + 1 + r.nextInt(40)));
        }
      }
      case 3 -> {   // insertions of dictionary tokens
        for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
          s.insert(r.nextInt(s.length() + 1), DICTIONARY[r.nextInt(DICTIONARY.length)]);
        }
      }
      default -> {  // deep nesting and long lines in a valid frame
        int depth = 1 + r.nextInt(400);
        String open = r.nextBoolean() ? "(" : "[";
        String close = open.equals("(") ? ")" : "]";
        s.setLength(0);
        s.append("release \"x\" {\n  version = \"1\"\n}\nlocals {\n  deep = ").append(open.repeat(depth)).append("1")
            .append(close.repeat(r.nextInt(4) == 0 ? depth - 1 : depth)).append("\n  long = \"")
            .append("a".repeat(r.nextInt(20_000))).append("\"\n}\n");
      }
    }
    return s.toString();
  }

  @Test
  void aSavedPlanEditedByHandIsRefused(@TempDir Path tmp) throws Exception {
    // given a saved plan
    Path example = Drills.example(tmp);
    Path sandbox = tmp.resolve("sandbox");
    Path plan = tmp.resolve("release.plan");
    assertEquals(0, Drills.cli(Map.of(), "plan", example.toString(), "--sandbox=" + sandbox, "--out",
        plan.toString(), "--no-color").code());
    String original = Files.readString(plan);

    // when a person edits it: a target's action turned into "no-op", and a version changed
    Map<String, Object> doc = Drills.JSON.readValue(original, new TypeReference<LinkedHashMap<String, Object>>() { });
    String edited = original.replaceFirst("\"create\"", "\"no-op\"");
    assertFalse(edited.equals(original), "the plan has no create action to edit: " + original);
    Files.writeString(plan, edited);
    Drills.Run first = Drills.cli(Map.of(), "apply", plan.toString(), "--sandbox=" + sandbox, "--no-color");
    Files.writeString(plan, original.replace("1.0.35", "1.0.36"));
    Drills.Run second = Drills.cli(Map.of(), "apply", plan.toString(), "--sandbox=" + sandbox, "--no-color");
    Files.writeString(plan, original.substring(0, original.length() / 2));
    Drills.Run third = Drills.cli(Map.of(), "apply", plan.toString(), "--sandbox=" + sandbox, "--no-color");

    // then each is refused with a message, nothing is written, and the untouched plan applies
    for (Drills.Run r : List.of(first, second, third)) {
      assertEquals(1, r.code(), r.all());
      assertTrue(r.err().startsWith("Error: "), r.all());
      assertFalse(r.err().contains("This is a bug"), r.all());
    }
    assertTrue(first.err().contains("integrity"), first.err());
    assertTrue(second.err().contains("integrity"), second.err());
    assertEquals(0, Drills.publishingWrites(sandbox).values().stream().mapToInt(Integer::intValue).sum());
    Files.writeString(plan, original);
    Drills.Run untouched = Drills.cli(Map.of(), "apply", plan.toString(), "--sandbox=" + sandbox, "--no-color");
    assertEquals(0, untouched.code(), untouched.all());
    assertTrue(doc.containsKey("integrity"));
    Drills.saveFigures("plan-integrity", Map.of("edited_plans_refused", 3, "writes_from_edited_plans", 0));
  }

  @Test
  void aBuildArgumentThatLooksLikeAShellCommandIsPassedAsOneArgument(@TempDir Path tmp) throws Exception {
    // given a build whose argument comes from a variable holding shell syntax
    Path pwned = tmp.resolve("pwned");
    String payload = "x; touch " + pwned + " && echo $(id) `id` | cat";
    Path dir = tmp.resolve("release");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("args.sh"), "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$1\" > args.txt\n"
        + "mkdir -p dist && printf bin > dist/app\n");
    Files.writeString(dir.resolve("release.fanout"), """
        release "r" {
          version = "1.0.0"
        }
        variable "payload" {
          type = string
        }
        build "app" {
          command = ["sh", "args.sh", var.payload]
          output  = "dist/app"
        }
        artifact "app" {
          os      = "linux"
          arch    = "amd64"
          sources = [build.app.output]
        }
        github_release "main" {
          repository = "acme/app"
          assets     = [artifact.app]
        }
        """);

    // and its repository exists on the sandbox's GitHub, made as its owner would make it
    try (Sandbox github = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()))) {
      ManifestFixtures.repository(ManifestFixtures.github(ProviderHarness.client(), github.url("github")), "acme/app");
    }

    // when it is applied
    Drills.Run run = Drills.cli(Map.of(), "apply", dir.toString(), "--sandbox=" + tmp.resolve("sandbox"),
        "--auto-approve", "--no-color", "--var", "payload=" + payload);

    // then the script got exactly two arguments (its own name is $0): the payload, whole
    assertEquals(0, run.code(), run.all());
    assertEquals(List.of("1", payload), Files.readAllLines(dir.resolve("args.txt")));
    assertFalse(Files.exists(pwned), "the payload ran as a shell command");
    Drills.saveFigures("injection", Map.of("shell_payload_passed_as_one_argument", true));
  }
}
