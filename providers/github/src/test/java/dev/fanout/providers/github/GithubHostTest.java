package dev.fanout.providers.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GithubHostTest {

  private static final Map<String, String> DEFAULTS = Map.of("api_url", GithubApi.DEFAULT_URL,
      "uploads_url", "https://uploads.github.com");

  @Test
  void anEnterpriseHostDerivesTheApiUploadsAndDownloadUrls() {
    Map<String, String> out = GithubHost.derive(Map.of("host", "ghe.example.com"), DEFAULTS, false);

    assertEquals("https://ghe.example.com/api/v3", out.get("api_url"));
    assertEquals("https://ghe.example.com/api/uploads", out.get("uploads_url"));
    assertEquals("https://ghe.example.com/acme/tool/releases/download/v1.0.0/tool.tgz",
        GithubHost.downloadUrl(out.get("api_url"), "acme/tool", "v1.0.0", "tool.tgz"));
    assertEquals("https://github.com/acme/tool/releases/download/v1.0.0/tool.tgz",
        GithubHost.downloadUrl(GithubApi.DEFAULT_URL, "acme/tool", "v1.0.0", "tool.tgz"));
  }

  @Test
  void explicitUrlsWinAndGithubComOrNoHostChangesNothing() {
    Map<String, String> explicit = GithubHost.derive(Map.of("host", "https://ghe.example.com/", "api_url", "https://api.ghe.test"),
        Map.of("api_url", "https://api.ghe.test", "uploads_url", "https://uploads.github.com"), false);

    assertEquals("https://api.ghe.test", explicit.get("api_url"));
    assertEquals("https://ghe.example.com/api/uploads", explicit.get("uploads_url"));
    assertEquals(DEFAULTS, GithubHost.derive(Map.of("host", "github.com"), DEFAULTS, false));
    assertEquals(DEFAULTS, GithubHost.derive(Map.of(), DEFAULTS, false));
  }

  @Test
  void inTheSandboxTheEmulatorServesTheEnterprisePrefixes() {
    Map<String, String> out = GithubHost.derive(Map.of("host", "ghe.example.com"),
        Map.of("api_url", "http://127.0.0.1:9/", "uploads_url", "http://127.0.0.1:9/uploads"), true);

    assertEquals("http://127.0.0.1:9/api/v3", out.get("api_url"));
    assertEquals("http://127.0.0.1:9/api/uploads", out.get("uploads_url"));
  }
}
