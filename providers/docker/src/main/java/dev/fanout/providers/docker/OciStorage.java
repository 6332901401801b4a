package dev.fanout.providers.docker;

import dev.fanout.provider.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The emulator's content-addressed store, laid out like distribution's filesystem driver:
 * one copy of each blob, and per repository the links that make a blob, a manifest or a tag
 * visible there. Every file is written to a temporary name and moved into place, so a reader
 * never sees half a blob and a restarted sandbox finds exactly what was finished.
 */
final class OciStorage {

  private final Path root;

  OciStorage(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("blobs/sha256"));
    Files.createDirectories(root.resolve("uploads"));
    Files.createDirectories(root.resolve("repositories"));
  }

  static String sha256(byte[] bytes) {
    return "sha256:" + Digests.sha256Hex(bytes);
  }

  // ---- blobs

  Path blobFile(String digest) {
    return root.resolve("blobs/sha256").resolve(hex(digest));
  }

  boolean blobExists(String digest) {
    return Files.isRegularFile(blobFile(digest));
  }

  void putBlob(String digest, byte[] content) throws IOException {
    if (!blobExists(digest)) {
      writeAtomically(blobFile(digest), content);
    }
  }

  byte[] readBlob(String digest) throws IOException {
    return Files.readAllBytes(blobFile(digest));
  }

  boolean linked(String repo, String digest) {
    return Files.isRegularFile(repoDir(repo).resolve("_layers/sha256").resolve(hex(digest)))
        && blobExists(digest);
  }

  void link(String repo, String digest) throws IOException {
    Path link = repoDir(repo).resolve("_layers/sha256").resolve(hex(digest));
    if (!Files.exists(link)) {
      writeAtomically(link, new byte[0]);
    }
  }

  // ---- manifests and tags

  /** The media type the manifest was pushed with, or null when the repository lacks it. */
  String manifestType(String repo, String digest) throws IOException {
    Path revision = repoDir(repo).resolve("_manifests/revisions/sha256").resolve(hex(digest));
    try {
      return Files.readString(revision, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  void putManifest(String repo, String digest, String mediaType, byte[] content) throws IOException {
    putBlob(digest, content);
    writeAtomically(repoDir(repo).resolve("_manifests/revisions/sha256").resolve(hex(digest)),
        mediaType.getBytes(StandardCharsets.UTF_8));
  }

  /** The digest a tag points at, or null. */
  String tag(String repo, String tag) throws IOException {
    try {
      return Files.readString(repoDir(repo).resolve("_manifests/tags").resolve(tag), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  void deleteTag(String repo, String tag) throws IOException {
    Files.deleteIfExists(repoDir(repo).resolve("_manifests/tags").resolve(tag));
  }

  void putTag(String repo, String tag, String digest) throws IOException {
    writeAtomically(repoDir(repo).resolve("_manifests/tags").resolve(tag), digest.getBytes(StandardCharsets.UTF_8));
  }

  boolean repositoryExists(String repo) {
    return Files.isDirectory(repoDir(repo));
  }

  List<String> tags(String repo) throws IOException {
    Path dir = repoDir(repo).resolve("_manifests/tags");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".tmp-")).sorted().forEach(out::add);
    }
    return out;
  }

  // ---- uploads: the data file, and beside it the repository it was started for

  String startUpload(String repo) throws IOException {
    String uuid = UUID.randomUUID().toString();
    Files.write(root.resolve("uploads").resolve(uuid), new byte[0]);
    writeAtomically(root.resolve("uploads").resolve(uuid + ".repo"), repo.getBytes(StandardCharsets.UTF_8));
    return uuid;
  }

  /** The size so far of an upload of {@code repo}, or -1 when there is no such upload. */
  long uploadSize(String repo, String uuid) throws IOException {
    Path owner = root.resolve("uploads").resolve(uuid + ".repo");
    try {
      if (!Files.readString(owner, StandardCharsets.UTF_8).equals(repo)) {
        return -1;
      }
      return Files.size(root.resolve("uploads").resolve(uuid));
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  void appendUpload(String uuid, byte[] chunk) throws IOException {
    Files.write(root.resolve("uploads").resolve(uuid), chunk, StandardOpenOption.APPEND);
  }

  /** The digest of everything uploaded so far. */
  String uploadDigest(String uuid) throws IOException {
    try (InputStream in = Files.newInputStream(root.resolve("uploads").resolve(uuid))) {
      return "sha256:" + Digests.hex("SHA-256", in);
    }
  }

  /** Moves a finished upload into the blob store. */
  void commitUpload(String uuid, String digest) throws IOException {
    Path data = root.resolve("uploads").resolve(uuid);
    if (blobExists(digest)) {
      Files.delete(data);
    } else {
      Files.createDirectories(blobFile(digest).getParent());
      Files.move(data, blobFile(digest), StandardCopyOption.ATOMIC_MOVE);
    }
    Files.deleteIfExists(root.resolve("uploads").resolve(uuid + ".repo"));
  }

  void cancelUpload(String uuid) throws IOException {
    Files.deleteIfExists(root.resolve("uploads").resolve(uuid));
    Files.deleteIfExists(root.resolve("uploads").resolve(uuid + ".repo"));
  }

  private Path repoDir(String repo) {
    // Names are checked against the spec's grammar before they get here: no "..", no empty part.
    return root.resolve("repositories").resolve(repo);
  }

  private static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(".tmp-" + target.getFileName() + "-" + UUID.randomUUID());
    Files.write(tmp, content);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
