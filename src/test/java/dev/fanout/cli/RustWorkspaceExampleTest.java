package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.providers.crates.CratesEmulator;
import dev.fanout.providers.crates.DependentCrate;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/rust-workspace: two workspace crates published in the order of their path
 * dependency, the command built by cargo and packed in an archive for a GitHub release and a
 * Homebrew tap; a re-run writes nothing, and cargo builds a project against what crates.io holds.
 */
class RustWorkspaceExampleTest {

  @TempDir
  Path temp;

  @Test
  void theWorkspaceIsPublishedInDependencyOrderOnceAndCargoBuildsAgainstIt() throws Exception {
    Tools.require("cargo", "install rustup and a stable toolchain");
    FanoutRun f = new FanoutRun(temp, "rust-workspace");
    f.env.put("CARGO_REGISTRY_TOKEN", "fanout-sandbox-token");
    f.env.put("GITHUB_TOKEN", "fanout-sandbox-token");

    FanoutRun.Result graph = f.run("graph", f.dir.toString());
    FanoutRun.Result plan = f.sandboxed("plan", "--json");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");
    long afterFirst = f.writes();
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");

    assertTrue(graph.out().contains("\"crates.member[\\\"tally-core\\\"]\" -> \"crates.member[\\\"tally\\\"]\""
        + " [tooltip = \"needs crate tally-core\"]"), graph.out());
    List<String> order = new ArrayList<>();
    plan.json().get("changes").forEach(c -> order.add(c.get("address").asText()));
    assertTrue(order.indexOf("crates.member[\"tally-core\"]") < order.indexOf("crates.member[\"tally\"]"), order.toString());
    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("published or up to date (100%)"), apply.out());
    assertTrue(apply.out().contains("published tally@0.2.0; path dependencies as versions of this release:"
        + " tally-core ^0.2.0 (normal)"), apply.out());
    List<String> uploads = new ArrayList<>();
    f.requests().stream().filter(r -> r.get("write").asBoolean() && r.get("registry").asText().equals("crates"))
        .forEach(r -> uploads.add(r.toString()));
    assertEquals(2, uploads.size(), uploads.toString());
    assertTrue(f.writes("github") > 0, "the GitHub release and the tap were not written");
    assertEquals(0, again.exit(), again.all());
    assertEquals(afterFirst, f.writes(), "the second apply wrote again: " + again.out());

    // The tap's formula points at the archive on the release; what it installs is the command cargo built.
    Path tar = Tools.require("tar", "apt-get install tar");
    try (Sandbox sandbox = Sandbox.start(f.sandbox, "empty")) {
      SandboxTap tap = new SandboxTap(sandbox.url("github"));
      String linux = SandboxTap.section(tap.file("example/homebrew-tap", "Formula/tally.rb"), "on_linux");
      assertTrue(SandboxTap.field(linux, "url").endsWith("/example/tally/v0.2.0/tally_0.2.0_linux_amd64.tar.gz"), linux);
      Path archive = tap.download(SandboxTap.field(linux, "url"), SandboxTap.field(linux, "sha256"), temp.resolve("t.tgz"));
      Path unpacked = Files.createDirectories(temp.resolve("brew"));
      assertEquals(0, Tools.run(unpacked, Map.of(), tar.toString(), "-xzf", archive.toString()).exit());
      Path bin = unpacked.resolve(SandboxTap.installed(linux));
      Path input = Files.writeString(temp.resolve("input.txt"), "one two\nthree\n");
      Tools.Result counted = Tools.run(unpacked, Map.of(), "sh", "-c", bin + " < " + input);
      assertEquals("2 lines, 3 words", counted.output().trim(), counted.output());
      assertTrue(Files.isRegularFile(unpacked.resolve("LICENSE")) && Files.isRegularFile(unpacked.resolve("README.md")));
    }

    try (Sandbox crates = Sandbox.start(f.sandbox, "empty", List.of(new CratesEmulator()))) {
      Tools.Result run = DependentCrate.run(temp, crates.url("crates"), "tally", "0.2.0",
          "fn main() { println!(\"{}\", tally::report(\"one two\\nthree\")); }\n");
      assertEquals(0, run.exit(), run.output());
      assertTrue(run.output().endsWith("2 lines, 3 words\n"), run.output());
    }
  }

  @Test
  void aPathDependencyOnACrateTheReleaseDoesNotPublishFailsValidate() throws Exception {
    FanoutRun f = new FanoutRun(temp, "rust-workspace");
    java.nio.file.Path release = f.dir.resolve("release.fanout");
    String members = "{ tally = \"crates/tally\", \"tally-core\" = \"crates/tally-core\" }";
    assertTrue(java.nio.file.Files.readString(release).contains(members));
    java.nio.file.Files.writeString(release, java.nio.file.Files.readString(release)
        .replace(members, "{ tally = \"crates/tally\" }"));

    FanoutRun.Result validate = f.run("validate", f.dir.toString());

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.err().contains("crates.member[\"tally\"] needs crates crate tally-core, which this release does not"
        + " publish"), validate.err());
  }
}
