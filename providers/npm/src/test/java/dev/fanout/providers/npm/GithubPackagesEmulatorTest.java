package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitHub Packages' npm registry in the sandbox, driven by the real npm client. */
class GithubPackagesEmulatorTest {

  @TempDir
  static Path tmp;
  static Sandbox sandbox;
  static String url;

  @BeforeAll
  static void start() throws IOException {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubPackagesEmulator()));
    url = sandbox.url("github_packages");
  }

  @AfterAll
  static void stop() throws IOException {
    sandbox.close();
  }

  @Test
  void npmPublishesAnOwnerScopedPackageThatNpmViewShowsWithAToken() throws Exception {
    // given
    NpmCli npm = new NpmCli(tmp.resolve("ok"), url, TokenPolicy.SANDBOX_TOKEN);
    Path project = NpmCli.project(tmp.resolve("ok-project"), "@octo/tool", "1.0.0", "x");

    // when
    Tools.Result publish = npm.run(project, "publish");
    Tools.Result view = npm.run(tmp, "view", "@octo/tool", "version");

    // then
    assertEquals(0, publish.exit(), publish.output());
    assertTrue(view.output().strip().endsWith("1.0.0"), view.output());
  }

  @Test
  void readsWithoutATokenAreRefused() throws Exception {
    // given
    NpmCli owner = new NpmCli(tmp.resolve("private-owner"), url, TokenPolicy.SANDBOX_TOKEN);
    owner.run(NpmCli.project(tmp.resolve("private-project"), "@octo/private", "1.0.0", "x"), "publish");
    NpmCli anonymous = new NpmCli(tmp.resolve("anonymous"), url, null);

    // when
    Tools.Result view = anonymous.run(tmp, "view", "@octo/private", "version");

    // then
    assertNotEquals(0, view.exit());
    assertTrue(view.output().contains("E401"), view.output());
  }

  @Test
  void anUnscopedPackageIsRefused() throws Exception {
    // given
    NpmCli npm = new NpmCli(tmp.resolve("unscoped"), url, TokenPolicy.SANDBOX_TOKEN);
    Path project = NpmCli.project(tmp.resolve("unscoped-project"), "tool", "1.0.0", "x");

    // when
    Tools.Result publish = npm.run(project, "publish");

    // then
    assertNotEquals(0, publish.exit());
    assertTrue(publish.output().contains("must be scoped to its owner"), publish.output());
  }

  @Test
  void npmRepublishIsRefusedWithGithubsMessage() throws Exception {
    // given
    NpmCli npm = new NpmCli(tmp.resolve("again"), url, TokenPolicy.SANDBOX_TOKEN);
    Path project = NpmCli.project(tmp.resolve("again-project"), "@octo/again", "1.0.0", "x");
    assertEquals(0, npm.run(project, "publish").exit());

    // when: npm 11 checks the packument first, so skip that to see the registry's own answer
    Tools.Result again = npm.run(project, "publish", "--force");

    // then
    assertNotEquals(0, again.exit());
    assertTrue(again.output().contains("409"), again.output());
    assertTrue(again.output().contains("Cannot publish over existing version"), again.output());
  }
}
