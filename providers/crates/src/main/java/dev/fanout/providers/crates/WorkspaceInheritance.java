package dev.fanout.providers.crates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a member manifest the way {@code cargo package} normalises it before upload (the
 * cargo book's "Workspaces" chapter; checked against cargo 1.95's own output): every
 * {@code key.workspace = true} of {@code [package]} takes the workspace root's
 * {@code [workspace.package]} value, every {@code dep.workspace = true} takes the root's
 * {@code [workspace.dependencies]} entry (features added to the member's, {@code optional}
 * from the member), git dependencies lose their source and keep their version, and path
 * dependencies (crates of the same release) are given the release's version.
 * crates.io refuses a manifest that still inherits ("value from workspace hasn't been set"),
 * so what cannot be resolved is refused here, naming the field.
 */
final class WorkspaceInheritance {

  private static final TomlMapper TOML = new TomlMapper();
  private static final List<String> DEPENDENCY_TABLES = List.of("dependencies", "dev-dependencies", "build-dependencies");
  /** Inherited fields that name a file at the workspace root: cargo copies it into the package. */
  private static final Set<String> FILE_FIELDS = Set.of("readme", "license-file");
  /** Stands for the release's version in a path dependency until the version is known. */
  private static final String RELEASE_VERSION = "\u0000release-version";

  private final Path packageDir;
  private final Path rootDir;
  private final JsonNode root;

  private WorkspaceInheritance(Path packageDir, Path rootDir, JsonNode root) {
    this.packageDir = packageDir;
    this.rootDir = rootDir;
    this.root = root;
  }

  /** True when cargo would change more than the version: inherited keys, path or git dependencies. */
  static boolean needed(JsonNode manifest) {
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.path("package").fields(); it.hasNext(); ) {
      if (inherits(it.next().getValue())) {
        return true;
      }
    }
    for (JsonNode table : dependencyTables(manifest)) {
      for (JsonNode dep : table) {
        if (inherits(dep) || dep.has("path") || dep.has("git")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The manifest with everything inherited filled in and local sources dropped; {@code manifest} is left as is. */
  static ObjectNode resolve(Path packageDir, JsonNode manifest) throws IOException {
    Path rootDir = findRoot(packageDir, manifest);
    JsonNode root = rootDir == null ? null : TOML.readTree(Files.readString(rootDir.resolve("Cargo.toml")));
    return new WorkspaceInheritance(packageDir, rootDir, root).resolve(manifest.deepCopy());
  }

  private ObjectNode resolve(ObjectNode manifest) throws IOException {
    // A root manifest that is also a package keeps no [workspace] table in its package.
    manifest.remove("workspace");
    if (!(manifest.get("package") instanceof ObjectNode pkg)) {
      throw new IOException("Cargo.toml has no [package] table");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = pkg.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!inherits(field.getValue())) {
        continue;
      }
      String key = field.getKey();
      String where = "Cargo.toml: package." + key + ".workspace = true";
      JsonNode value = workspace("package").get(key);
      if (value == null) {
        throw new IOException(where + " but " + rootName() + " has no " + key + " in [workspace.package]; "
            + "set it there or in the package's own [package]");
      }
      if (FILE_FIELDS.contains(key) && value.isTextual()) {
        throw new IOException(where + " names " + value.asText() + " at the workspace root, which fanout does not copy "
            + "into the crate; set " + key + " to a file inside the package, or set crate_file to a .crate made by `cargo package`");
      }
      field.setValue(value.deepCopy());
    }
    pkg.remove("workspace");
    resolveDependencies(manifest);
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.path("target").fields(); it.hasNext(); ) {
      resolveDependencies((ObjectNode) it.next().getValue());
    }
    return manifest;
  }

  private void resolveDependencies(ObjectNode owner) throws IOException {
    for (String kind : DEPENDENCY_TABLES) {
      if (!(owner.get(kind) instanceof ObjectNode table)) {
        continue;
      }
      List<String> names = new ArrayList<>();
      table.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String where = "Cargo.toml: [" + kind + "] " + name;
        JsonNode spec = table.get(name);
        if (inherits(spec)) {
          JsonNode shared = workspace("dependencies").get(name);
          if (shared == null) {
            throw new IOException(where + " has workspace = true but " + rootName()
                + " has no " + name + " in [workspace.dependencies]");
          }
          spec = inherit(spec, shared);
        }
        if (spec.isObject() && spec.has("path")) {
          ObjectNode local = (ObjectNode) spec;
          if (!local.has("version") && kind.equals("dev-dependencies")) {
            // cargo drops a dev-dependency that only has a local source.
            table.remove(name);
            continue;
          }
          // A path dependency is a crate of this release (the release must publish it, first:
          // CratesProviderFactory.needs), published at the release's version, so that is the
          // version it is given, keeping the operator written, as cargo-release and release-plz
          // rewrite sibling requirements when they bump a workspace.
          // version first, as cargo writes a dependency's fields
          ObjectNode given = TOML.createObjectNode().put("version", operator(local.path("version").asText("")) + RELEASE_VERSION);
          local.remove(List.of("path", "base", "version"));
          spec = given.setAll(local);
        } else if (spec.isObject() && spec.has("git")) {
          ObjectNode local = (ObjectNode) spec;
          if (!local.has("version")) {
            throw new IOException(where + " has no version: cargo refuses it (\"all dependencies must have a version "
                + "requirement specified when packaging\"); add version = \"...\" beside its git source");
          }
          local.remove(List.of("git", "branch", "tag", "rev"));
        }
        table.set(name, spec);
      }
    }
  }

