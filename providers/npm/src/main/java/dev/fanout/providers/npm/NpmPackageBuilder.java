package dev.fanout.providers.npm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.model.Release;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Builds the npm packages of a publication from its binaries, reproducibly: the same inputs
 * give the same bytes, so the integrity in a plan matches the one the registry shows.
 *
 * <p>Two layouts. {@code bundled}: one package with every platform's binary under
 * {@code bin/<os>-<arch>/} and a Node launcher {@code bin/<launcher>.js} that runs the right
 * one. {@code optional} (as esbuild does): one package per platform, {@code <name>-<os>-<arch>}
 * with {@code os}/{@code cpu} so npm installs only the matching one, and a main package that
 * lists them as {@code optionalDependencies} and holds the launcher.
 *
 * <p>Or, with {@code directory} instead of {@code binaries}, a package folder packed as it is
 * ({@link NpmFolder}), at the release's version.
 */
public final class NpmPackageBuilder {

  /** The mtime npm itself gives every entry of a packed tarball. */
  static final FileTime NPM_MTIME = FileTime.from(Instant.parse("1985-10-26T08:15:00Z"));
  static final int FILE_MODE = 0100644;
  static final int EXEC_MODE = 0100755;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DefaultPrettyPrinter NPM_STYLE = npmStyle();

  private final Publication publication;
  private final Release release;
  private final ArtifactStore artifacts;
  private final Path configDir;

  public NpmPackageBuilder(Publication publication, Release release, ArtifactStore artifacts) {
    this(publication, release, artifacts, Path.of("").toAbsolutePath());
  }

  /** @param configDir the folder of the release files, which {@code directory} is relative to */
  public NpmPackageBuilder(Publication publication, Release release, ArtifactStore artifacts, Path configDir) {
    this.publication = publication;
    this.release = release;
    this.artifacts = artifacts;
    this.configDir = configDir;
  }

  /**
   * The package folder of a {@code directory} publication, or null for a {@code binaries} one;
   * exactly one of the two must be set.
   */
  public static String directory(Publication publication) {
    boolean binaries = publication.attributes().get("binaries") != null;
    String directory = publication.string("directory");
    if (binaries == (directory != null)) {
      throw new IllegalArgumentException(publication + ": set exactly one of 'binaries' (the release's binaries with "
          + "a launcher) or 'directory' (a package folder published as it is); " + (binaries ? "both are" : "neither is")
          + " set");
    }
    if (directory != null) {
      for (String attribute : List.of("launcher", "mode", "description", "keywords")) {
        if (publication.attributes().get(attribute) != null) {
          throw new IllegalArgumentException(publication + ": '" + attribute + "' applies to 'binaries' only; with "
              + "'directory', package.json says it");
        }
      }
    }
    return directory;
  }

