package dev.fanout.providers.winget;

import dev.fanout.model.Publication;
import dev.fanout.provider.Schema;
import dev.fanout.providers.github.GithubFileProviderFactory;

/** {@code winget}: a pull request adding the release's manifests to microsoft/winget-pkgs. */
public final class WingetProviderFactory extends GithubFileProviderFactory {

  public WingetProviderFactory() {
    // The github provider block, its endpoints and mutability are the shared base's.
    super("winget", "A WinGet package: proposes the version, installer and locale manifests to winget-pkgs by pull request", "the repository", WingetProvider::new);
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("identifier", Schema.Type.STRING, "the PackageIdentifier, such as \"ContextLite.ContextLite\"")
        .required("assets", Schema.Type.MAP, "github_release's assets: platform to {name, url, artifact}; windows-amd64 and windows-arm64 are used")
        .optional("publisher", Schema.Type.STRING, "the Publisher; default the identifier's first part")
        .optional("package_name", Schema.Type.STRING, "the PackageName; default the release's name")
        .optional("license", Schema.Type.STRING, "the License; default the release's license")
        .optional("short_description", Schema.Type.STRING, "the ShortDescription; default the release's description")
        .optional("command", Schema.Type.STRING, "the command users type; default the release's name")
        .optional("upstream", Schema.Type.STRING, "the repository the pull request goes to; default microsoft/winget-pkgs")
        .optional("fork_owner", Schema.Type.STRING, "who holds the fork; default the token's user")
        .build();
  }

  @Override
  public String identity(Publication publication) {
    // Identifiers are case-insensitive in winget-pkgs.
    String id = publication.string("identifier");
    return id == null ? null : "package " + id.toLowerCase(java.util.Locale.ROOT) + " in "
        + publication.string("upstream", "microsoft/winget-pkgs");
  }
}
