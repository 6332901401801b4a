package dev.fanout.providers.docker;

import dev.fanout.model.Publication;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.util.Map;

/** Container images on Docker Hub or any registry that follows the OCI distribution spec. */
public final class DockerProviderFactory implements ProviderFactory {

  static final String DEFAULT_REGISTRY = "https://registry-1.docker.io";

  @Override
  public String type() {
    return "docker";
  }

  @Override
  public String description() {
    return "Multi-architecture container image (OCI) on Docker Hub or any OCI registry";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("repository", Schema.Type.STRING,
            "image repository, such as contextlite/contextlite; a host prefix (docker.io/) is ignored: set the registry in the provider block")
        .required("binaries", Schema.Type.ARTIFACTS, "the Linux binaries, one image per architecture")
        .optional("tags", Schema.Type.LIST, "tags to push; default the release version")
        .optional("entrypoint", Schema.Type.ANY, "the command, a string or a list; default /usr/local/bin/<release name>")
        .optional("base", Schema.Type.STRING, "base image such as alpine:3.20 (no host means Docker Hub); default none (FROM scratch)")
        .build();
  }

  @Override
  public String settingsBlock() {
    return "docker";
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("registry", Schema.Type.STRING, "registry URL; default " + DEFAULT_REGISTRY)
        .optional("username", Schema.Type.STRING, "account name sent to the token endpoint (Docker Hub needs it)")
        .sensitive("token", "access token with write access to the repository; leave it out for a registry that takes anonymous pushes")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("registry", DEFAULT_REGISTRY);
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("registry", "oci");
  }

  /** A private registry may take pushes without credentials; the check asks the registry. */
  @Override
  public boolean credentialOptional() {
    return true;
  }

  /** Tags move: a push to an existing tag replaces what it points at. */
  @Override
  public Traits traits() {
    return Traits.mutableTarget();
  }

  @Override
  public String identity(Publication publication) {
    java.util.List<Object> tags = publication.list("tags");
    return "image " + publication.string("repository") + (tags.isEmpty() ? " tagged with the release's version"
        : " tagged " + String.join(", ", new java.util.TreeSet<>(tags.stream().map(String::valueOf).toList())));
  }

  @Override
  public Provider create(ProviderContext context) {
    return new DockerProvider(context);
  }
}
