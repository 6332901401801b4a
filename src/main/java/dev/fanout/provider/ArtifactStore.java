package dev.fanout.provider;

import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import java.nio.file.Path;
import java.util.Optional;

/** The release's artifacts as a provider sees them: declared, and resolved to files when they can be. */
public interface ArtifactStore {

  Artifact artifact(Address address);

  /** The local file, from the first source that is available now; empty before the build. */
  Optional<Path> file(Address address);

  /** The file's sha256 in lower-case hex, or null when it is not known yet. */
  String sha256(Address address);

  /**
   * The build step that makes the artifact (its command, for provenance), or null for a file
   * the release only points at.
   */
  default dev.fanout.model.BuildStep buildStep(Address address) {
    return null;
  }
}
