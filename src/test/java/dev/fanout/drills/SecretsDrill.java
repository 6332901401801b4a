package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-looking, distinct credentials for every registry of the example, through a plan
 * saved to a file, an apply of it with failures, retries and {@code --debug}, and an apply
 * with reports: none of the values (nor their base64 forms, as Basic auth would carry them)
 * appears in stdout, stderr, the journal, the saved plan, the reports, the request log or
 * any other file the runs left; nor does any ID token or exchanged token of a trusted-publishing
 * run, though each registry published with one. Under the sandbox they are replaced and never sent, so the
 * publishes succeeding also shows the sandbox never saw them (it accepts only its own tokens).
 */
class SecretsDrill {

  /** A distinct value for every credential the two examples read, so a hit names its source. */
  static final Map<String, String> SECRETS = Map.ofEntries(
      Map.entry("NPM_TOKEN", "npm_SECRETnpm9f8e7d6c5b4a3210fedcba98"),
      Map.entry("GITHUB_TOKEN", "ghp_SECRETgithub0a1b2c3d4e5f6a7b8c9d"),
      Map.entry("PYPI_TOKEN", "pypi-SECRETpypiAgEIcHlwaS5vcmcCJDk"),
      Map.entry("CARGO_REGISTRY_TOKEN", "cio_SECRETcrates5e6f7a8b9c0d1e2f3a4b"),
      Map.entry("DOCKERHUB_TOKEN", "dckr_pat_SECRETdocker_7Hq2Lm9Xz"),
      Map.entry("GITHUB_PACKAGES_TOKEN", "ghp_SECRETpackagesZZ11yy22xx33ww44"),
      Map.entry("CHOCOLATEY_API_KEY", "SECRETchoco-7b1e4f2a-9c3d-4e5f-8a6b"),
      Map.entry("SNAPCRAFT_STORE_CREDENTIALS", "SECRETsnapMDAxY2xvY2F0aW9uIHNuYXBjcmFmdA"),
      Map.entry("AUR_TOKEN", "SECRETaur_4d5e6f7a8b9c0d1e2f3a"),
      Map.entry("CENTRAL_TOKEN", "SECRETcentralZXhhbXBsZV91c2VybmFtZTpw"),
      Map.entry("MAVEN_GPG_PASSPHRASE", "SECRETgpg-correct-horse-battery"));

