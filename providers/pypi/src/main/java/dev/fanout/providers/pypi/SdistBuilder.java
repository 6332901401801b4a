package dev.fanout.providers.pypi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A source distribution holding only the launcher: there is no source to build the binary
 * from, so on a platform without a wheel the command says where to get the binary.
 * Reproducible: sorted entries, mtime 0, fixed owner.
 */
final class SdistBuilder {

  private SdistBuilder() {
  }

  static String filename(WheelBuilder.Metadata meta) {
    return PypiNames.fileName(meta.name()) + "-" + PypiNames.version(meta.version()) + ".tar.gz";
  }

  static byte[] build(WheelBuilder.Metadata meta, String entryPoint) throws IOException {
    String module = PypiNames.fileName(meta.name());
    String root = module + "-" + PypiNames.version(meta.version()) + "/";
    Map<String, String> files = new TreeMap<>();
    files.put(root + "PKG-INFO", WheelBuilder.metadata(meta));
    files.put(root + "pyproject.toml", "[build-system]\nrequires = [\"setuptools>=61\"]\n"
        + "build-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"" + meta.name() + "\"\n"
        + "version = \"" + PypiNames.version(meta.version()) + "\"\n"
        + "description = \"" + meta.summary().replace("\"", "'") + "\"\nrequires-python = \">=3.7\"\n\n"
        + "[project.scripts]\n" + entryPoint + " = \"" + module + ":main\"\n");
    files.put(root + module + "/__init__.py", "\"\"\"No prebuilt binary exists for this platform.\"\"\"\n"
        + "import sys\n\n\ndef main():\n    sys.stderr.write(\"" + meta.name() + ": no prebuilt binary for this platform; see "
        + (meta.homepage() == null ? "the project page" : meta.homepage()) + "\\n\")\n    raise SystemExit(1)\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> e : files.entrySet()) {
        byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(data.length);
        entry.setMode(0100644);
        entry.setModTime(0);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }
}
