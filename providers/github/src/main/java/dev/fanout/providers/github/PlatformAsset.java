package dev.fanout.providers.github;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.provider.ArtifactStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One entry of an {@code assets} attribute as {@code github_release} exports it: platform
 * ({@code linux-amd64}) to {@code {name, url, artifact}}, with the artifact's local file and
 * sha256 looked up. Manifest registries point at the download URL and pin its checksum.
 *
 * @param url null while it is unknown (the release tag is known only after apply)
 * @param sha256 lower-case hex, null before the artifact is built
 */
public record PlatformAsset(String platform, String name, String url, Address artifact, String sha256,
    Optional<Path> file) {

  /** Every entry of the attribute, by platform, sorted. */
  public static Map<String, PlatformAsset> of(Publication publication, String attribute, ArtifactStore artifacts) {
    Map<String, PlatformAsset> out = new TreeMap<>();
    for (Map.Entry<String, Object> e : publication.map(attribute).entrySet()) {
      Address artifact = null;
      String name = null;
      String url = null;
      if (e.getValue() instanceof Ref r) {
        artifact = r.address();
      } else if (e.getValue() instanceof Map<?, ?> m) {
        artifact = m.get("artifact") instanceof Ref r ? r.address() : null;
        name = m.get("name") instanceof String s ? s : null;
        url = m.get("url") instanceof String s ? s : null;
      }
      if (name == null && artifact != null && artifacts.artifact(artifact) != null) {
        name = artifacts.artifact(artifact).name();
      }
      if (name == null) {
        throw new IllegalArgumentException(publication + ": " + attribute + "[\"" + e.getKey()
            + "\"] must be {name, url, artifact} as github_release exports it");
      }
      String sha = artifact == null ? null : artifacts.sha256(artifact);
      Optional<Path> file = artifact == null ? Optional.empty() : artifacts.file(artifact);
      out.put(e.getKey(), new PlatformAsset(e.getKey(), name, url, artifact, sha, file));
    }
    return out;
  }
}
