package dev.fanout.providers.flathub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class FlathubManifestTest {

  private static FlathubManifest manifest(boolean archive) {
    Map<String, FlathubManifest.Source> sources = new LinkedHashMap<>();
    sources.put("x86_64", new FlathubManifest.Source("https://example.org/a", "a".repeat(64), false));
    sources.put("aarch64", new FlathubManifest.Source("https://example.org/b.tar.gz", "b".repeat(64), archive));
    return new FlathubManifest("io.github.acme.Tool", "24.08", "tool", List.of("--share=network"), sources, "bin/tool",
        "Tool", "Tools & <things>", "MIT", "https://example.org",
        List.of(new FlathubManifest.Release("1.0.35", "2026-11-20"), new FlathubManifest.Release("1.0.34", "2026-10-01")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void manifestParsesAsYamlWithTheFieldsFlatpakBuilderNeeds() throws Exception {
    Map<String, Object> m = FlathubManifest.YAML.readValue(manifest(true).manifestYaml(), Map.class);

    assertEquals("io.github.acme.Tool", m.get("id"));
    assertEquals("org.freedesktop.Platform", m.get("runtime"));
    assertEquals("24.08", m.get("runtime-version"), "the runtime version stays a string");
    assertEquals("org.freedesktop.Sdk", m.get("sdk"));
    assertEquals("tool", m.get("command"));
    assertEquals(List.of("--share=network"), m.get("finish-args"));
    Map<String, Object> module = ((List<Map<String, Object>>) m.get("modules")).get(0);
    assertEquals("simple", module.get("buildsystem"));
    assertInstanceOf(List.class, module.get("build-commands"));
    List<Map<String, Object>> sources = (List<Map<String, Object>>) module.get("sources");
    assertEquals("file", sources.get(0).get("type"));
    assertEquals(List.of("x86_64"), sources.get(0).get("only-arches"));
    assertEquals("tool", sources.get(0).get("dest-filename"));
    assertEquals("archive", sources.get(1).get("type"));
    assertEquals(List.of("aarch64"), sources.get(1).get("only-arches"));
    assertFalse(sources.get(1).containsKey("dest-filename"));
    assertEquals("b".repeat(64), sources.get(1).get("sha256"));
    assertEquals("io.github.acme.Tool.metainfo.xml", sources.get(2).get("path"));
  }

  @Test
  void metainfoIsWellFormedXmlWithTheReleasesNewestFirst() throws Exception {
    String xml = manifest(false).metainfoXml();

    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));

    assertEquals("component", doc.getDocumentElement().getTagName());
    assertEquals("io.github.acme.Tool", doc.getElementsByTagName("id").item(0).getTextContent());
    assertEquals("Tools & <things>", doc.getElementsByTagName("summary").item(0).getTextContent());
    assertEquals(List.of(new FlathubManifest.Release("1.0.35", "2026-11-20"), new FlathubManifest.Release("1.0.34", "2026-10-01")),
        FlathubManifest.releases(xml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void itemsReadBackFromTheManifestEqualTheGeneratedOnes() throws Exception {
    FlathubManifest m = manifest(true);

    assertEquals(m.items(), FlathubManifest.items(m.manifestYaml().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void archivesInstallTheBinaryFromInside() {
    assertTrue(manifest(true).manifestYaml().contains("install -Dm755 bin/tool /app/bin/tool"));
    assertTrue(manifest(false).manifestYaml().contains("install -Dm755 tool /app/bin/tool"));
  }

  @Test
  void appIdWithTwoPartsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new FlathubManifest("acme.Tool", "24.08", "tool", List.of(),
        Map.of(), "tool", "Tool", "s", "MIT", null, List.of()));
  }

  @Test
  void malformedMetainfoIsAnError() {
    assertThrows(java.io.IOException.class, () -> FlathubManifest.releases("<component><releases>".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void metainfoSourceKeysComeInAFixedOrderSoEveryRunWritesTheSameBytes() {
    String yaml = manifest(true).manifestYaml();

    assertTrue(yaml.contains("- type: \"file\"\n      path: ") || yaml.matches("(?s).*- type: \"?file\"?\n\s+path: .*"),
        yaml);
  }
}
