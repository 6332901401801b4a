package dev.fanout.providers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.provider.RegistryException;
import dev.fanout.signing.Sbom;
import dev.fanout.signing.Signer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image's signature and SBOM, stored as cosign stores them, so that {@code cosign verify
 * --key} and {@code cosign download sbom}-style tools find them without Fanout.
 *
 * <p>The signature: the simple-signing payload (which repository, which manifest digest) as
 * the one layer ({@code application/vnd.dev.cosign.simplesigning.v1+json}) of an OCI manifest
 * tagged {@code sha256-<hex>.sig}, its ECDSA signature base64 in the layer's
 * {@code dev.cosignproject.cosign/signature} annotation (sigstore/cosign pkg/oci/static,
 * pkg/oci/remote, pkg/cosign/verify). The SBOM: an OCI 1.1 artifact whose {@code subject} is
 * the image (found by the referrers API), also tagged {@code sha256-<hex>.sbom} for registries
 * without it, as cosign's fallback tags do.
 */
final class ImageAttestations {

  static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
  static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageAttestations() {
  }

  /** {@code sha256-<hex>.sig}: where cosign looks for the signatures of the image with this digest. */
  static String tag(String digest, String suffix) {
    return digest.replace(':', '-') + "." + suffix;
  }

  /** A tag that only holds attestations, not a version: kept out of the versions a registry lists. */
  static boolean isAttestationTag(String tag) {
    return tag.matches("sha256-[0-9a-f]{64}\\.(sig|sbom|att)");
  }

  /** The name cosign signs as {@code docker-reference}: the registry's host and the repository, no tag. */
  static String reference(String registry, String repository) {
    URI uri = URI.create(registry);
    String host = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    return ("registry-1.docker.io".equals(host) ? "index.docker.io" : host) + "/" + repository;
  }

  /** The simple-signing payload, its keys in cosign's order (sigstore/sigstore pkg/signature/payload). */
  static byte[] payload(String reference, String digest) {
    Map<String, Object> identity = Map.of("docker-reference", reference);
    Map<String, Object> critical = new LinkedHashMap<>();
    critical.put("identity", identity);
    critical.put("image", Map.of("docker-manifest-digest", digest));
    critical.put("type", "cosign container image signature");
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("critical", critical);
    payload.put("optional", null);
    return ImageBuilder.json(payload);
  }

  /** The item a signature reads as: who signed which digest. */
  static String claim(Signer signer, String digest) {
    return "cosign signature by " + signer.keyId() + " of " + digest;
  }

  /** The blobs (payload, config) and the manifest of a new signature of {@code digest}. */
  static List<ImageBuilder.Blob> signature(Signer signer, String reference, String digest) throws IOException {
    byte[] payload = payload(reference, digest);
    ImageBuilder.Blob layer = ImageBuilder.blob(SIMPLE_SIGNING, payload);
    // cosign's signature image config: an empty image whose one diff_id is the payload's digest.
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", "");
    config.put("created", "0001-01-01T00:00:00Z");
    config.put("history", List.of(Map.of("created", "0001-01-01T00:00:00Z")));
    config.put("os", "");
    config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(layer.digest())));
    config.put("config", Map.of());
    ImageBuilder.Blob configBlob = ImageBuilder.blob(MediaTypes.OCI_CONFIG, ImageBuilder.json(config));
    Map<String, Object> descriptor = layer.descriptor();
    descriptor.put("annotations", Map.of(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(signer.sign(payload))));
    return List.of(layer, configBlob, ImageBuilder.manifest(configBlob, List.of(descriptor)));
  }

  /**
   * What the registry's signature of {@code digest} reads as: the claim when a layer's payload
   * names this reference and digest and its signature verifies with the key; else why not.
   */
  static String readSignature(DistributionClient client, Signer signer, String reference, String digest)
      throws RegistryException, IOException {
    JsonNode manifest = JSON.readTree(client.manifest(tag(digest, "sig")).content());
    for (JsonNode layer : manifest.path("layers")) {
      if (!SIMPLE_SIGNING.equals(layer.path("mediaType").asText())) {
        continue;
      }
      byte[] payload = client.blob(layer.path("digest").asText());
      JsonNode critical = JSON.readTree(payload).path("critical");
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(layer.path("annotations").path(SIGNATURE_ANNOTATION).asText(""));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (digest.equals(critical.path("image").path("docker-manifest-digest").asText())
          && reference.equals(critical.path("identity").path("docker-reference").asText())
          && signer.verifies(payload, sig)) {
        return claim(signer, digest);
      }
    }
    return "no signature that verifies with " + signer.keyId();
  }

  /** The SBOM artifact of the image: its blobs (empty config, SBOM) and manifest, whose digest is the item. */
  static List<ImageBuilder.Blob> sbom(String repository, String version, ImageBuilder.Blob index) {
    ImageBuilder.Blob sbom = ImageBuilder.blob(Sbom.MEDIA_TYPE,
        Sbom.ofImage(repository, version, index.digest().substring("sha256:".length())));
    ImageBuilder.Blob empty = ImageBuilder.blob(EMPTY_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("artifactType", Sbom.MEDIA_TYPE);
    manifest.put("config", empty.descriptor());
    manifest.put("layers", List.of(sbom.descriptor()));
    manifest.put("subject", index.descriptor());
    List<ImageBuilder.Blob> out = new ArrayList<>(List.of(sbom, empty));
    out.add(ImageBuilder.blob(MediaTypes.OCI_MANIFEST, ImageBuilder.json(manifest)));
    return out;
  }
}
