package dev.fanout.providers.chocolatey;

import dev.fanout.model.Publication;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.util.Map;

/** {@code chocolatey "ID" {...}}: a Chocolatey package that downloads the Windows asset and checks its sha256. */
public final class ChocolateyProviderFactory implements ProviderFactory {

  static final String DEFAULT_SOURCE = "https://push.chocolatey.org/";
  static final String DEFAULT_FEED = "https://community.chocolatey.org";

  @Override
  public String type() {
    return "chocolatey";
  }

  @Override
  public String description() {
    return "Chocolatey community repository: a .nupkg whose install script downloads the Windows asset";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("package_id", Schema.Type.STRING, "the Chocolatey package id (lower case by convention)")
        .required("assets", Schema.Type.ANY, "the Windows artifacts: github_release's assets export "
            + "(platform to {name, url, artifact}), or artifact references with url_template")
        .optional("url_template", Schema.Type.STRING, "download URL for artifact references: "
            + "{version}, {name} and {platform} are replaced")
        .optional("authors", Schema.Type.STRING, "nuspec authors; default the release name")
        .optional("tags", Schema.Type.STRING, "space-separated tags; default the package id")
        .optional("project_url", Schema.Type.STRING, "default the release homepage")
        .optional("package_source_url", Schema.Type.STRING, "where the package's source lives; default project_url")
        .optional("license_url", Schema.Type.STRING, "default project_url")
        .optional("description", Schema.Type.STRING, "default the release description")
        .build();
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("source", Schema.Type.STRING, "push URL; default " + DEFAULT_SOURCE)
        .optional("feed", Schema.Type.STRING, "the NuGet v2 feed read for existing versions; default " + DEFAULT_FEED)
        .sensitive("token", "Chocolatey API key (from your account page on community.chocolatey.org)")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("source", DEFAULT_SOURCE, "feed", DEFAULT_FEED);
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("source", "chocolatey", "feed", "chocolatey");
  }

  @Override
  public Traits traits() {
    return Traits.immutable();
  }

  @Override
  public String identity(Publication publication) {
    // Package ids are case-insensitive on the gallery.
    String id = publication.string("package_id");
    return id == null ? null : "package " + id.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public Provider create(ProviderContext context) {
    return new ChocolateyProvider(context);
  }
}
