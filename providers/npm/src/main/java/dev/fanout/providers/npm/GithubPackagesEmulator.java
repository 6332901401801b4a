package dev.fanout.providers.npm;


/**
 * GitHub Packages' npm registry in the sandbox: npm's protocol with GitHub's rules. Only
 * lowercase {@code @owner/name} packages, reads need a token too, and a republish is
 * 409 {@code Cannot publish over existing version}.
 */
public final class GithubPackagesEmulator extends NpmEmulator {

  static final Dialect GITHUB = new Dialect("github_packages", true, false, 409,
      "Cannot publish over existing version",
      "unauthenticated: User cannot be authenticated with the token provided.",
      "permission_denied: The token provided does not match expected scopes (write:packages) for %s.", false, true);

  public GithubPackagesEmulator() {
    super(GITHUB);
  }
}
