package dev.fanout.providers.homebrew;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.testing.GitHttpServer;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tap on a git server that is not GitHub ({@code repository} a git URL), read and written
 * over git against git's own {@code git http-backend}: no contents API, one push per change.
 */
class GitHostedTapTest {

  @TempDir
  Path tmp;
  private final TestArtifacts artifacts = new TestArtifacts();

  private Provider provider(String version) {
    return new HomebrewProviderFactory().create(new ProviderContext(Http.client("test", Http.Policy.standard()),
        Map.of("api_url", "http://127.0.0.1:9"), new Release("tool", version, "literal", "A tool",
            "https://example.org/tool", "MIT", Map.of()), artifacts, tmp.resolve("work"), false));
  }

  private Publication formula(String url, String version, String token) throws Exception {
    Address linux = artifacts.add(tmp.resolve("dist-" + version), "tool-linux-amd64", "linux", "amd64",
        ("linux " + version).getBytes(StandardCharsets.UTF_8));
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("repository", url);
    attrs.put("git_user", "me");
    attrs.put("assets", Map.of("linux-amd64", Map.of("name", "tool-linux-amd64",
        "url", "https://example.org/v" + version + "/tool-linux-amd64", "artifact", new Ref(linux))));
    return new Publication(Address.of("homebrew", "tool"), "homebrew", attrs,
        Map.of("token", new Secret("env TAP_TOKEN", token)));
  }

  @Test
  void formulaIsPushedToAnEmptyTapOnAPlainGitServerReadBackAndNotPushedAgain() throws Exception {
    try (GitHttpServer server = GitHttpServer.start("me", "s3cret")) {
      server.createRepository("homebrew-tap", "main");
      String url = server.url() + "/homebrew-tap.git";
      Provider provider = provider("1.2.0");
      Publication p = formula(url, "1.2.0", "s3cret");

      RegistryState before = provider.read(p);
      Provider.PublishResult first = provider.publish(p, before);
      RegistryState after = provider.read(p);
      Provider.PublishResult second = provider.publish(p, after);
      Path clone = tmp.resolve("clone");
      Tools.Result cloned = Tools.run(tmp, Map.of("HOME", tmp.toString()), "git", "clone", "-q", url, clone.toString());

      assertFalse(before.packageExists());
      assertEquals(List.of("Formula/tool.rb"), first.written());
      assertEquals(provider.desired(p).items(), after.items());
      assertTrue(second.written().isEmpty(), second.written().toString());
      assertEquals(0, cloned.exit(), cloned.output());
      assertTrue(Files.readString(clone.resolve("Formula/tool.rb")).contains("version \"1.2.0\""));
      assertEquals("main", Tools.run(clone, Map.of(), "git", "rev-parse", "--abbrev-ref", "HEAD").output().trim());
      assertEquals(1, server.requests().stream().filter(r -> r.write()).count(), "one push: " + server.requests());
    }
  }

  @Test
  void inTheSandboxAGitHostedTapIsTheSandboxGithubsRepositoryOfTheSameOwnerAndName() throws Exception {
    try (dev.fanout.sandbox.Sandbox sandbox = dev.fanout.sandbox.Sandbox.start(tmp.resolve("sandbox"), "empty",
        List.of(new dev.fanout.providers.github.GithubEmulator()))) {
      String github = sandbox.url("github");
      okhttp3.OkHttpClient http = Http.client("test", Http.Policy.standard());
      dev.fanout.providers.github.ManifestFixtures.repository(
          dev.fanout.providers.github.ManifestFixtures.github(http, github), "me/homebrew-tap");
      Provider provider = new HomebrewProviderFactory().create(new ProviderContext(http, Map.of("api_url", github),
          new Release("tool", "1.2.0", "literal", "A tool", "https://example.org/tool", "MIT", Map.of()), artifacts,
          tmp.resolve("work"), true));
      Publication p = formula("https://git.example.invalid/me/homebrew-tap.git", "1.2.0",
          dev.fanout.sandbox.TokenPolicy.SANDBOX_TOKEN);

      Provider.PublishResult pushed = provider.publish(p, provider.read(p));
      String formula;
      try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder()
          .url(github + "/repos/me/homebrew-tap/contents/Formula/tool.rb").build()).execute()) {
        formula = new String(java.util.Base64.getMimeDecoder().decode(
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body().string()).get("content").asText()),
            StandardCharsets.UTF_8);
      }

      assertEquals(List.of("Formula/tool.rb"), pushed.written());
      assertTrue(formula.contains("version \"1.2.0\""), formula);
      assertEquals(provider.desired(p).items(), provider.read(p).items());
    }
  }

  @Test
  void aNewVersionIsOneMoreCommitAndAWrongTokenIsRefusedNamingTheServer() throws Exception {
    try (GitHttpServer server = GitHttpServer.start("me", "s3cret")) {
      server.createRepository("homebrew-tap", "main");
      String url = server.url() + "/homebrew-tap.git";
      Publication first = formula(url, "1.2.0", "s3cret");
      provider("1.2.0").publish(first, provider("1.2.0").read(first));
      Publication next = formula(url, "1.3.0", "s3cret");
      Publication wrong = formula(url, "1.3.0", "not-the-token");

      RegistryException refused = assertThrows(RegistryException.class,
          () -> provider("1.3.0").publish(wrong, provider("1.3.0").read(wrong)));
      RegistryState stale = provider("1.3.0").read(next);
      Provider.PublishResult pushed = provider("1.3.0").publish(next, stale);
      Path clone = tmp.resolve("clone");
      Tools.run(tmp, Map.of("HOME", tmp.toString()), "git", "clone", "-q", url, clone.toString());

      assertEquals(401, refused.status(), refused.getMessage());
      assertTrue(refused.getMessage().contains(url), refused.getMessage());
      assertEquals("1.2.0", stale.currentVersion());
      assertEquals(List.of("Formula/tool.rb"), pushed.written());
      assertTrue(Files.readString(clone.resolve("Formula/tool.rb")).contains("version \"1.3.0\""));
      assertEquals("2", Tools.run(clone, Map.of(), "git", "rev-list", "--count", "HEAD").output().trim());
    }
  }
}