  @Test
  void noCredentialValueAppearsInAnyOutputOrFile(@TempDir Path tmp) throws Exception {
    Path example = Drills.example(tmp);
    Path sandbox = tmp.resolve("sandbox");
    Path planFile = tmp.resolve("release.plan");
    Map<String, String> env = new LinkedHashMap<>(SECRETS);
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    List<Drills.Run> runs = new ArrayList<>();

    runs.add(Drills.cli(env, "plan", example.toString(), "--sandbox=" + sandbox, "--out", planFile.toString(),
        "--debug", "--no-color"));
    // Failures and retries: a retried 503, a lost answer, a lasting 401 with the token-like
    // value echoed back in the error body, and a malformed read.
    Drills.writeFaults(sandbox, List.of(
        Map.of("registry", "npm", "operation", "write", "status", 503, "times", 1),
        Map.of("registry", "pypi", "operation", "write", "drop", "after", "times", 1),
        Map.of("registry", "crates", "operation", "write", "status", 401,
            "body", "{\"errors\":[{\"detail\":\"bad token " + SECRETS.get("CARGO_REGISTRY_TOKEN") + "\"}]}"),
        Map.of("registry", "oci", "operation", "read", "malformed", true, "times", 1)));
    runs.add(Drills.cli(env, "apply", planFile.toString(), "--sandbox=" + sandbox, "--debug", "--no-color",
        "--report", tmp.resolve("r.md").toString()));
    Drills.clearFaults(sandbox);
    runs.add(Drills.cli(env, "apply", example.toString(), "--sandbox=" + sandbox, "--auto-approve", "--debug",
        "--json", "--report", tmp.resolve("r.json").toString()));
    runs.add(Drills.cli(env, "plan", example.toString(), "--sandbox=" + sandbox, "--json", "--debug"));
    // Maven Central's credentials live in the other example: its token and signing passphrase.
    Path library = Drills.example(tmp, "java-library");
    Path librarySandbox = tmp.resolve("sandbox-library");
    runs.add(Drills.cli(env, "apply", library.toString(), "--sandbox=" + librarySandbox, "--auto-approve", "--debug",
        "--report", tmp.resolve("library.md").toString()));
    runs.add(Drills.cli(env, "drift", library.toString(), "--sandbox=" + librarySandbox, "--debug", "--json"));
    // Trusted publishing: the ID tokens of the sandbox's Actions issuer and the tokens npm, PyPI
    // and crates.io exchange them for exist only in memory; none may be printed or kept.
    Path trusted = Drills.example(tmp, "trusted-publishing");
    Path trustedSandbox = tmp.resolve("sandbox-trusted");
    Path trustedPlan = tmp.resolve("trusted.plan");
    runs.add(Drills.cli(env, "plan", trusted.toString(), "--sandbox=" + trustedSandbox, "--scenario", "trusted-publishing",
        "--out", trustedPlan.toString(), "--debug", "--no-color"));
    runs.add(Drills.cli(env, "apply", trustedPlan.toString(), "--sandbox=" + trustedSandbox, "--debug",
        "--report", tmp.resolve("trusted.md").toString()));

    List<String> hits = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      scan("run " + (i + 1) + " stdout", runs.get(i).out(), hits);
      scan("run " + (i + 1) + " stderr", runs.get(i).err(), hits);
    }
    int files = 0;
    try (Stream<Path> all = Files.walk(tmp)) {
      for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        files++;
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (f.getFileName().toString().equals("requests.jsonl")) {
          // The log quotes the fault rule it applied, and this drill's rule holds a token on
          // purpose (a registry echoing it back); what the sandbox logged itself is scanned.
          text = text.replaceAll("\"fault\":\"(\\\\.|[^\"\\\\])*\"", "");
        }
        scan(tmp.relativize(f).toString(), text, hits);
      }
    }
    List<String> problems = new ArrayList<>(hits);
    // The drill must really have been through a failure, a retry and a success.
    String journal = Files.readString(example.resolve(".fanout/journal.jsonl"));
    if (!journal.contains("\"event\":\"retry\"") || !journal.contains("\"event\":\"failed\"")) {
      problems.add("the runs did not go through both a retry and a failure; journal events: "
          + journal.lines().count());
    }
    if (runs.get(2).code() != 0) {
      problems.add("the apply without faults did not finish: " + runs.get(2).all());
    }
    if (runs.get(4).code() != 0) {
      problems.add("the java-library apply did not finish: " + runs.get(4).all());
    }
    if (runs.get(7).code() != 0) {
      problems.add("the trusted-publishing apply did not finish: " + runs.get(7).all());
    }
    // There must have been tokens to leak: every registry exchanged and published with one.
    long exchanged = Drills.jsonLines(trustedSandbox.resolve("requests.jsonl")).stream()
        .filter(r -> "exchanged".equals(r.get("credential")) && Boolean.TRUE.equals(r.get("write"))).count();
    if (exchanged < 3) {
      problems.add("the trusted-publishing runs published " + exchanged + " times with an exchanged token, not 3 or more");
    }
    for (String required : List.of("r.md", "r.json", "release.plan", "trusted.plan", "trusted.md")) {
      if (!Files.exists(tmp.resolve(required))) {
        problems.add(required + " was not written");
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("credentials_seeded", SECRETS.size());
    figures.put("trusted_publishing_publishes", exchanged);
    figures.put("runs", runs.size());
    figures.put("files_scanned", files);
    figures.put("secret_hits", hits.size());
    Drills.saveFigures("secrets", figures);
    assertEquals(List.of(), problems);
  }

  /** A JSON Web Token, as the Actions issuer signs them: three base64url parts, two of them JSON. */
  private static final java.util.regex.Pattern ID_TOKEN =
      java.util.regex.Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{20,}");

  private static void scan(String where, String text, List<String> hits) throws IOException {
    if (ID_TOKEN.matcher(text).find()) {
      hits.add("an ID token found in " + where);
    }
    // What the sandbox registries mint for trusted publishing (npm_, pypi-, cio_ before it).
    if (text.contains("fanout-sandbox-oidc-")) {
      hits.add("an exchanged trusted-publishing token found in " + where);
    }
    for (Map.Entry<String, String> s : SECRETS.entrySet()) {
      for (String form : List.of(s.getValue(), Base64.getEncoder().encodeToString(s.getValue().getBytes(StandardCharsets.UTF_8)),
          Base64.getEncoder().encodeToString(("__token__:" + s.getValue()).getBytes(StandardCharsets.UTF_8)))) {
        if (text.contains(form)) {
          hits.add(s.getKey() + " found in " + where);
        }
      }
    }
  }
}
