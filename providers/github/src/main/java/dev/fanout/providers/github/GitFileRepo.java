package dev.fanout.providers.github;

import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.RegistryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * A tap or bucket on any git server ({@code repository = "https://git.example.com/me/homebrew-tap.git"}),
 * read and written over git's smart HTTP instead of GitHub's contents API: a clone of the
 * default branch, the file compared byte for byte, one commit pushed to it. A push refused as
 * non-fast-forward (someone pushed since the clone) is tried again from a new clone, where
 * the other push may already hold our bytes. The token is the HTTP password, with
 * {@code git_user} as the user name (Gitea, Forgejo and GitLab accept a token so).
 */
final class GitFileRepo {

  static final String DEFAULT_BRANCH = "main";
  private static final int PUSH_ATTEMPTS = 3;
  private static final PersonIdent AUTHOR = new PersonIdent("fanout", "fanout@users.noreply.localhost");

  private final String url;
  private final String user;
  private final Secret token;
  private final Path work;
  private final String registry;

  GitFileRepo(String url, String user, Secret token, Path work, String registry) {
    this.url = url;
    this.user = user;
    this.token = token;
    this.work = work;
    this.registry = registry;
  }

  /** Whether {@code repository} names a git URL rather than GitHub's {@code owner/repo}. */
  static boolean isGitUrl(String repository) {
    return repository != null && (repository.startsWith("https://") || repository.startsWith("http://"));
  }

  private UsernamePasswordCredentialsProvider credentials() {
    return new UsernamePasswordCredentialsProvider(user, token.isSet() ? token.reveal() : "");
  }

  /** The file on the default branch, or null when the repository or the file has none. */
  byte[] read(String path) throws RegistryException {
    Path dir = temp();
    try (Git git = clone(dir, "read " + path)) {
      Path file = dir.resolve(path);
      return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
    } catch (IOException e) {
      throw new RegistryException(registry, "read " + path, 0, "could not read " + url + ": " + e.getMessage(), true,
          "try again", e);
    } finally {
      delete(dir);
    }
  }

  /** Commits and pushes {@code content} unless the file holds it; true when this call pushed. */
  boolean write(String path, byte[] content, String message) throws RegistryException {
    for (int attempt = 1; ; attempt++) {
      Path dir = temp();
      try (Git git = clone(dir, "write " + path)) {
        Path file = dir.resolve(path);
        if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), content)) {
          return false;
        }
        Files.createDirectories(file.getParent() == null ? dir : file.getParent());
        Files.write(file, content);
        // An empty repository has no branch yet: its first commit goes to main.
        boolean empty = git.getRepository().resolve("HEAD") == null;
        git.add().addFilepattern(path).call();
        git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
        String branch = empty ? DEFAULT_BRANCH : git.getRepository().getBranch();
        Iterable<PushResult> results = git.push().setRemote("origin")
            .setRefSpecs(new RefSpec("HEAD:refs/heads/" + branch))
            .setCredentialsProvider(credentials()).call();
        RemoteRefUpdate.Status refused = null;
        String messages = "";
        for (PushResult result : results) {
          for (RemoteRefUpdate update : result.getRemoteUpdates()) {
            if (update.getStatus() != RemoteRefUpdate.Status.OK && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
              refused = update.getStatus();
              messages = result.getMessages().strip();
            }
          }
        }
        if (refused == null) {
          return true;
        }
        if (refused != RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD || attempt >= PUSH_ATTEMPTS) {
          throw new RegistryException(registry, "push " + path, 0, url + " refused the push (" + refused + "): "
              + messages, false, refused == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD
              ? "someone keeps pushing to the branch: run again" : "fix what the server names and run again", null);
        }
      } catch (GitAPIException e) {
        throw failure("push " + path, e);
      } catch (IOException e) {
        throw new RegistryException(registry, "write " + path, 0, "could not write " + url + ": " + e.getMessage(),
            true, "try again", e);
      } finally {
        delete(dir);
      }
    }
  }

  /**
   * Whether the token may read the repository ({@code ls-remote}); a git server has no way to
   * ask whether a push would be taken short of pushing, so that part is left to the publish.
   */
  CredentialCheck check() {
    try {
      Git.lsRemoteRepository().setRemote(url).setHeads(true).setCredentialsProvider(credentials()).call();
    } catch (GitAPIException e) {
      RegistryException f = failure("read " + url, e);
      return new CredentialCheck(f.status() == 401 ? CredentialCheck.Status.INVALID
          : f.status() == 403 || f.status() == 404 ? CredentialCheck.Status.NO_WRITE : CredentialCheck.Status.ERROR,
          f.getMessage());
    }
    return CredentialCheck.uncheckable(url + " answers; a git server cannot say whether a push will be taken"
        + " before it is made");
  }

  private Git clone(Path dir, String operation) throws RegistryException {
    try {
      return Git.cloneRepository().setURI(url).setDirectory(dir.toFile()).setCredentialsProvider(credentials()).call();
    } catch (GitAPIException e) {
      throw failure(operation, e);
    }
  }

  /**
   * A failed clone or push as a registry error. JGit names the HTTP answer only in words:
   * "not authorized" for a 401, "not permitted" for a 403, "not found" for a 404.
   */
  private RegistryException failure(String operation, GitAPIException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    int status = lower.contains("not permitted") ? 403 : lower.contains("not authorized")
        || lower.contains("authentication") ? 401 : lower.contains("not found") ? 404 : 0;
    String hint = switch (status) {
      case 401 -> "set a token that " + url + " accepts (the git password; git_user is the user name)";
      case 403 -> "the token may not push to " + url;
      case 404 -> "check the repository URL " + url;
      default -> "check the repository URL and the network";
    };
    return new RegistryException(registry, operation, status, message, status == 0, hint, e);
  }

  private Path temp() throws RegistryException {
    try {
      return Files.createTempDirectory(Files.createDirectories(work.resolve("git-manifests")), "repo-");
    } catch (IOException e) {
      throw new RegistryException(registry, "prepare a work folder", 0, e.getMessage(), false,
          "check that " + work + " is writable", e);
    }
  }

  /**
   * Removes a clone's folder. JGit's automatic gc, started by the clone's fetch, may still be
   * writing in it (it takes gc.log.lock on the caller's thread and works in the background), so
   * a file may vanish under the walk: what cannot be removed now is left behind.
   */
  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException leftBehind) {
      // a work folder under .fanout; the next run's folder has another name
    }
  }
}
