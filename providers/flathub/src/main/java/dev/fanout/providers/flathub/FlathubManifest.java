package dev.fanout.providers.flathub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A Flathub app for prebuilt binaries: the flatpak-builder manifest {@code {app-id}.yml}
 * (one simple module, one source per architecture with {@code only-arches}) and the
 * AppStream metainfo whose newest {@code <release>} says the version.
 *
 * @param sources flatpak architecture ({@code x86_64}, {@code aarch64}) to download
 * @param releases the metainfo's releases, newest first
 */
record FlathubManifest(String appId, String runtimeVersion, String command, List<String> finishArgs,
    Map<String, Source> sources, String binary, String name, String summary, String license, String homepage,
    List<Release> releases) {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  /** @param archive a tarball or zip that flatpak-builder unpacks, rather than the binary itself */
  record Source(String url, String sha256, boolean archive) { }

  /** @param date ISO date, {@code 2026-11-23} */
  record Release(String version, String date) { }

  /** Go-style platforms to flatpak architectures. */
  static final List<Map.Entry<String, String>> ARCHES = List.of(
      Map.entry("linux-amd64", "x86_64"), Map.entry("linux-arm64", "aarch64"));

  FlathubManifest {
    if (!appId.matches("[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*){2,}")) {
      throw new IllegalArgumentException("app_id '" + appId + "' must be a reverse-DNS id with at least three parts,"
          + " such as io.github.acme.Tool");
    }
    finishArgs = List.copyOf(finishArgs);
    sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    releases = List.copyOf(releases);
  }

  String manifestPath() {
    return appId + ".yml";
  }

  String metainfoPath() {
    return appId + ".metainfo.xml";
  }

  String manifestYaml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", appId);
    m.put("runtime", "org.freedesktop.Platform");
    m.put("runtime-version", runtimeVersion);
    m.put("sdk", "org.freedesktop.Sdk");
    m.put("command", command);
    m.put("finish-args", finishArgs);
    Map<String, Object> module = new LinkedHashMap<>();
    module.put("name", command);
    module.put("buildsystem", "simple");
    boolean archive = sources.values().stream().anyMatch(Source::archive);
    module.put("build-commands", List.of(
        "install -Dm755 " + (archive ? binary : command) + " /app/bin/" + command,
        "install -Dm644 " + metainfoPath() + " /app/share/metainfo/" + metainfoPath()));
    List<Map<String, Object>> list = new ArrayList<>();
    sources.forEach((arch, s) -> {
      Map<String, Object> src = new LinkedHashMap<>();
      src.put("type", s.archive() ? "archive" : "file");
      src.put("only-arches", List.of(arch));
      src.put("url", s.url());
      src.put("sha256", s.sha256());
      if (!s.archive()) {
        src.put("dest-filename", command);
      }
      list.add(src);
    });
    // Put in order: a LinkedHashMap copied from Map.of takes Map.of's order, which differs from
    // one JVM to the next, and a re-run then rewrote the manifest with its keys swapped (found
    // by the crash drill: a second write of the same version).
    Map<String, Object> metainfo = new LinkedHashMap<>();
    metainfo.put("type", "file");
    metainfo.put("path", metainfoPath());
    list.add(metainfo);
    module.put("sources", list);
    m.put("modules", List.of(module));
    try {
      return YAML.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }

  String metainfoXml() {
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append("<component type=\"console-application\">\n");
    b.append("  <id>").append(xml(appId)).append("</id>\n");
    b.append("  <metadata_license>CC0-1.0</metadata_license>\n");
    b.append("  <project_license>").append(xml(license)).append("</project_license>\n");
    b.append("  <name>").append(xml(name)).append("</name>\n");
    b.append("  <summary>").append(xml(summary)).append("</summary>\n");
    b.append("  <description>\n    <p>").append(xml(summary)).append("</p>\n  </description>\n");
    if (homepage != null) {
      b.append("  <url type=\"homepage\">").append(xml(homepage)).append("</url>\n");
    }
    b.append("  <provides>\n    <binary>").append(xml(command)).append("</binary>\n  </provides>\n");
    b.append("  <releases>\n");
    for (Release r : releases) {
      b.append("    <release version=\"").append(xml(r.version())).append("\" date=\"").append(xml(r.date())).append("\"/>\n");
    }
    b.append("  </releases>\n");
    b.append("</component>\n");
    return b.toString();
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** What a plan compares: per architecture the URL and sha256, and the runtime and command. */
  Map<String, String> items() {
    Map<String, String> out = new TreeMap<>();
    sources.forEach((arch, s) -> {
      out.put(arch + ".url", s.url());
      out.put(arch + ".sha256", s.sha256());
    });
    out.put("runtime-version", runtimeVersion);
    out.put("command", command);
    return out;
  }

  /** The same items read from a manifest as it is in the app's repository. */
  @SuppressWarnings("unchecked")
  static Map<String, String> items(byte[] manifestYaml) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Map<String, Object> m = YAML.readValue(manifestYaml, Map.class);
    if (m.get("runtime-version") != null) {
      out.put("runtime-version", String.valueOf(m.get("runtime-version")));
    }
    if (m.get("command") != null) {
      out.put("command", String.valueOf(m.get("command")));
    }
    for (Object module : (List<Object>) m.getOrDefault("modules", List.of())) {
      if (!(module instanceof Map<?, ?> mod)) {
        continue;
      }
      for (Object source : (List<Object>) ((Map<String, Object>) mod).getOrDefault("sources", List.of())) {
        Map<String, Object> s = (Map<String, Object>) source;
        if (s.get("url") == null || !(s.get("only-arches") instanceof List<?> arches) || arches.size() != 1) {
          continue;
        }
        out.put(arches.get(0) + ".url", String.valueOf(s.get("url")));
        out.put(arches.get(0) + ".sha256", String.valueOf(s.get("sha256")));
      }
    }
    return out;
  }

  /** The releases of a metainfo file, in document order (newest first, as AppStream asks). */
  static List<Release> releases(byte[] metainfo) throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      DocumentBuilder builder = f.newDocumentBuilder();
      builder.setErrorHandler(null);
      NodeList nodes = builder.parse(new ByteArrayInputStream(metainfo)).getElementsByTagName("release");
      List<Release> out = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        Element e = (Element) nodes.item(i);
        out.add(new Release(e.getAttribute("version"), e.getAttribute("date")));
      }
      return out;
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("metainfo is not well-formed XML: " + e.getMessage(), e);
    }
  }
}
