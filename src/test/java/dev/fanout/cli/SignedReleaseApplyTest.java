package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.signing.EphemeralKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed release through the CLI in the sandbox: the plan shows each signature, SBOM and
 * provenance file as {@code +}, apply writes and verifies them, a second plan and drift find
 * them all present and verifying, and neither the key nor its passphrase is in any output or file.
 */
class SignedReleaseApplyTest {

  @TempDir
  Path temp;

  @Test
  void planApplyAndDriftOfASignedReleaseLeakNeitherKeyNorPassphrase() throws Exception {
    FanoutRun f = new FanoutRun(temp, "minimal");
    Files.writeString(f.dir.resolve("release.fanout"), """
        release "hello" {
          version     = "0.1.0"
          description = "Says hello"
          license     = "MIT"
        }

        artifact "binary" {
          os      = "linux"
          arch    = "amd64"
          name    = "hello-linux-amd64"
          sources = ["bin/hello-linux-amd64"]
        }

        provider "github" {
          token            = env("GITHUB_TOKEN")
          signing_key      = env("GPG_PRIVATE_KEY")
          signing_password = env("GPG_PASSPHRASE")
        }

        github_release "main" {
          repository = "Michael-A-Kuykendall/contextlite"
          assets     = [artifact.binary]
          sbom       = true
          provenance = true
        }
        """);
    String passphrase = "SECRETsigning-passphrase-4f3e2d";
    EphemeralKey key = EphemeralKey.generate("Hello Releases <hello@example.org>", passphrase);
    f.env.put("GPG_PRIVATE_KEY", key.armoredSecret());
    f.env.put("GPG_PASSPHRASE", passphrase);

    FanoutRun.Result plan = f.sandboxed("plan", "--no-color");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--no-color", "--report", temp.resolve("r.md").toString());
    FanoutRun.Result again = f.sandboxed("plan", "--no-color");
    FanoutRun.Result drift = f.sandboxed("drift", "--no-color");

    for (String item : List.of("hello-linux-amd64.asc: signature by ", "SHA256SUMS.asc: signature by ",
        "hello-linux-amd64.cdx.json: ", "hello-linux-amd64.cdx.json.asc: signature by ",
        "hello-linux-amd64.intoto.jsonl: provenance signed by ")) {
      assertTrue(plan.out().contains("+ " + item), item + " in " + plan.all());
    }
    assertEquals(0, apply.exit(), apply.all());
    assertTrue(again.out().contains("= github_release.main"), again.all());
    assertEquals(0, drift.exit(), drift.all());
    assertTrue(drift.out().contains("No drift"), drift.all());
    // The armored key's body lines (its base64 packets) and the passphrase: nowhere.
    List<String> secrets = new ArrayList<>(List.of(passphrase));
    key.armoredSecret().lines().filter(l -> l.length() >= 60 && !l.startsWith("-----")).limit(3).forEach(secrets::add);
    List<String> hits = new ArrayList<>();
    for (FanoutRun.Result r : List.of(plan, apply, again, drift)) {
      secrets.stream().filter(r.all()::contains).forEach(s -> hits.add("output"));
    }
    try (Stream<Path> files = Files.walk(temp)) {
      for (Path file : files.filter(Files::isRegularFile).filter(p -> !p.endsWith("release.fanout")).toList()) {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        secrets.stream().filter(text::contains).forEach(s -> hits.add(temp.relativize(file).toString()));
      }
    }
    assertEquals(List.of(), hits);
  }
}
