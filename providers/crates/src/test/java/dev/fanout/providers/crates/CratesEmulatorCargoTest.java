package dev.fanout.providers.crates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.provider.Digests;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.testing.ProviderHarness;
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

/** The emulator driven by the real cargo through a sparse registry. */
class CratesEmulatorCargoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  private Sandbox sandbox;
  private Path project;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws IOException {
    Tools.require("cargo", "install rustup and a stable toolchain");
    ProviderHarness.withoutLag(dir.resolve("sandbox"));
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new CratesEmulator()));
    project = dir.resolve("fanout-hello");
    Files.createDirectories(project.resolve("src"));
    Files.createDirectories(project.resolve(".cargo"));
    Files.writeString(project.resolve("Cargo.toml"), """
        [package]
        name = "fanout-hello"
        version = "0.1.0"
        edition = "2021"
        description = "A tiny crate for the sandbox"
        license = "MIT"

        [dependencies]
        """);
    Files.writeString(project.resolve("src/lib.rs"), "pub fn hello() -> &'static str { \"hello\" }\n");
    Files.writeString(project.resolve(".cargo/config.toml"), "[registries.sandbox]\nindex = \"sparse+"
        + sandbox.url("crates") + "/index/\"\n");
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  @Test
  void cargoPublishesACrateThatTheIndexAndApiThenServe() throws Exception {
    Tools.Result result = cargo(TokenPolicy.SANDBOX_TOKEN, "publish", "--registry", "sandbox", "--allow-dirty", "--no-verify");

    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("Published fanout-hello v0.1.0"), result.output());
    byte[] downloaded = getBytes("/api/v1/crates/fanout-hello/0.1.0/download");
    String cksum = Digests.sha256Hex(downloaded);
    assertTrue(CrateArchive.entries(downloaded).containsKey("fanout-hello-0.1.0/Cargo.toml.orig"));
    JsonNode line = JSON.readTree(get("/index/fa/no/fanout-hello"));
    assertEquals("fanout-hello", line.path("name").asText());
    assertEquals("0.1.0", line.path("vers").asText());
    assertEquals(cksum, line.path("cksum").asText());
    assertEquals(false, line.path("yanked").asBoolean());
    JsonNode version = JSON.readTree(get("/api/v1/crates/fanout-hello/0.1.0"));
    assertEquals(cksum, version.path("version").path("checksum").asText());
    assertEquals("0.1.0", JSON.readTree(get("/api/v1/crates/fanout-hello")).path("crate").path("max_version").asText());
  }

  @Test
  void cargoRefusesARepublishItselfWhenTheIndexAlreadyListsTheVersion() throws Exception {
    assertEquals(0, cargo(TokenPolicy.SANDBOX_TOKEN, "publish", "--registry", "sandbox", "--allow-dirty", "--no-verify").exit());

    Tools.Result again = cargo(TokenPolicy.SANDBOX_TOKEN, "publish", "--registry", "sandbox", "--allow-dirty", "--no-verify");

    assertNotEquals(0, again.exit());
    assertTrue(again.output().contains("crate fanout-hello@0.1.0 already exists on `sandbox` index"), again.output());
  }

  @Test
  void cargoRepublishPastALaggingIndexGetsCratesIosAlreadyUploadedError() throws Exception {
    assertEquals(0, cargo(TokenPolicy.SANDBOX_TOKEN, "publish", "--registry", "sandbox", "--allow-dirty", "--no-verify").exit());
    // crates.io updates its index after the upload: while it lags, cargo's own check passes
    // and the server's answer is what the user sees.
    Files.writeString(sandbox.dir().resolve("faults.json"), "[{\"registry\": \"crates\", \"operation\": \"read\", "
        + "\"path\": \"^/index/fa/no/fanout-hello$\", \"status\": 404}]");

    Tools.Result again = cargo(TokenPolicy.SANDBOX_TOKEN, "publish", "--registry", "sandbox", "--allow-dirty", "--no-verify");

    assertNotEquals(0, again.exit());
    assertTrue(again.output().contains("crate version `fanout-hello@0.1.0` is already uploaded"), again.output());
  }

  @Test
  void cargoPublishWithAReadOnlyTokenIsForbidden() throws Exception {
    Tools.Result result = cargo(TokenPolicy.READ_ONLY_TOKEN, "publish", "--registry", "sandbox", "--allow-dirty", "--no-verify");

    assertNotEquals(0, result.exit());
    assertTrue(result.output().contains("403"), result.output());
    assertTrue(result.output().contains("does not have the required permissions"), result.output());
  }

  @Test
  void cargoPackageListShowsTheFilesOfTheCrate() throws Exception {
    Tools.Result result = cargo(TokenPolicy.SANDBOX_TOKEN, "package", "--list", "--allow-dirty");

    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("Cargo.toml.orig"), result.output());
    assertTrue(result.output().contains("src/lib.rs"), result.output());
  }

  @Test
  void apiAnswersAMissingCrateWithCratesIosErrorShape() throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("crates") + "/api/v1/crates/nope/1.0.0").build()).execute()) {
      assertEquals(404, r.code());
      assertEquals("crate `nope` does not exist", JSON.readTree(r.body().string()).path("errors").get(0).path("detail").asText());
    }
  }

  @Test
  void apiRefusesARequestWithoutAUserAgentWith403() throws Exception {
    java.net.URI base = java.net.URI.create(sandbox.url("crates"));
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.getOutputStream().write(("GET /api/v1/crates/nope HTTP/1.1\r\nHost: " + base.getHost()
          + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.setSoTimeout(5000);
      // Read up to the end of the known body: the server may keep the connection open.
      StringBuilder answer = new StringBuilder();
      java.io.InputStream in = socket.getInputStream();
      for (int c; !answer.toString().contains("action against your bot.") && (c = in.read()) >= 0; ) {
        answer.append((char) c);
      }

      assertTrue(answer.toString().startsWith("HTTP/1.1 403"), answer.toString());
      assertTrue(answer.toString().contains("We require that all requests include a `User-Agent` header"), answer.toString());
    }
  }

  @Test
  void cargoYankSetsTheIndexFlagAndUndoClearsItWithAPublishingTokenOnly() throws Exception {
    assertEquals(0, cargo(TokenPolicy.SANDBOX_TOKEN, "publish", "--registry", "sandbox", "--allow-dirty", "--no-verify").exit());

    Tools.Result readOnly = cargo(TokenPolicy.READ_ONLY_TOKEN, "yank", "--version", "0.1.0", "--registry", "sandbox");
    Tools.Result yank = cargo(TokenPolicy.SANDBOX_TOKEN, "yank", "--version", "0.1.0", "--registry", "sandbox");
    boolean yanked = JSON.readTree(get("/index/fa/no/fanout-hello")).path("yanked").asBoolean();
    Tools.Result undo = cargo(TokenPolicy.SANDBOX_TOKEN, "yank", "--undo", "--version", "0.1.0", "--registry", "sandbox");

    assertNotEquals(0, readOnly.exit());
    assertTrue(readOnly.output().contains("does not have the required permissions"), readOnly.output());
    assertEquals(0, yank.exit(), yank.output());
    assertTrue(yanked);
    assertEquals(0, undo.exit(), undo.output());
    assertEquals(false, JSON.readTree(get("/index/fa/no/fanout-hello")).path("yanked").asBoolean());
  }

  private Tools.Result cargo(String token, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "cargo";
    System.arraycopy(args, 0, command, 1, args.length);
    return Tools.run(project, Map.of("CARGO_HOME", dir.resolve("cargo-home").toString(),
        "CARGO_REGISTRIES_SANDBOX_TOKEN", token, "CARGO_TERM_COLOR", "never",
        "CARGO_TARGET_DIR", project.resolve("target").toString()), command);
  }

  private byte[] getBytes(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("crates") + path).build()).execute()) {
      assertEquals(200, r.code(), path);
      return r.body().bytes();
    }
  }

  private String get(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("crates") + path).build()).execute()) {
      assertEquals(200, r.code(), path);
      return r.body().string();
    }
  }
}
