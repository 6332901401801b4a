package dev.fanout.providers.github;

import dev.fanout.provider.RegistryException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One file written through GitHub's contents API unless it already holds the bytes: read it
 * (its {@code sha}), then {@code PUT} with that {@code sha}. Another run writing the same file
 * at the same moment (a second CI runner releasing the same version) makes GitHub refuse the
 * {@code PUT}: 422 "sha wasn't supplied" when the file appeared since the read, 409 when it
 * changed. The refusal is then confirmed by a second read: the other run's bytes are ours
 * (nothing to write), or the write is made again on the new {@code sha}
 * (https://docs.github.com/rest/repos/contents#create-or-update-file-contents).
 */
final class ContentsWrite {

  private static final int ATTEMPTS = 3;

  private ContentsWrite() {
  }

  /**
   * Writes {@code content} to {@code path} of {@code repo} on {@code branch} (the default
   * branch when null); true when this call wrote it, false when the file already held it.
   */
  static boolean put(GithubApi api, String repo, String path, String branch, byte[] content, String message)
      throws RegistryException {
    GithubApi.Answer refused = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      GithubApi.Answer there = api.get(path(repo, path, branch), "read " + path);
      String sha = null;
      if (there.ok() && there.json() != null && there.json().isObject()) {
        byte[] current = Base64.getMimeDecoder().decode(there.json().path("content").asText(""));
        if (Arrays.equals(current, content)) {
          return false;
        }
        sha = there.json().path("sha").asText();
      } else if (there.status() != 404) {
        throw api.failure("read " + repo + "/" + path, there);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("message", message);
      body.put("content", Base64.getEncoder().encodeToString(content));
      if (branch != null) {
        body.put("branch", branch);
      }
      if (sha != null) {
        body.put("sha", sha);
      }
      GithubApi.Answer put = api.send("PUT", path(repo, path, null), body, "write " + path);
      if (put.ok()) {
        return true;
      }
      if (put.status() != 409 && put.status() != 422) {
        throw api.failure("write " + repo + "/" + path + (branch == null ? "" : " on " + branch), put);
      }
      refused = put;
    }
    throw api.failure("write " + repo + "/" + path + " (it kept changing under this run: another run writes it too)",
        refused);
  }

  /**
   * Deletes {@code path} of {@code repo} on {@code branch} (the default branch when null) with
   * the {@code sha} just read; true when this call deleted it, false when it was not there. A
   * refusal because the file changed meanwhile (409) is read again, as for {@link #put}.
   */
  static boolean delete(GithubApi api, String repo, String path, String branch, String message) throws RegistryException {
    GithubApi.Answer refused = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      GithubApi.Answer there = api.get(path(repo, path, branch), "read " + path);
      if (there.status() == 404) {
        return false;
      }
      if (!there.ok() || there.json() == null || !there.json().isObject()) {
        throw api.failure("read " + repo + "/" + path, there);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("message", message);
      body.put("sha", there.json().path("sha").asText());
      if (branch != null) {
        body.put("branch", branch);
      }
      GithubApi.Answer deleted = api.send("DELETE", path(repo, path, null), body, "delete " + path);
      if (deleted.ok()) {
        return true;
      }
      if (deleted.status() == 404) {
        return false;
      }
      if (deleted.status() != 409) {
        throw api.failure("delete " + repo + "/" + path + (branch == null ? "" : " on " + branch), deleted);
      }
      refused = deleted;
    }
    throw api.failure("delete " + repo + "/" + path + " (it kept changing under this run: another run writes it too)",
        refused);
  }

  static String path(String repo, String path, String ref) {
    StringBuilder b = new StringBuilder("/repos/").append(repo).append("/contents/").append(encodePath(path));
    if (ref != null) {
      b.append("?ref=").append(encode(ref));
    }
    return b.toString();
  }

  /** A file's path with each segment URL-encoded and its slashes kept. */
  static String encodePath(String path) {
    return String.join("/", Arrays.stream(path.split("/")).map(ContentsWrite::encode).toList());
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
