package dev.fanout.model;

import java.util.Map;

/**
 * What is being released: the single source of truth for every target's version.
 *
 * @param versionSource how the version was found, for people: {@code git tag v1.0.35},
 *     {@code variable version}, {@code file VERSION}, {@code literal}
 * @param extra every other attribute of the {@code release} block
 */
public record Release(String name, String version, String versionSource, String description,
    String homepage, String license, Map<String, Object> extra) {

  public Release {
    extra = Map.copyOf(extra);
  }
}
