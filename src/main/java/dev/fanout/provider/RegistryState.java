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
 */
public record RegistryState(boolean packageExists, List<String> versions, String currentVersion,
    Map<String, String> items, Map<String, String> pointers, String inProgress, String location) {

  public RegistryState {
    versions = List.copyOf(versions);
    items = java.util.Collections.unmodifiableMap(new TreeMap<>(items));
    pointers = java.util.Collections.unmodifiableMap(new TreeMap<>(pointers));
  }

  /** The registry has never heard of the package. */
  public static RegistryState absent(String location) {
    return new RegistryState(false, List.of(), null, Map.of(), Map.of(), null, location);
  }

  public boolean holds(String version) {
    return versions.contains(version) || version.equals(currentVersion);
  }
}
