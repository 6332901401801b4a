package dev.fanout.providers.scoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryState;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoopProviderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());
  private final TestArtifacts artifacts = new TestArtifacts();
  private Address win;
  private Address winArm;
  private Provider provider;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()));
    ManifestFixtures.repository(ManifestFixtures.github(http, sandbox.url("github")), "acme/scoop-bucket");
    win = artifacts.add(tmp.resolve("dist"), "tool-windows-amd64.exe", "windows", "amd64", bytes("win"));
    winArm = artifacts.add(tmp.resolve("dist"), "tool-windows-arm64.exe", "windows", "arm64", bytes("win arm"));
    artifacts.add(tmp.resolve("dist"), "tool-linux-amd64", "linux", "amd64", bytes("linux"));
    provider = new ScoopProviderFactory().create(new ProviderContext(http, Map.of("api_url", sandbox.url("github")),
        new Release("tool", "1.2.0", "literal", "A \"quoted\" tool", "https://example.org/tool", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), true));
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private static Map<String, Object> asset(Address a, String name) {
    return Map.of("name", name, "url", "https://github.com/acme/tool/releases/download/v1.2.0/" + name,
        "artifact", new Ref(a));
  }

  private Publication manifest(String token) {
    Map<String, Object> assets = new LinkedHashMap<>();
    assets.put("windows-amd64", asset(win, "tool-windows-amd64.exe"));
    assets.put("windows-arm64", asset(winArm, "tool-windows-arm64.exe"));
    assets.put("linux-amd64", asset(artifacts.addresses().get(2), "tool-linux-amd64"));
    return new Publication(Address.of("scoop", "tool"), "scoop",
        Map.of("repository", "acme/scoop-bucket", "assets", assets),
        Map.of("token", new Secret("env GITHUB_TOKEN", token)));
  }

  @Test
  void applyWritesManifestWithEveryScoopFieldThatGitCloneShows() throws Exception {
    Publication p = manifest(TokenPolicy.SANDBOX_TOKEN);

    Provider.PublishResult result = provider.publish(p, provider.read(p));
    JsonNode json = JSON.readTree(cloneBucket().resolve("bucket/tool.json").toFile());

    assertEquals(List.of("bucket/tool.json"), result.written());
    assertEquals("1.2.0", json.get("version").asText());
    assertEquals("A \"quoted\" tool", json.get("description").asText());
    assertEquals("https://example.org/tool", json.get("homepage").asText());
    assertEquals("MIT", json.get("license").asText());
    assertEquals(artifacts.sha256(win), json.at("/architecture/64bit/hash").asText());
    assertEquals(artifacts.sha256(winArm), json.at("/architecture/arm64/hash").asText());
    assertEquals("tool", json.at("/architecture/64bit/bin/0/1").asText());
    assertEquals("https://github.com/acme/tool", json.at("/checkver/github").asText());
    assertEquals("https://github.com/acme/tool/releases/download/v$version/tool-windows-amd64.exe",
        json.at("/autoupdate/architecture/64bit/url").asText());
    assertFalse(json.toString().contains("linux"));
  }

  @Test
  void readAfterApplyMatchesDesiredAndRerunWritesNothing() throws Exception {
    Publication p = manifest(TokenPolicy.SANDBOX_TOKEN);
    assertFalse(provider.read(p).packageExists());
    provider.publish(p, provider.read(p));

    RegistryState after = provider.read(p);
    Provider.PublishResult again = provider.publish(p, after);

    assertEquals(provider.desired(p).items(), after.items());
    assertEquals("1.2.0", after.currentVersion());
    assertTrue(again.written().isEmpty(), again.written().toString());
  }

  @Test
  void readOnlyTokenCannotWrite() {
    CredentialCheck check = provider.checkCredentials(manifest(TokenPolicy.READ_ONLY_TOKEN));

    assertEquals(CredentialCheck.Status.NO_WRITE, check.status());
  }

  private Path cloneBucket() throws IOException, InterruptedException {
    Tools.require("git", "apt-get install git");
    Path clone = tmp.resolve("clone");
    Tools.Result r = Tools.run(tmp, Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString()),
        "git", "clone", "-q", sandbox.url("github") + "/git/acme/scoop-bucket.git", clone.toString());
    assertEquals(0, r.exit(), r.output());
    return clone;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
