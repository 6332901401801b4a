package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drift looks inside packages: the binary an npm package ships must be the one the release built. */
class DriftBinaryTest {

  @TempDir
  Path temp;

  @Test
  void npmPackageHoldingAnotherBuildOfTheSameVersionIsReportedPerPlatform() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    assertEquals(0, f.sandboxed("apply", "--auto-approve", "--target", "npm.contextlite").exit());
    Path linux = f.dir.resolve("dist/contextlite-linux-amd64");
    String published = sha256(Files.readAllBytes(linux));
    // A rebuild after the publish (fanout build records it): the same version, other bytes on this machine.
    // A file changed by hand would not count: no build record vouches for it.
    Files.writeString(f.dir.resolve("build.sh"), Files.readString(f.dir.resolve("build.sh"))
        + "printf '# rebuilt differently\\n' >> \"$out\"\n");
    assertEquals(0, f.run("build", f.dir.toString()).exit());

    FanoutRun.Result drift = f.sandboxed("drift", "--json", "--target", "npm.contextlite");

    assertEquals(2, drift.exit(), drift.all());
    JsonNode finding = null;
    for (JsonNode x : drift.json().get("findings")) {
      if (x.get("kind").asText().equals("checksum_disagreement") && x.get("what").asText().contains("linux-amd64 binary")) {
        finding = x;
      }
    }
    assertTrue(finding != null, drift.out());
    assertEquals(published, finding.get("actual").asText());
    assertEquals(sha256(Files.readAllBytes(linux)), finding.get("expected").asText());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
