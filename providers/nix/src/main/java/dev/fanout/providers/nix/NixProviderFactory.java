package dev.fanout.providers.nix;

import dev.fanout.model.Publication;
import dev.fanout.provider.Schema;
import dev.fanout.providers.github.GithubFileProviderFactory;

/** {@code nix}: a {@code pkgs/by-name} package for nixpkgs (by pull request) or an overlay repository (by commit). */
public final class NixProviderFactory extends GithubFileProviderFactory {

  public NixProviderFactory() {
    // The github provider block, its endpoints and mutability are the shared base's.
    super("nix", "A Nix package: writes pkgs/by-name/../package.nix with the release's binaries and proposes it to nixpkgs", "the repository", NixProvider::new);
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("pname", Schema.Type.STRING, "the package's attribute name, such as \"contextlite\"")
        .required("assets", Schema.Type.MAP, "github_release's assets: platform to {name, url, artifact}; linux and darwin amd64/arm64 are used")
        .optional("description", Schema.Type.STRING, "meta.description; default the release's description")
        .optional("homepage", Schema.Type.STRING, "meta.homepage; default the release's homepage")
        .optional("license", Schema.Type.STRING, "an SPDX id mapped to lib.licenses; default the release's license")
        .optional("main_program", Schema.Type.STRING, "meta.mainProgram, the installed command; default pname")
        .optional("binary", Schema.Type.STRING, "for archives, the file inside to install; default pname")
        .optional("repository", Schema.Type.STRING, "the repository, \"owner/repo\"; default NixOS/nixpkgs")
        .optional("mode", Schema.Type.STRING, "\"pull_request\" (default: fork, branch, pull request) or \"commit\" (an overlay or NUR repository you own)")
        .oneOf("mode", "pull_request", "commit")
        .optional("branch", Schema.Type.STRING, "in commit mode, the branch to commit to; default the repository's default branch")
        .build();
  }

  @Override
  public String identity(Publication publication) {
    return "package " + publication.string("pname") + " in " + publication.string("repository", "NixOS/nixpkgs");
  }
}
