package dev.fanout.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GitHub's own npm packages, installed pinned by {@code .ci/install.d/github-openapi.sh}
 * under {@code ~/.cache/fanout/octokit} (or {@code FANOUT_OCTOKIT_DIR}): the OpenAPI
 * description ({@code @octokit/openapi}) and the REST client ({@code @octokit/rest}).
 * Missing packages fail the test under CI and skip it elsewhere, as {@link Tools#require} does.
 */
public final class Octokit {

  private Octokit() {
  }

  public static Path dir() {
    return Path.of(System.getenv().getOrDefault("FANOUT_OCTOKIT_DIR",
        System.getProperty("user.home") + "/.cache/fanout/octokit"));
  }

  /** GitHub's description of api.github.com (OpenAPI 3.0, with {@code $ref}s). */
  public static Path openApi() {
    return require(dir().resolve("node_modules/@octokit/openapi/generated/api.github.com.json"));
  }

  /** The folder whose {@code node_modules} holds {@code @octokit/rest}. */
  public static Path rest() {
    Tools.require("node", "apt-get install nodejs");
    require(dir().resolve("node_modules/@octokit/rest/package.json"));
    return dir();
  }

  private static Path require(Path file) {
    if (!Files.isRegularFile(file)) {
      String message = file + " is missing (bash .ci/install.d/github-openapi.sh installs it; .ci/run does)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message);
      }
      assumeTrue(false, message);
    }
    return file;
  }
}
