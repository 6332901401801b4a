package dev.fanout.providers.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.provider.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The commit a GitHub release is made from, and where its tag is on GitHub. Publishing a
 * release creates its tag at {@code target_commitish}, or at the default branch's head when
 * none is sent (https://docs.github.com/rest/releases/releases#create-a-release); a release
 * made from another commit than the default branch's head would then name the wrong sources.
 * So the release is tagged at the commit the release files are at (their git HEAD, as the
 * plan's header shows it), or at a {@code target_commitish} the release file gives.
 *
 * @param sha the full commit hash, or a branch name when the release file gives one
 * @param source where it comes from, for people: {@code the release files' git HEAD}
 */
public record ReleaseCommit(String sha, String source) {

  /** The commit: {@code target_commitish} when given, else the release folder's git HEAD; null outside git. */
  public static ReleaseCommit of(String targetCommitish, Path releaseDir) {
    if (targetCommitish != null && !targetCommitish.isBlank()) {
      return new ReleaseCommit(targetCommitish, "target_commitish");
    }
    String head = gitHead(releaseDir);
    return head == null ? null : new ReleaseCommit(head, "the release files' git HEAD");
  }

  public String shortSha() {
    return sha.matches("[0-9a-f]{40}") ? sha.substring(0, 12) : sha;
  }

  /** The commit a tag names on GitHub (peeled), or null when the repository has no such tag. */
  public static String tagged(GithubApi api, String repository, String tag) throws RegistryException {
    GithubApi.Answer ref = api.get("/repos/" + repository + "/git/ref/tags/" + tag, "read tag " + tag);
    if (ref.status() == 404 || ref.status() == 409) {
      return null;
    }
    if (!ref.ok() || ref.json() == null) {
      throw api.failure("read tag " + tag, ref);
    }
    JsonNode object = ref.json().path("object");
    if ("commit".equals(object.path("type").asText("commit"))) {
      return object.path("sha").asText();
    }
    // An annotated tag: the commit it points at.
    GithubApi.Answer commit = api.get("/repos/" + repository + "/commits/" + object.path("sha").asText(), "read tag " + tag);
    return commit.ok() && commit.json() != null ? commit.json().path("sha").asText() : object.path("sha").asText();
  }

  /** Whether GitHub's repository holds this commit (or branch): GitHub cannot tag what was never pushed. */
  public boolean onGithub(GithubApi api, String repository) throws RegistryException {
    GithubApi.Answer a = api.get("/repos/" + repository + "/commits/" + sha, "read commit " + shortSha());
    if (a.ok()) {
      return true;
    }
    // 422 "No commit found for SHA", 404 for an unknown branch, 409 for an empty repository.
    if (a.status() == 422 || a.status() == 404 || a.status() == 409) {
      return false;
    }
    throw api.failure("read commit " + shortSha(), a);
  }

  /** Whether the commit a tag points at is this one (a branch name given as {@code target_commitish} is compared by what it names on GitHub). */
  public boolean sameAs(GithubApi api, String repository, String taggedSha) throws RegistryException {
    if (sha.equals(taggedSha)) {
      return true;
    }
    if (sha.matches("[0-9a-f]{40}")) {
      return false;
    }
    GithubApi.Answer a = api.get("/repos/" + repository + "/commits/" + sha, "read commit " + sha);
    return a.ok() && a.json() != null && taggedSha.equals(a.json().path("sha").asText());
  }

  private static String gitHead(Path dir) {
    if (dir == null) {
      return null;
    }
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--verify", "HEAD").directory(dir.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
