package dev.fanout.providers.snap;

import dev.fanout.model.Publication;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.util.Map;

/** {@code snap "NAME" {...}}: the Linux binaries as snaps in the Snap Store, released to channels. */
public final class SnapProviderFactory implements ProviderFactory {

  static final String DEFAULT_API = "https://api.snapcraft.io";
  static final String DEFAULT_DASHBOARD = "https://dashboard.snapcraft.io";
  static final String DEFAULT_STORAGE = "https://storage.snapcraftcontent.com";
  /** Ubuntu SSO, which refreshes an exported login's discharge (craft-store's {@code auth_url}). */
  static final String DEFAULT_LOGIN = "https://login.ubuntu.com";

  @Override
  public String type() {
    return "snap";
  }

  @Override
  public String description() {
    return "Snap Store: one snap per Linux architecture wrapping the binary, released to channels";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("name", Schema.Type.STRING, "the registered snap name")
        .required("binaries", Schema.Type.ARTIFACTS, "the Linux binaries (amd64, arm64), one snap each")
        .optional("channels", Schema.Type.LIST, "channels to release to; default [\"stable\"]")
        .optional("summary", Schema.Type.STRING, "one line, at most 78 characters; default the release description")
        .optional("description", Schema.Type.STRING, "default the release description")
        .optional("grade", Schema.Type.STRING, "stable or devel; default stable")
        .optional("confinement", Schema.Type.STRING, "strict, classic or devmode; default strict")
        // snapcraft.yaml's own values: the store refuses any other.
        .oneOf("grade", "stable", "devel")
        .oneOf("confinement", "strict", "classic", "devmode")
        .optional("base", Schema.Type.STRING, "default core22")
        .build();
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("api", Schema.Type.STRING, "the device API read for channel maps; default " + DEFAULT_API)
        .optional("dashboard", Schema.Type.STRING, "the publisher API; default " + DEFAULT_DASHBOARD)
        .optional("storage", Schema.Type.STRING, "the upload host; default " + DEFAULT_STORAGE)
        .optional("login", Schema.Type.STRING, "Ubuntu SSO, which refreshes the login; default " + DEFAULT_LOGIN)
        .sensitive("token", "store credentials (snapcraft export-login; SNAPCRAFT_STORE_CREDENTIALS)")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("api", DEFAULT_API, "dashboard", DEFAULT_DASHBOARD, "storage", DEFAULT_STORAGE, "login", DEFAULT_LOGIN);
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("api", "snap", "dashboard", "snap", "storage", "snap", "login", "snap");
  }

  @Override
  public Traits traits() {
    // Channels move from one revision to another.
    return Traits.mutableTarget();
  }

  @Override
  public String identity(Publication publication) {
    return "snap " + publication.string("name");
  }

  @Override
  public Provider create(ProviderContext context) {
    return new SnapProvider(context);
  }
}
