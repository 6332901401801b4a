package dev.fanout.engine;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The contextlite example as shipped inside the jar, copied out to a folder to run. */
public final class BundledExample {

  private static final String ROOT = "/sandbox/examples/contextlite";

  private BundledExample() {
  }

  /** Copies the example's files into {@code target} and returns it. */
  public static Path extract(Path target) throws IOException {
    URL url = BundledExample.class.getResource(ROOT + "/release.fanout");
    if (url == null) {
      throw new IOException("the contextlite example is not bundled in this build");
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
          copy(fs.getPath(ROOT), target);
        }
      } else {
        copy(Path.of(uri).getParent(), target);
      }
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    return target;
  }

  private static void copy(Path from, Path to) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(from)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      Path dest = to.resolve(from.relativize(f).toString());
      Files.createDirectories(dest.getParent());
      Files.copy(f, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      if (f.getFileName().toString().endsWith(".sh")) {
        dest.toFile().setExecutable(true);
      }
    }
  }
}
