package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives as GoReleaser makes them, published end to end in the sandbox: the formula and the
 * Scoop manifest point at release assets that are archives, and what they say to install is
 * there. Each archive is downloaded from the URL the manifest gives, its sha256 checked
 * against the manifest's, unpacked with the real {@code tar} and {@code unzip}, and the
 * binary at the manifest's path run.
 */
class ArchiveApplyTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path temp;

  static final String RELEASE = """
      release "contextlite" {
        version     = "1.0.35"
        description = "Context engine"
        homepage    = "https://github.com/Michael-A-Kuykendall/contextlite"
        license     = "MIT"
      }

      variable "platforms" {
        default = [
          { os = "linux", arch = "amd64" },
          { os = "darwin", arch = "arm64" },
          { os = "windows", arch = "amd64" },
        ]
      }

      build "binaries" {
        for_each = var.platforms
        command  = ["sh", "build.sh", each.os, each.arch, release.version, "dist/contextlite-${each.key}"]
        output   = "dist/contextlite-${each.key}"
      }

      artifact "binary" {
        for_each = var.platforms
        os       = each.os
        arch     = each.arch
        sources  = [build.binaries[each.key].output]
      }

      artifact "archive" {
        for_each = var.platforms
        archive  = each.os == "windows" ? "zip" : "tar.gz"
        binary   = artifact.binary[each.key]
        name     = "contextlite_${release.version}_${each.key}.${each.os == "windows" ? "zip" : "tar.gz"}"
        files    = ["README.md", "LICENSE", "completions/contextlite.bash"]
      }

      # A platform-free file: a release carries documents too.
      artifact "notes" {
        sources = ["README.md"]
        name    = "NOTES.md"
      }

      provider "github" {
        token = env("GITHUB_TOKEN")
      }

      github_release "main" {
        repository = "Michael-A-Kuykendall/contextlite"
        tag        = "v${release.version}"
        # The archive first: a platform's archive, not its bare binary, is what manifests point at.
        assets     = [artifact.archive, artifact.binary, artifact.notes]
        checksums  = "SHA256SUMS"
      }

      homebrew "contextlite" {
        repository = "contextlite/homebrew-tap"
        assets     = github_release.main.assets
      }

      scoop "contextlite" {
        repository = "contextlite/scoop-bucket"
        assets     = github_release.main.assets
      }

      winget "contextlite" {
        identifier = "ContextLite.ContextLite"
        assets     = github_release.main.assets
      }
      """;

  private FanoutRun project() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Files.writeString(f.dir.resolve("release.fanout"), RELEASE);
    Files.writeString(f.dir.resolve("README.md"), "# contextlite\n");
    Files.writeString(f.dir.resolve("LICENSE"), "MIT License\n");
    Files.createDirectories(f.dir.resolve("completions"));
    Files.writeString(f.dir.resolve("completions/contextlite.bash"), "complete -W 'serve' contextlite\n");
    return f;
  }

  @Test
  void formulaAndScoopManifestPointAtArchivesThatHoldTheBinaryTheyInstall() throws Exception {
    Path tar = Tools.require("tar", "apt-get install tar");
    Path unzip = Tools.require("unzip", "apt-get install unzip");
    FanoutRun f = project();

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");
    FanoutRun.Result again = f.sandboxed("plan", "--detailed-exitcode");

    assertEquals(0, apply.exit(), apply.all());
    assertEquals(0, again.exit(), "a re-run packs the same bytes and has nothing to do:\n" + again.all());
    try (Sandbox sandbox = Sandbox.start(f.sandbox, "empty")) {
      String github = sandbox.url("github");
      SandboxTap tap = new SandboxTap(github);
      String formula = tap.file("contextlite/homebrew-tap", "Formula/contextlite.rb");
      String linux = SandboxTap.section(formula, "on_linux");
      Path unpacked = temp.resolve("brew");
      Files.createDirectories(unpacked);
      Path archive = tap.download(SandboxTap.field(linux, "url"), SandboxTap.field(linux, "sha256"), temp.resolve("linux.tar.gz"));
      Tools.Result untar = Tools.run(unpacked, Map.of(), tar.toString(), "-xzf", archive.toString());
      Path bin = unpacked.resolve(SandboxTap.installed(linux));
      Tools.Result run = Tools.run(unpacked, Map.of(), bin.toString());

      Path rb = temp.resolve("contextlite.rb");
      Files.writeString(rb, formula);
      Tools.Result syntax = Tools.run(temp, Map.of(), Tools.require("ruby", "apt-get install ruby").toString(), "-c",
          rb.toString());

      assertEquals(0, syntax.exit(), syntax.output() + formula);
      assertEquals(0, untar.exit(), untar.output());
      assertTrue(linux.contains("bin.install \"contextlite\"\n"), formula);
      assertTrue(Files.getPosixFilePermissions(bin).contains(PosixFilePermission.OWNER_EXECUTE));
      assertEquals("contextlite 1.0.35 (linux/amd64)", run.output().trim());
      assertEquals("MIT License\n", Files.readString(unpacked.resolve("LICENSE")));
      assertTrue(Files.isRegularFile(unpacked.resolve("completions/contextlite.bash")));

      JsonNode release = JSON.readTree(tap.get(github + "/repos/Michael-A-Kuykendall/contextlite/releases/tags/v1.0.35"));
      java.util.List<String> assets = new java.util.ArrayList<>();
      release.get("assets").forEach(a -> assets.add(a.get("name").asText()));
      assertTrue(assets.containsAll(java.util.List.of("NOTES.md", "SHA256SUMS", "contextlite-linux-amd64",
          "contextlite_1.0.35_linux-amd64.tar.gz", "contextlite_1.0.35_windows-amd64.zip")), assets.toString());

      JsonNode scoop = JSON.readTree(tap.file("contextlite/scoop-bucket", "bucket/contextlite.json"));
      JsonNode x64 = scoop.get("architecture").get("64bit");
      String exe = scoop.has("bin") ? scoop.get("bin").asText() : x64.get("bin").asText();
      Path zipDir = temp.resolve("scoop");
      Files.createDirectories(zipDir);
      Path zip = tap.download(x64.get("url").asText(), x64.get("hash").asText(), temp.resolve("windows.zip"));
      Tools.Result extract = Tools.run(zipDir, Map.of(), unzip.toString(), "-q", zip.toString());

      assertEquals(0, extract.exit(), extract.output());
      assertEquals("contextlite.exe", exe, scoop.toString());
      assertTrue(Files.readString(zipDir.resolve(exe)).contains("echo contextlite 1.0.35 (windows/amd64)"));
      assertTrue(Files.isRegularFile(zipDir.resolve("README.md")));

      // WinGet's manifests go to a branch of the fork, for the pull request to microsoft/winget-pkgs.
      String winget = tap.file("fanout-sandbox/winget-pkgs", "manifests/c/ContextLite/ContextLite/1.0.35/"
          + "ContextLite.ContextLite.installer.yaml?ref=ContextLite.ContextLite-1.0.35");
      assertTrue(winget.contains("InstallerType: zip"), winget);
      assertTrue(winget.contains("NestedInstallerType: portable"), winget);
      assertTrue(winget.contains("RelativeFilePath: contextlite.exe"), winget);
      assertTrue(winget.contains(x64.get("hash").asText().toUpperCase(java.util.Locale.ROOT)), winget);
    }
  }

  @Test
  void aSavedPlanPinsEachArchiveAndApplyRefusesWhenAFileInItChanged() throws Exception {
    FanoutRun f = project();
    assertEquals(0, f.run("build", f.dir.toString()).exit());
    Path plan = temp.resolve("release.plan");
    FanoutRun.Result saved = f.sandboxed("plan", "--out", plan.toString());
    String pinned = JSON.readTree(plan.toFile()).get("artifacts").path("artifact.archive[\"darwin-arm64\"]").asText();

    Files.writeString(f.dir.resolve("LICENSE"), "Apache-2.0\n");
    FanoutRun.Result refused = f.run("apply", plan.toString());
    Files.writeString(f.dir.resolve("LICENSE"), "MIT License\n");
    FanoutRun.Result applied = f.run("apply", plan.toString());

    assertEquals(0, saved.exit(), saved.all());
    assertTrue(pinned.startsWith("sha256:"), JSON.readTree(plan.toFile()).get("artifacts").toString());
    assertEquals(1, refused.exit(), refused.all());
    assertTrue(refused.err().contains("artifact.archive[\"darwin-arm64\"] is not the file the plan showed: the plan has "
        + pinned), refused.err());
    assertEquals(0, applied.exit(), "the same inputs pack the same bytes again:\n" + applied.all());
  }
}
