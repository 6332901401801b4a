package dev.fanout.starter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * {@code fanout init}: looks at what a project folder holds (package.json and its workspaces,
 * Cargo.toml and its members, pom.xml and its modules, go.mod, pyproject.toml, a Dockerfile, a
 * GoReleaser configuration) and writes a starter release file with a target for what it can
 * publish today, and a list of what it found but could not set up.
 */
public final class ProjectScan {

  /** The starter file, what was found, and what a person must add by hand. */
  public record Result(String text, Starter starter) { }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TomlMapper TOML = new TomlMapper();

  private final Path dir;
  private final String repository;
  private final Starter starter = new Starter();
  private String version;
  private String versionSource;
  private final List<String> core = new ArrayList<>();

  /**
   * @param repository the GitHub repository, owner/name, when the folder's git remote names one; else null
   */
  public ProjectScan(Path dir, String repository) {
    this.dir = dir;
    this.repository = repository;
  }

  public Result scan() throws IOException {
    String name = dir.toAbsolutePath().normalize().getFileName().toString().toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9-]", "-");
    for (String goreleaser : List.of(".goreleaser.yaml", ".goreleaser.yml", "goreleaser.yaml", "goreleaser.yml")) {
      if (Files.isRegularFile(dir.resolve(goreleaser))) {
        return GoreleaserImport.convert(dir.resolve(goreleaser), repository, name);
      }
    }
    npm();
    cargo();
    maven();
    golang(name);
    if (Files.isRegularFile(dir.resolve("pyproject.toml"))) {
      python(TOML.readTree(dir.resolve("pyproject.toml").toFile()));
    }
    if (Files.isRegularFile(dir.resolve("Dockerfile"))) {
      starter.found("Dockerfile", "a container image");
      starter.notConverted("Dockerfile: the docker block builds images from the release's binaries; building from a"
          + " Dockerfile is not supported yet");
    }
    String release = "release \"" + name + "\" {\n  version = " + (version == null ? "var.version" : version) + "\n}";
    if (version == null) {
      core.add(0, "variable \"version\" {\n  type        = string\n  description = \"The version to release:"
          + " --var version=1.2.3, or version = \\\"1.2.3\\\" in .fanoutvars\"\n}");
    }
    String header = "# A starter release file written by fanout init" + (versionSource == null ? ""
        : "; the version comes from " + versionSource) + ".\n"
        + "# Check it with: fanout validate . && fanout plan . --sandbox\n"
        + "# Every block type is described by `fanout docs TYPE`.";
    return new Result(starter.text(header, release, core), starter);
  }

  private void version(String expression, String source, boolean present) {
    if (version == null && present) {
      version = expression;
      versionSource = source;
    }
  }

  /**
   * A Python project's own wheel and sdist, built by {@code python -m build} (PEP 517) and
   * published as they are. The names assume a pure-Python wheel, as setuptools, hatchling and
   * flit make it; a project with compiled extensions changes the wheel's tags.
   */
  private void python(JsonNode py) {
    String project = py.path("project").path("name").asText("");
    if (project.isEmpty()) {
      starter.found("pyproject.toml", "a Python project without [project] name");
      starter.notConverted("pyproject.toml: no [project] name, so no pypi block");
      return;
    }
    starter.found("pyproject.toml", "Python project " + project);
    version("tomldecode(file(\"pyproject.toml\")).project.version", "pyproject.toml",
        py.path("project").path("version").isTextual());
    String file = project.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "_");
    core.add("# python -m build (pip install build) makes the wheel and the sdist; a wheel with compiled\n"
        + "# extensions has other tags than py3-none-any: change its name below.\n"
        + "build \"python\" {\n  command = [\"python3\", \"-m\", \"build\", \"--outdir\", \"dist\", \".\"]\n"
        + "  outputs = [\"dist/" + file + "-${release.version}-py3-none-any.whl\", \"dist/" + file
        + "-${release.version}.tar.gz\"]\n}");
    core.add("artifact \"wheel\" {\n  name    = \"" + file + "-${release.version}-py3-none-any.whl\"\n"
        + "  sources = [build.python.outputs[0]]\n}");
    core.add("artifact \"sdist\" {\n  name    = \"" + file + "-${release.version}.tar.gz\"\n"
        + "  sources = [build.python.outputs[1]]\n}");
    starter.block("pypi \"" + label(project) + "\" {\n  project = \"" + project + "\"\n"
        + "  files   = [artifact.wheel, artifact.sdist]\n}");
    starter.provider("pypi");
  }

  private void npm() throws IOException {
    Path root = dir.resolve("package.json");
    if (!Files.isRegularFile(root)) {
      return;
    }
    JsonNode pkg = JSON.readTree(root.toFile());
    version("jsondecode(file(\"package.json\")).version", "package.json", pkg.path("version").isTextual());
    List<String> patterns = new ArrayList<>();
    JsonNode workspaces = pkg.path("workspaces").isArray() ? pkg.path("workspaces") : pkg.path("workspaces").path("packages");
    workspaces.forEach(w -> patterns.add(w.asText()));
    List<Path> folders = new ArrayList<>();
    if (patterns.isEmpty()) {
      folders.add(dir);
    } else {
      for (String pattern : patterns) {
        folders.addAll(matching(pattern));
      }
    }
    int published = 0;
    for (Path folder : folders) {
      Path file = folder.resolve("package.json");
      if (!Files.isRegularFile(file)) {
        continue;
      }
      JsonNode p = JSON.readTree(file.toFile());
      if (p.path("private").asBoolean(false) || !p.path("name").isTextual()) {
        continue;
      }
      String packageName = p.path("name").asText();
      String rel = dir.relativize(folder).toString();
      starter.block("npm \"" + label(packageName) + "\" {\n  package   = \"" + packageName + "\"\n  directory = \""
          + (rel.isEmpty() ? "." : rel) + "\"\n}");
      published++;
    }
    starter.found("package.json", published + " npm package" + (published == 1 ? "" : "s")
        + (patterns.isEmpty() ? "" : " in workspaces " + String.join(", ", patterns)));
    if (published > 0) {
      starter.provider("npm");
    }
  }

  private void cargo() throws IOException {
    Path root = dir.resolve("Cargo.toml");
    if (!Files.isRegularFile(root)) {
      return;
    }
    JsonNode manifest = TOML.readTree(root.toFile());
    List<Path> crates = new ArrayList<>();
    if (manifest.has("package")) {
      crates.add(dir);
      version("tomldecode(file(\"Cargo.toml\")).package.version", "Cargo.toml",
          manifest.path("package").path("version").isTextual());
    }
    for (JsonNode member : manifest.path("workspace").path("members")) {
      crates.addAll(matching(member.asText()));
    }
    version("tomldecode(file(\"Cargo.toml\")).workspace.package.version", "Cargo.toml",
        manifest.path("workspace").path("package").path("version").isTextual());
    int published = 0;
    for (Path folder : crates) {
      Path file = folder.resolve("Cargo.toml");
      if (!Files.isRegularFile(file)) {
        continue;
      }
      JsonNode c = TOML.readTree(file.toFile()).path("package");
      if (!c.path("name").isTextual() || c.path("publish").asText("true").equals("false")) {
        continue;
      }
      String rel = dir.relativize(folder).toString();
      starter.block("crates \"" + label(c.path("name").asText()) + "\" {\n  crate = \"" + c.path("name").asText()
          + "\"\n  path  = \"" + (rel.isEmpty() ? "." : rel) + "\"\n}");
      published++;
    }
    starter.found("Cargo.toml", published + " crate" + (published == 1 ? "" : "s"));
    if (published > 0) {
      starter.provider("crates");
    }
  }

  private void maven() throws IOException {
    Path pom = dir.resolve("pom.xml");
    if (!Files.isRegularFile(pom)) {
      return;
    }
    Element project;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      project = f.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    } catch (Exception e) {
      starter.notConverted("pom.xml: cannot be read as XML (" + e.getMessage() + ")");
      return;
    }
    String group = child(project, "groupId");
    if (group == null) {
      Element parent = element(project, "parent");
      group = parent == null ? null : child(parent, "groupId");
    }
    String artifact = child(project, "artifactId");
    String pomVersion = child(project, "version");
    version("\"" + pomVersion + "\"", "pom.xml's version (keep the two in step, or set it from a variable)",
        pomVersion != null && !pomVersion.contains("${"));
    Element modules = element(project, "modules");
    if (modules != null && modules.getElementsByTagName("module").getLength() > 0) {
      starter.found("pom.xml", "a multi-module Maven build");
      starter.notConverted("pom.xml: a multi-module build needs a maven_central block per module; this starter sets up"
          + " the parent's artifact only");
    } else {
      starter.found("pom.xml", "Maven artifact " + group + ":" + artifact);
    }
    core.add("build \"jar\" {\n  command = [\"mvn\", \"-B\", \"-q\", \"package\", \"-DskipTests\"]\n"
        + "  output  = \"target/" + artifact + "-${release.version}.jar\"\n}");
    core.add("artifact \"jar\" {\n  name    = \"" + artifact + "-${release.version}.jar\"\n  sources = [build.jar.output]\n}");
    starter.block("maven_central \"" + label(artifact) + "\" {\n  group    = \"" + group + "\"\n  artifact = \"" + artifact
        + "\"\n  jar      = artifact.jar\n}");
    starter.provider("maven_central");
  }

  private void golang(String name) throws IOException {
    Path mod = dir.resolve("go.mod");
    if (!Files.isRegularFile(mod)) {
      return;
    }
    String module = Files.readAllLines(mod).stream().filter(l -> l.startsWith("module ")).map(l -> l.substring(7).trim())
        .findFirst().orElse(name);
    String binary = module.substring(module.lastIndexOf('/') + 1);
    starter.found("go.mod", "Go module " + module);
    version("trimprefix(git_tag(), \"v\")", "the git tag on HEAD (v1.2.3)", true);
    core.add(GoreleaserImport.platformsVariable(List.of("linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64",
        "windows-amd64")));
    core.add(GoreleaserImport.goBuild(binary, ".", List.of(), "-s -w -X main.version=${release.version}"));
    core.add(GoreleaserImport.binaryArtifact(binary));
    starter.block(GoreleaserImport.githubRelease(repository, name, false, false, "artifact.binary"));
    starter.provider("github");
  }

  /** Folders matching a workspace pattern such as {@code packages/*}, relative to the project. */
  private List<Path> matching(String pattern) throws IOException {
    if (!pattern.contains("*")) {
      return Files.isDirectory(dir.resolve(pattern)) ? List.of(dir.resolve(pattern)) : List.of();
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    int depth = pattern.contains("**") ? 4 : pattern.split("/").length;
    try (Stream<Path> walk = Files.walk(dir, depth)) {
      return walk.filter(Files::isDirectory).filter(p -> !p.toString().contains("node_modules"))
          .filter(p -> matcher.matches(dir.relativize(p))).sorted().toList();
    }
  }

  /** A block label from a package name: {@code @scope/name} becomes {@code scope-name}. */
  static String label(String packageName) {
    String l = packageName.replace("@", "").replaceAll("[^A-Za-z0-9_-]", "-");
    return l.isEmpty() ? "main" : l;
  }

  private static Element element(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static String child(Element parent, String name) {
    Element e = element(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }
}
