package dev.fanout.providers.chocolatey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http.Http;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulator's NuGet v2 answers, over plain HTTP and with the real nuget client (mono). */
class ChocolateyEmulatorTest {

  @TempDir
  Path dir;
  private Sandbox sandbox;
  private final ChocolateyEmulator gallery = new ChocolateyEmulator();
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws IOException {
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(gallery));
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  @Test
  void pushedVersionIsListedAsSubmittedAndNotApproved() throws Exception {
    assertEquals(201, push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN).code);

    Reply entry = get("/api/v2/Packages(Id='contextlite',Version='1.0.35')");

    assertEquals(200, entry.code);
    assertTrue(entry.body.contains("<d:Version>1.0.35</d:Version>"), entry.body);
    assertTrue(entry.body.contains("<d:PackageStatus>Submitted</d:PackageStatus>"), entry.body);
    assertTrue(entry.body.contains("<d:IsApproved m:type=\"Edm.Boolean\">false</d:IsApproved>"), entry.body);
  }

  @Test
  void unknownVersionIs404() throws Exception {
    assertEquals(404, get("/api/v2/Packages(Id='contextlite',Version='9.9.9')").code);
  }

  @Test
  void findPackagesByIdListsEveryVersion() throws Exception {
    push(nupkg(spec("1.0.34")), TokenPolicy.SANDBOX_TOKEN);
    gallery.moderate("contextlite", "1.0.34", Moderation.APPROVED);
    push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);

    Reply feed = get("/api/v2/FindPackagesById()?id='contextlite'");

    assertEquals(200, feed.code);
    assertTrue(feed.body.contains("<d:Version>1.0.34</d:Version>") && feed.body.contains("<d:Version>1.0.35</d:Version>"),
        feed.body);
  }

  @Test
  void secondPushOfAnApprovedVersionIs409AlreadyExists() throws Exception {
    push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);
    gallery.moderate("contextlite", "1.0.35", Moderation.APPROVED);

    Reply again = push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);

    assertEquals(409, again.code);
    assertEquals("A package with ID 'contextlite' and version '1.0.35' already exists and cannot be modified.", again.reason);
  }

  @Test
  void aVersionStillInModerationMayBePushedAgainAndIsThenUpdated() throws Exception {
    push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);
    gallery.moderate("contextlite", "1.0.35", Moderation.WAITING);

    Reply again = push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);
    Reply entry = get("/api/v2/Packages(Id='contextlite',Version='1.0.35')");

    assertEquals(201, again.code);
    assertTrue(entry.body.contains("<d:PackageStatus>Submitted</d:PackageStatus>"), entry.body);
    assertTrue(entry.body.contains("<d:PackageSubmittedStatus>Updated</d:PackageSubmittedStatus>"), entry.body);
  }

  @Test
  void aRejectedVersionCanNoLongerBeSubmitted() throws Exception {
    push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);
    gallery.moderate("contextlite", "1.0.35", Moderation.REJECTED);

    Reply again = push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);

    assertEquals(409, again.code);
    assertEquals("This package has been rejected and can no longer be submitted.", again.reason);
  }

  @Test
  void aNewVersionIsRefusedWhileOneIsSubmittedAndNoStableVersionIsApproved() throws Exception {
    push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);

    Reply newer = push(nupkg(spec("1.0.36")), TokenPolicy.SANDBOX_TOKEN);
    gallery.moderate("contextlite", "1.0.35", Moderation.APPROVED);
    Reply afterApproval = push(nupkg(spec("1.0.36")), TokenPolicy.SANDBOX_TOKEN);

    assertEquals(403, newer.code);
    assertEquals("The package contextlite has a previous version in a submitted state, and no approved stable releases."
        + " Please work to have the existing package version approved or rejected first.", newer.reason);
    assertEquals(201, afterApproval.code);
  }

  @Test
  void noMoreThanTenVersionsWaitInModerationAtATime() throws Exception {
    push(nupkg(spec("1.0.0")), TokenPolicy.SANDBOX_TOKEN);
    gallery.moderate("contextlite", "1.0.0", Moderation.APPROVED);
    for (int i = 1; i <= 10; i++) {
      assertEquals(201, push(nupkg(spec("1.0." + i)), TokenPolicy.SANDBOX_TOKEN).code);
    }

    Reply eleventh = push(nupkg(spec("1.0.11")), TokenPolicy.SANDBOX_TOKEN);

    assertEquals(403, eleventh.code);
    assertTrue(eleventh.reason.startsWith("The package contextlite has 10 versions currently in a submitted state."),
        eleventh.reason);
  }

  @Test
  void nuspecWithoutCommunityFieldsIs400() throws Exception {
    NupkgBuilder.Spec noSource = new NupkgBuilder.Spec("contextlite", "1.0.35", "Fanout", "desc",
        "https://example.org", null, "https://example.org/LICENSE", "cli");

    Reply reply = push(nupkg(noSource), TokenPolicy.SANDBOX_TOKEN);

    assertEquals(400, reply.code);
    assertTrue(reply.reason.contains("packageSourceUrl"), reply.reason);
  }

  @Test
  void bodyThatIsNotAZipIs400() throws Exception {
    Reply reply = push("not a zip".getBytes(StandardCharsets.UTF_8), TokenPolicy.SANDBOX_TOKEN);

    assertEquals(400, reply.code);
  }

  @Test
  void unknownKeyIs401AndReadOnlyKeyIs403() throws Exception {
    assertEquals(401, push(nupkg(spec("1.0.35")), "wrong-key").code);
    assertEquals(401, push(nupkg(spec("1.0.35")), null).code);
    assertEquals(403, push(nupkg(spec("1.0.35")), TokenPolicy.READ_ONLY_TOKEN).code);
    assertEquals(404, get("/api/v2/Packages(Id='contextlite',Version='1.0.35')").code);
  }

  @Test
  void pushedPackagesSurviveARestart() throws Exception {
    push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);
    sandbox.close();
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new ChocolateyEmulator()));

    assertEquals(200, get("/api/v2/Packages(Id='CONTEXTLITE',Version='1.0.35')").code);
  }

  @Test
  void realNugetClientPushesAndSeesTheConflict() throws Exception {
    Tools.require("nuget", "apt-get install nuget");
    Path pkg = dir.resolve("contextlite.1.0.35.nupkg");
    Files.write(pkg, nupkg(spec("1.0.35")));
    Map<String, String> env = Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("config").toString());

    Tools.Result first = Tools.run(dir, env, "nuget", "push", pkg.getFileName().toString(), TokenPolicy.SANDBOX_TOKEN,
        "-Source", sandbox.url("chocolatey") + "/", "-NonInteractive");
    gallery.moderate("contextlite", "1.0.35", Moderation.APPROVED);
    Tools.Result second = Tools.run(dir, env, "nuget", "push", pkg.getFileName().toString(), TokenPolicy.SANDBOX_TOKEN,
        "-Source", sandbox.url("chocolatey") + "/", "-NonInteractive");

    assertEquals(0, first.exit(), first.output());
    assertEquals(200, get("/api/v2/Packages(Id='contextlite',Version='1.0.35')").code);
    assertTrue(second.exit() != 0 && second.output().contains("already exists"), second.output());
  }

  @Test
  void realNugetClientInstallsAnApprovedPackageWithTheBytesThatWerePushed() throws Exception {
    Tools.require("nuget", "apt-get install nuget");
    byte[] pushed = nupkg(spec("1.0.35"));
    assertEquals(201, push(pushed, TokenPolicy.SANDBOX_TOKEN).code);
    gallery.moderate("contextlite", "1.0.35", Moderation.APPROVED);
    Map<String, String> env = Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("config").toString());

    Tools.Result install = Tools.run(dir, env, "nuget", "install", "contextlite", "-Version", "1.0.35",
        "-Source", sandbox.url("chocolatey") + "/api/v2/", "-OutputDirectory", dir.resolve("out").toString(),
        "-NoCache", "-NonInteractive");

    assertEquals(0, install.exit(), install.output());
    Path installed = dir.resolve("out/contextlite.1.0.35/contextlite.1.0.35.nupkg");
    assertTrue(Files.isRegularFile(installed), install.output());
    assertEquals(dev.fanout.provider.Digests.sha256Hex(pushed), dev.fanout.provider.Digests.sha256Hex(Files.readAllBytes(installed)));
    assertTrue(Files.isRegularFile(dir.resolve("out/contextlite.1.0.35/tools/chocolateyInstall.ps1")), install.output());
  }

  @Test
  void anUnlistedVersionLeavesSearchAndLatestAndStillServesItsExactVersion() throws Exception {
    // given: 1.0.34 and 1.0.35 approved
    for (String v : List.of("1.0.34", "1.0.35")) {
      push(nupkg(spec(v)), TokenPolicy.SANDBOX_TOKEN);
      gallery.moderate("contextlite", v, Moderation.APPROVED);
    }
    String latestBefore = get("/api/v2/Search()?$filter=IsLatestVersion&searchTerm='contextlite'&includePrerelease=false").body;
    String secondPage = get("/api/v2/Search()?searchTerm='contextlite'&$skip=1&$top=1").body;

    // when
    Reply unlist = delete("/api/v2/package/contextlite/1.0.35", TokenPolicy.SANDBOX_TOKEN);

    // then
    assertEquals(200, unlist.code);
    assertTrue(latestBefore.contains("<d:Version>1.0.35</d:Version>") && !latestBefore.contains("1.0.34"), latestBefore);
    assertTrue(secondPage.contains("<d:Version>1.0.35</d:Version>") && !secondPage.contains("1.0.34"), secondPage);
    String latest = get("/api/v2/Search()?$filter=IsLatestVersion&searchTerm='contextlite'&includePrerelease=false").body;
    assertTrue(latest.contains("<d:Version>1.0.34</d:Version>") && !latest.contains("1.0.35"), latest);
    String all = get("/api/v2/Search()?searchTerm='contextlite'").body;
    assertTrue(all.contains("1.0.34") && !all.contains("1.0.35"), all);
    Reply exact = get("/api/v2/Packages(Id='contextlite',Version='1.0.35')");
    assertEquals(200, exact.code);
    assertTrue(exact.body.contains("<d:Listed m:type=\"Edm.Boolean\">false</d:Listed>")
        && exact.body.contains("<d:Published m:type=\"Edm.DateTime\">1900-01-01T00:00:00</d:Published>"), exact.body);
    assertEquals(200, get("/api/v2/package/contextlite/1.0.35").code);
  }

  @Test
  void unlistNeedsAWritingKeyAndLeavesAVersionInModerationAsItIs() throws Exception {
    push(nupkg(spec("1.0.35")), TokenPolicy.SANDBOX_TOKEN);

    Reply readOnly = delete("/api/v2/package/contextlite/1.0.35", TokenPolicy.READ_ONLY_TOKEN);
    Reply unknown = delete("/api/v2/package/contextlite/9.9.9", TokenPolicy.SANDBOX_TOKEN);
    Reply submitted = delete("/api/v2/package/contextlite/1.0.35", TokenPolicy.SANDBOX_TOKEN);
    gallery.moderate("contextlite", "1.0.35", Moderation.APPROVED);

    assertEquals(403, readOnly.code);
    assertEquals("The specified API key does not provide the authority to delete packages.", readOnly.reason);
    assertEquals(404, unknown.code);
    assertEquals(200, submitted.code);
    // MarkPackageUnlisted returns early for a version that is not listed: approval lists it.
    assertTrue(get("/api/v2/Search()?searchTerm='contextlite'").body.contains("1.0.35"));
  }

  @Test
  void realNugetClientUnlistsAndThenResolvesTheVersionBeforeButInstallsItByExactVersion() throws Exception {
    Tools.require("nuget", "apt-get install nuget");
    for (String v : List.of("1.0.34", "1.0.35")) {
      push(nupkg(spec(v)), TokenPolicy.SANDBOX_TOKEN);
      gallery.moderate("contextlite", v, Moderation.APPROVED);
    }
    Map<String, String> env = Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("config").toString());
    String feed = sandbox.url("chocolatey") + "/api/v2/";

    Tools.Result delete = Tools.run(dir, env, "nuget", "delete", "contextlite", "1.0.35", TokenPolicy.SANDBOX_TOKEN,
        "-Source", sandbox.url("chocolatey") + "/", "-NonInteractive");
    Tools.Result latest = Tools.run(dir, env, "nuget", "install", "contextlite", "-Source", feed, "-OutputDirectory",
        dir.resolve("latest").toString(), "-NoCache", "-NonInteractive");
    Tools.Result exact = Tools.run(dir, env, "nuget", "install", "contextlite", "-Version", "1.0.35", "-Source", feed,
        "-OutputDirectory", dir.resolve("exact").toString(), "-NoCache", "-NonInteractive");

    assertEquals(0, delete.exit(), delete.output());
    assertEquals(0, latest.exit(), latest.output());
    // nuget reads every version from FindPackagesById() and skips the one whose Published is 1900.
    assertTrue(Files.isDirectory(dir.resolve("latest/contextlite.1.0.34")), latest.output());
    assertFalse(Files.exists(dir.resolve("latest/contextlite.1.0.35")), latest.output());
    assertEquals(0, exact.exit(), exact.output());
    assertTrue(Files.isDirectory(dir.resolve("exact/contextlite.1.0.35")), exact.output());
  }

  /** A version of contextlite pushed to the gallery at {@code url}, as a second maintainer's push would. */
  static void pushed(String url, String version) throws IOException {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM).addFormDataPart("package",
        "package.nupkg", RequestBody.create(nupkg(spec(version)), MediaType.get("application/octet-stream"))).build();
    try (Response r = Http.client("test", Http.Policy.standard()).newCall(new Request.Builder()
        .url(url + "/api/v2/package/").header("X-NuGet-ApiKey", TokenPolicy.SANDBOX_TOKEN).put(body).build()).execute()) {
      assertEquals(201, r.code());
    }
  }

  private Reply delete(String path, String key) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("chocolatey") + path)
        .header("X-NuGet-ApiKey", key).delete().build()).execute()) {
      return new Reply(r.code(), r.message(), r.body().string());
    }
  }

  static NupkgBuilder.Spec spec(String version) {
    return new NupkgBuilder.Spec("contextlite", version, "Fanout", "Context for LLMs", "https://example.org",
        "https://example.org/src", "https://example.org/LICENSE", "cli llm");
  }

  static byte[] nupkg(NupkgBuilder.Spec spec) throws IOException {
    return NupkgBuilder.build(spec, List.of(new NupkgBuilder.Download("contextlite-windows-amd64.zip",
        "https://example.org/contextlite-windows-amd64.zip", "ab".repeat(32), 64)));
  }

  private record Reply(int code, String reason, String body) { }

  private Reply get(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("chocolatey") + path).build()).execute()) {
      return new Reply(r.code(), r.message(), r.body().string());
    }
  }

  private Reply push(byte[] nupkg, String key) throws IOException {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("package", "package.nupkg", RequestBody.create(nupkg, MediaType.get("application/octet-stream")))
        .build();
    Request.Builder request = new Request.Builder().url(sandbox.url("chocolatey") + "/api/v2/package/").put(body);
    if (key != null) {
      request.header("X-NuGet-ApiKey", key);
    }
    try (Response r = http.newCall(request.build()).execute()) {
      return new Reply(r.code(), r.message(), r.body().string());
    }
  }
}
