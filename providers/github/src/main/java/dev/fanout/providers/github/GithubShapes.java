package dev.fanout.providers.github;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects the sandbox GitHub answers with, in the shapes of GitHub's OpenAPI description
 * ({@code @octokit/openapi}, components {@code simple-user}, {@code private-user},
 * {@code repository}, {@code full-repository}, {@code pull-request}, {@code git-ref},
 * {@code release}, {@code release-asset}): every property the description marks required is
 * sent, so a client generated from it (or written against github.com) reads our answers as it
 * reads GitHub's. The contract test {@code GithubOpenApiContractTest} holds them to it.
 *
 * <p>Ids are stable numbers derived from names, and {@code node_id}s GitHub's legacy global
 * ids (base64 of {@code 0NN:TypeID}), so that two sandboxes give the same answers.
 */
final class GithubShapes {

  static final String CREATED = "2024-01-01T00:00:00Z";
  /** The sandbox token's account: the author of releases, assets and pull requests it makes. */
  static final String ACCOUNT = "fanout-sandbox";

  private GithubShapes() {
  }

  static long idOf(String name) {
    return (name.toLowerCase(java.util.Locale.ROOT).hashCode() & 0x7fffffffL) + 1;
  }

  static String nodeId(String type, long id) {
    String raw = String.format("%03d:%s%d", type.length(), type, id);
    return Base64.getEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code simple-user}: an account as it appears inside other objects. */
  static Map<String, Object> user(String base, String login) {
    long id = idOf("user:" + login);
    String api = base + "/users/" + login;
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("login", login);
    u.put("id", id);
    u.put("node_id", nodeId("User", id));
    u.put("avatar_url", base + "/avatars/" + login);
    u.put("gravatar_id", "");
    u.put("url", api);
    u.put("html_url", base + "/" + login);
    u.put("followers_url", api + "/followers");
    u.put("following_url", api + "/following{/other_user}");
    u.put("gists_url", api + "/gists{/gist_id}");
    u.put("starred_url", api + "/starred{/owner}{/repo}");
    u.put("subscriptions_url", api + "/subscriptions");
    u.put("organizations_url", api + "/orgs");
    u.put("repos_url", api + "/repos");
    u.put("events_url", api + "/events{/privacy}");
    u.put("received_events_url", api + "/received_events");
    u.put("type", "User");
    u.put("user_view_type", "public");
    u.put("site_admin", false);
    return u;
  }

  /** {@code private-user}: {@code GET /user} for the token's own account. */
  static Map<String, Object> privateUser(String base, String login) {
    Map<String, Object> u = user(base, login);
    u.put("user_view_type", "private");
    for (String none : List.of("name", "company", "blog", "location", "email", "hireable", "bio")) {
      u.put(none, null);
    }
    for (String zero : List.of("public_repos", "public_gists", "followers", "following", "private_gists",
        "total_private_repos", "owned_private_repos", "disk_usage", "collaborators")) {
      u.put(zero, 0);
    }
    u.put("two_factor_authentication", true);
    u.put("created_at", CREATED);
    u.put("updated_at", CREATED);
    return u;
  }

