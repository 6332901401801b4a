package dev.fanout.starter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code fanout init --from-goreleaser FILE}: a GoReleaser configuration (version 1 or 2) as a
 * release file. Builds become one {@code go build} per platform (goos x goarch without the
 * ignored pairs, GoReleaser's defaults when they are not given), the release becomes the
 * {@code github_release} hub, and brews, scoops, winget, aurs, nix, dockers, snapcrafts and
 * chocolateys become their blocks pointing at it; archives become an archive artifact per
 * platform, which the release carries and the manifests point at. What Fanout cannot do the
 * same way (nfpms, signing, templates other than the version) is listed, not guessed.
 */
public final class GoreleaserImport {

  private static final YAMLMapper YAML = new YAMLMapper();
  // GoReleaser's defaults (https://goreleaser.com/customization/builds/go/).
  private static final List<String> DEFAULT_GOOS = List.of("darwin", "linux", "windows");
  private static final List<String> DEFAULT_GOARCH = List.of("386", "amd64", "arm64");
  private static final String DEFAULT_LDFLAGS =
      "-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}} -X main.builtBy=goreleaser";
  private static final Set<String> CONVERTED = Set.of("version", "project_name", "builds", "archives", "checksum",
      "release", "brews", "scoops", "winget", "aurs", "nix", "dockers", "snapcrafts", "chocolateys", "changelog",
      "snapshot", "before");

  private GoreleaserImport() {
  }

  public static ProjectScan.Result convert(Path file, String repository, String folderName) throws IOException {
    JsonNode g;
    try {
      g = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + " is not YAML GoReleaser can read: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    Starter s = new Starter();
    String name = g.path("project_name").asText(folderName);
    s.found(file.getFileName().toString(), "GoReleaser configuration, version " + g.path("version").asText("1"));
    List<String> core = new ArrayList<>();

    JsonNode builds = g.path("builds");
    JsonNode build = builds.isArray() && builds.size() > 0 ? builds.get(0) : YAML.createObjectNode();
    if (builds.size() > 1) {
      s.notConverted("builds: only the first build (" + build.path("id").asText("default") + ") is converted; "
          + (builds.size() - 1) + " more need build blocks of their own");
    }
    String binary = build.path("binary").asText(name);
    List<String> platforms = platforms(build);
    if (build.has("goarm") || platforms.stream().anyMatch(p -> p.endsWith("-arm"))) {
      s.notConverted("builds.goarm: ARM variants (GOARM) are built with Go's default; add GOARM to the build's env");
    }
    String ldflags = build.path("ldflags").isArray() ? String.join(" ", texts(build.path("ldflags")))
        : build.path("ldflags").asText(DEFAULT_LDFLAGS);
    String converted = template(ldflags, name);
    if (converted.contains("{{")) {
      s.notConverted("builds.ldflags: the templates other than {{.Version}}, {{.Tag}} and {{.ProjectName}} are"
          + " dropped (" + String.join(", ", unconverted(converted)) + "); give them with variables");
      converted = converted.replaceAll("-X\\s+\\S*\\{\\{[^}]*}}\\S*", "").replaceAll("\\s+", " ").trim();
    }
    core.add(platformsVariable(platforms));
    core.add(goBuild(binary, build.path("main").asText("."), texts(build.path("env")), converted));
    core.add(binaryArtifact(binary));
    if (g.path("before").path("hooks").size() > 0) {
      s.notConverted("before.hooks: " + String.join("; ", texts(g.path("before").path("hooks")))
          + " (run them before fanout apply, or as build blocks)");
    }

    String archive = GoreleaserArchives.block(g.path("archives"), file.toAbsolutePath().getParent(), name, binary, platforms, s);
    if (archive != null) {
      core.add(archive);
    }

    JsonNode release = g.path("release");
    String repo = release.path("github").has("owner")
        ? release.path("github").path("owner").asText() + "/" + release.path("github").path("name").asText(name)
        : repository;
    String checksums = g.path("checksum").path("disable").asBoolean(false) ? null
        : template(g.path("checksum").path("name_template").asText("{{ .ProjectName }}_{{ .Version }}_checksums.txt"), name);
    boolean prerelease = release.path("prerelease").asText("").equals("true");
    if (release.path("prerelease").asText("").equals("auto")) {
      s.notConverted("release.prerelease: auto (set prerelease = true on the github_release block for a pre-release)");
    }
    String assets = archive != null ? "artifact.archive" : "artifact.binary";
    String hub = githubRelease(repo, name, release.path("draft").asBoolean(false), prerelease, assets);
    if (checksums != null) {
      hub = hub.replace("  assets     = " + assets + "\n", "  assets     = " + assets + "\n  checksums  = \""
          + checksums.replace("\"", "") + "\"\n");
    }
    s.block(hub);
    s.provider("github");

    String description = null;
    String homepage = null;
    String license = null;
    for (JsonNode brew : g.path("brews")) {
      s.block("homebrew \"" + ProjectScan.label(brew.path("name").asText(name)) + "\" {\n  repository = \""
          + ownerName(brew.has("repository") ? brew.path("repository") : brew.path("tap"), "homebrew-tap")
          + "\"\n  assets     = github_release.main.assets\n}");
      description = first(description, brew.path("description").asText(null));
      homepage = first(homepage, brew.path("homepage").asText(null));
      license = first(license, brew.path("license").asText(null));
    }
    for (JsonNode scoop : g.path("scoops")) {
      s.block("scoop \"" + ProjectScan.label(scoop.path("name").asText(name)) + "\" {\n  repository = \""
          + ownerName(scoop.has("repository") ? scoop.path("repository") : scoop.path("bucket"), "scoop-bucket")
          + "\"\n  assets     = github_release.main.assets\n}");
      description = first(description, scoop.path("description").asText(null));
      homepage = first(homepage, scoop.path("homepage").asText(null));
      license = first(license, scoop.path("license").asText(null));
    }
    for (JsonNode w : g.path("winget")) {
      String publisher = w.path("publisher").asText(name);
      String id = w.path("package_identifier").asText(publisher.replace(" ", "") + "." + w.path("name").asText(name));
      s.block("winget \"" + ProjectScan.label(w.path("name").asText(name)) + "\" {\n  identifier = \"" + id
          + "\"\n  publisher  = \"" + publisher + "\"\n  assets     = github_release.main.assets\n}");
      license = first(license, w.path("license").asText(null));
    }
    for (JsonNode aur : g.path("aurs")) {
      s.block("aur \"" + ProjectScan.label(aur.path("name").asText(name)) + "\" {\n  package = \""
          + aur.path("name").asText(name + "-bin") + "\"\n  assets  = github_release.main.assets\n}");
      s.provider("aur");
    }
    for (JsonNode nix : g.path("nix")) {
      s.block("nix \"" + ProjectScan.label(nix.path("name").asText(name)) + "\" {\n  pname  = \""
          + nix.path("name").asText(name) + "\"\n  assets = github_release.main.assets\n}");
    }
    int images = 0;
    for (JsonNode docker : g.path("dockers")) {
      List<String> templates = texts(docker.path("image_templates"));
      if (templates.isEmpty() || images++ > 0) {
        continue;
      }
      String image = templates.get(0).replaceAll(":[^/]*$", "").replaceFirst("^[^/]+\\.[^/]+/", "");
      Set<String> tags = new LinkedHashSet<>();
      templates.forEach(t -> tags.add(template(t.substring(t.lastIndexOf(':') + 1), name)));
      s.block("docker \"" + ProjectScan.label(image.substring(image.lastIndexOf('/') + 1)) + "\" {\n  repository = \""
          + image + "\"\n  binaries   = { for key, binary in artifact.binary : key => binary if binary.os == \"linux\" }\n"
          + "  tags       = [" + String.join(", ", tags.stream().map(t -> "\"" + t + "\"").toList()) + "]\n}");
      s.provider("docker");
      if (docker.has("dockerfile")) {
        s.notConverted("dockers.dockerfile: Fanout layers the binary on an empty image; "
            + docker.path("dockerfile").asText() + " is not used");
      }
    }
    for (JsonNode snap : g.path("snapcrafts")) {
      s.block("snap \"" + ProjectScan.label(snap.path("name").asText(name)) + "\" {\n  name     = \""
          + snap.path("name").asText(name) + "\"\n  binaries = { for key, binary in artifact.binary : key => binary if"
          + " binary.os == \"linux\" }\n  channels = [\"" + (snap.path("grade").asText("stable").equals("devel") ? "edge"
          : "stable") + "\"]\n}");
      s.provider("snap");
    }
    for (JsonNode choco : g.path("chocolateys")) {
      s.block("chocolatey \"" + ProjectScan.label(choco.path("name").asText(name)) + "\" {\n  package_id = \""
          + choco.path("name").asText(name) + "\"\n  assets     = github_release.main.assets\n  authors    = \""
          + choco.path("authors").asText(choco.path("owners").asText(name)) + "\"\n}");
      s.provider("chocolatey");
    }
    g.fieldNames().forEachRemaining(field -> {
      if (!CONVERTED.contains(field)) {
        s.notConverted(field + ": not supported by Fanout");
      }
    });

    StringBuilder r = new StringBuilder("release \"" + name + "\" {\n  version = trimprefix(git_tag(), \"v\")\n");
    if (description != null) {
      r.append("  description = \"").append(description.replace("\"", "'")).append("\"\n");
    }
    if (homepage != null) {
      r.append("  homepage = \"").append(homepage).append("\"\n");
    }
    if (license != null) {
      r.append("  license = \"").append(license).append("\"\n");
    }
    r.append("}");
    String header = "# Converted by fanout init from " + file.getFileName() + "; see the list it printed for what\n"
        + "# was not converted. Check it with: fanout validate . && fanout plan . --sandbox";
    return new ProjectScan.Result(s.text(header, r.toString(), core), s);
  }

  /** os-arch pairs: goos x goarch without ignored pairs and pairs Go cannot build (darwin/386). */
  static List<String> platforms(JsonNode build) {
    List<String> goos = build.has("goos") ? texts(build.path("goos")) : DEFAULT_GOOS;
    List<String> goarch = build.has("goarch") ? texts(build.path("goarch")) : DEFAULT_GOARCH;
    Set<String> ignored = new LinkedHashSet<>(List.of("darwin-386", "darwin-arm"));
    for (JsonNode i : build.path("ignore")) {
      ignored.add(i.path("goos").asText() + "-" + i.path("goarch").asText());
    }
    List<String> out = new ArrayList<>();
    for (String os : goos) {
      for (String arch : goarch) {
        if (!ignored.contains(os + "-" + arch)) {
          out.add(os + "-" + arch);
        }
      }
    }
    return out;
  }

  static String platformsVariable(List<String> pairs) {
    StringBuilder s = new StringBuilder("variable \"platforms\" {\n  type    = list(object({ os = string, arch = string }))\n"
        + "  default = [\n");
    for (String p : pairs) {
      String[] osArch = p.split("-", 2);
      s.append("    { os = \"").append(osArch[0]).append("\", arch = \"").append(osArch[1]).append("\" },\n");
    }
    return s.append("  ]\n}").toString();
  }

  static String goBuild(String binary, String main, List<String> env, String ldflags) {
    String out = "dist/" + binary + "-${each.os}-${each.arch}${each.os == \"windows\" ? \".exe\" : \"\"}";
    StringBuilder e = new StringBuilder("GOOS = each.os, GOARCH = each.arch");
    boolean cgo = false;
    for (String kv : env) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).matches("[A-Z_][A-Z0-9_]*") && !kv.contains("{{")) {
        e.append(", ").append(kv, 0, eq).append(" = \"").append(kv.substring(eq + 1).replace("\"", "")).append('"');
        cgo |= kv.startsWith("CGO_ENABLED=");
      }
    }
    if (!cgo) {
      e.append(", CGO_ENABLED = \"0\"");
    }
    return "build \"binaries\" {\n  for_each = var.platforms\n  command  = [\"go\", \"build\", \"-trimpath\", \"-ldflags\", \""
        + ldflags.replace("\"", "\\\"") + "\", \"-o\", \"" + out + "\", \"" + main + "\"]\n  env      = { " + e
        + " }\n  output   = \"" + out + "\"\n}";
  }

  static String binaryArtifact(String binary) {
    return "artifact \"binary\" {\n  for_each = var.platforms\n  os       = each.os\n  arch     = each.arch\n"
        + "  sources  = [build.binaries[each.key].output]\n}";
  }

  static String githubRelease(String repository, String name, boolean draft, boolean prerelease, String assets) {
    return "# The hub: manifests point at its asset URLs.\ngithub_release \"main\" {\n  repository = \""
        + (repository == null ? "OWNER/" + name : repository) + "\"\n  tag        = \"v${release.version}\"\n"
        + "  assets     = " + assets + "\n" + (draft ? "  draft      = true\n" : "")
        + (prerelease ? "  prerelease = true\n" : "") + "}";
  }

  /** GoReleaser's version templates in the release language; others are left for the caller to report. */
  static String template(String text, String name) {
    return text.replaceAll("\\{\\{\\s*\\.Version\\s*}}", "\\${release.version}")
        .replaceAll("\\{\\{\\s*\\.Tag\\s*}}", "v\\${release.version}")
        .replaceAll("\\{\\{\\s*\\.ProjectName\\s*}}", java.util.regex.Matcher.quoteReplacement(name));
  }

  private static List<String> unconverted(String text) {
    List<String> out = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{[^}]*}}").matcher(text);
    while (m.find()) {
      out.add(m.group().replaceAll("\\s+", ""));
    }
    return out.stream().distinct().toList();
  }

  private static String ownerName(JsonNode repo, String fallback) {
    return repo.path("owner").asText("OWNER") + "/" + repo.path("name").asText(fallback);
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  private static List<String> texts(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else if (n.isTextual()) {
      out.add(n.asText());
    }
    return out;
  }
}
