package dev.fanout.providers.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds the release's images without a daemon: one image per Linux architecture holding the
 * binary in a single layer on top of nothing ({@code FROM scratch}), and an OCI index over
 * them. Reproducible: fixed times (the epoch, as jib does), owners and modes, entries in a
 * fixed order, JSON in a fixed key order, so the same binaries give the same digests.
 *
 * <p>Written here with commons-compress rather than jib-core: jib-core is not available to
 * this build offline, and it pushes with its own HTTP client, which would bypass the shared
 * client's retries and credential guard.
 */
final class ImageBuilder {

  static final String EPOCH = "1970-01-01T00:00:00Z";
  // Keys sorted: Map.of iterates in a different order in every JVM, and an image's digest
  // must not depend on which run built it.
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** A content-addressed document or layer. */
  record Blob(String digest, String mediaType, byte[] content) {
    Map<String, Object> descriptor() {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("mediaType", mediaType);
      d.put("digest", digest);
      d.put("size", content.length);
      return d;
    }
  }

  /**
   * One architecture's image.
   *
   * @param baseLayers the base image's layers, below ours; their bytes stay in the base's registry
   * @param layers the layers built here
   */
  record PlatformImage(String os, String architecture, String variant, Blob config, List<BaseImage.Layer> baseLayers,
      List<Blob> layers, Blob manifest) {
    PlatformImage {
      baseLayers = List.copyOf(baseLayers);
      layers = List.copyOf(layers);
    }
  }

  /** Every architecture's image and the index that ties them together under one tag. */
  record MultiArchImage(List<PlatformImage> images, Blob index) {
    MultiArchImage {
      images = List.copyOf(images);
    }

    /**
     * Writes an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/})
     * whose {@code index.json} names the multi-arch index under each tag, for skopeo and for
     * people to look at.
     */
    void writeLayout(Path dir, List<String> tags) throws IOException {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      List<Blob> all = new ArrayList<>();
      for (PlatformImage image : images) {
        all.addAll(image.layers());
        all.add(image.config());
        all.add(image.manifest());
      }
      all.add(index);
      for (Blob b : all) {
        Files.write(dir.resolve("blobs/sha256").resolve(b.digest().substring(7)), b.content());
      }
      List<Map<String, Object>> refs = new ArrayList<>();
      for (String tag : tags) {
        Map<String, Object> d = index.descriptor();
        d.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
        refs.add(d);
      }
      Map<String, Object> top = new LinkedHashMap<>();
      top.put("schemaVersion", 2);
      top.put("mediaType", MediaTypes.OCI_INDEX);
      top.put("manifests", refs);
      Files.write(dir.resolve("index.json"), json(top));
    }
  }

  private ImageBuilder() {
  }

  /**
   * One image: the binary at {@code /usr/local/bin/<binaryName>}, mode 755, owned by root,
   * on top of nothing or of a base image's layers.
   *
   * @param entrypoint the command; empty for the binary itself
   * @param base the base image for this platform, or null for {@code FROM scratch}
   */
  static PlatformImage image(String os, String arch, byte[] binary, String binaryName, List<String> entrypoint,
      Map<String, String> labels, BaseImage.Platform base) throws IOException {
    return image(os, arch, binary, binaryName, new RunConfig(entrypoint, List.of(), Map.of(), labels, null, null, List.of()),
        base);
  }

  /**
   * How the image runs, as the config's {@code config} object says it (Docker's and the OCI
   * image spec's names): what is set here wins over the base's, what is not set is the base's,
   * except the command, which is always the release's own.
   *
   * @param env variables added to the base's, replacing one of the same name
   * @param exposedPorts such as {@code 8080} (TCP) or {@code 53/udp}
   */
  record RunConfig(List<String> entrypoint, List<String> cmd, Map<String, String> env, Map<String, String> labels,
      String user, String workdir, List<String> exposedPorts) {
    RunConfig {
      entrypoint = List.copyOf(entrypoint);
      cmd = List.copyOf(cmd);
      env = new java.util.TreeMap<>(env);
      labels = new java.util.TreeMap<>(labels);
      exposedPorts = List.copyOf(exposedPorts);
    }
  }

