package dev.fanout.providers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.model.Secret;
import dev.fanout.provider.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * The image a release's image is layered on ({@code base = "alpine:3.20"}), read from its
 * registry: per platform its layers (reused by digest, never rebuilt) and its config (the
 * environment and labels carry over; the entrypoint and command are the release's own).
 * A reference without a host is on Docker Hub, as for {@code docker pull}.
 */
final class BaseImage {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A base layer: only its descriptor is needed to build, its bytes only to push. */
  record Layer(String digest, String mediaType, long size) {
    Map<String, Object> descriptor() {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("mediaType", mediaType);
      d.put("digest", digest);
      d.put("size", size);
      return d;
    }
  }

  /** The base for one platform. */
  record Platform(ObjectNode config, List<Layer> layers) {
    Platform {
      layers = List.copyOf(layers);
    }
  }

  private final DistributionClient client;
  private final String reference;
  private final String repository;
  private final DistributionClient.Manifest top;

  private BaseImage(DistributionClient client, String reference, String repository, DistributionClient.Manifest top) {
    this.client = client;
    this.reference = reference;
    this.repository = repository;
    this.top = top;
  }

  /**
   * Reads the base's top manifest. Credentials go along only when the base lives on the
   * target registry; elsewhere the pull is anonymous.
   */
  static BaseImage resolve(OkHttpClient http, String ref, String targetRegistry, String username, Secret token)
      throws RegistryException, IOException {
    return resolve(http, ref, DockerProviderFactory.DEFAULT_REGISTRY, false, targetRegistry, username, token);
  }

  /**
   * @param hub where a reference without a host is (Docker Hub, or the sandbox's registry)
   * @param hubOnly every reference is read from {@code hub}, its host dropped: a sandbox never
   *     pulls from a real registry
   */
  static BaseImage resolve(OkHttpClient http, String ref, String hub, boolean hubOnly, String targetRegistry,
      String username, Secret token) throws RegistryException, IOException {
    String rest = ref;
    String registry = hub;
    int slash = ref.indexOf('/');
    if (slash > 0) {
      String first = ref.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        rest = ref.substring(slash + 1);
        if (!hubOnly && !first.equals("docker.io") && !first.equals("index.docker.io")) {
          boolean loopback = first.startsWith("localhost") || first.startsWith("127.");
          registry = (loopback ? "http://" : "https://") + first;
        }
      }
    }
    String tag = "latest";
    int at = rest.indexOf('@');
    int colon = rest.lastIndexOf(':');
    if (at > 0) {
      tag = rest.substring(at + 1);
      rest = rest.substring(0, at);
    } else if (colon > 0 && colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (registry.equals(hub) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    boolean sameRegistry = registry.equals(targetRegistry);
    DistributionClient client = new DistributionClient(http, registry, rest, sameRegistry ? username : null,
        sameRegistry ? token : null);
    if (client.authenticate(false) == DistributionClient.AuthOutcome.REJECTED) {
      throw new RegistryException(DistributionClient.REGISTRY, "base image " + ref, 401,
          "the registry refused to let us pull the base image", "check the base image's name and that it is public");
    }
    return new BaseImage(client, ref, rest, client.manifest(tag));
  }

  /** The base's digest: what the plan shows and what a re-run compares, however the tag moves. */
  String digest() {
    return OciStorage.sha256(top.content());
  }

  /** The base URL of the base's registry. */
  String registry() {
    return client.registry();
  }

  /** The base's repository on its registry, such as {@code library/alpine}. */
  String repository() {
    return repository;
  }

  /** The base for {@code os/architecture[/variant]}; fails when the base has no such platform. */
  Platform platform(String os, String architecture, String variant) throws RegistryException, IOException {
    DistributionClient.Manifest manifest = top;
    if (MediaTypes.INDEXES.contains(top.mediaType())) {
      String digest = null;
      for (JsonNode m : JSON.readTree(top.content()).path("manifests")) {
        JsonNode p = m.path("platform");
        if (p.path("os").asText().equals(os) && p.path("architecture").asText().equals(architecture)
            && (variant == null || variant.equals(p.path("variant").asText(variant)))) {
          digest = m.path("digest").asText();
          break;
        }
      }
      if (digest == null) {
        throw new IllegalArgumentException("base image " + reference + " has no " + os + "/" + architecture + " image");
      }
      manifest = client.manifest(digest);
    }
    JsonNode doc = JSON.readTree(manifest.content());
    ObjectNode config = (ObjectNode) JSON.readTree(client.blob(doc.path("config").path("digest").asText()));
    if (!config.path("architecture").asText().equals(architecture) || !config.path("os").asText().equals(os)) {
      throw new IllegalArgumentException("base image " + reference + " is " + config.path("os").asText() + "/"
          + config.path("architecture").asText() + ", not " + os + "/" + architecture);
    }
    List<Layer> layers = new ArrayList<>();
    for (JsonNode l : doc.path("layers")) {
      layers.add(new Layer(l.path("digest").asText(), l.path("mediaType").asText(), l.path("size").asLong()));
    }
    return new Platform(config, layers);
  }

  byte[] blob(String digest) throws RegistryException, IOException {
    return client.blob(digest);
  }
}
