package dev.fanout.providers.winget;

import dev.fanout.provider.Schema;
import java.util.Map;

/**
 * The {@code provider "github"} block as the manifest providers that propose pull requests
 * (winget, nix, flathub) read it: the REST API URL and a token. Public for those providers;
 * it belongs with {@code GithubApi} in a shared GitHub package.
 */
public final class GithubSettings {

  public static final String DEFAULT_API = "https://api.github.com";

  private GithubSettings() {
  }

  public static Schema schema() {
    return Schema.builder()
        .optional("api_url", Schema.Type.STRING, "the REST API; default " + DEFAULT_API)
        .sensitive("token", "a token with the public_repo scope (fork, branch, pull request)")
        .build();
  }

  public static Map<String, String> endpoints() {
    return Map.of("api_url", DEFAULT_API);
  }

  public static Map<String, String> sandboxEndpoints() {
    return Map.of("api_url", "github");
  }
}