  @SuppressWarnings("unchecked")
  static PlatformImage image(String os, String arch, byte[] binary, String binaryName, RunConfig run,
      BaseImage.Platform base) throws IOException {
    List<String> entrypoint = run.entrypoint();
    Map<String, String> labels = run.labels();
    Platform platform = Platform.of(arch);
    byte[] tar = layerTar(binary, binaryName);
    Blob layer = blob(MediaTypes.OCI_LAYER_GZIP, gzip(tar));

    // A base's config carries over (environment, user, working folder, labels); the command is ours.
    Map<String, Object> config = base == null ? new LinkedHashMap<>() : JSON.convertValue(base.config(), LinkedHashMap.class);
    Map<String, Object> runConfig = config.get("config") instanceof Map<?, ?> m
        ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
    List<String> env = new ArrayList<>(runConfig.get("Env") instanceof List<?> l ? (List<String>) l : List.of());
    if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
      env.add(0, PATH_ENV);
    }
    run.env().forEach((name, value) -> {
      env.removeIf(e -> e.startsWith(name + "="));
      env.add(name + "=" + value);
    });
    runConfig.put("Env", env);
    runConfig.put("Entrypoint", entrypoint.isEmpty() ? List.of("/usr/local/bin/" + binaryName) : entrypoint);
    runConfig.remove("Cmd");
    if (!run.cmd().isEmpty()) {
      runConfig.put("Cmd", run.cmd());
    }
    if (run.user() != null) {
      runConfig.put("User", run.user());
    }
    if (run.workdir() != null) {
      runConfig.put("WorkingDir", run.workdir());
    }
    if (!run.exposedPorts().isEmpty()) {
      Map<String, Object> ports = new java.util.TreeMap<>(
          runConfig.get("ExposedPorts") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of());
      run.exposedPorts().forEach(port -> ports.put(port.contains("/") ? port : port + "/tcp", Map.of()));
      runConfig.put("ExposedPorts", ports);
    }
    Map<String, Object> allLabels = new java.util.TreeMap<>(
        runConfig.get("Labels") instanceof Map<?, ?> bl ? (Map<String, Object>) bl : Map.of());
    allLabels.putAll(labels);
    if (!allLabels.isEmpty()) {
      runConfig.put("Labels", allLabels);
    }
    config.put("created", EPOCH);
    config.put("architecture", platform.architecture());
    if (platform.variant() != null) {
      config.put("variant", platform.variant());
    }
    config.put("os", os);
    config.put("config", runConfig);
    List<Object> diffIds = new ArrayList<>();
    List<Object> history = new ArrayList<>();
    if (base != null) {
      base.config().path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
      base.config().path("history").forEach(h -> history.add(JSON.convertValue(h, LinkedHashMap.class)));
    }
    diffIds.add(OciStorage.sha256(tar));
    history.add(Map.of("created", EPOCH, "created_by", "fanout: COPY " + binaryName + " /usr/local/bin/"));
    config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
    config.put("history", history);
    Blob configBlob = blob(MediaTypes.OCI_CONFIG, json(config));

    List<BaseImage.Layer> baseLayers = base == null ? List.of() : base.layers();
    List<Object> layerDescriptors = new ArrayList<>();
    baseLayers.forEach(b -> layerDescriptors.add(b.descriptor()));
    layerDescriptors.add(layer.descriptor());
    return new PlatformImage(os, platform.architecture(), platform.variant(), configBlob, baseLayers, List.of(layer),
        manifest(configBlob, layerDescriptors));
  }

  /** An OCI image manifest naming the config and the layers, bottom first. */
  static Blob manifest(Blob config, List<Object> layerDescriptors) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("config", config.descriptor());
    manifest.put("layers", layerDescriptors);
    return blob(MediaTypes.OCI_MANIFEST, json(manifest));
  }

  /** The index over the images, ordered by platform so that the input order does not matter. */
  static MultiArchImage index(List<PlatformImage> images) throws IOException {
    List<PlatformImage> sorted = new ArrayList<>(images);
    sorted.sort(Comparator.comparing((PlatformImage i) -> i.os() + "/" + i.architecture() + "/"
        + (i.variant() == null ? "" : i.variant())));
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (PlatformImage image : sorted) {
      Map<String, Object> d = image.manifest().descriptor();
      Map<String, Object> platform = new LinkedHashMap<>();
      platform.put("architecture", image.architecture());
      platform.put("os", image.os());
      if (image.variant() != null) {
        platform.put("variant", image.variant());
      }
      d.put("platform", platform);
      manifests.add(d);
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", manifests);
    return new MultiArchImage(sorted, blob(MediaTypes.OCI_INDEX, json(index)));
  }

  /** An OCI platform from the architecture names release files use (Go's, uname's, Rust's). */
  record Platform(String architecture, String variant) {
    static Platform of(String arch) {
      String a = arch == null ? "" : arch.toLowerCase(java.util.Locale.ROOT);
      return switch (a) {
        case "amd64", "x86_64", "x64" -> new Platform("amd64", null);
        case "arm64", "aarch64" -> new Platform("arm64", null);
        case "armv7", "armv7l", "arm", "armhf" -> new Platform("arm", "v7");
        case "armv6", "armel" -> new Platform("arm", "v6");
        case "386", "i386", "i686", "x86" -> new Platform("386", null);
        default -> new Platform(a, null);
      };
    }
  }

  static Blob blob(String mediaType, byte[] content) {
    return new Blob(OciStorage.sha256(content), mediaType, content);
  }

  static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON-serialisable: " + value, e);
    }
  }

  private static byte[] layerTar(byte[] binary, String binaryName) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (String dir : List.of("usr/", "usr/local/", "usr/local/bin/")) {
        TarArchiveEntry e = new TarArchiveEntry(dir);
        fixed(e, 040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
      }
      TarArchiveEntry file = new TarArchiveEntry("usr/local/bin/" + binaryName);
      fixed(file, 0100755);
      file.setSize(binary.length);
      tar.putArchiveEntry(file);
      tar.write(binary);
      tar.closeArchiveEntry();
      tar.finish();
    }
    return bytes.toByteArray();
  }

  static void fixed(TarArchiveEntry e, int mode) {
    e.setMode(mode);
    e.setModTime(0);
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("");
    e.setGroupName("");
  }

  static byte[] gzip(byte[] data) throws IOException {
    // GZIPOutputStream writes a zero mtime and no file name, so the header is always the same.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }
}
