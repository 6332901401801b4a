package dev.fanout.provider;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a registry holds for one publication, as read by its provider.
 *
 * @param packageExists whether the registry knows the package at all
 * @param versions every version it holds, oldest first where the registry says; used by drift
 * @param currentVersion for a mutable target (a formula, a manifest) the version it points
 *     at now; for an immutable registry the newest version, or null
 * @param items for the release's version: what is there, by name, with a digest or value
 *     (files with their sha256, image tags with their digest, manifest fields with their
 *     value). Compared item by item with {@link DesiredState#items()}.
 * @param pointers mutable pointers and where they point: dist-tags, a {@code latest} tag
 * @param inProgress a publication under way that is not visible yet, such as an open pull
 *     request or a deployment being validated; null when there is none
 * @param location where this was read, for people: a URL or registry host
 * @param refusal why the registry would refuse a write of the release's version now, in its
 *     own terms (a moderation rule, a version it does not take); null when it would take one.
 *     A plan that would write shows the target {@code blocked} with it, and apply does not send it.
 */
public record RegistryState(boolean packageExists, List<String> versions, String currentVersion,
    Map<String, String> items, Map<String, String> pointers, String inProgress, String location, String refusal) {

  /**
   * A pointer a provider sets when the registry holds the release's own version yanked or
   * otherwise withdrawn: refresh then asks it what undoing that means, even when no
   * {@code withdraw} block is left.
   */
  public static final String YANKED = "yanked";

  public RegistryState {
    versions = List.copyOf(versions);
    items = items.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(items));
    pointers = pointers.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(pointers));
  }

  /** A state in which the registry would take a write. */
  public RegistryState(boolean packageExists, List<String> versions, String currentVersion,
      Map<String, String> items, Map<String, String> pointers, String inProgress, String location) {
    this(packageExists, versions, currentVersion, items, pointers, inProgress, location, null);
  }

  /** The same state, with the registry's reason to refuse a write. */
  public RegistryState refusing(String reason) {
    return new RegistryState(packageExists, versions, currentVersion, items, pointers, inProgress, location, reason);
  }

  /** The registry has never heard of the package. */
  public static RegistryState absent(String location) {
    return new RegistryState(false, List.of(), null, Map.of(), Map.of(), null, location);
  }

  public boolean holds(String version) {
    return versions.contains(version) || version.equals(currentVersion);
  }
}
