package dev.fanout.providers.winget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checks the generated files against the required fields and types of the 1.6.0 schemas. */
class WingetManifestTest {

  private static final String SHA = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";

  private static WingetManifest manifest(String version) {
    return new WingetManifest("ContextLite.ContextLite", version, "ContextLite", "ContextLite", "MIT",
        "Context: for LLMs", "https://example.org", List.of(
            new WingetManifest.Installer("x64", "https://example.org/a.exe", SHA, "portable", null, "contextlite"),
            new WingetManifest.Installer("arm64", "https://example.org/b.zip", SHA, "zip", "contextlite.exe", "contextlite")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String yaml) throws Exception {
    return WingetManifest.YAML.readValue(yaml, Map.class);
  }

  private static void assertStrings(Map<String, Object> m, Set<String> keys) {
    for (String key : keys) {
      assertInstanceOf(String.class, m.get(key), key + " must be a string in " + m);
    }
  }

  @Test
  void versionManifestHasTheRequiredFields() throws Exception {
    Map<String, Object> m = parse(manifest("1.0").versionYaml());

    assertStrings(m, Set.of("PackageIdentifier", "PackageVersion", "DefaultLocale", "ManifestType", "ManifestVersion"));
    assertEquals("1.0", m.get("PackageVersion"), "a version that looks like a number stays a string");
    assertEquals("version", m.get("ManifestType"));
    assertEquals("1.6.0", m.get("ManifestVersion"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void installerManifestHasTheRequiredFieldsPerInstaller() throws Exception {
    Map<String, Object> m = parse(manifest("1.0.35").installerYaml());

    assertStrings(m, Set.of("PackageIdentifier", "PackageVersion", "ManifestType", "ManifestVersion"));
    assertEquals("installer", m.get("ManifestType"));
    List<Map<String, Object>> installers = (List<Map<String, Object>>) m.get("Installers");
    assertEquals(2, installers.size());
    for (Map<String, Object> i : installers) {
      assertStrings(i, Set.of("Architecture", "InstallerType", "InstallerUrl", "InstallerSha256"));
      assertTrue(((String) i.get("InstallerSha256")).matches("[0-9A-F]{64}"));
      assertTrue(Set.of("x64", "arm64").contains(i.get("Architecture")));
    }
    Map<String, Object> zip = installers.get(1);
    assertEquals("portable", zip.get("NestedInstallerType"));
    Map<String, Object> nested = ((List<Map<String, Object>>) zip.get("NestedInstallerFiles")).get(0);
    assertEquals("contextlite.exe", nested.get("RelativeFilePath"));
    assertEquals("contextlite", nested.get("PortableCommandAlias"));
    assertEquals(List.of("contextlite"), installers.get(0).get("Commands"));
  }

  @Test
  void localeManifestHasTheRequiredFields() throws Exception {
    Map<String, Object> m = parse(manifest("1.0.35").localeYaml());

    assertStrings(m, Set.of("PackageIdentifier", "PackageVersion", "PackageLocale", "Publisher", "PackageName",
        "License", "ShortDescription", "ManifestType", "ManifestVersion"));
    assertEquals("defaultLocale", m.get("ManifestType"));
    assertEquals("Context: for LLMs", m.get("ShortDescription"));
  }

  @Test
  void everyFileStartsWithTheSchemaComment() {
    WingetManifest m = manifest("1.0.35");

    assertTrue(m.versionYaml().contains("# yaml-language-server: $schema=https://aka.ms/winget-manifest.version.1.6.0.schema.json\n"));
    assertTrue(m.installerYaml().contains("$schema=https://aka.ms/winget-manifest.installer.1.6.0.schema.json\n"));
    assertTrue(m.localeYaml().contains("$schema=https://aka.ms/winget-manifest.defaultLocale.1.6.0.schema.json\n"));
  }

  @Test
  void filesGoToTheCaseSensitiveFolderOfTheVersion() {
    assertEquals(List.of(
        "manifests/c/ContextLite/ContextLite/1.0.35/ContextLite.ContextLite.yaml",
        "manifests/c/ContextLite/ContextLite/1.0.35/ContextLite.ContextLite.installer.yaml",
        "manifests/c/ContextLite/ContextLite/1.0.35/ContextLite.ContextLite.locale.en-US.yaml"),
        List.copyOf(manifest("1.0.35").files().keySet()));
  }

  @Test
  void readBackItemsEqualGeneratedItems() throws Exception {
    WingetManifest m = manifest("1.0.35");

    assertEquals(m.items(), WingetManifest.items(m.installerYaml().getBytes(), m.localeYaml().getBytes()));
  }

  @Test
  void identifierWithoutDotIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WingetManifest("ContextLite", "1", "p", "n", "MIT", "d",
        null, List.of()));
  }

  @Test
  void versionsCompareNumerically() {
    assertTrue(WingetProvider.compareVersions("1.0.10", "1.0.9") > 0);
    assertEquals(0, WingetProvider.compareVersions("1.0", "1.0.0"));
  }
}
