package dev.fanout.providers.docker;

import dev.fanout.provider.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A script (a file starting with {@code #!}) made the command of an image that lacks its
 * interpreter cannot run: the container exits with "no such file or directory", which names
 * the script, not the missing {@code /bin/sh}. Found before the push and said as a warning.
 */
final class ScriptCheck {

  private ScriptCheck() {
  }

  /** The interpreter a script names ({@code /bin/sh}, {@code /usr/bin/env}), or null for a file that is no script. */
  static String interpreter(byte[] file) {
    if (file.length < 3 || file[0] != '#' || file[1] != '!') {
      return null;
    }
    int end = 2;
    while (end < file.length && end < 256 && file[end] != '\n') {
      end++;
    }
    String line = new String(file, 2, end - 2, StandardCharsets.UTF_8).trim();
    return line.isEmpty() ? null : line.split("\\s+")[0];
  }

  /**
   * The warning for a script whose interpreter the image lacks, or null. The base's layers are
   * read only here, and only for a script: a binary needs nothing from them.
   */
  static String warning(String binaryName, byte[] file, BaseImage base, BaseImage.Platform below)
      throws RegistryException, IOException {
    String interpreter = interpreter(file);
    if (interpreter == null) {
      return null;
    }
    if (base == null) {
      return binaryName + " is a script (#!" + interpreter + ") and the image is FROM scratch, which has no "
          + interpreter + ": it will not run; set 'base' to an image with a shell, such as alpine:3.20";
    }
    Set<String> paths = new HashSet<>();
    for (BaseImage.Layer layer : below.layers()) {
      paths.addAll(entries(base.blob(layer.digest())));
    }
    if (paths.contains(interpreter.substring(1))) {
      return null;
    }
    return binaryName + " is a script (#!" + interpreter + ") and the base image has no " + interpreter
        + ": it will not run; use a base with a shell, such as alpine:3.20";
  }

  private static Set<String> entries(byte[] layer) throws IOException {
    Set<String> names = new HashSet<>();
    boolean gzip = layer.length > 2 && (layer[0] & 0xff) == 0x1f && (layer[1] & 0xff) == 0x8b;
    try (InputStream raw = gzip ? new GZIPInputStream(new ByteArrayInputStream(layer)) : new ByteArrayInputStream(layer);
        TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName();
        while (name.startsWith("./") || name.startsWith("/")) {
          name = name.substring(name.startsWith("/") ? 1 : 2);
        }
        names.add(name);
      }
    }
    return names;
  }
}
