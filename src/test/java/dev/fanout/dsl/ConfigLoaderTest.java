package dev.fanout.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Config;
import dev.fanout.model.Edge;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.model.Unknown;
import dev.fanout.provider.Providers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker and evaluator on whole configurations: what the later stages receive. */
class ConfigLoaderTest {

  private static final Providers PROVIDERS = Providers.load();

  @TempDir
  Path dir;

  private static final String RELEASE = """
      release "demo" {
        version = "1.2.3"
      }
      """;

  /** A release, one artifact, and the GitHub release that carries it. */
  private static final String HUB = RELEASE + """
      artifact "bin" {
        sources = ["bin/demo"]
      }

      github_release "main" {
        repository = "me/demo"
        tag        = "v1.2.3"
        assets     = [artifact.bin]
      }

      """;

  private ConfigLoader.Result load(String text, Map<String, String> env, Map<String, String> vars) throws IOException {
    Files.writeString(dir.resolve("release.fanout"), text);
    return new ConfigLoader(PROVIDERS, vars, env, p -> null).load(dir);
  }

  private Config config(String text) throws IOException {
    return config(text, Map.of());
  }

  private Config config(String text, Map<String, String> env) throws IOException {
    ConfigLoader.Result r = load(text, env, Map.of());
    assertFalse(r.hasErrors(), () -> "no errors expected: " + r.diagnostics());
    return r.config();
  }

