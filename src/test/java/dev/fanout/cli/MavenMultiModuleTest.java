package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Maven multi-module build's own outputs (each module's pom, jar, sources and javadoc) as one
 * {@code maven_central} block with {@code for_each}; a module pom that lacks what Central
 * requires fails validate, naming the file and the elements.
 */
class MavenMultiModuleTest {

  private static final List<String> MODULES = List.of("greeter-core", "greeter-cli");

  @TempDir
  Path temp;

  private FanoutRun f;

  @BeforeEach
  void build() throws IOException {
    f = new FanoutRun(temp, "java-library");
    Files.writeString(f.dir.resolve("release.fanout"), """
        release "greeter" {
          version     = "1.2.0"
          description = "Says hello"
          homepage    = "https://github.com/example/greeter"
          license     = "Apache-2.0"
        }

        provider "maven_central" {
          username         = "example"
          token            = env("CENTRAL_TOKEN")
          signing_key      = env("MAVEN_GPG_KEY")
          signing_password = env("MAVEN_GPG_PASSPHRASE")
        }

        maven_central "module" {
          for_each    = ["greeter-core", "greeter-cli"]
          group       = "dev.example"
          artifact    = each.key
          pom         = "${each.key}/pom.xml"
          jar         = "${each.key}/target/${each.key}-${release.version}.jar"
          sources_jar = "${each.key}/target/${each.key}-${release.version}-sources.jar"
          javadoc_jar = "${each.key}/target/${each.key}-${release.version}-javadoc.jar"
        }
        """);
    for (String module : MODULES) {
      Path dir = f.dir.resolve(module);
      Files.createDirectories(dir.resolve("target"));
      Files.writeString(dir.resolve("pom.xml"), pom(module));
      for (String classifier : List.of("", "-sources", "-javadoc")) {
        jar(dir.resolve("target/" + module + "-1.2.0" + classifier + ".jar"), module + classifier);
      }
    }
  }

  @Test
  void everyModuleIsUploadedAsItsOwnBundleOnceWithItsOwnPom() throws Exception {
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");
    long afterFirst = f.writes();
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("published or up to date (100%)"), apply.out());
    assertTrue(apply.out().contains("maven_central.module[\"greeter-core\"]"), apply.out());
    assertTrue(apply.out().contains("maven_central.module[\"greeter-cli\"]"), apply.out());
    assertEquals(2, f.requests().stream().filter(r -> r.get("write").asBoolean()
        && r.toString().contains("/api/v1/publisher/upload")).count(), f.requests().toString());
    assertEquals(0, again.exit(), again.all());
    assertEquals(afterFirst, f.writes(), "the second apply wrote again: " + again.out());
  }

  @Test
  void aModulePomWithoutWhatCentralRequiresFailsValidateNamingTheFileAndTheElements() throws Exception {
    Path cliPom = f.dir.resolve("greeter-cli/pom.xml");
    String pom = Files.readString(cliPom);
    Files.writeString(cliPom, pom.substring(0, pom.indexOf("  <developers>")) + pom.substring(pom.indexOf("</scm>") + 7));

    FanoutRun.Result validate = f.run("validate", f.dir.toString());
    FanoutRun.Result plan = f.sandboxed("plan");

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.all().contains(cliPom + " has no <developers><developer>, no <scm><url>: Maven Central refuses"),
        validate.all());
    assertTrue(!validate.all().contains("greeter-core/pom.xml has no"), validate.all());
    assertEquals(1, plan.exit(), plan.all());
    assertTrue(f.requests().stream().noneMatch(r -> r.get("write").asBoolean()), "a write before the plan");
  }

  @Test
  void aPomOfAnotherModuleFailsValidate() throws Exception {
    Path cliPom = f.dir.resolve("greeter-cli/pom.xml");
    Files.writeString(cliPom, pom("greeter-core"));

    FanoutRun.Result validate = f.run("validate", f.dir.toString());

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.all().contains(cliPom + " is the pom of dev.example:greeter-core, but the block publishes"
        + " dev.example:greeter-cli"), validate.all());
  }

  /** A module's pom as a Maven build with Central's metadata writes it. */
  private static String pom(String module) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>dev.example</groupId>
          <artifactId>%s</artifactId>
          <version>1.2.0</version>
          <name>%s</name>
          <description>Says hello</description>
          <url>https://github.com/example/greeter</url>
          <licenses>
            <license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0.txt</url></license>
          </licenses>
          <developers>
            <developer><name>Example Developer</name></developer>
          </developers>
          <scm>
            <url>https://github.com/example/greeter</url>
          </scm>
        </project>
        """.formatted(module, module);
  }

  private static void jar(Path file, String readme) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
      jar.putNextEntry(new JarEntry("README.md"));
      jar.write(readme.getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
  }
}
