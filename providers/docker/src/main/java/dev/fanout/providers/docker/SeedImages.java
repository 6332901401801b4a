package dev.fanout.providers.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Base images the sandbox registry holds from the start, so that {@code base = "alpine:3.20"}
 * resolves there as it does on Docker Hub: small, in the real format (gzip tar layers, OCI
 * config with {@code rootfs.diff_ids}, a two-platform index), not the real contents.
 * {@code alpine:3.20} has {@code /bin/sh}; {@code distroless/static} has none, as its
 * namesake, for the script-without-a-shell warning. {@code eclipse-temurin:17-jre} is shaped
 * as its namesake for a jar layered on it ({@code JAVA_HOME=/opt/java/openjdk}, its
 * {@code bin} first on {@code PATH}); its {@code java} is a placeholder file that says so, not
 * a JVM: sandbox images are never run.
 */
final class SeedImages {

  private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** A seeded image: repository, tag, the files of its one layer (path to content; a null content is a folder) and its environment. */
  record Seed(String repository, String tag, Map<String, String> files, List<String> env) {
    Seed(String repository, String tag, Map<String, String> files) {
      this(repository, tag, files, List.of(PATH));
    }
  }

  static final List<Seed> SEEDS = List.of(
      new Seed("library/alpine", "3.20", files("bin/", null, "bin/sh", "#!busybox placeholder\n",
          "etc/", null, "etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n")),
      new Seed("distroless/static", "latest", files("etc/", null, "etc/passwd",
          "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")),
      new Seed("library/eclipse-temurin", "17-jre", files("bin/", null, "bin/sh", "#!busybox placeholder\n",
          "etc/", null, "etc/os-release", "NAME=\"Ubuntu\"\nID=ubuntu\nVERSION_ID=\"24.04\"\n",
          "opt/", null, "opt/java/", null, "opt/java/openjdk/", null, "opt/java/openjdk/bin/", null,
          "opt/java/openjdk/bin/java", "#!placeholder: the sandbox's stand-in for Eclipse Temurin's java, not a JVM\n"),
          List.of("PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              "JAVA_HOME=/opt/java/openjdk", "LANG=en_US.UTF-8", "LANGUAGE=en_US:en", "LC_ALL=en_US.UTF-8",
              "JAVA_VERSION=jdk-17.0.12+7")));

  private SeedImages() {
  }

  /** Stores every seed not stored yet; a sandbox's own pushes over a seed's tag are kept. */
  static void seed(OciStorage storage) throws IOException {
    for (Seed seed : SEEDS) {
      if (storage.tag(seed.repository(), seed.tag()) != null) {
        continue;
      }
      ImageBuilder.MultiArchImage image = image(seed);
      for (ImageBuilder.PlatformImage platform : image.images()) {
        List<ImageBuilder.Blob> blobs = new ArrayList<>(platform.layers());
        blobs.add(platform.config());
        for (ImageBuilder.Blob blob : blobs) {
          storage.putBlob(blob.digest(), blob.content());
          storage.link(seed.repository(), blob.digest());
        }
        storage.putManifest(seed.repository(), platform.manifest().digest(), platform.manifest().mediaType(),
            platform.manifest().content());
      }
      storage.putManifest(seed.repository(), image.index().digest(), image.index().mediaType(), image.index().content());
      storage.putTag(seed.repository(), seed.tag(), image.index().digest());
    }
  }

  static ImageBuilder.MultiArchImage image(Seed seed) throws IOException {
    byte[] tar = tar(seed.files());
    ImageBuilder.Blob layer = ImageBuilder.blob(MediaTypes.OCI_LAYER_GZIP, ImageBuilder.gzip(tar));
    List<ImageBuilder.PlatformImage> images = new ArrayList<>();
    for (String arch : List.of("amd64", "arm64")) {
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("created", ImageBuilder.EPOCH);
      config.put("architecture", arch);
      config.put("os", "linux");
      config.put("config", Map.of("Env", seed.env()));
      config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(OciStorage.sha256(tar))));
      config.put("history", List.of(Map.of("created", ImageBuilder.EPOCH, "created_by", "fanout sandbox seed " + seed.repository())));
      ImageBuilder.Blob configBlob = ImageBuilder.blob(MediaTypes.OCI_CONFIG, ImageBuilder.json(config));
      images.add(new ImageBuilder.PlatformImage("linux", arch, null, configBlob, List.of(), List.of(layer),
          ImageBuilder.manifest(configBlob, List.of(layer.descriptor()))));
    }
    return ImageBuilder.index(images);
  }

  private static Map<String, String> files(String... pathsAndContents) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      files.put(pathsAndContents[i], pathsAndContents[i + 1]);
    }
    return files;
  }

  private static byte[] tar(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        byte[] content = f.getValue() == null ? new byte[0] : f.getValue().getBytes(StandardCharsets.UTF_8);
        ImageBuilder.fixed(e, f.getValue() == null ? 040755 : f.getKey().startsWith("bin/") || f.getKey().contains("/bin/") ? 0100755 : 0100644);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return bytes.toByteArray();
  }
}