  /**
   * {@code full-repository} (which holds every property {@code repository} requires):
   * a public repository with GitHub's URL templates, its counters at zero and no licence.
   */
  static Map<String, Object> repository(String base, String owner, String repo, String defaultBranch, boolean fork) {
    long id = idOf("repo:" + owner + "/" + repo);
    String api = base + "/repos/" + owner + "/" + repo;
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("id", id);
    j.put("node_id", nodeId("Repository", id));
    j.put("name", repo);
    j.put("full_name", owner + "/" + repo);
    j.put("owner", user(base, owner));
    j.put("private", false);
    j.put("visibility", "public");
    j.put("description", null);
    j.put("fork", fork);
    j.put("default_branch", defaultBranch);
    j.put("html_url", base + "/" + owner + "/" + repo);
    j.put("url", api);
    j.put("clone_url", base + "/git/" + owner + "/" + repo + ".git");
    j.put("git_url", base.replaceFirst("^https?", "git") + "/git/" + owner + "/" + repo + ".git");
    j.put("ssh_url", "git@" + base.replaceFirst("^https?://", "") + ":" + owner + "/" + repo + ".git");
    j.put("svn_url", base + "/" + owner + "/" + repo);
    j.put("mirror_url", null);
    j.put("homepage", null);
    j.put("language", null);
    j.put("license", null);
    for (String[] t : new String[][] {
        {"archive_url", "/{archive_format}{/ref}"}, {"assignees_url", "/assignees{/user}"},
        {"blobs_url", "/git/blobs{/sha}"}, {"branches_url", "/branches{/branch}"},
        {"collaborators_url", "/collaborators{/collaborator}"}, {"comments_url", "/comments{/number}"},
        {"commits_url", "/commits{/sha}"}, {"compare_url", "/compare/{base}...{head}"},
        {"contents_url", "/contents/{+path}"}, {"contributors_url", "/contributors"},
        {"deployments_url", "/deployments"}, {"downloads_url", "/downloads"}, {"events_url", "/events"},
        {"forks_url", "/forks"}, {"git_commits_url", "/git/commits{/sha}"}, {"git_refs_url", "/git/refs{/sha}"},
        {"git_tags_url", "/git/tags{/sha}"}, {"hooks_url", "/hooks"}, {"issue_comment_url", "/issues/comments{/number}"},
        {"issue_events_url", "/issues/events{/number}"}, {"issues_url", "/issues{/number}"}, {"keys_url", "/keys{/key_id}"},
        {"labels_url", "/labels{/name}"}, {"languages_url", "/languages"}, {"merges_url", "/merges"},
        {"milestones_url", "/milestones{/number}"}, {"notifications_url", "/notifications{?since,all,participating}"},
        {"pulls_url", "/pulls{/number}"}, {"releases_url", "/releases{/id}"}, {"stargazers_url", "/stargazers"},
        {"statuses_url", "/statuses/{sha}"}, {"subscribers_url", "/subscribers"}, {"subscription_url", "/subscription"},
        {"tags_url", "/tags"}, {"teams_url", "/teams"}, {"trees_url", "/git/trees{/sha}"}}) {
      j.put(t[0], api + t[1]);
    }
    for (String zero : List.of("forks", "forks_count", "open_issues", "open_issues_count", "size", "stargazers_count",
        "watchers", "watchers_count", "network_count", "subscribers_count")) {
      j.put(zero, 0);
    }
    for (String yes : List.of("has_issues", "has_projects", "has_wiki", "has_downloads")) {
      j.put(yes, true);
    }
    for (String no : List.of("has_pages", "has_discussions", "archived", "disabled", "is_template")) {
      j.put(no, false);
    }
    j.put("pushed_at", CREATED);
    j.put("created_at", CREATED);
    j.put("updated_at", CREATED);
    return j;
  }

