package dev.fanout.providers.pypi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Publication;
import dev.fanout.provider.Problem;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A project's own wheels and sdists, checked before the plan as twine check --strict and warehouse check them. */
class OwnDistributionTest {

  private static final String GOOD = "Metadata-Version: 2.1\nName: greetings-cli\nVersion: 0.3.0\n"
      + "Summary: Says hello\nClassifier: Programming Language :: Python :: 3\n"
      + "Classifier: License :: OSI Approved :: MIT License\nDescription-Content-Type: text/markdown\n\n# greetings\n\nSays hello.\n";
  private static final Path EXAMPLE = Path.of(System.getProperty("fanout.repo", ".")).resolve("examples/python-package/prebuilt");

  @TempDir
  Path dir;

  @Test
  void theExamplesWheelAndSdistPassAndCarryTheirMetadata() throws IOException {
    OwnDistribution wheel = OwnDistribution.read(EXAMPLE.resolve("greetings_cli-0.3.0-py3-none-any.whl"));
    OwnDistribution sdist = OwnDistribution.read(EXAMPLE.resolve("greetings-cli-0.3.0.tar.gz"));

    assertEquals(List.of(), wheel.problems("greetings_cli", "v0.3.0"));
    assertEquals(List.of(), sdist.problems("Greetings.CLI", "0.3.0"));
    assertEquals("bdist_wheel", wheel.filetype());
    assertEquals("py3", wheel.pyversion());
    assertEquals("sdist", sdist.filetype());
    assertEquals("source", sdist.pyversion());
    assertEquals("text/markdown", sdist.header("Description-Content-Type"));
    assertTrue(wheel.description().startsWith("# greetings-cli"), wheel.description());
  }

  @Test
  void aWheelAtAnotherVersionIsNamedWithBothVersions() throws IOException {
    OwnDistribution wheel = OwnDistribution.read(EXAMPLE.resolve("greetings_cli-0.3.0-py3-none-any.whl"));

    assertEquals(List.of("greetings_cli-0.3.0-py3-none-any.whl: its metadata names version 0.3.0, the release is 0.4.0;"
        + " build it again at the release's version"), wheel.problems("greetings-cli", "0.4.0"));
  }

  @Test
  void eachMistakeTwineOrWarehouseRefusesIsNamed() throws IOException {
    assertProblem(wheel("greetings_cli-0.3.0-py3-none-any.whl", GOOD.replace("2.1", "2.0")),
        "Metadata-Version '2.0' is not one PyPI takes");
    assertProblem(wheel("greetings_cli-0.3.0-py3-none-any.whl", GOOD.replace("Name: greetings-cli", "Name: other")),
        "its metadata names project 'other', not 'greetings-cli'");
    assertProblem(wheel("greetings_cli-0.3.0-py3-none-any.whl", GOOD.replace("Description-Content-Type: text/markdown\n", "")),
        "no Description-Content-Type");
    assertProblem(wheel("greetings_cli-0.3.0-py3-none-any.whl", GOOD.replace("text/markdown", "text/html")),
        "Description-Content-Type 'text/html' is not one PyPI takes");
    assertProblem(wheel("greetings_cli-0.3.0-py3-none-any.whl", GOOD.substring(0, GOOD.indexOf("\n\n") + 2)),
        "no long description");
    assertProblem(wheel("greetings_cli-0.3.0-py3-none-linux_x86_64.whl", GOOD), "PyPI refuses the platform tag 'linux_x86_64'");
    assertProblem(wheel("greetings_cli-0.3.0-python3-none-any.whl", GOOD), "'python3' is not a Python tag");
    assertProblem(wheel("greetings_cli-0.3.0-py3-no+ne-any.whl", GOOD), "'no+ne' is not a valid wheel tag");
    assertProblem(wheel("greetings_cli-0.3.0-py3-none-any.whl", GOOD.replace("text/markdown", "text/x-rst")
        .replace("# greetings", "Greetings\n=====")), "line 2, \"Title underline too short.\" under \"Greetings\"");
  }

  @Test
  void aWellFormedRstDescriptionAndAPep491BuildTagPass() throws IOException {
    OwnDistribution d = OwnDistribution.read("greetings_cli-0.3.0-1-py2.py3-none-any.whl", zip(
        "greetings_cli-0.3.0.dist-info/METADATA", GOOD.replace("text/markdown", "text/x-rst").replace("# greetings", "Greetings\n=========")));

    assertEquals(List.of(), d.problems("greetings-cli", "0.3.0"));
  }

