package dev.fanout.providers.npm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dependencies of a package folder on other folders: {@code workspace:} (pnpm, yarn),
 * {@code file:} and {@code link:}. A registry cannot resolve them, so a package published with
 * them cannot be installed. As pnpm and yarn do on publish, each becomes the release's version
 * ({@code workspace:*} exact, {@code workspace:^} and {@code workspace:~} with their operator, an
 * explicit {@code workspace:^1.2.0} its range); the packages they name must be published by the
 * same release, first.
 */
final class NpmLocalDependencies {

  /** devDependencies are rewritten too, but are not installed with the package, so they need nothing first. */
  private static final List<String> FIELDS = List.of("dependencies", "optionalDependencies", "peerDependencies",
      "devDependencies");
  private static final List<String> PREFIXES = List.of("workspace:", "file:", "link:");

  /**
   * One local dependency.
   *
   * @param field the package.json field it is in
   * @param key the dependency's name in that field
   * @param spec what package.json says, such as {@code workspace:^}
   * @param folder for {@code file:} and {@code link:}, the folder it points at; else null
   */
  record Local(String field, String key, String spec, Path folder) {
    boolean installed() {
      return !field.equals("devDependencies");
    }

    /** The package it names: a folder's package.json name, else the key. */
    String packageName() throws IOException {
      return folder == null ? key : NpmFolder.read(folder).name();
    }
  }

  private NpmLocalDependencies() {
  }

  static List<Local> of(Map<String, Object> manifest, Path dir) {
    List<Local> out = new ArrayList<>();
    for (String field : FIELDS) {
      if (manifest.get(field) instanceof Map<?, ?> deps) {
        deps.forEach((k, v) -> {
          String spec = String.valueOf(v);
          if (PREFIXES.stream().anyMatch(spec::startsWith)) {
            Path folder = spec.startsWith("workspace:") ? null
                : dir.resolve(spec.substring(spec.indexOf(':') + 1)).normalize();
            out.add(new Local(field, String.valueOf(k), spec, folder));
          }
        });
      }
    }
    return out;
  }

  /** What a local specifier becomes at {@code version}. */
  static String published(String spec, String version) {
    if (!spec.startsWith("workspace:")) {
      return version;
    }
    String range = spec.substring("workspace:".length());
    return switch (range) {
      case "*", "" -> version;
      case "^", "~" -> range + version;
      // An explicit range is kept (pnpm); a path (yarn's workspace:packages/core) is the exact version.
      default -> range.matches("[\\^~<>=]*\\d.*") ? range : version;
    };
  }

  /** The manifest with every local specifier published at {@code version}, or the same map when there are none. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> rewritten(Map<String, Object> manifest, Path dir, String version) {
    List<Local> locals = of(manifest, dir);
    if (locals.isEmpty()) {
      return manifest;
    }
    Map<String, Object> out = new LinkedHashMap<>(manifest);
    for (Local l : locals) {
      Map<String, Object> deps = new LinkedHashMap<>((Map<String, Object>) out.get(l.field()));
      deps.put(l.key(), published(l.spec(), version));
      out.put(l.field(), deps);
    }
    return out;
  }

  /** For the report: {@code @acme/core workspace:^ -> ^1.2.0}, one per local dependency. */
  static List<String> notes(Map<String, Object> manifest, Path dir, String version) {
    List<String> out = new ArrayList<>();
    for (Local l : of(manifest, dir)) {
      out.add(l.key() + " " + l.spec() + " -> " + published(l.spec(), version));
    }
    return out;
  }
}