  /** The package name the publication declares. */
  public static String packageName(Publication publication) {
    String name = publication.string("package");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(publication + ": attribute 'package' is required");
    }
    if (!NpmNames.isValid(name)) {
      throw new IllegalArgumentException(publication + ": '" + name + "' is not a valid npm package name");
    }
    return name;
  }

  public static String mode(Publication publication) {
    String mode = publication.string("mode", "bundled");
    if (!mode.equals("bundled") && !mode.equals("optional")) {
      throw new IllegalArgumentException(publication + ": mode must be \"bundled\" or \"optional\", not \"" + mode + "\"");
    }
    return mode;
  }

  public static List<String> distTags(Publication publication) {
    List<Object> tags = publication.list("dist_tags");
    return tags.isEmpty() ? List.of("latest") : tags.stream().map(String::valueOf).toList();
  }

  /** The packages to publish, in publish order: platform packages before the main one that needs them. */
  public List<NpmTarball> build() throws IOException {
    String name = packageName(publication);
    if (directory(publication) != null) {
      return List.of(folder(name));
    }
    String launcher = publication.string("launcher", NpmNames.bareName(name));
    List<Binary> binaries = binaries(launcher);
    if (mode(publication).equals("bundled")) {
      return List.of(bundled(name, launcher, binaries));
    }
    List<NpmTarball> out = new ArrayList<>();
    Map<String, Object> optional = new LinkedHashMap<>();
    for (Binary b : binaries) {
      String platformName = name + "-" + b.platform();
      optional.put(platformName, release.version());
      out.add(platformPackage(platformName, b));
    }
    out.add(optionalMain(name, launcher, binaries, optional));
    return out;
  }

  /** The package names {@link #build} makes, in the same order, without reading any file. */
  public List<String> packageNames() {
    String name = packageName(publication);
    if (directory(publication) != null || mode(publication).equals("bundled")) {
      return List.of(name);
    }
    List<String> out = new ArrayList<>();
    for (Binary b : binaries(publication.string("launcher", NpmNames.bareName(name)))) {
      out.add(name + "-" + b.platform());
    }
    out.add(name);
    return out;
  }

  private record Binary(String os, String arch, String fileName, Optional<Path> file) {
    String platform() {
      return os + "-" + arch;
    }
  }

  private List<Binary> binaries(String launcher) {
    List<Address> refs = publication.artifacts("binaries");
    if (refs.isEmpty()) {
      throw new IllegalArgumentException(publication + ": attribute 'binaries' names no artifact");
    }
    Map<String, Binary> byPlatform = new TreeMap<>();
    for (Address ref : refs) {
      Artifact artifact = artifacts.artifact(ref);
      if (artifact == null || artifact.os() == null || artifact.arch() == null) {
        throw new IllegalArgumentException(publication + ": binaries must be artifacts with os and arch; " + ref + " is not");
      }
      String file = artifact.os().equals("windows") ? launcher + ".exe" : launcher;
      Binary b = new Binary(artifact.os(), artifact.arch(), file, artifacts.file(ref));
      if (byPlatform.put(b.platform(), b) != null) {
        throw new IllegalArgumentException(publication + ": two binaries for " + b.platform());
      }
    }
    return List.copyOf(byPlatform.values());
  }

  private NpmTarball bundled(String name, String launcher, List<Binary> binaries) throws IOException {
    Map<String, Object> manifest = commonManifest(name);
    manifest.put("bin", Map.of(launcher, "bin/" + launcher + ".js"));
    Map<String, Entry> files = new TreeMap<>();
    List<String> platforms = binaries.stream().map(Binary::platform).toList();
    files.put("bin/" + launcher + ".js", text(NpmLauncher.bundled(launcher, platforms), EXEC_MODE));
    boolean complete = true;
    for (Binary b : binaries) {
      if (b.file().isEmpty()) {
        complete = false;
        continue;
      }
      files.put("bin/" + b.platform() + "/" + b.fileName(), new Entry(Files.readAllBytes(b.file().get()), EXEC_MODE));
    }
    return finish(name, manifest, complete ? files : null);
  }

  /**
   * The folder's package at the release's version: the release is the single source of truth,
   * so a package.json that says another version is packed with the release's (as the crates
   * provider does with Cargo.toml), and {@link #versionNote} tells the user.
   */
  private NpmTarball folder(String name) throws IOException {
    Path dir = configDir.resolve(directory(publication));
    NpmFolder folder = NpmFolder.read(dir);
    if (!name.equals(folder.name())) {
      throw new IllegalArgumentException(publication + ": package = \"" + name + "\" but " + dir
          + "/package.json names \"" + folder.name() + "\"");
    }
    if (folder.isPrivate()) {
      throw new IllegalArgumentException(publication + ": " + dir + "/package.json is \"private\": true, which npm "
          + "refuses to publish");
    }
    Map<String, Object> manifest = new LinkedHashMap<>(
        NpmLocalDependencies.rewritten(folder.manifest(), dir, release.version()));
    byte[] packageJson = folder.packageJson();
    if (!release.version().equals(folder.version()) || !manifest.equals(folder.manifest())) {
      manifest.put("version", release.version());
      packageJson = json(manifest).getBytes(StandardCharsets.UTF_8);
    }
    Map<String, Entry> files = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : folder.contents(packageJson).entrySet()) {
      files.put(e.getKey(), new Entry(e.getValue(), folder.mode(e.getKey())));
    }
    byte[] tgz = tarball(files);
    return new NpmTarball(name, release.version(), NpmNames.tarballFile(name, release.version()), tgz, integrity(tgz),
        shasum(tgz), manifest);
  }

  /**
   * For a {@code directory} publication whose package.json says another version than the
   * release: a note for the report that the release's version was published. Null otherwise.
   */
  public String versionNote() throws IOException {
    String directory = directory(publication);
    if (directory == null) {
      return null;
    }
    NpmFolder folder = NpmFolder.read(configDir.resolve(directory));
    String declared = folder.version();
    List<String> notes = new ArrayList<>();
    if (!release.version().equals(declared)) {
      notes.add(directory + "/package.json says version " + declared + "; published as the release's "
          + release.version());
    }
    List<String> locals = NpmLocalDependencies.notes(folder.manifest(), configDir.resolve(directory), release.version());
    if (!locals.isEmpty()) {
      notes.add("local dependencies published as versions of this release, as pnpm and yarn do: "
          + String.join(", ", locals));
    }
    return notes.isEmpty() ? null : String.join("; ", notes);
  }

  private NpmTarball platformPackage(String platformName, Binary b) throws IOException {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("name", platformName);
    manifest.put("version", release.version());
    manifest.put("description", "The " + b.platform() + " binary for " + packageName(publication));
    putIfSet(manifest, "license", release.license());
    manifest.put("os", List.of(nodePlatform(b.os())));
    manifest.put("cpu", List.of(nodeArch(b.arch())));
    Map<String, Entry> files = new TreeMap<>();
    if (b.file().isPresent()) {
      files.put("bin/" + b.fileName(), new Entry(Files.readAllBytes(b.file().get()), EXEC_MODE));
    }
    return finish(platformName, manifest, b.file().isPresent() ? files : null);
  }

  private NpmTarball optionalMain(String name, String launcher, List<Binary> binaries,
      Map<String, Object> optional) throws IOException {
    Map<String, Object> manifest = commonManifest(name);
    manifest.put("bin", Map.of(launcher, "bin/" + launcher + ".js"));
    manifest.put("optionalDependencies", optional);
    Map<String, Entry> files = new TreeMap<>();
    List<String> platforms = binaries.stream().map(Binary::platform).toList();
    files.put("bin/" + launcher + ".js", text(NpmLauncher.optional(name, launcher, platforms), EXEC_MODE));
    return finish(name, manifest, files);
  }

  private Map<String, Object> commonManifest(String name) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("name", name);
    manifest.put("version", release.version());
    putIfSet(manifest, "description", publication.string("description", release.description()));
    List<Object> keywords = publication.list("keywords");
    if (!keywords.isEmpty()) {
      manifest.put("keywords", keywords.stream().map(String::valueOf).toList());
    }
    putIfSet(manifest, "homepage", release.homepage());
    putIfSet(manifest, "license", release.license());
    return manifest;
  }

  private NpmTarball finish(String name, Map<String, Object> manifest, Map<String, Entry> files) throws IOException {
    String fileName = NpmNames.tarballFile(name, release.version());
    if (files == null) {
      return new NpmTarball(name, release.version(), fileName, null, null, null, manifest);
    }
    files.put("package.json", text(json(manifest), FILE_MODE));
    files.put("README.md", text(readme(manifest), FILE_MODE));
    byte[] tgz = tarball(files);
    return new NpmTarball(name, release.version(), fileName, tgz, integrity(tgz), shasum(tgz), manifest);
  }

  private static String readme(Map<String, Object> manifest) {
    String name = (String) manifest.get("name");
    Object description = manifest.get("description");
    return "# " + name + "\n\n" + (description == null ? "" : description + "\n\n")
        + "```\nnpm install -g " + name + "\n```\n";
  }

  private record Entry(byte[] content, int mode) { }

  private static Entry text(String s, int mode) {
    return new Entry(s.getBytes(StandardCharsets.UTF_8), mode);
  }

  /** A gzipped tar with every entry under {@code package/}, sorted, owned by root, at npm's fixed mtime. */
  private static byte[] tarball(Map<String, Entry> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    GzipParameters gzip = new GzipParameters();
    gzip.setModificationTime(0);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes, gzip))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Map.Entry<String, Entry> e : new TreeMap<>(files).entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry("package/" + e.getKey());
        entry.setMode(e.getValue().mode());
        entry.setSize(e.getValue().content().length);
        entry.setLastModifiedTime(NPM_MTIME);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        tar.write(e.getValue().content());
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return bytes.toByteArray();
  }

  /** {@code sha512-<base64>}: npm's Subresource Integrity string. */
  public static String integrity(byte[] bytes) {
    return "sha512-" + Digests.base64("SHA-512", bytes);
  }

  public static String shasum(byte[] bytes) {
    return Digests.hex("SHA-1", bytes);
  }

  /** package.json as npm writes it: two-space indent, {@code "key": value}, a final newline. */
  static String json(Object value) {
    try {
      return JSON.writer(NPM_STYLE).writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON-serialisable: " + value, e);
    }
  }

  private static DefaultPrettyPrinter npmStyle() {
    DefaultIndenter indent = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""));
    printer.indentObjectsWith(indent);
    printer.indentArraysWith(indent);
    return printer;
  }

  private static void putIfSet(Map<String, Object> map, String key, String value) {
    if (value != null && !value.isBlank()) {
      map.put(key, value);
    }
  }

  /** Node's {@code process.platform} for a release os; npm's {@code os} field uses it. */
  static String nodePlatform(String os) {
    return switch (os) {
      case "windows" -> "win32";
      default -> os;
    };
  }

  /** Node's {@code process.arch} for a release arch; npm's {@code cpu} field uses it. */
  static String nodeArch(String arch) {
    return switch (arch) {
      case "amd64" -> "x64";
      case "386" -> "ia32";
      default -> arch;
    };
  }
}
