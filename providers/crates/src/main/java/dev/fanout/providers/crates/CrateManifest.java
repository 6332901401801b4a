package dev.fanout.providers.crates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A package's {@code Cargo.toml}: its text (to rewrite the version) and its parsed form (for
 * the publish API's metadata JSON, which cargo builds from the same file). A manifest that
 * inherits from its workspace or has path dependencies is resolved and written out again as
 * cargo's normalised manifest; any other keeps its text with only the version changed, so the
 * crates of releases made before stay byte for byte the same.
 */
final class CrateManifest {

  private static final TomlMapper TOML = new TomlMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern TABLE = Pattern.compile("(?m)^\\s*\\[\\[?([^\\]]+)\\]\\]?\\s*$");
  private static final Pattern VERSION_LINE = Pattern.compile("(?m)^(\\s*version\\s*=\\s*)\"[^\"]*\"");

  private final Path dir;
  private final String text;
  private final JsonNode toml;
  /** True when {@code toml} is cargo's normalised form, to be written out instead of {@code text}. */
  private final boolean normalized;

  private CrateManifest(Path dir, String text, JsonNode toml, boolean normalized) {
    this.dir = dir;
    this.text = text;
    this.toml = toml;
    this.normalized = normalized;
  }

  static CrateManifest read(Path packageDir) throws IOException {
    Path file = packageDir.resolve("Cargo.toml");
    if (!Files.isRegularFile(file)) {
      throw new IOException("no Cargo.toml in " + packageDir);
    }
    String text = Files.readString(file);
    JsonNode parsed;
    try {
      parsed = TOML.readTree(text);
    } catch (IOException e) {
      throw new IOException(file + " is not valid TOML: " + e.getMessage(), e);
    }
    if (WorkspaceInheritance.needed(parsed)) {
      return new CrateManifest(packageDir, text, WorkspaceInheritance.resolve(packageDir, parsed), true);
    }
    return new CrateManifest(packageDir, text, parsed, false);
  }

  String name() {
    return toml.path("package").path("name").asText(null);
  }

  /** The crates of this release it depends on through a path, which crates.io must know first. */
  List<String> releaseDependencies() {
    return normalized ? WorkspaceInheritance.releaseDependencies(toml) : List.of();
  }

  /** The parsed manifest with its path dependencies given the release's {@code version}. */
  private ObjectNode atVersion(String version) {
    ObjectNode out = toml.deepCopy();
    WorkspaceInheritance.giveReleaseVersion(out, version);
    return out;
  }

  List<String> list(String packageKey) {
    List<String> out = new ArrayList<>();
    toml.path("package").path(packageKey).forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The manifest text with {@code [package] version} set to {@code version}. */
  String withVersion(String version) throws IOException {
    if (normalized) {
      ObjectNode out = atVersion(version);
      ((ObjectNode) out.get("package")).put("version", version);
      return CargoTomlWriter.write(out);
    }
    Matcher table = TABLE.matcher(text);
    int start = -1;
    int end = text.length();
    while (table.find()) {
      if (start >= 0) {
        end = table.start();
        break;
      }
      if (table.group(1).trim().equals("package")) {
        start = table.end();
      }
    }
    if (start < 0) {
      throw new IOException("Cargo.toml has no [package] table");
    }
    String section = text.substring(start, end);
    Matcher v = VERSION_LINE.matcher(section);
    String replaced = v.find()
        ? section.substring(0, v.start()) + v.group(1) + "\"" + version + "\"" + section.substring(v.end())
        : "\nversion = \"" + version + "\"" + section;
    return text.substring(0, start) + replaced + text.substring(end);
  }

  /** The JSON part of {@code PUT /api/v1/crates/new}, as cargo sends it. */
  ObjectNode publishMetadata(String version) throws IOException {
    JsonNode toml = atVersion(version);
    JsonNode pkg = toml.path("package");
    ObjectNode meta = NODES.objectNode();
    meta.put("name", name());
    meta.put("vers", version);
    ArrayNode deps = meta.putArray("deps");
    addDeps(deps, toml.path("dependencies"), "normal", null);
    addDeps(deps, toml.path("build-dependencies"), "build", null);
    addDeps(deps, toml.path("dev-dependencies"), "dev", null);
    for (Iterator<Map.Entry<String, JsonNode>> it = toml.path("target").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> t = it.next();
      addDeps(deps, t.getValue().path("dependencies"), "normal", t.getKey());
      addDeps(deps, t.getValue().path("build-dependencies"), "build", t.getKey());
      addDeps(deps, t.getValue().path("dev-dependencies"), "dev", t.getKey());
    }
    meta.set("features", toml.path("features").isObject() ? toml.get("features") : NODES.objectNode());
    meta.set("authors", pkg.path("authors").isArray() ? pkg.get("authors") : NODES.arrayNode());
    for (String key : List.of("description", "documentation", "homepage", "license", "license-file", "repository",
        "links", "rust-version")) {
      JsonNode value = key.equals("links") ? pkg.path("links") : pkg.path(key);
      meta.put(key.replace('-', '_'), value.isTextual() ? value.asText() : null);
    }
    meta.set("keywords", pkg.path("keywords").isArray() ? pkg.get("keywords") : NODES.arrayNode());
    meta.set("categories", pkg.path("categories").isArray() ? pkg.get("categories") : NODES.arrayNode());
    meta.set("badges", NODES.objectNode());
    String readme = pkg.path("readme").isTextual() ? pkg.get("readme").asText()
        : Files.isRegularFile(dir.resolve("README.md")) ? "README.md" : null;
    meta.put("readme_file", readme);
    meta.put("readme", readme != null && Files.isRegularFile(dir.resolve(readme)) ? Files.readString(dir.resolve(readme)) : null);
    return meta;
  }

  private static void addDeps(ArrayNode out, JsonNode table, String kind, String target) throws IOException {
    for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode spec = e.getValue();
      String req = spec.isTextual() ? spec.asText() : spec.path("version").asText(null);
      if (spec.path("workspace").asBoolean(false)) {
        throw new IOException("dependency " + e.getKey() + " is inherited from the workspace; "
            + "fanout cannot package that: set crate_file to a .crate made by `cargo package`");
      }
      if (req == null) {
        if (kind.equals("dev")) {
          continue; // cargo drops path-only dev-dependencies when packaging
        }
        throw new IOException("dependency " + e.getKey() + " has no version; crates.io needs one for every dependency");
      }
      ObjectNode dep = out.addObject();
      String pkgName = spec.path("package").asText(null);
      dep.put("optional", spec.path("optional").asBoolean(false));
      dep.put("default_features", spec.has("default-features") ? spec.path("default-features").asBoolean(true)
          : spec.path("default_features").asBoolean(true));
      dep.put("name", pkgName != null ? pkgName : e.getKey());
      dep.set("features", spec.path("features").isArray() ? spec.get("features") : NODES.arrayNode());
      // cargo writes a bare version as a caret requirement
      dep.put("version_req", Character.isDigit(req.charAt(0)) ? "^" + req : req);
      dep.put("target", target);
      dep.put("kind", kind);
      dep.put("registry", (String) null);
      dep.put("explicit_name_in_toml", pkgName != null ? e.getKey() : null);
    }
  }
}
