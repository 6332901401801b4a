package dev.fanout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git server the end-to-end drill pushes to: real git on both ends, anonymous clones, authenticated pushes. */
class GitHttpServerTest {

  @TempDir
  Path tmp;

  private Tools.Result git(Path dir, String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Tools.run(dir, Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString(),
        "GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.invalid",
        "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.invalid"), cmd);
  }

  @Test
  void pushNeedsThePasswordAndAnAnonymousCloneSeesThePushedCommit() throws Exception {
    try (GitHttpServer server = GitHttpServer.start("aur", "s3cret")) {
      // given an empty repository and a local commit
      server.createRepository("pkg", "master");
      String anonymous = server.url() + "/pkg.git";
      String withPassword = anonymous.replace("http://", "http://aur:s3cret@");
      assertEquals(0, git(tmp, "clone", "-q", anonymous, "work").exit());
      Path work = tmp.resolve("work");
      Files.writeString(work.resolve("PKGBUILD"), "pkgver=1.0.0\n");
      git(work, "add", "PKGBUILD");
      assertEquals(0, git(work, "commit", "-q", "-m", "first").exit());

      // when pushed without, with a wrong and with the right password
      Tools.Result refused = git(work, "push", "-q", anonymous, "HEAD:master");
      Tools.Result wrong = git(work, "push", "-q", anonymous.replace("http://", "http://aur:nope@"), "HEAD:master");
      Tools.Result pushed = git(work, "push", "-q", withPassword, "HEAD:master");
      Tools.Result clone = git(tmp, "clone", "-q", anonymous, "again");

      // then only the right one lands, once, and a clone sees it
      assertNotEquals(0, refused.exit(), refused.output());
      assertNotEquals(0, wrong.exit(), wrong.output());
      assertEquals(0, pushed.exit(), pushed.output());
      assertEquals(0, clone.exit(), clone.output());
      assertEquals("pkgver=1.0.0\n", Files.readString(tmp.resolve("again/PKGBUILD")));
      assertEquals(1, server.requests().stream().filter(ServerRequest::write).count(), server.requests().toString());
      assertTrue(server.requests().stream().anyMatch(r -> r.status() == 401));
    }
  }

  @Test
  void closeDeletesTheRepositories() throws Exception {
    Path root;
    try (GitHttpServer server = GitHttpServer.start("aur", "s3cret")) {
      server.createRepository("pkg", "master");
      root = server.repository("pkg");
      assertTrue(Files.isDirectory(root));
    }
    assertFalse(Files.exists(root));
  }
}
