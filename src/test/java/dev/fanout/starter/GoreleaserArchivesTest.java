package dev.fanout.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GoReleaser's archives: formats, overrides, files and name templates as an archive artifact block. */
class GoreleaserArchivesTest {

  private static final List<String> PLATFORMS = List.of("linux-amd64", "darwin-arm64", "windows-amd64");

  @TempDir
  Path project;

  private static JsonNode yaml(String text) throws Exception {
    return new YAMLMapper().readTree(text);
  }

  @Test
  void goreleasersDefaultArchiveIsTarGzNamedByTheDefaultTemplateWithTheDefaultFiles() throws Exception {
    Files.writeString(project.resolve("README.md"), "r");
    Files.writeString(project.resolve("LICENSE.txt"), "l");
    Files.writeString(project.resolve("CHANGELOG.md"), "c");
    Files.writeString(project.resolve("main.go"), "package main");
    Starter s = new Starter();

    String block = GoreleaserArchives.block(yaml("[]"), project, "gopher", "gopher", PLATFORMS, s);

    assertTrue(block.contains("  archive  = \"tar.gz\"\n"), block);
    assertTrue(block.contains("  name     = \"gopher_${release.version}_${each.os}_${each.arch}.tar.gz\"\n"), block);
    assertTrue(block.contains("  files    = [\"LICENSE.txt\", \"README.md\", \"CHANGELOG.md\"]\n"), block);
    assertTrue(block.contains("  bin      = \"gopher${each.os == \"windows\" ? \".exe\" : \"\"}\"\n"), block);
    assertEquals(List.of(), s.notConverted());
  }

  @Test
  void formatsOverridesAndObjectFilesAreConvertedAndWhatIsNotIsListed() throws Exception {
    Files.createDirectories(project.resolve("completions"));
    Files.writeString(project.resolve("completions/gopher.bash"), "b");
    Starter s = new Starter();

    String block = GoreleaserArchives.block(yaml("""
        - format: zip
          name_template: "{{ .Binary }}-{{ .Tag }}-{{ tolower .Os }}{{ with .Arm }}v{{ . }}{{ end }}"
          wrap_in_directory: true
          format_overrides:
            - goos: linux
              format: tar.gz
          files:
            - src: completions/*
              dst: completions
        - id: other
        """), project, "gopher", "gph", PLATFORMS, s);

    assertTrue(block.contains("  archive  = each.os == \"linux\" ? \"tar.gz\" : \"zip\"\n"), block);
    assertTrue(block.contains("  name     = \"gph-${join(\"\", [\"v\", release.version])}-${lower(each.os)}."), block);
    assertTrue(block.contains("  files    = [\"completions/gopher.bash\"]\n"), block);
    String listed = String.join("\n", s.notConverted());
    assertTrue(listed.contains("only the first archive (default)"), listed);
    assertTrue(listed.contains("archives.wrap_in_directory"), listed);
    assertTrue(listed.contains("archives.files: completions/* is kept at its own path"), listed);
  }

  @Test
  void aTemplateItCannotTranslateIsListedAndTheDefaultNameUsed() throws Exception {
    Starter s = new Starter();

    String block = GoreleaserArchives.block(yaml("[{name_template: '{{ .ProjectName }}-{{ .Env.FLAVOUR }}'}]"), project,
        "gopher", "gopher", PLATFORMS, s);

    assertTrue(block.contains("  name     = \"gopher_${release.version}_${each.os}_${each.arch}."), block);
    assertTrue(String.join("\n", s.notConverted()).contains("archives.name_template: {{ .Env.FLAVOUR }} is not translated"),
        s.notConverted().toString());
  }

  @Test
  void binaryFormatAndFormatsFanoutCannotMakeKeepTheBinariesBare() throws Exception {
    Starter s = new Starter();

    assertNull(GoreleaserArchives.block(yaml("[{formats: [binary]}]"), project, "g", "g", PLATFORMS, s));
    assertNull(GoreleaserArchives.block(yaml("[{formats: [tar.xz]}]"), project, "g", "g", PLATFORMS, s));

    assertEquals(List.of("archives.formats: tar.xz (Fanout makes tar.gz and zip archives); the binaries are published bare"),
        s.notConverted());
  }
}
