package dev.fanout.providers.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.provider.Digests;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GithubEmulatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private String base;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()));
    base = sandbox.url("github");
    for (String repo : List.of("acme/tool", "acme/tap")) {
      ManifestFixtures.repository(ManifestFixtures.github(http, base), repo);
    }
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private record Answer(int status, JsonNode json, okhttp3.Headers headers) { }

  private Answer call(String method, String path, String token, Object body) throws IOException {
    Request.Builder b = new Request.Builder().url(path.startsWith("http") ? path : base + path);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    RequestBody rb = body == null ? null
        : body instanceof byte[] raw ? RequestBody.create(raw, MediaType.get("application/octet-stream"))
        : RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE);
    b.method(method, rb == null && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
        ? RequestBody.create(new byte[0]) : rb);
    try (Response r = http.newCall(b.build()).execute()) {
      String text = r.body().string();
      JsonNode json = text.isEmpty() ? null : text.startsWith("{") || text.startsWith("[") ? JSON.readTree(text) : JSON.getNodeFactory().textNode(text);
      return new Answer(r.code(), json, r.headers());
    }
  }

  private Tools.Result git(Path dir, String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Tools.Result r = Tools.run(dir, Map.of("GIT_TERMINAL_PROMPT", "0", "GIT_AUTHOR_NAME", "t",
        "GIT_AUTHOR_EMAIL", "t@example.org", "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.org",
        "HOME", tmp.toString()), cmd);
    return r;
  }

  private String pushUrl(String repo) {
    return base.replace("http://", "http://x-access-token:" + TokenPolicy.SANDBOX_TOKEN + "@") + "/git/" + repo + ".git";
  }

  @Test
  void userAnswersScopesPerTokenAndBadCredentialsOtherwise() throws IOException {
    Answer write = call("GET", "/user", TokenPolicy.SANDBOX_TOKEN, null);
    Answer read = call("GET", "/user", TokenPolicy.READ_ONLY_TOKEN, null);
    Answer bad = call("GET", "/user", "nope", null);

    assertEquals(200, write.status());
    assertEquals("repo, write:packages", write.headers().get("X-OAuth-Scopes"));
    assertEquals("read:user", read.headers().get("X-OAuth-Scopes"));
    assertEquals(401, bad.status());
    assertEquals("Bad credentials", bad.json().get("message").asText());
    assertEquals("5000", bad.headers().get("x-ratelimit-limit"));
    assertTrue(bad.headers().get("x-ratelimit-reset") != null && bad.headers().get("x-ratelimit-remaining") != null);
  }

  @Test
  void gitPushIsReadByContentsApiAndApiWritesAreCloned() throws Exception {
    Tools.require("git", "apt-get install git");
    Path work = tmp.resolve("work");
    Files.createDirectories(work);
    assertEquals(0, git(work, "init", "-q", "-b", "main").exit());
    Files.writeString(work.resolve("README.md"), "hello from git\n");
    git(work, "add", "README.md");
    assertEquals(0, git(work, "commit", "-q", "-m", "first").exit());

    Tools.Result push = git(work, "push", pushUrl("acme/tap"), "main");
    assertEquals(0, push.exit(), push.output());

    Answer read = call("GET", "/repos/acme/tap/contents/README.md", null, null);
    assertEquals(200, read.status());
    assertEquals("hello from git\n", new String(Base64.getMimeDecoder().decode(read.json().get("content").asText()), StandardCharsets.UTF_8));
    String sha = read.json().get("sha").asText();

    Answer stale = call("PUT", "/repos/acme/tap/contents/README.md", TokenPolicy.SANDBOX_TOKEN,
        Map.of("message", "m", "content", b64("x"), "sha", "0000000000000000000000000000000000000000"));
    Answer noSha = call("PUT", "/repos/acme/tap/contents/README.md", TokenPolicy.SANDBOX_TOKEN,
        Map.of("message", "m", "content", b64("x")));
    Answer update = call("PUT", "/repos/acme/tap/contents/README.md", TokenPolicy.SANDBOX_TOKEN,
        Map.of("message", "update readme", "content", b64("hello from the API\n"), "sha", sha));
    Answer readOnly = call("PUT", "/repos/acme/tap/contents/other.txt", TokenPolicy.READ_ONLY_TOKEN,
        Map.of("message", "m", "content", b64("x")));
    assertEquals(409, stale.status());
    assertEquals(422, noSha.status());
    assertEquals(200, update.status());
    assertNotEquals(sha, update.json().get("content").get("sha").asText());
    assertEquals(403, readOnly.status());

    Path clone = tmp.resolve("clone");
    Tools.Result cloned = git(tmp, "clone", "-q", base + "/git/acme/tap.git", clone.toString());
    assertEquals(0, cloned.exit(), cloned.output());
    assertEquals("hello from the API\n", Files.readString(clone.resolve("README.md")));
    assertEquals(2, git(clone, "log", "--oneline").output().lines().count());
  }

  @Test
  void aFileIsDeletedWithItsShaOnABranchAndNeverWithoutIt() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    repositoryWithTwoCommits("deleting");
    String sha = call("GET", "/repos/acme/deleting/contents/NEXT.md?ref=next", t, null).json().path("sha").asText();

    Answer noSha = call("DELETE", "/repos/acme/deleting/contents/NEXT.md", t, Map.of("message", "m", "branch", "next"));
    Answer stale = call("DELETE", "/repos/acme/deleting/contents/NEXT.md", t,
        Map.of("message", "m", "sha", "0000000000000000000000000000000000000000", "branch", "next"));
    Answer notOnMain = call("DELETE", "/repos/acme/deleting/contents/NEXT.md", t, Map.of("message", "m", "sha", sha));
    Answer deleted = call("DELETE", "/repos/acme/deleting/contents/NEXT.md", t,
        Map.of("message", "remove next", "sha", sha, "branch", "next"));
    Answer again = call("DELETE", "/repos/acme/deleting/contents/NEXT.md", t,
        Map.of("message", "remove next", "sha", sha, "branch", "next"));

    assertEquals(422, noSha.status());
    assertEquals(409, stale.status());
    assertEquals(404, notOnMain.status());
    assertEquals(200, deleted.status());
    assertTrue(deleted.json().path("content").isNull(), deleted.json().toString());
    assertEquals("remove next", deleted.json().path("commit").path("message").asText());
    assertEquals(404, again.status());
    assertEquals(404, call("GET", "/repos/acme/deleting/contents/NEXT.md?ref=next", t, null).status());
    assertEquals(200, call("GET", "/repos/acme/deleting/contents/README.md?ref=next", t, null).status(), "the rest stays");
  }

  @Test
  void aPullRequestIsClosedByPatchingItsStateAndIsThenListedAsClosed() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    repositoryWithTwoCommits("closing");
    Answer opened = call("POST", "/repos/acme/closing/pulls", t, Map.of("title", "next", "head", "next", "base", "main",
        "body", "the change"));

    Answer invalid = call("PATCH", "/repos/acme/closing/pulls/1", t, Map.of("state", "merged"));
    Answer closed = call("PATCH", "/repos/acme/closing/pulls/1", t, Map.of("state", "closed", "body", "why\n\nthe change"));
    Answer unknown = call("PATCH", "/repos/acme/closing/pulls/9", t, Map.of("state", "closed"));

    assertEquals(201, opened.status());
    assertEquals(422, invalid.status());
    assertEquals(200, closed.status());
    assertEquals("closed", closed.json().path("state").asText());
    assertTrue(closed.json().path("closed_at").isTextual(), closed.json().toString());
    assertEquals("why\n\nthe change", closed.json().path("body").asText());
    assertEquals(404, unknown.status());
    assertEquals(0, call("GET", "/repos/acme/closing/pulls", t, null).json().size(), "no longer open");
    assertEquals(1, call("GET", "/repos/acme/closing/pulls?state=closed", t, null).json().size());
  }

  @Test
  void pushWithoutTokenIsRefusedAndReadOnlyTokenIsForbidden() throws Exception {
    Tools.require("git", "apt-get install git");
    Path work = tmp.resolve("w");
    Files.createDirectories(work);
    git(work, "init", "-q", "-b", "main");
    Files.writeString(work.resolve("a"), "a");
    git(work, "add", "a");
    git(work, "commit", "-q", "-m", "a");

    Tools.Result anonymous = git(work, "push", base + "/git/acme/x.git", "main");
    Tools.Result readOnly = git(work, "push",
        base.replace("http://", "http://u:" + TokenPolicy.READ_ONLY_TOKEN + "@") + "/git/acme/x.git", "main");

    assertNotEquals(0, anonymous.exit());
    assertNotEquals(0, readOnly.exit());
    assertTrue(readOnly.output().contains("403") || readOnly.output().contains("denied"), readOnly.output());
    assertEquals(404, call("GET", "/repos/acme/x", null, null).status());
  }

  @Test
  void pullRequestFromBranchIsListedAndDuplicateRefused() throws IOException {
    String t = TokenPolicy.SANDBOX_TOKEN;
    assertEquals(201, call("POST", "/user/repos", t, Map.of("name", "bucket", "auto_init", true)).status());
    String owner = GithubEmulator.LOGIN;
    Answer main = call("GET", "/repos/" + owner + "/bucket/git/ref/heads/main", t, null);
    String sha = main.json().get("object").get("sha").asText();
    assertEquals(201, call("POST", "/repos/" + owner + "/bucket/git/refs", t,
        Map.of("ref", "refs/heads/tool-1.0", "sha", sha)).status());
    assertEquals(422, call("POST", "/repos/" + owner + "/bucket/git/refs", t,
        Map.of("ref", "refs/heads/tool-1.0", "sha", sha)).status());
    assertEquals(201, call("PUT", "/repos/" + owner + "/bucket/contents/bucket/tool.json", t,
        Map.of("message", "tool 1.0", "content", b64("{}"), "branch", "tool-1.0")).status());

    Answer pr = call("POST", "/repos/" + owner + "/bucket/pulls", t,
        Map.of("title", "tool 1.0", "head", "tool-1.0", "base", "main"));
    Answer again = call("POST", "/repos/" + owner + "/bucket/pulls", t,
        Map.of("title", "tool 1.0", "head", "tool-1.0", "base", "main"));
    Answer open = call("GET", "/repos/" + owner + "/bucket/pulls?state=open&head=" + owner + ":tool-1.0", null, null);

    assertEquals(201, pr.status());
    assertEquals(422, again.status());
    assertTrue(again.json().get("errors").get(0).get("message").asText().contains("already exists"));
    assertEquals(1, open.json().size());
    assertEquals(1, open.json().get(0).get("number").asInt());
  }

  @Test
  void forkCopiesBranchesIntoTheTokenOwnersNamespace() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    call("POST", "/orgs/upstream/repos", t, Map.of("name", "pkgs", "auto_init", true));
    Answer duplicate = call("POST", "/orgs/upstream/repos", t, Map.of("name", "pkgs"));

    Answer fork = call("POST", "/repos/upstream/pkgs/forks", t, null);
    Answer readme = call("GET", "/repos/" + GithubEmulator.LOGIN + "/pkgs/contents/README.md", null, null);
    for (int i = 0; i < 50 && readme.status() == 409; i++) {
      Thread.sleep(100);   // the fork's git data is copied in the background, as on GitHub
      readme = call("GET", "/repos/" + GithubEmulator.LOGIN + "/pkgs/contents/README.md", null, null);
    }

    assertEquals(422, duplicate.status());
    assertEquals(202, fork.status());
    assertEquals(GithubEmulator.LOGIN + "/pkgs", fork.json().get("full_name").asText());
    assertEquals(200, readme.status());
  }

  @Test
  void releaseAssetsUploadOnceAndDownloadAfterPublishing() throws IOException {
    String t = TokenPolicy.SANDBOX_TOKEN;
    Answer created = call("POST", "/repos/acme/tool/releases", t, Map.of("tag_name", "v1.0.0", "draft", true));
    assertEquals(201, created.status());

    String upload = created.json().get("upload_url").asText().replace("{?name,label}", "") + "?name=tool-linux";
    Answer asset = call("POST", upload, t, "binary".getBytes(StandardCharsets.UTF_8));
    Answer again = call("POST", upload, t, "other".getBytes(StandardCharsets.UTF_8));
    assertEquals(201, asset.status());
    assertEquals("uploaded", asset.json().get("state").asText());
    assertEquals("sha256:" + Digests.sha256Hex("binary".getBytes(StandardCharsets.UTF_8)), asset.json().get("digest").asText());
    assertEquals(422, again.status());
    assertEquals("already_exists", again.json().get("errors").get(0).get("code").asText());

    String url = asset.json().get("browser_download_url").asText();
    assertEquals(404, call("GET", "/repos/acme/tool/releases/tags/v1.0.0", t, null).status());
    assertEquals(404, call("GET", url, null, null).status());
    Answer published = call("PATCH", "/repos/acme/tool/releases/" + created.json().get("id").asLong(), t, Map.of("draft", false));
    assertEquals(false, published.json().get("draft").asBoolean());
    assertEquals(200, call("GET", "/repos/acme/tool/releases/tags/v1.0.0", null, null).status());
    assertEquals("binary", call("GET", url, null, null).json().asText());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void listsArePagedThirtyByDefaultNewestFirstWithLinkHeaders() throws Exception {
    ManifestRepo github = ManifestFixtures.github(http, base);
    github.commit("acme/tool", "main", Map.of("README.md", "# tool\n".getBytes(StandardCharsets.UTF_8)), "init");
    for (int i = 0; i < 35; i++) {
      call("POST", "/repos/acme/tool/releases", TokenPolicy.SANDBOX_TOKEN, Map.of("tag_name", "v1.0." + i));
    }

    Answer first = call("GET", "/repos/acme/tool/releases", TokenPolicy.SANDBOX_TOKEN, null);
    Answer hundred = call("GET", "/repos/acme/tool/releases?per_page=500", TokenPolicy.SANDBOX_TOKEN, null);
    Answer next = call("GET", GithubApi.nextPage(first.headers().get("Link")), TokenPolicy.SANDBOX_TOKEN, null);

    assertEquals(30, first.json().size());
    assertEquals("v1.0.34", first.json().get(0).path("tag_name").asText(), "newest first");
    assertTrue(first.headers().get("Link").contains("page=2>; rel=\"next\""), first.headers().get("Link"));
    assertTrue(first.headers().get("Link").contains("rel=\"last\""), first.headers().get("Link"));
    assertEquals(35, hundred.json().size(), "per_page is capped at 100, and 35 fit");
    assertEquals(null, hundred.headers().get("Link"));
    assertEquals(5, next.json().size());
    assertEquals("v1.0.0", next.json().get(4).path("tag_name").asText());
    assertTrue(next.headers().get("Link").contains("rel=\"prev\""), next.headers().get("Link"));
  }

  @Test
  void pullRequestsAreListedNewestFirstAndFilteredByHead() throws Exception {
    ManifestRepo github = ManifestFixtures.github(http, base);
    github.commit("acme/tool", "main", Map.of("README.md", "# tool\n".getBytes(StandardCharsets.UTF_8)), "init");
    ManifestFixtures.othersOpenPulls(github, "acme/tool", 3);

    Answer all = call("GET", "/repos/acme/tool/pulls?state=open", TokenPolicy.SANDBOX_TOKEN, null);
    Answer one = call("GET", "/repos/acme/tool/pulls?state=open&head=acme:other-1", TokenPolicy.SANDBOX_TOKEN, null);

    assertEquals(List.of(3, 2, 1), List.of(all.json().get(0).path("number").asInt(),
        all.json().get(1).path("number").asInt(), all.json().get(2).path("number").asInt()));
    assertEquals(1, one.json().size());
    assertEquals("other: change 1", one.json().get(0).path("title").asText());
  }

  @Test
  void forkAnswers202AndItsGitDataIsEmpty409UntilTheCopyIsDone() throws Exception {
    try (Sandbox slow = Sandbox.start(tmp.resolve("slow"), "slow-forks", List.of(new GithubEmulator()))) {
      base = slow.url("github");
      ManifestFixtures.repository(ManifestFixtures.github(http, base), "acme/tool");
      ManifestFixtures.github(http, base).commit("acme/tool", "main", Map.of("README.md", "# tool\n".getBytes(StandardCharsets.UTF_8)), "init");

      Answer forked = call("POST", "/repos/acme/tool/forks", TokenPolicy.SANDBOX_TOKEN, Map.of());
      Answer ref = call("GET", "/repos/fanout-sandbox/tool/git/ref/heads/main", TokenPolicy.SANDBOX_TOKEN, null);
      Answer repo = call("GET", "/repos/fanout-sandbox/tool", TokenPolicy.SANDBOX_TOKEN, null);
      Answer ready = ref;
      for (int i = 0; i < 100 && ready.status() == 409; i++) {
        Thread.sleep(100);
        ready = call("GET", "/repos/fanout-sandbox/tool/git/ref/heads/main", TokenPolicy.SANDBOX_TOKEN, null);
      }

      assertEquals(202, forked.status());
      assertEquals(409, ref.status());
      assertEquals("Git Repository is empty.", ref.json().path("message").asText());
      assertEquals(200, repo.status(), "the repository itself exists at once");
      assertEquals("acme/tool", repo.json().path("parent").path("full_name").asText());
      assertEquals(200, ready.status(), "the fork's git data arrives after the delay");
    }
  }

  @Test
  void mergeUpstreamFastForwardsAStaleForkThenHasNothingToDo() throws Exception {
    ManifestRepo github = ManifestFixtures.github(http, base);
    github.commit("acme/tool", "main", Map.of("README.md", "# tool\n".getBytes(StandardCharsets.UTF_8)), "init");
    call("POST", "/repos/acme/tool/forks", TokenPolicy.SANDBOX_TOKEN, Map.of());
    github.commit("acme/tool", "main", Map.of("NEWS.md", "news\n".getBytes(StandardCharsets.UTF_8)), "news");
    Answer sync = call("POST", "/repos/fanout-sandbox/tool/merge-upstream", TokenPolicy.SANDBOX_TOKEN, Map.of("branch", "main"));
    for (int i = 0; i < 100 && sync.status() == 409; i++) {
      Thread.sleep(100);
      sync = call("POST", "/repos/fanout-sandbox/tool/merge-upstream", TokenPolicy.SANDBOX_TOKEN, Map.of("branch", "main"));
    }

    Answer again = call("POST", "/repos/fanout-sandbox/tool/merge-upstream", TokenPolicy.SANDBOX_TOKEN, Map.of("branch", "main"));
    Answer upstream = call("GET", "/repos/acme/tool/git/ref/heads/main", TokenPolicy.SANDBOX_TOKEN, null);
    Answer fork = call("GET", "/repos/fanout-sandbox/tool/git/ref/heads/main", TokenPolicy.SANDBOX_TOKEN, null);

    assertEquals("fast-forward", sync.json().path("merge_type").asText(), sync.json().toString());
    assertEquals("none", again.json().path("merge_type").asText());
    assertEquals(upstream.json().path("object").path("sha"), fork.json().path("object").path("sha"));
  }

  @Test
  void aSecondDraftForATagIsMadeButAPublishedTagIsRefused() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    Answer first = call("POST", "/repos/acme/tool/releases", t, Map.of("tag_name", "v1.0.0", "draft", true));
    Answer second = call("POST", "/repos/acme/tool/releases", t, Map.of("tag_name", "v1.0.0", "draft", true));
    call("PATCH", "/repos/acme/tool/releases/" + first.json().path("id").asLong(), t, Map.of("draft", false));
    Answer third = call("POST", "/repos/acme/tool/releases", t, Map.of("tag_name", "v1.0.0", "draft", true));

    assertEquals(201, first.status());
    assertEquals(201, second.status(), "GitHub makes another draft for a tag only drafts hold");
    assertNotEquals(first.json().path("id"), second.json().path("id"));
    Answer secondPublished = call("PATCH", "/repos/acme/tool/releases/" + second.json().path("id").asLong(), t, Map.of("draft", false));
    assertEquals(422, secondPublished.status(), "a second release of a published tag is not published");
    assertEquals(422, third.status());
    assertEquals("already_exists", third.json().get("errors").get(0).get("code").asText());
    assertEquals("tag_name", third.json().get("errors").get(0).get("field").asText());
  }

  /** A repository with a first commit on main and a second on a branch; answers the branch's commit. */
  private String repositoryWithTwoCommits(String name) throws IOException {
    String t = TokenPolicy.SANDBOX_TOKEN;
    assertEquals(201, call("POST", "/orgs/acme/repos", t, Map.of("name", name, "auto_init", true)).status());
    String main = call("GET", "/repos/acme/" + name + "/git/ref/heads/main", t, null).json().path("object").path("sha").asText();
    call("POST", "/repos/acme/" + name + "/git/refs", t, Map.of("ref", "refs/heads/next", "sha", main));
    Answer put = call("PUT", "/repos/acme/" + name + "/contents/NEXT.md", t,
        Map.of("message", "next", "content", b64("next"), "branch", "next"));
    return put.json().path("commit").path("sha").asText();
  }

  @Test
  void publishingADraftCreatesItsTagAtTargetCommitishOrTheDefaultBranchsHead() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    String next = repositoryWithTwoCommits("tagged");
    String main = call("GET", "/repos/acme/tagged/git/ref/heads/main", t, null).json().path("object").path("sha").asText();

    Answer draft = call("POST", "/repos/acme/tagged/releases", t, Map.of("tag_name", "v1.0.0", "draft", true, "target_commitish", next));
    assertEquals(422, call("GET", "/repos/acme/tagged/commits/v1.0.0", t, null).status(), "a draft makes no tag");
    call("PATCH", "/repos/acme/tagged/releases/" + draft.json().path("id").asLong(), t, Map.of("draft", false));
    Answer plain = call("POST", "/repos/acme/tagged/releases", t, Map.of("tag_name", "v1.1.0"));
    Answer unknown = call("POST", "/repos/acme/tagged/releases", t,
        Map.of("tag_name", "v2.0.0", "target_commitish", "0123456789012345678901234567890123456789"));

    assertEquals(next, call("GET", "/repos/acme/tagged/commits/v1.0.0", t, null).json().path("sha").asText());
    assertEquals(201, plain.status());
    assertEquals(main, call("GET", "/repos/acme/tagged/commits/v1.1.0", t, null).json().path("sha").asText());
    assertEquals(422, unknown.status());
    assertEquals("target_commitish", unknown.json().path("errors").get(0).path("field").asText());
  }

  @Test
  void makeLatestDecidesTheLatestReleaseAndLegacyGoesByCreationDate() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    repositoryWithTwoCommits("latest");
    assertEquals(404, call("GET", "/repos/acme/latest/releases/latest", null, null).status());
    call("POST", "/repos/acme/latest/releases", t, Map.of("tag_name", "v2.0.0"));
    Answer backport = call("POST", "/repos/acme/latest/releases", t, Map.of("tag_name", "v1.9.1", "make_latest", "false"));
    assertEquals("v2.0.0", call("GET", "/repos/acme/latest/releases/latest", null, null).json().path("tag_name").asText());

    call("POST", "/repos/acme/latest/releases", t, Map.of("tag_name", "v1.9.2"));
    assertEquals("v1.9.2", call("GET", "/repos/acme/latest/releases/latest", null, null).json().path("tag_name").asText(),
        "make_latest defaults to true: a backport published last becomes latest on GitHub");
    call("POST", "/repos/acme/latest/releases", t, Map.of("tag_name", "v3.0.0-rc.1", "prerelease", true));
    call("PATCH", "/repos/acme/latest/releases/" + backport.json().path("id").asLong(), t, Map.of("make_latest", "legacy"));
    Answer bad = call("POST", "/repos/acme/latest/releases", t, Map.of("tag_name", "v4.0.0", "make_latest", "yes"));

    assertEquals("v1.9.2", call("GET", "/repos/acme/latest/releases/latest", null, null).json().path("tag_name").asText(),
        "legacy: the newest full release by creation date, never a prerelease");
    assertEquals(422, bad.status());
    assertEquals("make_latest", bad.json().path("errors").get(0).path("field").asText());
  }

  @Test
  void immutableReleasesLockAssetsAndTagsForGood() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    repositoryWithTwoCommits("locked");
    assertEquals(404, call("GET", "/repos/acme/locked/immutable-releases", t, null).status());
    assertEquals(204, call("PUT", "/repos/acme/locked/immutable-releases", t, null).status());
    assertEquals(true, call("GET", "/repos/acme/locked/immutable-releases", t, null).json().path("enabled").asBoolean());
    Answer draft = call("POST", "/repos/acme/locked/releases", t, Map.of("tag_name", "v1.0.0", "draft", true));
    long id = draft.json().path("id").asLong();
    Answer asset = call("POST", base + "/uploads/repos/acme/locked/releases/" + id + "/assets?name=a.tgz", t, new byte[] {1});
    assertEquals(201, asset.status(), "a draft of an immutable repository still takes assets");
    Answer published = call("PATCH", "/repos/acme/locked/releases/" + id, t, Map.of("draft", false));

    Answer late = call("POST", base + "/uploads/repos/acme/locked/releases/" + id + "/assets?name=b.tgz", t, new byte[] {2});
    Answer deleteAsset = call("DELETE", "/repos/acme/locked/releases/assets/" + asset.json().path("id").asLong(), t, null);
    Answer retag = call("PATCH", "/repos/acme/locked/releases/" + id, t, Map.of("tag_name", "v1.0.1"));
    Answer retitle = call("PATCH", "/repos/acme/locked/releases/" + id, t, Map.of("name", "First"));
    Answer deleted = call("DELETE", "/repos/acme/locked/releases/" + id, t, null);
    Answer reuse = call("POST", "/repos/acme/locked/releases", t, Map.of("tag_name", "v1.0.0", "draft", true));

    assertTrue(published.json().path("immutable").asBoolean());
    assertEquals(422, late.status());
    assertEquals(ReleaseLifecycle.IMMUTABLE_ASSETS, late.json().path("errors").get(0).path("message").asText());
    assertEquals(422, deleteAsset.status());
    assertEquals(422, retag.status());
    assertEquals(200, retitle.status(), "the title and notes of an immutable release may change");
    assertEquals(204, deleted.status());
    assertEquals(422, reuse.status());
    assertEquals(ReleaseLifecycle.IMMUTABLE_TAG, reuse.json().path("errors").get(0).path("message").asText());
  }

  @Test
  void aScenarioTurnsImmutableReleasesOnForTheRepositoriesItNames() throws Exception {
    try (Sandbox other = Sandbox.start(tmp.resolve("immutable"), "immutable-releases", List.of(new GithubEmulator()))) {
      String at = other.url("github");
      Answer setting = call("GET", at + "/repos/acme/locked/immutable-releases", TokenPolicy.SANDBOX_TOKEN, null);
      Answer release = call("POST", at + "/repos/acme/locked/releases", TokenPolicy.SANDBOX_TOKEN, Map.of("tag_name", "v1.0.0"));

      assertEquals(200, setting.status());
      assertTrue(release.json().path("immutable").asBoolean(), release.json().toString());
    }
  }

  @Test
  void enterprisePrefixesServeTheSameRepositoriesWithEnterpriseUrls() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    repositoryWithTwoCommits("ghes");
    Answer draft = call("POST", "/api/v3/repos/acme/ghes/releases", t, Map.of("tag_name", "v1.0.0", "draft", true));
    String uploadUrl = draft.json().path("upload_url").asText();
    assertTrue(uploadUrl.startsWith(base + "/api/uploads/repos/acme/ghes/releases/"), uploadUrl);
    assertTrue(draft.json().path("url").asText().startsWith(base + "/api/v3/repos/"), draft.json().toString());
    Answer asset = call("POST", uploadUrl.replace("{?name,label}", "?name=tool.tgz"), t, "bytes".getBytes(StandardCharsets.UTF_8));
    call("PATCH", "/api/v3/repos/acme/ghes/releases/" + draft.json().path("id").asLong(), t, Map.of("draft", false));

    String download = asset.json().path("browser_download_url").asText();
    assertEquals(base + "/acme/ghes/releases/download/v1.0.0/tool.tgz", download);
    Answer fetched = call("GET", download, null, null);
    assertEquals(200, fetched.status());
    assertEquals("bytes", fetched.json().asText());
    assertEquals(1, call("GET", "/repos/acme/ghes/releases", null, null).json().size(), "one GitHub behind both prefixes");
  }

  @Test
  void branchesMilestonesCommitsAndOrganizationsAreServed() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    String next = repositoryWithTwoCommits("reads");
    Answer branches = call("GET", "/repos/acme/reads/branches", null, null);
    Answer milestones = call("GET", "/repos/acme/reads/milestones", null, null);
    Answer byHash = call("GET", "/repos/acme/reads/commits/" + next, null, null);
    Answer missing = call("GET", "/repos/acme/reads/commits/0123456789012345678901234567890123456789", null, null);

    assertEquals(List.of("main", "next"), List.of(branches.json().get(0).path("name").asText(), branches.json().get(1).path("name").asText()));
    assertEquals(next, branches.json().get(1).path("commit").path("sha").asText());
    assertEquals(200, milestones.status());
    assertEquals(0, milestones.json().size());
    assertEquals(next, byHash.json().path("sha").asText());
    assertEquals(422, missing.status());
    assertTrue(missing.json().path("message").asText().startsWith("No commit found for SHA"));
    assertEquals("Organization", call("GET", "/orgs/acme", t, null).json().path("type").asText());
    assertEquals(404, call("GET", "/orgs/" + GithubEmulator.LOGIN, t, null).status(), "a user is not an organization");
  }

  @Test
  void aDirectoryIsListedAsAnArrayOfItsFilesAndFolders() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    repositoryWithTwoCommits("dirs");
    call("PUT", "/repos/acme/dirs/contents/manifests/t/Tool/1.0/a.yaml", t, Map.of("message", "a", "content", b64("a")));
    call("PUT", "/repos/acme/dirs/contents/manifests/t/Tool/1.1/a.yaml", t, Map.of("message", "b", "content", b64("b")));

    Answer versions = call("GET", "/repos/acme/dirs/contents/manifests/t/Tool", null, null);
    Answer root = call("GET", "/repos/acme/dirs/contents", null, null);
    Answer missing = call("GET", "/repos/acme/dirs/contents/manifests/x", null, null);

    assertEquals(200, versions.status());
    assertEquals(2, versions.json().size());
    assertEquals("1.0", versions.json().get(0).path("name").asText());
    assertEquals("dir", versions.json().get(0).path("type").asText());
    assertEquals("manifests/t/Tool/1.1", versions.json().get(1).path("path").asText());
    assertTrue(root.json().isArray() && root.json().toString().contains("\"README.md\""), root.json().toString());
    assertEquals(404, missing.status());
  }

  @Test
  void theFirstBranchPushedToAnEmptyRepositoryBecomesItsDefault() throws Exception {
    Tools.require("git", "apt-get install git");
    Path work = tmp.resolve("trunk");
    Files.createDirectories(work);
    git(work, "init", "-q", "-b", "trunk");
    Files.writeString(work.resolve("Formula.rb"), "class Tool; end\n");
    git(work, "add", "Formula.rb");
    git(work, "commit", "-q", "-m", "first");

    Tools.Result push = git(work, "push", pushUrl("acme/tap"), "trunk");

    assertEquals(0, push.exit(), push.output());
    assertEquals("trunk", call("GET", "/repos/acme/tap", null, null).json().path("default_branch").asText());
    assertEquals(200, call("GET", "/repos/acme/tap/contents/Formula.rb", null, null).status(), "a read without ref reads the default branch");
  }

  @Test
  void aRefToAnUnknownObjectAndAPullRequestWithoutCommitsAreRefused() throws Exception {
    String t = TokenPolicy.SANDBOX_TOKEN;
    repositoryWithTwoCommits("refs");
    String main = call("GET", "/repos/acme/refs/git/ref/heads/main", t, null).json().path("object").path("sha").asText();
    call("POST", "/repos/acme/refs/git/refs", t, Map.of("ref", "refs/heads/empty", "sha", main));

    Answer unknown = call("POST", "/repos/acme/refs/git/refs", t,
        Map.of("ref", "refs/heads/x", "sha", "0123456789012345678901234567890123456789"));
    Answer nothing = call("POST", "/repos/acme/refs/pulls", t, Map.of("title", "t", "head", "empty", "base", "main"));
    Answer something = call("POST", "/repos/acme/refs/pulls", t, Map.of("title", "t", "head", "next", "base", "main"));

    assertEquals(422, unknown.status());
    assertEquals("Object does not exist", unknown.json().path("message").asText());
    assertEquals(422, nothing.status());
    assertTrue(nothing.json().path("errors").get(0).path("message").asText().startsWith("No commits between"), nothing.json().toString());
    assertEquals(201, something.status());
  }
}
