package dev.fanout.providers.pypi;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files a {@code pypi} block's {@code files} names: paths and globs relative to the release
 * file ({@code "dist/*.whl"}), and artifacts, such as what a build step made.
 */
final class OwnFiles {

  /** A file the block names: an artifact not built yet has no path. */
  record Named(String label, Path path, Address artifact) { }

  private OwnFiles() {
  }

  /**
   * Every file named, in the order given, globs expanded in name order.
   *
   * @param artifactFile where an artifact's file is, or null when it is not built yet
   */
  static List<Named> of(Publication publication, Path releaseDir, java.util.function.Function<Address, Path> artifactFile)
      throws IOException {
    Map<String, Named> out = new LinkedHashMap<>();
    for (Object o : publication.list("files")) {
      if (o instanceof Ref r && r.address().type().equals("artifact")) {
        Path p = artifactFile.apply(r.address());
        out.putIfAbsent(r.address().toString(), new Named(r.address().toString(), p, r.address()));
      } else if (o instanceof String s) {
        for (Path p : expand(releaseDir, s)) {
          out.putIfAbsent(p.toString(), new Named(releaseDir.relativize(p).toString(), p, null));
        }
      } else {
        throw new IOException("files: " + o + " is neither a path, a glob nor an artifact");
      }
    }
    return new ArrayList<>(out.values());
  }

  private static List<Path> expand(Path releaseDir, String pattern) throws IOException {
    if (!pattern.matches(".*[*?\\[{].*")) {
      Path p = releaseDir.resolve(pattern).normalize();
      if (!Files.isRegularFile(p)) {
        throw new IOException("files: nothing is at \"" + pattern + "\" (" + p + "); build the distributions first,"
            + " or name the build step's artifacts");
      }
      return List.of(p);
    }
    // Walk from the last folder before the first wildcard, matching the whole relative path.
    String[] parts = pattern.split("/");
    Path base = releaseDir;
    int i = 0;
    while (i < parts.length - 1 && !parts[i].matches(".*[*?\\[{].*")) {
      base = base.resolve(parts[i++]);
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    if (!Files.isDirectory(base)) {
      throw new IOException("files: no folder " + releaseDir.relativize(base) + " for \"" + pattern + "\"; build the"
          + " distributions first");
    }
    List<Path> found;
    try (Stream<Path> walk = Files.walk(base)) {
      found = walk.filter(Files::isRegularFile).filter(p -> matcher.matches(releaseDir.relativize(p))).sorted().toList();
    }
    if (found.isEmpty()) {
      throw new IOException("files: \"" + pattern + "\" matches no file under " + base + "; build the distributions first");
    }
    return found;
  }
}
