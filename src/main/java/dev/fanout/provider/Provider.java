package dev.fanout.provider;

import dev.fanout.model.Publication;
import java.io.IOException;

/**
 * The four questions a provider answers for one registry. Diffing is shared (the plan stage
 * compares {@link #desired} with {@link #read}); so are retries, the read before every
 * write and the verification after it (the apply stage).
 */
public interface Provider {

  /** What does the registry hold now for this publication? One call per package where possible. */
  RegistryState read(Publication publication) throws RegistryException;

  /** Can the configured credentials publish? Never throws: failures are a status. */
  CredentialCheck checkCredentials(Publication publication);

  /**
   * What would this release put there? Builds the package locally when the artifacts are
   * available; digests of what cannot be built yet are null.
   */
  DesiredState desired(Publication publication) throws IOException;

  /**
   * Whether {@link #desired} depends on nothing but the publication's attributes, the release
   * and the contents of the release's artifacts: not on its provider settings or endpoints
   * (which hold the registry's URL), no other file (a folder, a glob), no registry. Then the
   * engine keeps the answer by those inputs and does not build the package again while they
   * are unchanged. False unless a provider says so.
   */
  default boolean desiredIsDeclared(Publication publication) {
    return false;
  }

  /**
   * Publishes what {@code before} lacks, and only that. The caller has just read
   * {@code before}, and will read again and compare with {@link #desired} to verify.
   */
  PublishResult publish(Publication publication, RegistryState before)
      throws RegistryException, IOException;

  /**
   * The run is over: give back what only this run needed, such as a trusted-publishing token
   * the registry can revoke. Never throws; nothing by default.
   */
  default void close() {
  }

  /**
   * What a publish wrote, for the journal and the report; never a credential.
   *
   * @param written the items written, such as file names or tags
   */
  record PublishResult(java.util.List<String> written, String detail) {
    public PublishResult {
      written = java.util.List.copyOf(written);
    }
  }
}
