package dev.fanout.providers.maven_central;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http.Http;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sonatype's own client, {@code central-publishing-maven-plugin}, publishing a small project
 * to the Portal emulator: what the emulator accepts must be what Central's own plugin sends
 * (bundle upload, status polls to PUBLISHED), and its validation must pass a project set up
 * as Central requires (sources, javadoc, signatures by maven-gpg-plugin, checksums by the
 * plugin). Maven reaches only loopback (a mirror on a closed port): .ci/install.d/central-plugin.sh
 * puts the plugins in ~/.m2.
 */
class CentralPublishingPluginTest {

  @TempDir
  Path dir;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws Exception {
    ProviderHarness.withoutLag(dir.resolve("sandbox"));
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new MavenCentralEmulator(), new KeyServerEmulator()));
  }

  @AfterEach
  void stop() throws Exception {
    sandbox.close();
  }

  @Test
  void sonatypesPluginPublishesASmallProjectToThePortalEmulator() throws Exception {
    Tools.require("mvn", "apt-get install maven");
    Tools.require("javadoc", "a JDK");
    TestKeys key = TestKeys.generate("plugin pass");
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("keyserver") + "/pks/add")
        .post(new FormBody.Builder().add("keytext", key.armoredPublic()).build()).build()).execute()) {
      assertEquals(200, r.code());
    }
    Path project = project();

    Tools.Result mvn = Tools.run(project, Map.of("MAVEN_GPG_KEY", key.armoredSecret(), "MAVEN_GPG_PASSPHRASE", "plugin pass"),
        "mvn", "-B", "-s", project.resolve("settings.xml").toString(), "deploy");

    assertEquals(0, mvn.exit(), tail(mvn.output()));
    assertTrue(mvn.output().contains("was successfully published"), tail(mvn.output()));
    try (Response pom = http.newCall(new Request.Builder()
        .url(sandbox.url("maven_central") + "/maven2/dev/fanout/demo/greeter/1.0.0/greeter-1.0.0.pom").build()).execute()) {
      assertEquals(200, pom.code());
    }
    String uploads;
    try (var lines = Files.lines(sandbox.dir().resolve("requests.jsonl"))) {
      uploads = String.join("\n", lines.filter(l -> l.contains("/api/v1/publisher/")).toList());
    }
    assertTrue(uploads.contains("/api/v1/publisher/upload"), uploads);
  }

  private Path project() throws Exception {
    Path p = Files.createDirectories(dir.resolve("greeter"));
    Files.createDirectories(p.resolve("src/main/java/dev/fanout/demo"));
    Files.writeString(p.resolve("src/main/java/dev/fanout/demo/Greeter.java"), """
        package dev.fanout.demo;

        /** Greets. */
        public final class Greeter {
          private Greeter() { }

          /** @return a greeting */
          public static String hello() {
            return "hello";
          }
        }
        """);
    Files.writeString(p.resolve("settings.xml"), """
        <settings>
          <servers><server><id>central</id><username>fanout</username><password>%s</password></server></servers>
          <!-- Online (the plugin's publish goal refuses offline mode) but loopback only: every
               download goes to a closed port, so only what ~/.m2 holds is used. -->
          <mirrors><mirror><id>central</id><mirrorOf>*</mirrorOf><url>http://127.0.0.1:9/</url></mirror></mirrors>
        </settings>
        """.formatted(TokenPolicy.SANDBOX_TOKEN));
    Files.writeString(p.resolve("pom.xml"), """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>dev.fanout.demo</groupId>
          <artifactId>greeter</artifactId>
          <version>1.0.0</version>
          <name>greeter</name>
          <description>A greeting, published by Sonatype's plugin to the sandbox.</description>
          <url>https://github.com/fanout-dev/greeter</url>
          <licenses><license><name>MIT</name><url>https://opensource.org/licenses/MIT</url></license></licenses>
          <developers><developer><name>Fanout Developers</name></developer></developers>
          <scm><url>https://github.com/fanout-dev/greeter</url><connection>scm:git:https://github.com/fanout-dev/greeter.git</connection></scm>
          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
          <build>
            <plugins>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-install-plugin</artifactId><version>3.1.4</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-deploy-plugin</artifactId><version>3.1.4</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-source-plugin</artifactId><version>3.4.0</version>
                <executions><execution><id>sources</id><goals><goal>jar-no-fork</goal></goals></execution></executions></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-javadoc-plugin</artifactId><version>3.12.0</version>
                <executions><execution><id>javadoc</id><goals><goal>jar</goal></goals></execution></executions></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-gpg-plugin</artifactId><version>3.2.7</version>
                <executions><execution><id>sign</id><goals><goal>sign</goal></goals><configuration><signer>bc</signer></configuration></execution></executions></plugin>
              <plugin><groupId>org.sonatype.central</groupId><artifactId>central-publishing-maven-plugin</artifactId><version>0.9.0</version>
                <extensions>true</extensions>
                <configuration>
                  <centralBaseUrl>%s</centralBaseUrl>
                  <publishingServerId>central</publishingServerId>
                  <autoPublish>true</autoPublish>
                  <waitUntil>published</waitUntil>
                  <waitPollingInterval>1</waitPollingInterval>
                </configuration>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(sandbox.url("maven_central")));
    return p;
  }

  private static String tail(String output) {
    return output.length() > 4000 ? output.substring(output.length() - 4000) : output;
  }
}
