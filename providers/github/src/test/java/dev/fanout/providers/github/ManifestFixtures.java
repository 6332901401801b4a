package dev.fanout.providers.github;

import dev.fanout.model.Address;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.sandbox.TokenPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/** What the manifest providers' tests share: github_release's asset entries and a writer for seeding upstream repositories. */
public final class ManifestFixtures {

  private ManifestFixtures() {
  }

  /** One entry of github_release's {@code assets} export, as the release would download it. */
  public static Map<String, Object> asset(String name, String version, Address artifact) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("name", name);
    a.put("url", "https://github.com/acme/contextlite/releases/download/v" + version + "/" + name);
    a.put("artifact", new Ref(artifact));
    return a;
  }

  /** The sandbox's GitHub with a token that may write, for seeding and inspecting repositories. */
  public static ManifestRepo github(OkHttpClient http, String apiUrl) {
    return new ManifestRepo(new GithubApi(http, apiUrl, new Secret("test", TokenPolicy.SANDBOX_TOKEN), "test"), "test");
  }
}
