package dev.fanout.provider;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What the engine must know about a registry to plan and publish to it, declared as data by
 * its provider, so the core never names a registry.
 *
 * @param mutable the target can be changed in place (a formula, a manifest, a tag): an older
 *     version or other content plans {@code update}. Immutable registries (npm, PyPI,
 *     crates.io) plan {@code drift} for other content, which needs a person.
 * @param concurrency how many targets of this registry may be read or written at once;
 *     {@link Integer#MAX_VALUE} when only the run's parallelism limits it
 * @param credentialScope whether one credential check serves every target with the same
 *     provider settings, or each target must be checked on its own
 * @param hub other targets' manifests point at this one's assets (a GitHub release): drift
 *     compares their checksums with its assets
 * @param pacing the least time between two requests to a host, by host name, for registries
 *     that ask tools to slow down
 * @param trustedOrigins origins ({@code https://host:443}) besides the provider's endpoints
 *     that may receive its credential, such as a registry's own token service
 * @param visibility how long a write the registry acknowledged may take to show in its reads
 *     (a repository behind a publishing portal, a cached JSON API, an index updated by a
 *     background job): apply polls that long before reporting "not visible yet"; zero for a
 *     registry whose reads show a write at once
 */
public record Traits(boolean mutable, int concurrency, CredentialScope credentialScope, boolean hub,
    Map<String, Duration> pacing, Set<String> trustedOrigins, Duration visibility) {

  /** What a credential check depends on. */
  public enum CredentialScope {
    /** Only the provider settings (endpoint and token): checked once per distinct settings in a run. */
    ACCOUNT,
    /** The publication too (a repository, an image name): checked for every target. */
    TARGET
  }

  public Traits {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
    }
    pacing = Map.copyOf(pacing);
    trustedOrigins = Set.copyOf(trustedOrigins);
    if (visibility == null || visibility.isNegative()) {
      throw new IllegalArgumentException("visibility must be zero or more, not " + visibility);
    }
  }

  /** A registry that cannot overwrite a version: npm, PyPI, crates.io, an image tag's digest. */
  public static Traits immutable() {
    return new Traits(false, Integer.MAX_VALUE, CredentialScope.TARGET, false, Map.of(), Set.of(), Duration.ZERO);
  }

  /** A target that is changed in place: a formula, a manifest, a release's assets. */
  public static Traits mutableTarget() {
    return new Traits(true, Integer.MAX_VALUE, CredentialScope.TARGET, false, Map.of(), Set.of(), Duration.ZERO);
  }

  public Traits withConcurrency(int n) {
    return new Traits(mutable, n, credentialScope, hub, pacing, trustedOrigins, visibility);
  }

  public Traits withAccountCredentials() {
    return new Traits(mutable, concurrency, CredentialScope.ACCOUNT, hub, pacing, trustedOrigins, visibility);
  }

  public Traits asHub() {
    return new Traits(mutable, concurrency, credentialScope, true, pacing, trustedOrigins, visibility);
  }

  public Traits withTrustedOrigins(String... origins) {
    return new Traits(mutable, concurrency, credentialScope, hub, pacing, Set.of(origins), visibility);
  }

  public Traits withPacing(Map<String, Duration> byHost) {
    return new Traits(mutable, concurrency, credentialScope, hub, byHost, trustedOrigins, visibility);
  }

  public Traits withVisibility(Duration lag) {
    return new Traits(mutable, concurrency, credentialScope, hub, pacing, trustedOrigins, lag);
  }
}
