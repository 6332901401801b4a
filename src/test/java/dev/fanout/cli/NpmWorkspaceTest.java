package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An npm workspace released as one: dependencies between its folders ({@code workspace:},
 * {@code file:}, {@code link:}) are published as the release's version, the package a folder
 * needs goes first, and a folder outside the release is refused at validate.
 */
class NpmWorkspaceTest {

  @TempDir
  Path temp;

  private FanoutRun f;

  @BeforeEach
  void workspace() throws IOException {
    f = FanoutRun.minimal(temp);
    folder("core", "{\"name\": \"@acme/core\", \"version\": \"0.0.0\", \"main\": \"index.js\"}");
    folder("web", "{\"name\": \"@acme/web\", \"version\": \"0.0.0\", \"main\": \"index.js\", \"dependencies\":"
        + " {\"@acme/core\": \"workspace:^\", \"@acme/util\": \"file:../util\"}, \"devDependencies\":"
        + " {\"@acme/core\": \"workspace:*\"}}");
    folder("util", "{\"name\": \"@acme/util\", \"version\": \"0.0.0\", \"main\": \"index.js\"}");
    release("[\"web\", \"core\", \"util\"]");
  }

  private void folder(String name, String packageJson) throws IOException {
    Path dir = f.dir.resolve("packages").resolve(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("package.json"), packageJson);
    Files.writeString(dir.resolve("index.js"), "module.exports = '" + name + "';\n");
  }

  private void release(String folders) throws IOException {
    Files.writeString(f.dir.resolve("release.fanout"), """
        release "acme" {
          version = "1.2.0"
          license = "MIT"
        }

        provider "npm" {
          registry = "https://registry.npmjs.org"
          token    = env("NPM_TOKEN")
        }

        npm "pkg" {
          for_each  = %s
          package   = "@acme/${each.key}"
          directory = "packages/${each.key}"
        }
        """.formatted(folders));
  }

  @Test
  void siblingsArePublishedFirstAndLocalSpecifiersAsTheReleasesVersion() throws Exception {
    FanoutRun.Result plan = f.sandboxed("plan", "--json");
    List<String> order = new ArrayList<>();
    plan.json().get("changes").forEach(c -> order.add(c.get("address").asText()));
    assertTrue(order.indexOf("npm.pkg[\"core\"]") < order.indexOf("npm.pkg[\"web\"]"), order.toString());
    assertTrue(order.indexOf("npm.pkg[\"util\"]") < order.indexOf("npm.pkg[\"web\"]"), order.toString());
    FanoutRun.Result graph = f.run("graph", f.dir.toString());
    assertTrue(graph.out().contains("needs package @acme/core"), graph.out());

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("local dependencies published as versions of this release, as pnpm and yarn do:"
        + " @acme/core workspace:^ -> ^1.2.0, @acme/util file:../util -> 1.2.0, @acme/core workspace:* -> 1.2.0"),
        apply.out());
    JsonNode web = publishedManifest("@acme/web");
    assertEquals("^1.2.0", web.get("dependencies").get("@acme/core").asText(), web.toString());
    assertEquals("1.2.0", web.get("dependencies").get("@acme/util").asText(), web.toString());
    assertEquals("1.2.0", web.get("devDependencies").get("@acme/core").asText(), web.toString());
  }

  @Test
  void aFolderOutsideTheReleaseFailsValidate() throws Exception {
    Files.createDirectories(temp.resolve("elsewhere"));
    Files.writeString(temp.resolve("elsewhere/package.json"), "{\"name\": \"@acme/elsewhere\", \"version\": \"1.0.0\"}");
    folder("web", "{\"name\": \"@acme/web\", \"version\": \"0.0.0\", \"dependencies\":"
        + " {\"@acme/elsewhere\": \"link:../../../elsewhere\"}}");

    FanoutRun.Result validate = f.run("validate", f.dir.toString());

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.err().contains("packages/web/package.json: @acme/elsewhere is \"link:../../../elsewhere\", a"
        + " folder outside the release"), validate.err());
  }

  @Test
  void aWorkspacePackageTheReleaseDoesNotPublishFailsValidate() throws Exception {
    release("[\"web\", \"util\"]");

    FanoutRun.Result validate = f.run("validate", f.dir.toString());

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.err().contains("npm.pkg[\"web\"] needs npm package @acme/core, which this release does not"
        + " publish"), validate.err());
  }

  @Test
  void realNpmInstallsTheDependentFromVerdaccio() throws Exception {
    try (dev.fanout.testing.Verdaccio verdaccio = dev.fanout.testing.Verdaccio.start()) {
      String token = verdaccio.createUser("acme", "acme-password-1");
      Path release = f.dir.resolve("release.fanout");
      Files.writeString(release, Files.readString(release).replace("https://registry.npmjs.org", verdaccio.url()));
      f.env.put("NPM_TOKEN", token);

      FanoutRun.Result apply = f.run("apply", f.dir.toString(), "--auto-approve");
      assertEquals(0, apply.exit(), apply.all());

      dev.fanout.providers.npm.NpmCli npm = new dev.fanout.providers.npm.NpmCli(temp.resolve("npm-home"),
          verdaccio.url(), token);
      Path consumer = temp.resolve("consumer");
      Files.createDirectories(consumer);
      Files.writeString(consumer.resolve("package.json"), "{\"name\": \"consumer\", \"version\": \"1.0.0\"}");
      dev.fanout.testing.Tools.Result install = npm.run(consumer, "install", "@acme/web@1.2.0");
      assertEquals(0, install.exit(), install.toString());
      dev.fanout.testing.Tools.Result ran = dev.fanout.testing.Tools.run(consumer, java.util.Map.of(), "node", "-e",
          "console.log(require('@acme/web'), require('@acme/core'), require('@acme/core/package.json').version)");
      assertEquals("web core 1.2.0", ran.output().trim(), ran.toString());
    }
  }

  /** The package.json inside the tarball the sandbox's npm holds. */
  private JsonNode publishedManifest(String name) throws Exception {
    String file = name.substring(name.indexOf('/') + 1) + "-1.2.0.tgz";
    Path tgz;
    try (java.util.stream.Stream<Path> all = Files.walk(f.sandbox)) {
      tgz = all.filter(p -> p.getFileName().toString().equals(file)).findFirst()
          .orElseThrow(() -> new AssertionError("the sandbox's npm holds no " + file));
    }
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new java.util.zip.GZIPInputStream(Files.newInputStream(tgz)))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.getName().equals("package/package.json")) {
          return new com.fasterxml.jackson.databind.ObjectMapper().readTree(tar.readAllBytes());
        }
      }
    }
    throw new AssertionError(tgz + " holds no package/package.json");
  }
}