  @Test
  void aFileThatIsNoDistributionIsRefusedNamingIt() {
    IOException notZip = assertThrows(IOException.class,
        () -> OwnDistribution.read("greetings_cli-0.3.0-py3-none-any.whl", "not a zip".getBytes(StandardCharsets.UTF_8)));
    IOException noMetadata = assertThrows(IOException.class,
        () -> OwnDistribution.read("greetings_cli-0.3.0-py3-none-any.whl", zip("greetings/__init__.py", "")));
    IOException badName = assertThrows(IOException.class, () -> OwnDistribution.read("greetings.whl", zip("a", "")));
    IOException egg = assertThrows(IOException.class, () -> OwnDistribution.read("greetings-0.3.0.egg", new byte[0]));

    assertTrue(notZip.getMessage().contains("greetings_cli-0.3.0-py3-none-any.whl holds no greetings_cli-0.3.0.dist-info/METADATA")
        || notZip.getMessage().contains("is not a zip file"), notZip.getMessage());
    assertTrue(noMetadata.getMessage().contains("holds no greetings_cli-0.3.0.dist-info/METADATA"), noMetadata.getMessage());
    assertTrue(badName.getMessage().contains("is not a wheel file name as PEP 427 writes it"), badName.getMessage());
    assertTrue(egg.getMessage().contains("neither a wheel (.whl) nor a sdist (.tar.gz)"), egg.getMessage());
  }

  @Test
  void validateReportsEachFileWithItsProblemAgainstTheFilesAttribute() throws IOException {
    Path dist = Files.createDirectories(dir.resolve("dist"));
    Files.write(dist.resolve("greetings_cli-0.3.0-py3-none-any.whl"), zip("greetings_cli-0.3.0.dist-info/METADATA", GOOD));
    Files.copy(EXAMPLE.resolve("greetings-cli-0.3.0.tar.gz"), dist.resolve("greetings-cli-0.3.0.tar.gz"));
    Publication p = ProviderHarness.publication("pypi", "greetings").attribute("project", "greetings-cli")
        .attribute("files", List.of("dist/*")).attribute("summary", "ignored").build();

    List<Problem> problems = new PypiProviderFactory().validate(p, dir, ProviderHarness.release("greetings-cli", "0.4.0", "x"));
    List<Problem> none = new PypiProviderFactory().validate(p, dir, ProviderHarness.release("greetings-cli", "0.3.0", "x"));
    List<Problem> missing = new PypiProviderFactory().validate(ProviderHarness.publication("pypi", "greetings")
        .attribute("project", "greetings-cli").attribute("files", List.of("dist/*.zip")).build(), dir, null);

    assertEquals(List.of(
        new Problem("summary", "\"summary\" applies to binaries only; with files, each file's metadata says it"),
        new Problem("files", "greetings-cli-0.3.0.tar.gz: its metadata names version 0.3.0, the release is 0.4.0;"
            + " build it again at the release's version"),
        new Problem("files", "greetings_cli-0.3.0-py3-none-any.whl: its metadata names version 0.3.0, the release is 0.4.0;"
            + " build it again at the release's version")), problems);
    assertEquals(List.of(new Problem("summary", "\"summary\" applies to binaries only; with files, each file's metadata says it")),
        none);
    assertEquals(1, missing.size());
    assertTrue(missing.get(0).message().contains("\"dist/*.zip\" matches no file"), missing.get(0).message());
  }

  /** The real twine agrees: what passes here passes twine check --strict, what fails here fails it. */
  @Test
  void twineCheckStrictAgreesOnTheExampleAndOnAMissingContentType() throws Exception {
    Path twine = Tools.require("twine", "apt-get install twine");
    Path bad = dir.resolve("greetings_cli-0.3.0-py3-none-any.whl");
    Files.write(bad, zip("greetings_cli-0.3.0.dist-info/METADATA", GOOD.replace("Description-Content-Type: text/markdown\n", "")));

    Tools.Result good = Tools.run(dir, Map.of(), twine.toString(), "check", "--strict",
        EXAMPLE.resolve("greetings_cli-0.3.0-py3-none-any.whl").toAbsolutePath().toString(),
        EXAMPLE.resolve("greetings-cli-0.3.0.tar.gz").toAbsolutePath().toString());
    Tools.Result refused = Tools.run(dir, Map.of(), twine.toString(), "check", "--strict", bad.toString());

    assertEquals(0, good.exit(), good.output());
    assertTrue(refused.exit() != 0 && refused.output().contains("long_description_content_type` missing"), refused.output());
    assertTrue(OwnDistribution.read(bad).problems("greetings-cli", "0.3.0").get(0).contains("no Description-Content-Type"));
  }

  private static void assertProblem(OwnDistribution d, String part) {
    List<String> problems = d.problems("greetings-cli", "0.3.0");
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(d.filename() + ": ") && p.contains(part)),
        "expected \"" + part + "\" in " + problems);
  }

  private static OwnDistribution wheel(String filename, String metadata) throws IOException {
    return OwnDistribution.read(filename, zip("greetings_cli-0.3.0.dist-info/METADATA", metadata));
  }

  private static byte[] zip(String entry, String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(entry));
      zip.write(text.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return out.toByteArray();
  }
}
