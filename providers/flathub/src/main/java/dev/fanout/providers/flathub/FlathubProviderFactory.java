package dev.fanout.providers.flathub;

import dev.fanout.model.Publication;
import dev.fanout.provider.Schema;
import dev.fanout.providers.github.GithubFileProviderFactory;

/** {@code flathub}: the app's flatpak manifest and metainfo, proposed to Flathub by pull request. */
public final class FlathubProviderFactory extends GithubFileProviderFactory {

  public FlathubProviderFactory() {
    // The github provider block, its endpoints and mutability are the shared base's.
    super("flathub", "A Flathub app: proposes {app-id}.yml and its metainfo to flathub/flathub (new app) or flathub/{app-id}", "the repository", FlathubProvider::new);
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("app_id", Schema.Type.STRING, "the reverse-DNS app id, such as \"io.github.acme.ContextLite\"")
        .required("assets", Schema.Type.MAP, "github_release's assets: platform to {name, url, artifact}; linux-amd64 and linux-arm64 are used")
        .optional("runtime_version", Schema.Type.STRING, "the org.freedesktop.Platform version; default \"24.08\"")
        .optional("command", Schema.Type.STRING, "the command the app runs; default the release's name")
        .optional("binary", Schema.Type.STRING, "for archives, the file inside to install; default the command")
        .optional("finish_args", Schema.Type.LIST, "sandbox permissions; default [\"--share=network\", \"--filesystem=home\"]")
        .optional("summary", Schema.Type.STRING, "the metainfo summary; default the release's description")
        .optional("license", Schema.Type.STRING, "the metainfo project_license (SPDX); default the release's license")
        .optional("release_date", Schema.Type.STRING, "the metainfo release date (YYYY-MM-DD); default today (UTC)")
        .optional("new_app", Schema.Type.BOOL, "true: submit to flathub/flathub's new-pr branch; false (default): update flathub/{app-id}")
        .build();
  }

  @Override
  public String identity(Publication publication) {
    return "app " + publication.string("app_id");
  }
}
