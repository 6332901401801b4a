package dev.fanout.providers.npm;

import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.util.Map;

/**
 * GitHub Packages' npm registry in the sandbox: npm's protocol with GitHub's rules. Only
 * lowercase {@code @owner/name} packages, reads need a token too, and a republish is
 * 409 {@code Cannot publish over existing version}. GitHub's REST endpoints for the
 * packages' versions are served under {@code /rest} ({@link PackageVersionsEmulator}).
 */
public final class GithubPackagesEmulator extends NpmEmulator {

  static final Dialect GITHUB = new Dialect("github_packages", true, false, 409,
      "Cannot publish over existing version",
      "unauthenticated: User cannot be authenticated with the token provided.",
      "permission_denied: The token provided does not match expected scopes (write:packages) for %s.", false, true);

  private final PackageVersionsEmulator rest = new PackageVersionsEmulator(this);

  public GithubPackagesEmulator() {
    super(GITHUB);
  }

  /** {@code api}: where the provider's {@code api_url} points in the sandbox. */
  @Override
  public Map<String, String> extraUrls(String baseUrl) {
    return Map.of("api", baseUrl + PackageVersionsEmulator.PREFIX);
  }

  @Override
  public synchronized SandboxResponse handle(SandboxRequest request) throws IOException {
    if (request.path().startsWith(PackageVersionsEmulator.PREFIX + "/")) {
      return rest.handle(request);
    }
    return super.handle(request);
  }

  @Override
  void downloaded(String name, String file) throws IOException {
    rest.downloaded(name, file);
  }
}