  private static Set<String> targets(Config c, String from) {
    return c.edges().stream().filter(e -> e.from().toString().equals(from)).map(e -> e.to().toString())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void forEachOverAMapMakesOneInstancePerKeyWithEachKeyAndValue() throws IOException {
    Config c = config(RELEASE + """
        artifact "bin" {
          for_each = { linux = "amd64", darwin = "arm64" }
          os       = each.key
          arch     = each.value
          sources  = ["dist/${each.key}-${each.value}"]
        }
        """);

    Artifact linux = c.artifacts().get(new Address("artifact", "bin", "linux"));
    Artifact darwin = c.artifacts().get(new Address("artifact", "bin", "darwin"));
    assertEquals(2, c.artifacts().size(), c.artifacts().keySet().toString());
    assertEquals("amd64", linux.arch());
    assertEquals(List.of("dist/linux-amd64"), linux.sources());
    assertEquals("darwin", darwin.os());
    assertEquals("arm64", darwin.arch());
  }

  @Test
  void forEachOverAListOfObjectsKeysThemByOsAndArchAndExposesTheirFields() throws IOException {
    Config c = config(RELEASE + """
        artifact "bin" {
          for_each = [{ os = "linux", arch = "amd64" }, { os = "windows", arch = "amd64" }]
          os       = each.os
          arch     = each.value.arch
          sources  = ["dist/${each.key}"]
        }
        """);

    assertEquals(Set.of("artifact.bin[\"linux-amd64\"]", "artifact.bin[\"windows-amd64\"]"),
        c.artifacts().keySet().stream().map(Address::toString).collect(Collectors.toSet()));
    assertEquals(List.of("dist/windows-amd64"),
        c.artifacts().get(new Address("artifact", "bin", "windows-amd64")).sources());
  }

  @Test
  void anArtifactWithoutAFileIsAnErrorAndReachesNoPublication() throws IOException {
    // Found by NoCrashProperties: "sourjes" for "sources" left an artifact without a name,
    // and github_release's exports failed on it with a NullPointerException.
    for (String sources : List.of("sourjes = [\"dist/demo\"]", "sources = []")) {
      ConfigLoader.Result r = load(RELEASE + """
          artifact "bin" {
            os = "linux"
            %s
          }
          github_release "main" {
            repository = "acme/demo"
            assets     = artifact.bin
          }
          """.formatted(sources), Map.of(), Map.of());

      assertTrue(r.hasErrors(), sources);
      assertTrue(r.diagnostics().stream().anyMatch(d -> d.summary().contains("sources")
          || d.summary().equals("An artifact needs a source")), sources + ": " + r.diagnostics());
    }
  }

  @Test
  void aListForEachWithTwoEqualKeysIsAnError() throws IOException {
    ConfigLoader.Result r = load(RELEASE + """
        artifact "bin" {
          for_each = ["a", "b", "a"]
          sources  = [each.value]
        }
        """, Map.of(), Map.of());

    assertTrue(r.diagnostics().stream().anyMatch(d -> d.summary().equals("Duplicate for_each key \"a\"")),
        r.diagnostics().toString());
  }

  @Test
  void forExpressionsFilterListsAndBuildMaps() throws IOException {
    Config c = config("""
        locals {
          names = ["alpha", "beta", "gamma"]
          sizes = { small = 1, medium = 5, large = 10 }
        }

        release "demo" {
          version  = "1.0.0"
          keywords = [for i, n in local.names : "${i}:${upper(n)}" if n != "beta"]
          authors  = [for k, v in { for k, v in local.sizes : k => v * 2 if v > 1 } : "${k}=${v}"]
        }
        """);

    assertEquals(List.of("0:ALPHA", "2:GAMMA"), c.release().extra().get("keywords"));
    assertEquals(List.of("medium=10", "large=20"), c.release().extra().get("authors"));
  }

  @Test
  void secretsSpreadThroughInterpolationAndFunctionsAndPrintAsSensitive() throws IOException {
    Config c = config(RELEASE + """
        artifact "bin" {
          sources = ["bin/demo"]
        }

        npm "demo" {
          package     = "demo"
          binaries    = [artifact.bin]
          description = "token ${env("NPM_TOKEN")}"
          launcher    = upper(env("NPM_TOKEN"))
          keywords    = split(",", env("NPM_TOKEN"))
          access      = join("-", split(",", env("NPM_TOKEN")))
        }
        """, Map.of("NPM_TOKEN", "s3cr3t,x"));

    Publication npm = c.publications().get(Address.of("npm", "demo"));
    Secret description = assertInstanceOf(Secret.class, npm.attributes().get("description"));
    assertEquals("token s3cr3t,x", description.reveal());
    assertEquals("env NPM_TOKEN", description.source());
    assertEquals("S3CR3T,X", assertInstanceOf(Secret.class, npm.attributes().get("launcher")).reveal());
    List<?> keywords = assertInstanceOf(List.class, npm.attributes().get("keywords"));
    assertTrue(keywords.stream().allMatch(k -> k instanceof Secret), keywords.toString());
    assertEquals("s3cr3t-x", assertInstanceOf(Secret.class, npm.attributes().get("access")).reveal());
    assertFalse(npm.toString().contains("s3cr3t"), npm.toString());
    assertTrue(npm.attributes().toString().contains("(sensitive)"));
    assertFalse(npm.attributes().toString().contains("s3cr3t"), npm.attributes().toString());
  }

  @Test
  void aSensitiveVariableIsASecretAndAnUnsetEnvIsAnUnsetSecret() throws IOException {
    Config c = config("""
        variable "key" {
          default   = "hush"
          sensitive = true
        }
        """ + RELEASE + """
        artifact "bin" {
          sources = ["bin/demo"]
        }

        npm "demo" {
          package     = "demo"
          binaries    = [artifact.bin]
          description = "k=${var.key}"
          launcher    = lower(env("NOT_SET"))
        }
        """);

    Publication npm = c.publications().get(Address.of("npm", "demo"));
    assertEquals("k=hush", assertInstanceOf(Secret.class, npm.attributes().get("description")).reveal());
    Secret unset = assertInstanceOf(Secret.class, npm.attributes().get("launcher"));
    assertFalse(unset.isSet());
    assertEquals("env NOT_SET", unset.source());
  }

  @Test
  void valuesKnownOnlyAfterTheBuildStayUnknownThroughExpressions() throws IOException {
    Config c = config(RELEASE + """
        artifact "bin" {
          sources = ["bin/demo"]
        }

        npm "demo" {
          package     = "demo"
          binaries    = [artifact.bin]
          description = "sha ${artifact.bin.sha256}"
          launcher    = artifact.bin.sha256 == "x" ? "a" : "b"
          keywords    = [upper(artifact.bin.path)]
        }
        """);

    Publication npm = c.publications().get(Address.of("npm", "demo"));
    assertEquals(Unknown.AFTER_BUILD, npm.attributes().get("description"));
    assertEquals(Unknown.AFTER_BUILD, npm.attributes().get("launcher"));
    assertEquals(List.of(Unknown.AFTER_BUILD), npm.attributes().get("keywords"));
    assertEquals(List.of(new Ref(Address.of("artifact", "bin"))), npm.attributes().get("binaries"));
  }

  @Test
  void aDockerImageOfTheLinuxBinariesDependsOnlyOnThem() throws IOException {
    ConfigLoader.Result r = new ConfigLoader(PROVIDERS, Map.of(), Map.of(), p -> null)
        .load(Path.of("examples/contextlite"));
    assertFalse(r.hasErrors(), r.diagnostics().toString());

    Set<String> image = targets(r.config(), "docker.image");
    Set<String> npm = targets(r.config(), "npm.contextlite");

    assertEquals(Set.of("artifact.binary[\"linux-amd64\"]", "artifact.binary[\"linux-arm64\"]"), image);
    assertEquals(5, npm.size(), npm.toString());
  }

  @Test
  void readingAnArtifactsDeclaredFactsDoesNotMakeADependencyButItsOutputsDo() throws IOException {
    Config c = config(RELEASE + """
        artifact "bin" {
          os      = "linux"
          sources = ["bin/demo"]
        }

        artifact "other" {
          sources = ["bin/other"]
        }

        npm "demo" {
          package     = "demo"
          binaries    = [artifact.other]
          description = "for ${artifact.bin.os}"
        }

        npm "sums" {
          package     = "sums"
          binaries    = [artifact.other]
          description = "sum ${artifact.bin.sha256}"
        }
        """);

    assertEquals(Set.of("artifact.other"), targets(c, "npm.demo"));
    assertEquals(Set.of("artifact.bin", "artifact.other"), targets(c, "npm.sums"));
  }

  @Test
  void dependsOnMakesAnEdgeThatSaysWhyAndWhere() throws IOException {
    Config c = config(HUB + """
        npm "demo" {
          package    = "demo"
          binaries   = [artifact.bin]
          depends_on = [github_release.main]
        }
        """);

    Edge edge = c.edges().stream()
        .filter(e -> e.from().toString().equals("npm.demo") && e.to().toString().equals("github_release.main"))
        .findFirst().orElse(null);
    assertNotNull(edge, c.edges().toString());
    assertEquals("depends_on github_release.main", edge.reason());
    assertEquals("release.fanout:17:17", Path.of(edge.where().toString()).getFileName().toString());
  }

  @Test
  void aReferenceToAGithubReleaseExportMakesAnEdgeWithTheReference() throws IOException {
    Config c = config(HUB + """
        npm "demo" {
          package     = "demo"
          binaries    = [artifact.bin]
          description = "see ${github_release.main.tag}"
        }
        """);

    assertEquals(Set.of("artifact.bin", "github_release.main"), targets(c, "npm.demo"));
    Edge edge = c.edges().stream().filter(e -> e.to().toString().equals("github_release.main")).findFirst().orElseThrow();
    assertEquals("references github_release.main", edge.reason());
    assertEquals("see v1.2.3", c.publications().get(Address.of("npm", "demo")).attributes().get("description"));
  }

  @Test
  void aDisabledTargetIsLeftOutAndWarnsWhatDependsOnIt() throws IOException {
    ConfigLoader.Result r = load(RELEASE + """
        artifact "bin" {
          sources = ["bin/demo"]
        }

        github_release "main" {
          repository = "me/demo"
          assets     = [artifact.bin]
          enabled    = false
        }

        npm "demo" {
          package    = "demo"
          binaries   = [artifact.bin]
          depends_on = [github_release.main]
        }
        """, Map.of(), Map.of());

    assertFalse(r.hasErrors(), r.diagnostics().toString());
    assertNull(r.config().publications().get(Address.of("github_release", "main")));
    assertTrue(r.diagnostics().stream().anyMatch(d -> !d.isError()
        && d.summary().equals("npm.demo depends on github_release.main, which is disabled")), r.diagnostics().toString());
  }

  @Test
  void aVariableIsSetFromTheCommandLineAndTheEnvironment() throws IOException {
    String text = """
        variable "version" {
          default = "1.0.0"
        }

        variable "count" {
          type    = number
          default = 1
        }

        release "demo" {
          version     = var.version
          description = "n=${var.count + 1}"
        }
        """;

    ConfigLoader.Result fromVar = load(text, Map.of("FANOUT_VAR_count", "41"), Map.of("version", "2.0.0"));

    assertFalse(fromVar.hasErrors(), fromVar.diagnostics().toString());
    assertEquals("2.0.0", fromVar.config().release().version());
    assertEquals("n=42", fromVar.config().release().description());
  }

  @Test
  void oneMistakeInAVariableGivesOneErrorNotOnePerUse() throws IOException {
    ConfigLoader.Result r = load("""
        variable "count" {
          type = number
        }

        locals {
          double = var.count * 2
          label  = "n=${local.double}"
        }

        release "demo" {
          version     = "1.0.0"
          description = local.label
          keywords    = [var.count]
        }
        """, Map.of(), Map.of());

    assertEquals(List.of("No value for variable \"count\""),
        r.diagnostics().stream().map(Diagnostic::summary).toList());
  }

  @Test
  void aCycleNamesEveryEdgeWithWhereItIs() throws IOException {
    ConfigLoader.Result r = load(RELEASE + """
        artifact "bin" {
          sources = ["bin/demo"]
        }

        npm "a" {
          package  = npm.b.package
          binaries = [artifact.bin]
        }

        npm "b" {
          package    = "b"
          binaries   = [artifact.bin]
          depends_on = [npm.c]
        }

        npm "c" {
          package  = "c-${npm.a.package}"
          binaries = [artifact.bin]
        }
        """, Map.of(), Map.of());

    Diagnostic cycle = r.diagnostics().stream().filter(d -> d.summary().startsWith("Dependency cycle")).findFirst()
        .orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
    assertEquals("Dependency cycle: npm.a -> npm.b -> npm.c -> npm.a", cycle.summary());
    assertTrue(cycle.detail().contains("npm.a refers to npm.b at ") && cycle.detail().contains("release.fanout:9:14"),
        cycle.detail());
    assertTrue(cycle.detail().contains("npm.b refers to npm.c at ") && cycle.detail().contains("release.fanout:16:17"),
        cycle.detail());
    assertTrue(cycle.detail().contains("npm.c refers to npm.a at ") && cycle.detail().contains("release.fanout:20:19"),
        cycle.detail());
    assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
  }

  @Test
  void anArchiveTakesItsBinarysPlatformAndTheReleasesNameAsItsBinAndReferencesTheBinary() throws IOException {
    Files.writeString(dir.resolve("LICENSE"), "MIT\n");
    Config c = config(RELEASE + """
        artifact "bin" {
          for_each = { "linux-amd64" = "linux", "windows-amd64" = "windows" }
          os       = each.value
          arch     = "amd64"
          sources  = ["bin/demo-${each.key}"]
        }

        artifact "archive" {
          for_each = artifact.bin
          archive  = "zip"
          binary   = artifact.bin[each.key]
          name     = "demo_${release.version}_${each.key}.zip"
          files    = ["LICENSE"]
        }
        """);

    Artifact windows = c.artifacts().get(Address.parse("artifact.archive[\"windows-amd64\"]"));
    Artifact linux = c.artifacts().get(Address.parse("artifact.archive[\"linux-amd64\"]"));
    assertEquals("windows-amd64", windows.platform());
    assertEquals("demo.exe", windows.archive().bin());
    assertEquals("demo", linux.archive().bin());
    assertEquals("demo_1.2.3_linux-amd64.zip", linux.name());
    assertEquals(List.of("LICENSE"), linux.archive().files());
    assertTrue(targets(c, "artifact.archive[\"linux-amd64\"]").contains("artifact.bin[\"linux-amd64\"]"),
        c.edges().toString());
  }

  @Test
  void anArchiveWithoutABinaryOrWithAMissingFileOrWithSourcesTooIsAnErrorAtItsPlace() throws IOException {
    Files.writeString(dir.resolve("LICENSE"), "MIT\n");
    ConfigLoader.Result r = load(RELEASE + """
        artifact "bin" {
          sources = ["bin/demo"]
        }

        artifact "nobinary" {
          archive = "tar.gz"
          name    = "demo.tar.gz"
          binary  = "bin/demo"
        }

        artifact "nofile" {
          archive = "tar.gz"
          name    = "demo2.tar.gz"
          binary  = artifact.bin
          files   = ["README.md"]
        }

        artifact "outside" {
          archive = "zip"
          name    = "demo4.zip"
          binary  = artifact.bin
          bin     = "LICENSE"
          files   = ["LICENSE"]
        }

        artifact "both" {
          archive = "rar"
          sources = ["x"]
          binary  = artifact.bin
          name    = "demo3.rar"
        }
        """, Map.of(), Map.of());

    List<String> summaries = r.diagnostics().stream().map(d -> d.summary() + " @" + d.range().line()).toList();
    assertTrue(summaries.stream().anyMatch(s -> s.startsWith("No file \"README.md\" for files")), summaries.toString());
    assertTrue(summaries.stream().anyMatch(s -> s.startsWith("Set exactly one of \"sources\" or \"archive\"")),
        summaries.toString());
    assertTrue(summaries.stream().anyMatch(s -> s.startsWith("Unknown archive \"rar\"")), summaries.toString());
    assertTrue(summaries.stream().anyMatch(s -> s.contains("binary") && s.endsWith("@11")), summaries.toString());
    assertTrue(summaries.contains("An archive's file cannot be packed at \"LICENSE\" @26"), summaries.toString());
  }

  @Test
  void aReleaseWithAPlatformsArchiveAndBareBinaryExportsTheArchiveForManifestsAndEveryFileByName() throws IOException {
    Files.writeString(dir.resolve("NOTES.md"), "notes\n");
    Config c = config(RELEASE + """
        artifact "bin" {
          os      = "linux"
          arch    = "amd64"
          sources = ["bin/demo"]
        }

        artifact "archive" {
          archive = "tar.gz"
          binary  = artifact.bin
          name    = "demo.tar.gz"
        }

        artifact "notes" {
          sources = ["NOTES.md"]
        }

        github_release "main" {
          repository = "me/demo"
          tag        = "v1.2.3"
          assets     = [artifact.archive, artifact.bin, artifact.notes]
        }
        """);
    Map<String, Object> exported = PROVIDERS.get("github_release").exports(
        c.publications().get(Address.of("github_release", "main")),
        new dev.fanout.provider.ProviderFactory.ExportContext(c.release(), c.artifacts()::get, Map.of()));

    Map<?, ?> assets = (Map<?, ?>) exported.get("assets");
    Map<?, ?> files = (Map<?, ?>) exported.get("files");
    assertEquals("demo.tar.gz", ((Map<?, ?>) assets.get("linux-amd64")).get("name"));
    assertEquals(Set.of("demo", "demo.tar.gz", "NOTES.md"), files.keySet());
    assertEquals("https://github.com/me/demo/releases/download/v1.2.3/NOTES.md",
        ((Map<?, ?>) files.get("NOTES.md")).get("url"));
  }
}
