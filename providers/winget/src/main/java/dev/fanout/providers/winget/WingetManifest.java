package dev.fanout.providers.winget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The three files of a WinGet multi-file manifest (schema 1.6): version, installer and
 * default locale, in winget-pkgs' folder layout. Items (what a plan compares) are the
 * fields a user would change: per architecture the installer's URL, SHA-256 and type, and
 * the locale's texts.
 */
record WingetManifest(String identifier, String version, String publisher, String packageName, String license,
    String shortDescription, String packageUrl, List<Installer> installers) {

  static final String MANIFEST_VERSION = "1.6.0";
  static final String LOCALE = "en-US";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  /**
   * @param type {@code portable} for a bare exe, {@code zip} for an archive holding one
   * @param nestedFile the exe inside a zip; null for a bare exe
   * @param sha256 upper-case hex, as winget-pkgs writes it
   */
  record Installer(String architecture, String url, String sha256, String type, String nestedFile, String command) { }

  WingetManifest {
    if (!identifier.matches("[^.\\s\\\\/:*?\"<>|]{1,32}(\\.[^.\\s\\\\/:*?\"<>|]{1,32}){1,7}")) {
      throw new IllegalArgumentException("identifier '" + identifier + "' must be Publisher.Package (dot-separated, no spaces)");
    }
    installers = List.copyOf(installers);
  }

  /** {@code manifests/c/ContextLite/ContextLite}: folders are case-sensitive, only the first letter is lowered. */
  static String packageDir(String identifier) {
    return "manifests/" + identifier.substring(0, 1).toLowerCase(Locale.ROOT) + "/" + identifier.replace('.', '/');
  }

  String dir() {
    return packageDir(identifier) + "/" + version;
  }

  String versionPath() {
    return dir() + "/" + identifier + ".yaml";
  }

  String installerPath() {
    return dir() + "/" + identifier + ".installer.yaml";
  }

  String localePath() {
    return dir() + "/" + identifier + ".locale." + LOCALE + ".yaml";
  }

  /** The three files, by repository path. */
  Map<String, byte[]> files() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put(versionPath(), versionYaml().getBytes(StandardCharsets.UTF_8));
    out.put(installerPath(), installerYaml().getBytes(StandardCharsets.UTF_8));
    out.put(localePath(), localeYaml().getBytes(StandardCharsets.UTF_8));
    return out;
  }

  String versionYaml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("PackageIdentifier", identifier);
    m.put("PackageVersion", version);
    m.put("DefaultLocale", LOCALE);
    m.put("ManifestType", "version");
    m.put("ManifestVersion", MANIFEST_VERSION);
    return header("version") + yaml(m);
  }

  String installerYaml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("PackageIdentifier", identifier);
    m.put("PackageVersion", version);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Installer i : installers) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("Architecture", i.architecture());
      e.put("InstallerType", i.type());
      if (i.type().equals("zip")) {
        e.put("NestedInstallerType", "portable");
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("RelativeFilePath", i.nestedFile());
        nested.put("PortableCommandAlias", i.command());
        e.put("NestedInstallerFiles", List.of(nested));
      } else {
        e.put("Commands", List.of(i.command()));
      }
      e.put("InstallerUrl", i.url());
      e.put("InstallerSha256", i.sha256());
      list.add(e);
    }
    m.put("Installers", list);
    m.put("ManifestType", "installer");
    m.put("ManifestVersion", MANIFEST_VERSION);
    return header("installer") + yaml(m);
  }

  String localeYaml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("PackageIdentifier", identifier);
    m.put("PackageVersion", version);
    m.put("PackageLocale", LOCALE);
    m.put("Publisher", publisher);
    m.put("PackageName", packageName);
    if (packageUrl != null) {
      m.put("PackageUrl", packageUrl);
    }
    m.put("License", license);
    m.put("ShortDescription", shortDescription);
    m.put("ManifestType", "defaultLocale");
    m.put("ManifestVersion", MANIFEST_VERSION);
    return header("defaultLocale") + yaml(m);
  }

  private static String header(String type) {
    return "# Created with fanout\n# yaml-language-server: $schema=https://aka.ms/winget-manifest." + type + "."
        + MANIFEST_VERSION + ".schema.json\n\n";
  }

  private static String yaml(Map<String, Object> m) {
    try {
      return YAML.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }

  Map<String, String> items() {
    Map<String, String> out = new TreeMap<>();
    for (Installer i : installers) {
      out.put("installer." + i.architecture() + ".url", i.url());
      out.put("installer." + i.architecture() + ".sha256", i.sha256());
      out.put("installer." + i.architecture() + ".type", i.type());
    }
    out.put("locale.Publisher", publisher);
    out.put("locale.PackageName", packageName);
    out.put("locale.License", license);
    out.put("locale.ShortDescription", shortDescription);
    return out;
  }

  /** The same items read back from the installer and locale files (either may be null). */
  @SuppressWarnings("unchecked")
  static Map<String, String> items(byte[] installerYaml, byte[] localeYaml) throws java.io.IOException {
    Map<String, String> out = new TreeMap<>();
    if (installerYaml != null) {
      Map<String, Object> m = YAML.readValue(installerYaml, Map.class);
      Object rootType = m.get("InstallerType");
      for (Object o : (List<Object>) m.getOrDefault("Installers", List.of())) {
        Map<String, Object> i = (Map<String, Object>) o;
        String arch = String.valueOf(i.get("Architecture"));
        out.put("installer." + arch + ".url", String.valueOf(i.get("InstallerUrl")));
        out.put("installer." + arch + ".sha256", String.valueOf(i.get("InstallerSha256")).toUpperCase(Locale.ROOT));
        out.put("installer." + arch + ".type", String.valueOf(i.getOrDefault("InstallerType", rootType)));
      }
    }
    if (localeYaml != null) {
      Map<String, Object> m = YAML.readValue(localeYaml, Map.class);
      for (String key : List.of("Publisher", "PackageName", "License", "ShortDescription")) {
        if (m.get(key) != null) {
          out.put("locale." + key, String.valueOf(m.get(key)));
        }
      }
    }
    return out;
  }
}
