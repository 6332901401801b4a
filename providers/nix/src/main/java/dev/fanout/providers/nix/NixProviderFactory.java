package dev.fanout.providers.nix;

import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.providers.winget.GithubSettings;
import java.util.Map;

/** {@code nix}: a {@code pkgs/by-name} package for nixpkgs (by pull request) or an overlay repository (by commit). */
public final class NixProviderFactory implements ProviderFactory {

  @Override
  public String type() {
    return "nix";
  }

  @Override
  public String description() {
    return "A Nix package: writes pkgs/by-name/../package.nix with the release's binaries and proposes it to nixpkgs";
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
        .optional("branch", Schema.Type.STRING, "in commit mode, the branch to commit to; default the repository's default branch")
        .build();
  }

  @Override
  public String settingsBlock() {
    return "github";
  }

  @Override
  public Schema settingsSchema() {
    return GithubSettings.schema();
  }

  @Override
  public Map<String, String> endpoints() {
    return GithubSettings.endpoints();
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return GithubSettings.sandboxEndpoints();
  }

  @Override
  public boolean mutable() {
    return true;
  }

  @Override
  public Provider create(ProviderContext context) {
    return new NixProvider(context);
  }
}
