package dev.fanout.providers.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Address;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.provider.RegistryException;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.sandbox.TokenPolicy;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * Creates {@code owner/name} as its owner would, by {@code POST /orgs/{owner}/repos} (GitHub
   * creates no repository on a write); one that exists already is left as it is.
   */
  public static void repository(ManifestRepo github, String fullName) throws RegistryException {
    String owner = fullName.substring(0, fullName.indexOf('/'));
    GithubApi.Answer made = github.api().send("POST", "/orgs/" + owner + "/repos",
        Map.of("name", fullName.substring(owner.length() + 1)), "create repository");
    if (!made.ok() && made.status() != 422) {
      throw new IllegalStateException("creating " + fullName + ": " + made.status() + " " + made.message());
    }
  }

  /** The open pull request into {@code repo} with exactly this title, read across every page; null when none. */
  public static JsonNode pullTitled(ManifestRepo github, String repo, String title) throws RegistryException {
    List<JsonNode> open = github.api().list("/repos/" + repo + "/pulls?state=open", "list pull requests");
    return open == null ? null : open.stream().filter(pr -> title.equals(pr.path("title").asText())).findFirst().orElse(null);
  }

  /**
   * Opens {@code count} pull requests into {@code upstream} from branches of its own, as the
   * other contributors of nixpkgs or winget-pkgs do; each is newer than any opened before.
   */
  public static void othersOpenPulls(ManifestRepo github, String upstream, int count) throws RegistryException {
    GithubApi api = github.api();
    String branch = github.defaultBranch(upstream);
    String sha = api.get("/repos/" + upstream + "/git/ref/heads/" + branch, "read").json().path("object").path("sha").asText();
    String owner = upstream.substring(0, upstream.indexOf('/'));
    for (int i = 0; i < count; i++) {
      GithubApi.Answer ref = api.send("POST", "/repos/" + upstream + "/git/refs",
          Map.of("ref", "refs/heads/other-" + i, "sha", sha), "create branch");
      // A pull request must add something: GitHub refuses one with no commits between base and head.
      GithubApi.Answer change = api.send("PUT", "/repos/" + upstream + "/contents/other/" + i + ".txt",
          Map.of("message", "other change " + i, "content", "b3RoZXI=", "branch", "other-" + i), "commit");
      GithubApi.Answer pr = api.send("POST", "/repos/" + upstream + "/pulls",
          Map.of("title", "other: change " + i, "head", owner + ":other-" + i, "base", branch), "open pull request");
      if (!ref.ok() || !change.ok() || !pr.ok()) {
        throw new IllegalStateException("seeding pull request " + i + ": " + ref.status() + " " + pr.message());
      }
    }
  }

  /** The sandbox's GitHub with a token that may write, for seeding and inspecting repositories. */
  public static ManifestRepo github(OkHttpClient http, String apiUrl) {
    return new ManifestRepo(new GithubApi(http, apiUrl, new Secret("test", TokenPolicy.SANDBOX_TOKEN), "test"), "test");
  }
}
