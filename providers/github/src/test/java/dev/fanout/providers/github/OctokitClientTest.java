package dev.fanout.providers.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Octokit;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's GitHub driven by clients it was not written with: GitHub's own REST client
 * ({@code @octokit/rest}, pinned, run by Node) through a release, its asset, paging, contents,
 * a fork and a pull request; and the real {@code git} pushing to an empty repository and
 * cloning it back. What they trip on is an emulator bug.
 */
class OctokitClientTest {

  @TempDir
  Path tmp;

  @Test
  void octokitReleasesUploadsPagesWritesContentsForksAndOpensAPullRequest() throws Exception {
    Path octokit = Octokit.rest();
    Path script = Path.of(System.getProperty("fanout.repo", "."), "providers", "github", "src", "test", "node",
        "octokit-drive.mjs");
    // Node resolves "@octokit/rest" from the script's folder up: give it the installed node_modules.
    Path work = tmp.resolve("node");
    Files.createDirectories(work);
    Files.copy(script, work.resolve("drive.mjs"));
    Files.createSymbolicLink(work.resolve("node_modules"), octokit.resolve("node_modules"));
    try (Sandbox sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()))) {
      Tools.Result run = Tools.run(work, Map.of(), "node", "drive.mjs", sandbox.url("github"), TokenPolicy.SANDBOX_TOKEN);

      assertEquals(0, run.exit(), run.output());
      JsonNode seen = new ObjectMapper().readTree(run.output().lines().reduce((a, b) -> b).orElse("{}"));
      assertEquals(GithubEmulator.LOGIN, seen.get("login").asText());
      assertTrue(seen.get("uploadedTo").asText().contains("/uploads/"), seen.toString());
      assertEquals(25, seen.get("releases").asInt(), seen.toString());
      assertEquals(3, seen.get("pages").asInt(), "paginate follows Link over pages of 10: " + seen);
      assertEquals("v1.0.24", seen.get("newest").asText(), "newest first: " + seen);
      assertEquals("v1.0.0", seen.get("oldest").asText());
      assertEquals("[\"tool-linux.tar.gz\"]", seen.get("byTagAssets").toString());
      assertEquals("class Tool\n  version '2'\nend\n", seen.get("contents").asText());
      assertEquals(202, seen.get("forkStatus").asInt());
      assertEquals("[" + seen.get("pullNumber").asInt() + "]", seen.get("pullsForHead").toString());
      assertEquals(0, seen.get("pullsForOtherHead").asInt());
      assertTrue(seen.get("pullHeadSha").asBoolean(), "the pull request's head.sha is its branch's commit: " + seen);
    }
  }

  @Test
  void gitPushesToAnEmptyRepositoryAndClonesItBack() throws Exception {
    Tools.require("git", "apt-get install git");
    try (Sandbox sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()))) {
      String base = sandbox.url("github");
      ManifestFixtures.repository(ManifestFixtures.github(dev.fanout.http.Http.client("test",
          dev.fanout.http.Http.Policy.standard()), base), "acme/empty");
      Path work = tmp.resolve("work");
      Files.createDirectories(work);
      Map<String, String> env = Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString(),
          "GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.org", "GIT_COMMITTER_NAME", "t",
          "GIT_COMMITTER_EMAIL", "t@example.org");
      assertEquals(0, Tools.run(work, env, "git", "init", "-q", "-b", "main").exit());
      Files.createDirectories(work.resolve("Formula"));
      Files.writeString(work.resolve("Formula/tool.rb"), "class Tool < Formula\nend\n");
      assertEquals(0, Tools.run(work, env, "git", "add", "-A").exit());
      assertEquals(0, Tools.run(work, env, "git", "commit", "-q", "-m", "tool 1.0.0").exit());
      String push = base.replace("http://", "http://x-access-token:" + TokenPolicy.SANDBOX_TOKEN + "@") + "/git/acme/empty.git";

      Tools.Result pushed = Tools.run(work, env, "git", "push", "-q", push, "main");
      Tools.Result cloned = Tools.run(tmp, env, "git", "clone", "-q", base + "/git/acme/empty.git", "clone");

      assertEquals(0, pushed.exit(), pushed.output());
      assertEquals(0, cloned.exit(), cloned.output());
      assertEquals("class Tool < Formula\nend\n", Files.readString(tmp.resolve("clone/Formula/tool.rb")));
      assertEquals(Tools.run(work, env, "git", "rev-parse", "HEAD").output().trim(),
          Tools.run(tmp.resolve("clone"), env, "git", "rev-parse", "HEAD").output().trim());
    }
  }
}
