package dev.fanout.provider;

import dev.fanout.model.Publication;
import java.io.IOException;
import java.util.Map;

/**
 * Optional, for providers whose packages carry the release's binaries (npm, PyPI, OCI): which
 * bytes each platform got, so drift can check that every channel ships the same binary as
 * the GitHub release and the local build, comparing the binary rather than the package.
 */
public interface BinaryContents {

  /**
   * Platform ({@code linux-amd64}) to the sha256 of the binary inside the package the registry
   * holds for {@code version}; empty when it does not hold that version.
   */
  Map<String, String> binaries(Publication publication, String version) throws RegistryException, IOException;
}
