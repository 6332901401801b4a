package dev.fanout.providers.pypi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A wheel or sdist the project built itself ({@code python -m build}, hatch, maturin), with
 * the core metadata it carries: the wheel's {@code *.dist-info/METADATA} or the sdist's
 * {@code PKG-INFO}. Its checks are those {@code twine check --strict} and warehouse's upload
 * make, so a file that passes them is one PyPI takes.
 *
 * @param metadata the core metadata's headers, lower-cased, each with its values in order
 * @param description the long description: the metadata's body, or its Description header
 */
record OwnDistribution(String filename, String filetype, String pyversion, byte[] bytes,
    Map<String, List<String>> metadata, String description) {

  /** PEP 427 (and PEP 491's build tag): name-version(-build)?-python-abi-platform.whl. */
  private static final Pattern WHEEL = Pattern.compile(
      "^([^-]+)-([^-]+)(?:-(\\d[^-]*))?-([^-]+)-([^-]+)-([^-]+)\\.whl$");
  /** A tag set: tags joined by '.', each letters, digits and '_' (PEP 425). */
  private static final Pattern TAG_SET = Pattern.compile("^[A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)*$");
  private static final Pattern PYTHON_TAG = Pattern.compile("^(?:py|cp|pp|ip|jy|graalpy)\\d+$");
  /** What warehouse's upload takes (forklift/legacy.py; core metadata spec). */
  static final Set<String> METADATA_VERSIONS = Set.of("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5");
  /** Warehouse refuses other description content types with 400 (forklift/metadata.py). */
  private static final Set<String> CONTENT_TYPES = Set.of("text/plain", "text/x-rst", "text/markdown");

  /** Reads a wheel or a sdist; an IOException names the file and what is wrong with it. */
  static OwnDistribution read(Path file) throws IOException {
    return read(file.getFileName().toString(), Files.readAllBytes(file));
  }

  static OwnDistribution read(String filename, byte[] bytes) throws IOException {
    String text;
    String filetype;
    String pyversion;
    if (filename.endsWith(".whl")) {
      Matcher m = WHEEL.matcher(filename);
      if (!m.matches()) {
        throw new IOException(filename + " is not a wheel file name as PEP 427 writes it"
            + " (name-version(-build)?-python-abi-platform.whl)");
      }
      text = wheelMetadata(filename, bytes, m.group(1) + "-" + m.group(2) + ".dist-info/METADATA");
      filetype = "bdist_wheel";
      // twine sends the wheel's python tag as pyversion (twine/package.py).
      pyversion = m.group(4);
    } else if (filename.endsWith(".tar.gz")) {
      text = sdistMetadata(filename, bytes);
      filetype = "sdist";
      pyversion = "source";
    } else {
      throw new IOException(filename + " is neither a wheel (.whl) nor a sdist (.tar.gz); PyPI takes only those");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String body = parseHeaders(text, headers);
    String description = body.isBlank() && headers.containsKey("description")
        ? headers.get("description").get(0) : body;
    return new OwnDistribution(filename, filetype, pyversion, bytes, headers, description);
  }

  String header(String name) {
    List<String> values = metadata.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * What PyPI or twine check --strict would refuse, each naming the file.
   *
   * @param project the block's PyPI project
   * @param releaseVersion the release's version, or null when it is not known yet
   */
  List<String> problems(String project, String releaseVersion) {
    List<String> out = new ArrayList<>();
    String mv = header("Metadata-Version");
    if (mv == null || !METADATA_VERSIONS.contains(mv)) {
      out.add(filename + ": Metadata-Version " + (mv == null ? "is missing" : "'" + mv + "' is not one PyPI takes")
          + " (it takes " + String.join(", ", METADATA_VERSIONS.stream().sorted().toList()) + ")");
    }
    String name = header("Name");
    String version = header("Version");
    if (name == null || version == null) {
      out.add(filename + ": its metadata has no " + (name == null ? "Name" : "Version"));
      return out;
    }
    if (project != null && !PypiNames.normalise(name).equals(PypiNames.normalise(project))) {
      out.add(filename + ": its metadata names project '" + name + "', not '" + project + "'");
    }
    if (releaseVersion != null && !PypiNames.version(version).equals(PypiNames.version(releaseVersion))) {
      out.add(filename + ": its metadata names version " + version + ", the release is "
          + PypiNames.version(releaseVersion) + "; build it again at the release's version");
    }
    String prefix = PypiNames.fileName(name) + "-" + version;
    String lower = filename.toLowerCase(Locale.ROOT);
    // PEP 625 writes a sdist's name as a wheel's; setuptools before 69.3 keeps the project's own spelling.
    boolean named = filetype.equals("sdist")
        ? lower.startsWith(prefix.toLowerCase(Locale.ROOT) + ".") || lower.startsWith((name + "-" + version + ".").toLowerCase(Locale.ROOT))
        : lower.startsWith(prefix.toLowerCase(Locale.ROOT) + "-");
    if (!named) {
      out.add(filename + ": the file name does not start with '" + prefix + "', as its metadata's Name and Version"
          + " say it must (PEP 427, PEP 625)");
    }
    if (filetype.equals("bdist_wheel")) {
      out.addAll(tagProblems());
    }
    out.addAll(descriptionProblems());
    return out;
  }

  private List<String> tagProblems() {
    Matcher m = WHEEL.matcher(filename);
    m.matches();
    List<String> out = new ArrayList<>();
    for (int g = 4; g <= 6; g++) {
      if (!TAG_SET.matcher(m.group(g)).matches()) {
        out.add(filename + ": '" + m.group(g) + "' is not a valid wheel tag (PEP 425: letters, digits, '_', sets joined by '.')");
      }
    }
    for (String py : m.group(4).split("\\.")) {
      if (!PYTHON_TAG.matcher(py).matches()) {
        out.add(filename + ": '" + py + "' is not a Python tag (py3, cp312, ...)");
      }
    }
    for (String platform : m.group(6).split("\\.")) {
      // Warehouse refuses wheels built for the local machine only (forklift/legacy.py, _valid_platform_tag).
      if (platform.startsWith("linux_")) {
        out.add(filename + ": PyPI refuses the platform tag '" + platform + "' (build a manylinux or musllinux wheel,"
            + " with auditwheel repair for example)");
      }
    }
    return out;
  }

  private List<String> descriptionProblems() {
    List<String> out = new ArrayList<>();
    String type = header("Description-Content-Type");
    if (type == null) {
      out.add(filename + ": no Description-Content-Type (long_description_content_type); twine check --strict fails"
          + " on it: set readme's content type, such as text/markdown");
      return out;
    }
    String mime = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!CONTENT_TYPES.contains(mime)) {
      out.add(filename + ": Description-Content-Type '" + type + "' is not one PyPI takes (text/plain, text/x-rst,"
          + " text/markdown)");
    }
    if (description == null || description.isBlank() || description.strip().equals("UNKNOWN")) {
      out.add(filename + ": no long description (the metadata's body); twine check --strict fails on it");
    } else if (mime.equals("text/x-rst")) {
      out.addAll(RstCheck.problems(filename, description));
    }
    return out;
  }

  /** RFC 822 headers as the core metadata writes them; returns the body after the blank line. */
  private static String parseHeaders(String text, Map<String, List<String>> out) {
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    int i = 0;
    String last = null;
    for (; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        i++;
        break;
      }
      if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
        // A folded header (an old-style Description): the continuation belongs to the last value.
        List<String> values = out.get(last);
        String folded = line.startsWith("       |") ? line.substring(8) : line.strip();
        values.set(values.size() - 1, values.get(values.size() - 1) + "\n" + folded);
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      last = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      out.computeIfAbsent(last, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
    }
    StringBuilder body = new StringBuilder();
    for (; i < lines.length; i++) {
      body.append(lines[i]).append('\n');
    }
    return body.toString();
  }

  private static String wheelMetadata(String filename, byte[] bytes, String expected) throws IOException {
    String found = null;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().endsWith(".dist-info/METADATA") && e.getName().indexOf('/') == e.getName().lastIndexOf('/')) {
          if (found != null) {
            throw new IOException(filename + " holds more than one .dist-info/METADATA");
          }
          found = e.getName();
          if (!found.equalsIgnoreCase(expected)) {
            throw new IOException(filename + " holds " + found + " where its file name says " + expected);
          }
          return new String(zip.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new IOException(filename + " is not a zip file, so not a wheel: " + e.getMessage(), e);
    }
    throw new IOException(filename + " holds no " + expected + ", so pip and PyPI cannot read its metadata");
  }

  private static String sdistMetadata(String filename, byte[] bytes) throws IOException {
    String root = filename.substring(0, filename.length() - ".tar.gz".length());
    try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(bytes));
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        // twine reads the PKG-INFO at the archive's top folder (pkginfo.SDist).
        if (e.getName().equals(root + "/PKG-INFO")) {
          return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } catch (java.util.zip.ZipException | IllegalArgumentException e) {
      throw new IOException(filename + " is not a gzip tar file, so not a sdist: " + e.getMessage(), e);
    }
    throw new IOException(filename + " holds no " + root + "/PKG-INFO, so PyPI cannot read its metadata");
  }
}
