package dev.fanout.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The git checkout a release is made from: the commit, and what is not committed. As
 * {@code cargo publish} does, a release is not made from uncommitted changes to tracked files
 * or from untracked files under the release folder unless the user says so
 * ({@code --allow-dirty}): what was published could not be found again in the history.
 *
 * @param commit HEAD's full hash
 * @param changed tracked files with uncommitted changes, and untracked files under the release folder
 */
record GitWorkTree(String commit, List<String> changed) {

  GitWorkTree {
    changed = List.copyOf(changed);
  }

  /** The work tree holding {@code dir}, or null outside git (or without git installed). */
  static GitWorkTree of(Path dir) {
    List<String> head = git(dir, "rev-parse", "--verify", "HEAD");
    if (head == null || head.isEmpty()) {
      return null;
    }
    List<String> changed = new ArrayList<>();
    List<String> tracked = git(dir, "status", "--porcelain=v1", "--untracked-files=no");
    // .fanout holds Fanout's own state (journal, lock, sandbox, plan key), never part of a release.
    List<String> untracked = git(dir, "status", "--porcelain=v1", "--untracked-files=all", "--", ".",
        ":(exclude).fanout");
    for (String line : tracked == null ? List.<String>of() : tracked) {
      changed.add(line.substring(3));
    }
    for (String line : untracked == null ? List.<String>of() : untracked) {
      if (line.startsWith("??")) {
        changed.add(line.substring(3));
      }
    }
    return new GitWorkTree(head.get(0), changed);
  }

  boolean clean() {
    return changed.isEmpty();
  }

  /** For the plan's header: {@code 3f2a1bc4d5e6 (clean)}. */
  String describe(boolean allowed) {
    String shortHash = commit.substring(0, Math.min(12, commit.length()));
    if (clean()) {
      return shortHash + " (clean)";
    }
    return shortHash + " with " + changed.size() + " uncommitted file" + (changed.size() == 1 ? "" : "s")
        + (allowed ? " (allowed by --allow-dirty)" : "");
  }

  /** The refusal, naming the first files. */
  String refusal() {
    List<String> shown = changed.subList(0, Math.min(5, changed.size()));
    return "The release folder's git work tree is not clean: " + String.join(", ", shown)
        + (changed.size() > shown.size() ? " and " + (changed.size() - shown.size()) + " more" : "")
        + ". A release is made from a commit, so that what is published can be found again: commit or remove"
        + " them, or run with --allow-dirty.";
  }

  /** The tags on HEAD of the repository holding {@code dir}; empty when there are none or no repository. */
  /** owner/name of the GitHub repository that {@code origin} names, or null. */
  static String githubRepository(Path dir) {
    List<String> url = git(dir, "remote", "get-url", "origin");
    if (url == null || url.isEmpty()) {
      return null;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("github\\.com[:/]([^/]+)/([^/]+?)(\\.git)?/?$")
        .matcher(url.get(0).trim());
    return m.find() ? m.group(1) + "/" + m.group(2) : null;
  }

  /** The root of the work tree holding {@code dir}, or null outside git. */
  static Path top(Path dir) {
    List<String> top = git(dir, "rev-parse", "--show-toplevel");
    return top == null || top.isEmpty() ? null : Path.of(top.get(0));
  }

  static List<String> tagsAtHead(Path dir) {
    List<String> tags = git(dir, "tag", "--points-at", "HEAD");
    return tags == null ? List.of() : tags;
  }

  /** A git command's output lines in {@code dir}, or null when it fails. */
  private static List<String> git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-c", "core.quotepath=off"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? out.lines().filter(l -> !l.isBlank()).toList() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
