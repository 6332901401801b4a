package dev.fanout.providers.aur;

import dev.fanout.model.Publication;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.util.Map;

/** {@code aur}: a binary package in the Arch User Repository ({@code PKGBUILD} + {@code .SRCINFO}, pushed with git). */
public final class AurProviderFactory implements ProviderFactory {

  static final String DEFAULT_RPC = "https://aur.archlinux.org";
  static final String DEFAULT_GIT = "ssh://aur@aur.archlinux.org";
  /** The rpc setting for a git server without aurweb in front: packages are read from their repositories. */
  static final String NO_RPC = "none";

  @Override
  public String type() {
    return "aur";
  }

  @Override
  public String description() {
    return "An AUR package: generates PKGBUILD and .SRCINFO for the release's Linux binaries and pushes them";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("package", Schema.Type.STRING, "the package name (and package base), such as \"contextlite-bin\"")
        .required("assets", Schema.Type.MAP, "github_release's assets: platform to {name, url, artifact}; linux-amd64 and linux-arm64 are used")
        .optional("description", Schema.Type.STRING, "pkgdesc; default the release's description")
        .optional("license", Schema.Type.LIST, "license identifiers; default the release's license")
        .optional("url", Schema.Type.STRING, "the upstream URL; default the release's homepage")
        .optional("depends", Schema.Type.LIST, "runtime dependencies")
        .optional("provides", Schema.Type.LIST, "virtual packages it provides; default the package name without -bin")
        .optional("conflicts", Schema.Type.LIST, "packages it conflicts with; default the package name without -bin")
        .optional("binary", Schema.Type.STRING, "the command installed to /usr/bin; default the release's name")
        .optional("pkgrel", Schema.Type.NUMBER, "the first pkgrel of a new version; default 1 (raised when a version's content changes)")
        .build();
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("rpc", Schema.Type.STRING, "the AUR web and RPC; default " + DEFAULT_RPC + "; \"" + NO_RPC
            + "\" for a git server without aurweb, whose packages are read from their git repositories")
        .optional("git", Schema.Type.STRING, "where the package repositories are pushed; default " + DEFAULT_GIT
            + " (an http(s) URL pushes with the token as the password)")
        .sensitive("token", "the password for an http(s) git URL")
        .sensitive("ssh_key", "for an ssh:// git URL (the AUR's only way to push): the armored private key text, "
            + "such as env(\"AUR_SSH_KEY\"); kept in memory, never written to disk")
        .sensitive("ssh_passphrase", "the private key's passphrase, when it has one")
        .optional("known_hosts", Schema.Type.STRING, "the SSH host keys to trust, one a line: known_hosts lines "
            + "(HOST KEYTYPE BASE64, [HOST]:PORT off port 22) or HOST SHA256:FINGERPRINT; default the AUR's published fingerprints")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("rpc", DEFAULT_RPC, "git", DEFAULT_GIT);
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("rpc", "aur", "git", "aur.git");
  }

  @Override
  public Traits traits() {
    return Traits.mutableTarget();
  }

  @Override
  public String identity(Publication publication) {
    return "package " + publication.string("package");
  }

  @Override
  public Provider create(ProviderContext context) {
    return new AurProvider(context);
  }
}
