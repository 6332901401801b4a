package dev.fanout.provider;

import dev.fanout.model.Release;

/**
 * A backport is a release older than the newest version a registry holds (0.4.5 after 0.4.6):
 * the version is published, but the registry's {@code latest} pointers (npm's dist-tag, an
 * image's {@code latest} tag, GitHub's latest release, a formula or manifest that names one
 * version) stay where they are, unless the release says {@code latest = true}. Decided here,
 * from the {@link RegistryState} alone, for the plan and for each provider's publish alike.
 */
public final class Backport {

  private Backport() {
  }

  /**
   * The newest version the registry holds, by people's order; prereleases count only where
   * nothing else is there (a {@code latest} pointer does not point at one). Null when none.
   */
  public static String newest(RegistryState s) {
    String newest = null;
    String newestPre = null;
    java.util.List<String> all = new java.util.ArrayList<>(s.versions());
    if (s.currentVersion() != null) {
      all.add(s.currentVersion());
    }
    for (String v : all) {
      // A tag such as 20240101 or 3 is no release version: only major.minor(.patch) counts.
      if (!Versions.isVersion(v) || !v.matches("v?\\d+\\.\\d+.*")) {
        continue;
      }
      String plain = v.startsWith("v") ? v.substring(1) : v;
      if (plain.contains("-")) {
        newestPre = newestPre == null || Versions.compare(plain, newestPre) > 0 ? plain : newestPre;
      } else {
        newest = newest == null || Versions.compare(plain, newest) > 0 ? plain : newest;
      }
    }
    return newest != null ? newest : newestPre;
  }

  /** Whether the release asks to move {@code latest} even to an older version ({@code latest = true}). */
  public static boolean requested(Release release) {
    return Boolean.TRUE.equals(release.extra().get("latest"));
  }

  /**
   * Where {@code latest} stays when {@code version} is published to a registry holding
   * {@code s}: the newest version there, or null when this is no backport (or the release
   * asked to move it anyway).
   */
  public static String latestStaysAt(String version, RegistryState s, boolean latestRequested) {
    if (latestRequested || s == null || !Versions.isVersion(version)) {
      return null;
    }
    String newest = newest(s);
    return newest != null && Versions.compare(version, newest) < 0 ? newest : null;
  }

  /** For a provider's publish: whether to leave the registry's latest pointer alone. */
  public static boolean keepsLatest(Release release, RegistryState before) {
    return latestStaysAt(release.version(), before, requested(release)) != null;
  }
}