  /** The member's {@code {workspace = true, ...}} over the root's entry, as cargo merges them. */
  private static JsonNode inherit(JsonNode member, JsonNode shared) {
    ObjectNode out = shared.isTextual() ? TOML.createObjectNode().put("version", shared.asText()) : ((ObjectNode) shared).deepCopy();
    Set<String> features = new LinkedHashSet<>();
    out.path("features").forEach(f -> features.add(f.asText()));
    member.path("features").forEach(f -> features.add(f.asText()));
    if (shared.has("features") || member.has("features")) {
      ArrayNode list = out.putArray("features");
      features.forEach(list::add);
    }
    if (member.has("optional")) {
      out.set("optional", member.get("optional"));
    }
    return out;
  }

  private JsonNode workspace(String table) throws IOException {
    if (root == null) {
      throw new IOException("Cargo.toml inherits from a workspace (workspace = true) but no Cargo.toml with a [workspace] "
          + "table was found in " + packageDir + " or the folders above it");
    }
    return root.path("workspace").path(table);
  }

  private String rootName() {
    return rootDir.resolve("Cargo.toml").toString();
  }

  /** The workspace root as cargo finds it: {@code package.workspace}, else the nearest folder up with {@code [workspace]}. */
  private static Path findRoot(Path packageDir, JsonNode manifest) throws IOException {
    if (manifest.has("workspace")) {
      return packageDir;
    }
    JsonNode explicit = manifest.path("package").path("workspace");
    if (explicit.isTextual()) {
      return packageDir.resolve(explicit.asText()).normalize();
    }
    for (Path dir = packageDir.toAbsolutePath().normalize().getParent(); dir != null; dir = dir.getParent()) {
      Path file = dir.resolve("Cargo.toml");
      if (Files.isRegularFile(file) && TOML.readTree(Files.readString(file)).has("workspace")) {
        return dir;
      }
    }
    return null;
  }

  /**
   * The crates of this release a resolved manifest depends on (its path dependencies, by the
   * crate name crates.io knows them by), which must be published before it.
   */
  static List<String> releaseDependencies(JsonNode resolved) {
    List<String> out = new ArrayList<>();
    for (JsonNode table : dependencyTables(resolved)) {
      for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> dep = it.next();
        if (dep.getValue().path("version").asText("").endsWith(RELEASE_VERSION)) {
          String crate = dep.getValue().path("package").asText(dep.getKey());
          if (!out.contains(crate)) {
            out.add(crate);
          }
        }
      }
    }
    return out;
  }

  /** {@code resolved} with the release's version put where {@link #resolve} left its placeholder. */
  static void giveReleaseVersion(JsonNode resolved, String version) {
    for (JsonNode table : dependencyTables(resolved)) {
      for (JsonNode dep : table) {
        String req = dep.path("version").asText("");
        if (dep instanceof ObjectNode spec && req.endsWith(RELEASE_VERSION)) {
          spec.put("version", req.substring(0, req.length() - RELEASE_VERSION.length()) + version);
        }
      }
    }
  }

  /** The comparison operator a requirement starts with ({@code =}, {@code ~}, {@code >=}...), or none for a caret. */
  private static String operator(String requirement) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(=|~|\\^|>=|<=|>|<)?").matcher(requirement);
    return m.find() && m.group(1) != null ? m.group(1) : "";
  }

  private static boolean inherits(JsonNode value) {
    return value.isObject() && value.path("workspace").asBoolean(false);
  }

  private static List<JsonNode> dependencyTables(JsonNode manifest) {
    List<JsonNode> out = new ArrayList<>();
    for (String kind : DEPENDENCY_TABLES) {
      out.add(manifest.path(kind));
    }
    manifest.path("target").forEach(t -> DEPENDENCY_TABLES.forEach(kind -> out.add(t.path(kind))));
    return out;
  }
}
