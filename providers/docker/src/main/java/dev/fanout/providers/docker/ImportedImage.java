package dev.fanout.providers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image another tool built ({@code image = "path"}), read as it lies so that its digests
 * are the ones that tool made: an OCI image layout folder (buildah, skopeo, kaniko, Jib,
 * {@code nix build}), the same folder in a tar ({@code oci-archive}), or a {@code docker save}
 * tarball ({@code manifest.json} naming each image's config and layer files).
 *
 * <p>A {@code docker save} tarball has no manifest, only a config and uncompressed layers: the
 * manifest is written here (OCI, layers as they are in the tarball, so the config's
 * {@code diff_ids} still name them), and several images in one tarball become an index, one
 * entry per platform their configs name.
 */
final class ImportedImage {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ImportedImage() {
  }

  /** The image at {@code path}, in the shape the provider pushes: per-platform images and the top manifest. */
  static ImageBuilder.MultiArchImage read(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return fromLayout(path, name -> {
        Path file = path.resolve(name);
        return Files.exists(file) ? Files.readAllBytes(file) : null;
      });
    }
    if (!Files.isRegularFile(path)) {
      throw new IOException("image " + path + " does not exist: build it first, or point 'image' at an OCI layout"
          + " folder, an oci-archive or a docker save tarball");
    }
    Map<String, byte[]> entries = untar(path);
    if (entries.containsKey("oci-layout") && entries.containsKey("index.json")) {
      return fromLayout(path, entries::get);
    }
    if (entries.containsKey("manifest.json")) {
      return fromDockerSave(path, entries);
    }
    throw new IOException("image " + path + " is neither an OCI layout (no oci-layout and index.json) nor a docker save"
        + " tarball (no manifest.json)");
  }

  /** Reads a file of the image by its path inside the folder or tarball; null when absent. */
  private interface Files2 {
    byte[] read(String name) throws IOException;
  }

  private static ImageBuilder.MultiArchImage fromLayout(Path source, Files2 files) throws IOException {
    byte[] indexJson = required(source, files, "index.json");
    JsonNode refs = JSON.readTree(indexJson).path("manifests");
    if (refs.size() != 1) {
      List<String> names = new ArrayList<>();
      refs.forEach(r -> names.add(r.path("annotations").path("org.opencontainers.image.ref.name").asText("(unnamed)")));
      throw new IOException("image " + source + ": index.json names " + refs.size() + " images " + names
          + "; an image to push is one entry (a single image, or an index over platforms)");
    }
    JsonNode top = refs.get(0);
    ImageBuilder.Blob topBlob = blob(source, files, top);
    List<ImageBuilder.PlatformImage> images = new ArrayList<>();
    if (MediaTypes.INDEXES.contains(topBlob.mediaType())) {
      for (JsonNode child : JSON.readTree(topBlob.content()).path("manifests")) {
        images.add(platformImage(source, files, blob(source, files, child), child.path("platform")));
      }
    } else {
      images.add(platformImage(source, files, topBlob, top.path("platform")));
    }
    return new ImageBuilder.MultiArchImage(images, topBlob);
  }

  private static ImageBuilder.PlatformImage platformImage(Path source, Files2 files, ImageBuilder.Blob manifest,
      JsonNode platform) throws IOException {
    if (!MediaTypes.MANIFESTS.contains(manifest.mediaType())) {
      throw new IOException("image " + source + ": " + manifest.digest() + " is a " + manifest.mediaType()
          + ", not an image manifest");
    }
    JsonNode doc = JSON.readTree(manifest.content());
    ImageBuilder.Blob config = blob(source, files, doc.path("config"));
    List<ImageBuilder.Blob> layers = new ArrayList<>();
    for (JsonNode layer : doc.path("layers")) {
      layers.add(blob(source, files, layer));
    }
    JsonNode cfg = JSON.readTree(config.content());
    String os = platform.path("os").asText(cfg.path("os").asText("linux"));
    String arch = platform.path("architecture").asText(cfg.path("architecture").asText());
    String variant = platform.path("variant").asText(cfg.path("variant").asText(null));
    return new ImageBuilder.PlatformImage(os, arch, variant, config, List.of(), layers, manifest);
  }

  /** The blob a descriptor names, checked against its digest: a layout edited by hand must not push other bytes. */
  private static ImageBuilder.Blob blob(Path source, Files2 files, JsonNode descriptor) throws IOException {
    String digest = descriptor.path("digest").asText();
    if (!digest.startsWith("sha256:")) {
      throw new IOException("image " + source + ": descriptor digest " + digest + " is not sha256");
    }
    byte[] content = required(source, files, "blobs/sha256/" + digest.substring(7));
    String actual = OciStorage.sha256(content);
    if (!actual.equals(digest)) {
      throw new IOException("image " + source + ": blob " + digest + " holds content whose digest is " + actual
          + "; the layout is damaged, build the image again");
    }
    return new ImageBuilder.Blob(digest, descriptor.path("mediaType").asText(), content);
  }

  private static ImageBuilder.MultiArchImage fromDockerSave(Path source, Map<String, byte[]> entries) throws IOException {
    JsonNode saved = JSON.readTree(entries.get("manifest.json"));
    if (!saved.isArray() || saved.isEmpty()) {
      throw new IOException("image " + source + ": manifest.json names no image");
    }
    List<ImageBuilder.PlatformImage> images = new ArrayList<>();
    for (JsonNode entry : saved) {
      byte[] configBytes = required(source, entries::get, entry.path("Config").asText());
      ImageBuilder.Blob config = ImageBuilder.blob(MediaTypes.OCI_CONFIG, configBytes);
      List<ImageBuilder.Blob> layers = new ArrayList<>();
      List<Object> descriptors = new ArrayList<>();
      for (JsonNode layerPath : entry.path("Layers")) {
        byte[] layer = required(source, entries::get, layerPath.asText());
        ImageBuilder.Blob blob = ImageBuilder.blob(gzipped(layer) ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.OCI_LAYER, layer);
        layers.add(blob);
        descriptors.add(blob.descriptor());
      }
      images.add(savedImage(source, ImageBuilder.manifest(config, descriptors), config, layers));
    }
    if (images.size() == 1) {
      return new ImageBuilder.MultiArchImage(images, images.get(0).manifest());
    }
    return ImageBuilder.index(images);
  }

  private static ImageBuilder.PlatformImage savedImage(Path source, ImageBuilder.Blob manifest,
      ImageBuilder.Blob config, List<ImageBuilder.Blob> layers) throws IOException {
    JsonNode cfg = JSON.readTree(config.content());
    if (cfg.path("architecture").asText().isEmpty()) {
      throw new IOException("image " + source + ": config " + config.digest() + " names no architecture");
    }
    return new ImageBuilder.PlatformImage(cfg.path("os").asText("linux"), cfg.path("architecture").asText(),
        cfg.path("variant").asText(null), config, List.of(), layers, manifest);
  }

  private static byte[] required(Path source, Files2 files, String name) throws IOException {
    byte[] content = files.read(name);
    if (content == null) {
      throw new IOException("image " + source + " lacks " + name + ": it is not a complete image; build it again");
    }
    return content;
  }

  private static boolean gzipped(byte[] data) {
    return data.length > 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
  }

  /** Every file of the tarball by its path ({@code ./} dropped); links resolved to their target's bytes. */
  private static Map<String, byte[]> untar(Path path) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    Map<String, String> links = new HashMap<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = normal(e.getName());
        if (e.isSymbolicLink()) {
          Path parent = Path.of(name).getParent();
          links.put(name, normal((parent == null ? Path.of(e.getLinkName()) : parent.resolve(e.getLinkName()))
              .normalize().toString()));
        } else if (e.isLink()) {
          links.put(name, normal(e.getLinkName()));
        } else if (e.isFile()) {
          files.put(name, tar.readAllBytes());
        }
      }
    }
    links.forEach((name, target) -> {
      if (files.containsKey(target)) {
        files.put(name, files.get(target));
      }
    });
    return files;
  }

  private static String normal(String name) {
    String n = name.replace('\\', '/');
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    return n;
  }
}