  /** Adds to a stored release what {@code release} requires and the store does not keep. */
  static Map<String, Object> release(String base, String owner, String repo, Map<String, Object> r) {
    Map<String, Object> out = new LinkedHashMap<>(r);
    long id = ((Number) r.get("id")).longValue();
    out.putIfAbsent("node_id", nodeId("Release", id));
    out.putIfAbsent("author", user(base, ACCOUNT));
    String api = base + "/repos/" + owner + "/" + repo;
    out.putIfAbsent("tarball_url", api + "/tarball/" + r.get("tag_name"));
    out.putIfAbsent("zipball_url", api + "/zipball/" + r.get("tag_name"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> assets = (List<Map<String, Object>>) r.get("assets");
    if (assets != null) {
      List<Map<String, Object>> shaped = new ArrayList<>();
      for (Map<String, Object> a : assets) {
        shaped.add(asset(base, a));
      }
      out.put("assets", shaped);
    }
    return out;
  }

  /** Adds to a stored asset what {@code release-asset} requires and the store does not keep. */
  static Map<String, Object> asset(String base, Map<String, Object> a) {
    Map<String, Object> out = new LinkedHashMap<>(a);
    out.putIfAbsent("node_id", nodeId("ReleaseAsset", ((Number) a.get("id")).longValue()));
    out.putIfAbsent("uploader", user(base, ACCOUNT));
    out.putIfAbsent("updated_at", a.get("created_at"));
    return out;
  }

  /**
   * A stored pull request as {@code pull-request} (which holds what {@code pull-request-simple}
   * of the list requires): the repositories of its head and base, its author, links and counts.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> pull(String base, String owner, String repo, Map<String, Object> stored,
      String headSha, String baseSha) {
    Map<String, Object> pr = new LinkedHashMap<>(stored);
    long id = ((Number) stored.get("id")).longValue();
    Object number = stored.get("number");
    String api = base + "/repos/" + owner + "/" + repo;
    pr.put("node_id", nodeId("PullRequest", id));
    pr.put("user", user(base, ACCOUNT));
    pr.putIfAbsent("body", null);
    pr.put("locked", false);
    pr.put("assignee", null);
    pr.put("labels", List.of());
    pr.put("milestone", null);
    pr.putIfAbsent("closed_at", null);
    pr.put("merged_at", null);
    pr.put("merge_commit_sha", null);
    pr.put("merged", false);
    pr.put("mergeable", null);
    pr.put("mergeable_state", "unknown");
    pr.put("merged_by", null);
    pr.put("maintainer_can_modify", true);
    pr.put("auto_merge", null);
    pr.put("draft", false);
    pr.put("author_association", "CONTRIBUTOR");
    pr.putIfAbsent("updated_at", stored.get("created_at"));
    for (String zero : List.of("comments", "review_comments", "commits", "additions", "deletions", "changed_files")) {
      pr.put(zero, 0);
    }
    pr.put("diff_url", base + "/" + owner + "/" + repo + "/pull/" + number + ".diff");
    pr.put("patch_url", base + "/" + owner + "/" + repo + "/pull/" + number + ".patch");
    pr.put("issue_url", api + "/issues/" + number);
    pr.put("commits_url", api + "/pulls/" + number + "/commits");
    pr.put("review_comments_url", api + "/pulls/" + number + "/comments");
    pr.put("review_comment_url", api + "/pulls/comments{/number}");
    pr.put("comments_url", api + "/issues/" + number + "/comments");
    pr.put("statuses_url", api + "/statuses/" + headSha);
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("self", Map.of("href", api + "/pulls/" + number));
    links.put("html", Map.of("href", base + "/" + owner + "/" + repo + "/pull/" + number));
    links.put("issue", Map.of("href", api + "/issues/" + number));
    links.put("comments", Map.of("href", api + "/issues/" + number + "/comments"));
    links.put("review_comments", Map.of("href", api + "/pulls/" + number + "/comments"));
    links.put("review_comment", Map.of("href", api + "/pulls/comments{/number}"));
    links.put("commits", Map.of("href", api + "/pulls/" + number + "/commits"));
    links.put("statuses", Map.of("href", api + "/statuses/" + headSha));
    pr.put("_links", links);
    Map<String, Object> head = (Map<String, Object>) stored.get("head");
    Map<String, Object> baseRef = (Map<String, Object>) stored.get("base");
    String headFull = String.valueOf(((Map<String, Object>) head.get("repo")).get("full_name"));
    String headOwner = headFull.substring(0, headFull.indexOf('/'));
    pr.put("head", branch(base, head, headOwner, headFull.substring(headFull.indexOf('/') + 1), headSha, true));
    pr.put("base", branch(base, baseRef, owner, repo, baseSha, false));
    return pr;
  }

  private static Map<String, Object> branch(String base, Map<String, Object> stored, String owner, String repo,
      String sha, boolean fork) {
    Map<String, Object> b = new LinkedHashMap<>(stored);
    b.put("sha", sha);
    b.put("user", user(base, owner));
    b.put("repo", repository(base, owner, repo, GitRepos.DEFAULT_BRANCH, fork));
    return b;
  }

  /** {@code git-ref}. */
  static Map<String, Object> ref(String base, String owner, String repo, String ref, String sha) {
    String api = base + "/repos/" + owner + "/" + repo;
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("ref", ref);
    j.put("node_id", nodeId("Ref", idOf(owner + "/" + repo + ":" + ref)));
    j.put("url", api + "/git/" + ref);
    j.put("object", Map.of("sha", sha, "type", "commit", "url", api + "/git/commits/" + sha));
    return j;
  }
}
