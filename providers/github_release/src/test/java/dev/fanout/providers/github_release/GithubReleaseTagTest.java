package dev.fanout.providers.github_release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.plan.Action;
import dev.fanout.plan.Differ;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a release's tag is made (behaviour 6 of GitHub) and immutable releases (behaviour 9). */
class GithubReleaseTagTest {

  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private GithubApi api;
  private Path releaseDir;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());
  private final TestArtifacts artifacts = new TestArtifacts();
  private Address linux;
  private Address mac;

  @BeforeEach
  void start() throws Exception {
    Tools.require("git", "apt-get install git");
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()));
    api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "test");
    ManifestFixtures.repository(ManifestFixtures.github(http, sandbox.url("github")), "acme/tool");
    linux = artifacts.add(tmp.resolve("dist"), "tool-linux-amd64", "linux", "amd64", "linux".getBytes(StandardCharsets.UTF_8));
    mac = artifacts.add(tmp.resolve("dist"), "tool-darwin-arm64", "darwin", "arm64", "mac".getBytes(StandardCharsets.UTF_8));
    releaseDir = tmp.resolve("project");
    Files.createDirectories(releaseDir);
    git("init", "-q", "-b", "main");
    Files.writeString(releaseDir.resolve("release.fanout"), "# the release file\n");
    git("add", "release.fanout");
    git("commit", "-q", "-m", "release 1.2.0");
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private String git(String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Tools.Result r = Tools.run(releaseDir, Map.of("GIT_TERMINAL_PROMPT", "0", "GIT_AUTHOR_NAME", "t",
        "GIT_AUTHOR_EMAIL", "t@example.org", "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.org",
        "HOME", tmp.toString()), cmd);
    assertEquals(0, r.exit(), r.output());
    return r.output().trim();
  }

  /** Pushes the release files' history to acme/tool, then the default branch moves on by one more commit. */
  private String pushThenMainMovesOn() throws Exception {
    git("push", "-q", sandbox.url("github").replace("http://", "http://x:" + TokenPolicy.SANDBOX_TOKEN + "@")
        + "/git/acme/tool.git", "main");
    assertEquals(201, api.send("PUT", "/repos/acme/tool/contents/LATER.md", Map.of("message", "later",
        "content", "bGF0ZXI="), "seed").status());
    return git("rev-parse", "HEAD");
  }

  private GithubReleaseProvider provider(boolean sandboxed) {
    return new GithubReleaseProvider(new ProviderContext(http, Map.of("api_url", sandbox.url("github"),
        "uploads_url", sandbox.urls().get("github.uploads")),
        new Release("tool", "1.2.0", "literal", "A tool", "https://example.org", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), sandboxed, releaseDir));
  }

  private Publication publication(Address... assets) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("repository", "acme/tool");
    attrs.put("assets", java.util.Arrays.stream(assets).map(Ref::new).toList());
    return new Publication(Address.of("github_release", "main"), "github_release", attrs,
        Map.of("token", new Secret("env GITHUB_TOKEN", TokenPolicy.SANDBOX_TOKEN)));
  }

  private String taggedAt(String tag) throws RegistryException {
    return api.get("/repos/acme/tool/commits/" + tag, "read").json().path("sha").asText();
  }

  @Test
  void theTagIsMadeAtTheReleaseFilesHeadNotAtTheDefaultBranchsNewerHead() throws Exception {
    String head = pushThenMainMovesOn();
    String main = api.get("/repos/acme/tool/git/ref/heads/main", "read").json().path("object").path("sha").asText();
    GithubReleaseProvider provider = provider(false);
    Publication p = publication(linux);

    RegistryState before = provider.read(p);
    provider.publish(p, before);

    assertNull(before.refusal());
    assertNotEquals(main, head);
    assertEquals(head, taggedAt("v1.2.0"));
  }

  @Test
  void aTagOnGithubAtAnotherCommitBlocksThePlanNamingBothCommits() throws Exception {
    String head = pushThenMainMovesOn();
    String main = api.get("/repos/acme/tool/git/ref/heads/main", "read").json().path("object").path("sha").asText();
    assertEquals(201, api.send("POST", "/repos/acme/tool/git/refs", Map.of("ref", "refs/tags/v1.2.0", "sha", main), "seed").status());

    RegistryState state = provider(false).read(publication(linux));

    assertTrue(state.refusal() != null && state.refusal().contains(main.substring(0, 12))
        && state.refusal().contains(head.substring(0, 12)), String.valueOf(state.refusal()));
  }

  @Test
  void anUnpushedCommitIsRefusedButTheSandboxTagsTheDefaultBranch() throws Exception {
    assertEquals(201, api.send("PUT", "/repos/acme/tool/contents/README.md", Map.of("message", "first",
        "content", "aGk="), "seed").status());
    Publication p = publication(linux);

    RegistryState real = provider(false).read(p);
    RegistryState sandboxed = provider(true).read(p);
    provider(true).publish(p, sandboxed);

    assertTrue(real.refusal() != null && real.refusal().contains("is not on acme/tool")
        && real.refusal().contains("git push"), String.valueOf(real.refusal()));
    assertNull(sandboxed.refusal());
    String main = api.get("/repos/acme/tool/git/ref/heads/main", "read").json().path("object").path("sha").asText();
    assertEquals(main, taggedAt("v1.2.0"));
  }

  @Test
  void anAssetMissingFromAPublishedImmutableReleaseIsDriftForAPerson() throws Exception {
    pushThenMainMovesOn();
    assertEquals(204, api.send("PUT", "/repos/acme/tool/immutable-releases", null, "enable").status());
    GithubReleaseProvider provider = provider(false);
    Publication first = publication(linux);
    provider.publish(first, provider.read(first));
    Publication more = publication(linux, mac);

    RegistryState state = provider.read(more);
    Differ.Verdict verdict = Differ.diff(state, provider.desired(more), false, "GitHub");

    assertEquals(GithubReleaseProvider.IMMUTABLE_ABSENT, state.items().get("tool-darwin-arm64"));
    assertEquals(Action.DRIFT, verdict.action(), verdict.reasons().toString());
  }

  @Test
  void aTagOnceHeldByADeletedImmutableReleaseFailsWithTheReason() throws Exception {
    pushThenMainMovesOn();
    assertEquals(204, api.send("PUT", "/repos/acme/tool/immutable-releases", null, "enable").status());
    GithubReleaseProvider provider = provider(false);
    Publication p = publication(linux);
    provider.publish(p, provider.read(p));
    long id = api.get("/repos/acme/tool/releases/tags/v1.2.0", "read").json().path("id").asLong();
    assertEquals(204, api.send("DELETE", "/repos/acme/tool/releases/" + id, null, "delete").status());

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(p, provider.read(p)));

    assertTrue(e.getMessage().contains("immutable release") && e.getMessage().contains("new version"), e.getMessage());
  }
}
