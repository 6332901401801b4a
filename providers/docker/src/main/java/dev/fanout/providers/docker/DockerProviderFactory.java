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
        .optional("binaries", Schema.Type.ARTIFACTS, "the Linux binaries, one image per architecture, built here")
        .optional("image", Schema.Type.STRING,
            "an image another tool built, pushed as it is: an OCI image layout folder, an oci-archive or a docker save tarball (single or multi-platform)")
        .exactlyOne("binaries", "image")
        .optional("tags", Schema.Type.LIST, "tags to push; default the release version")
        .optional("base", Schema.Type.STRING,
            "with binaries: base image such as alpine:3.20 or name@sha256:..., resolved by digest in the plan (no host means Docker Hub); default none (FROM scratch)")
        .optional("entrypoint", Schema.Type.ANY, "with binaries: the command, a string or a list; default /usr/local/bin/<release name>")
        .optional("cmd", Schema.Type.ANY, "with binaries: the default arguments, a string or a list; default none")
        .optional("env", Schema.Type.MAP, "with binaries: environment variables, added to the base's")
        .optional("labels", Schema.Type.MAP, "with binaries: labels, added to the base's and the release's org.opencontainers.image.* labels")
        .optional("user", Schema.Type.STRING, "with binaries: the user the command runs as, such as 65532 or nobody; default the base's")
        .optional("workdir", Schema.Type.STRING, "with binaries: the working folder, absolute; default the base's")
        .optional("exposed_ports", Schema.Type.LIST, "with binaries: ports the image listens on, such as 8080 or 53/udp")
        .optional("sbom", Schema.Type.BOOL, "push a CycloneDX JSON SBOM of the image as an OCI artifact that refers to it"
            + " (subject), also tagged sha256-HEX.sbom; default false")
        .build();
  }

  /** What only an image built here takes: an imported image is pushed as it is, byte for byte. */
  static final java.util.List<String> BUILD_ONLY = java.util.List.of("base", "entrypoint", "cmd", "env", "labels", "user",
      "workdir", "exposed_ports");

  @Override
  public java.util.List<dev.fanout.provider.Problem> validate(Publication publication, java.nio.file.Path releaseDir) {
    java.util.List<dev.fanout.provider.Problem> problems = new java.util.ArrayList<>();
    if (publication.attributes().get("image") != null) {
      for (String name : BUILD_ONLY) {
        if (publication.attributes().get(name) != null) {
          problems.add(new dev.fanout.provider.Problem(name, "'" + name + "' shapes an image built from 'binaries'; an"
              + " imported 'image' is pushed as its tool built it: remove '" + name + "' or set it in that tool"));
        }
      }
    }
    String workdir = publication.string("workdir");
    if (workdir != null && !workdir.startsWith("/")) {
      problems.add(new dev.fanout.provider.Problem("workdir", "'workdir' must be absolute, such as /app; got " + workdir));
    }
    for (Object port : publication.list("exposed_ports")) {
      if (!port(port).matches("\\d{1,5}(/(tcp|udp|sctp))?")) {
        problems.add(new dev.fanout.provider.Problem("exposed_ports",
            "an exposed port is a number with an optional /tcp, /udp or /sctp, such as 8080 or 53/udp; got " + port));
      }
    }
    return problems;
  }

  /** A port as the image config names it: a number (8080 or 8080.0 from the release file) or a string. */
  static String port(Object value) {
    return value instanceof Number n ? String.valueOf(n.longValue()) : String.valueOf(value);
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
        .sensitive("signing_key", "a PEM PKCS#8 ECDSA P-256 private key (openssl genpkey -algorithm EC -pkeyopt"
            + " ec_paramgen_curve:P-256): when set, each image gets a cosign-compatible signature at tag sha256-HEX.sig")
        .sensitive("signing_password", "the signing key's password, when it is an ENCRYPTED PRIVATE KEY (openssl pkcs8 -topk8)")
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
