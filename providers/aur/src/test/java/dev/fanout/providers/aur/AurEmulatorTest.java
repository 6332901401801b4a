package dev.fanout.providers.aur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AurEmulatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SRCINFO = "pkgbase = tool-bin\n\tpkgdesc = A tool\n\tpkgver = 2.1.0\n\tpkgrel = 3\n"
      + "\turl = https://example.org\n\tarch = x86_64\n\tlicense = MIT\n\tprovides = tool\n\npkgname = tool-bin\n";

  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private String base;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws IOException {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new AurEmulator()));
    base = sandbox.url("aur");
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private JsonNode rpc(String pathAndQuery) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(base + pathAndQuery).build()).execute()) {
      assertEquals(200, r.code());
      return JSON.readTree(r.body().string());
    }
  }

  private Tools.Result git(Path dir, String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Tools.run(dir, Map.of("GIT_TERMINAL_PROMPT", "0", "GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.org",
        "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.org", "HOME", tmp.toString()), cmd);
  }

  private String pushUrl(String token, String pkgbase) {
    return base.replace("http://", "http://aur:" + token + "@") + "/git/" + pkgbase + ".git";
  }

  private Path workTree(String name) throws IOException, InterruptedException {
    Path work = Files.createDirectories(tmp.resolve(name));
    assertEquals(0, git(work, "init", "-q", "-b", "master").exit());
    return work;
  }

  @Test
  void infoOfUnknownPackageHasNoResults() throws IOException {
    JsonNode info = rpc("/rpc/v5/info?arg[]=nothing-here");

    assertEquals("multiinfo", info.path("type").asText());
    assertEquals(0, info.path("resultcount").asInt());
    assertEquals(5, info.path("version").asInt());
  }

  @Test
  void infoWithoutArgumentIsAnErrorOfTypeError() throws IOException {
    JsonNode info = rpc("/rpc/v5/info");

    assertEquals("error", info.path("type").asText());
    assertTrue(info.path("error").asText().length() > 0);
  }

  @Test
  void pushOfCommitWithoutSrcinfoIsRefusedWithTheAurMessage() throws Exception {
    Tools.require("git", "apt-get install git");
    Path work = workTree("nosrcinfo");
    Files.writeString(work.resolve("PKGBUILD"), "pkgname=tool-bin\n");
    git(work, "add", "PKGBUILD");
    git(work, "commit", "-q", "-m", "only PKGBUILD");

    Tools.Result push = git(work, "push", pushUrl(TokenPolicy.SANDBOX_TOKEN, "tool-bin"), "master");

    assertNotEquals(0, push.exit(), push.output());
    assertTrue(push.output().contains("error: The following error occurred when parsing commit"), push.output());
    assertTrue(push.output().contains("error: missing .SRCINFO"), push.output());
    assertEquals(0, rpc("/rpc/v5/info?arg[]=tool-bin").path("resultcount").asInt());
  }

  @Test
  void pushToAnotherBranchThanMasterIsRefused() throws Exception {
    Tools.require("git", "apt-get install git");
    Path work = workTree("branch");
    Files.writeString(work.resolve("PKGBUILD"), "pkgname=tool-bin\n");
    Files.writeString(work.resolve(".SRCINFO"), SRCINFO);
    git(work, "add", "PKGBUILD", ".SRCINFO");
    git(work, "commit", "-q", "-m", "first");

    Tools.Result push = git(work, "push", pushUrl(TokenPolicy.SANDBOX_TOKEN, "tool-bin"), "master:feature");

    assertNotEquals(0, push.exit(), push.output());
    assertTrue(push.output().contains("pushing to a branch other than master is restricted"), push.output());
  }

  @Test
  void pushedSrcinfoIsWhatTheRpcReportsAndCloneSees() throws Exception {
    Tools.require("git", "apt-get install git");
    Path work = workTree("ok");
    Files.writeString(work.resolve("PKGBUILD"), "pkgname=tool-bin\n");
    Files.writeString(work.resolve(".SRCINFO"), SRCINFO);
    git(work, "add", "PKGBUILD", ".SRCINFO");
    git(work, "commit", "-q", "-m", "first");

    Tools.Result push = git(work, "push", pushUrl(TokenPolicy.SANDBOX_TOKEN, "tool-bin"), "master");
    JsonNode info = rpc("/rpc/v5/info?arg[]=tool-bin&arg[]=other");
    Tools.Result clone = git(tmp, "clone", "-q", base + "/git/tool-bin.git", tmp.resolve("clone").toString());

    assertEquals(0, push.exit(), push.output());
    assertEquals(1, info.path("resultcount").asInt());
    JsonNode result = info.path("results").get(0);
    assertEquals("tool-bin", result.path("Name").asText());
    assertEquals("tool-bin", result.path("PackageBase").asText());
    assertEquals("2.1.0-3", result.path("Version").asText());
    assertEquals("A tool", result.path("Description").asText());
    assertEquals("tool", result.path("Provides").get(0).asText());
    assertEquals(0, clone.exit(), clone.output());
    assertEquals(SRCINFO, Files.readString(tmp.resolve("clone/.SRCINFO")));
  }

  @Test
  void restartedSandboxStillServesWhatWasPushed() throws Exception {
    Tools.require("git", "apt-get install git");
    Path work = workTree("restart");
    Files.writeString(work.resolve("PKGBUILD"), "pkgname=tool-bin\n");
    Files.writeString(work.resolve(".SRCINFO"), SRCINFO);
    git(work, "add", "PKGBUILD", ".SRCINFO");
    git(work, "commit", "-q", "-m", "first");
    assertEquals(0, git(work, "push", pushUrl(TokenPolicy.SANDBOX_TOKEN, "tool-bin"), "master").exit());

    sandbox.close();
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new AurEmulator()));
    base = sandbox.url("aur");

    assertEquals("2.1.0-3", rpc("/rpc/v5/info?arg[]=tool-bin").path("results").get(0).path("Version").asText());
  }

  @Test
  void pushWithoutTokenOrReadOnlyTokenIsRefused() throws Exception {
    Tools.require("git", "apt-get install git");
    Path work = workTree("auth");
    Files.writeString(work.resolve("PKGBUILD"), "pkgname=tool-bin\n");
    Files.writeString(work.resolve(".SRCINFO"), SRCINFO);
    git(work, "add", "PKGBUILD", ".SRCINFO");
    git(work, "commit", "-q", "-m", "first");

    Tools.Result anonymous = git(work, "push", base + "/git/tool-bin.git", "master");
    Tools.Result readOnly = git(work, "push", pushUrl(TokenPolicy.READ_ONLY_TOKEN, "tool-bin"), "master");

    assertNotEquals(0, anonymous.exit(), anonymous.output());
    assertNotEquals(0, readOnly.exit(), readOnly.output());
    assertTrue(readOnly.output().contains("403"), readOnly.output());
    assertEquals(0, rpc("/rpc/v5/info?arg[]=tool-bin").path("resultcount").asInt());
  }
}
