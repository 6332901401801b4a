package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.npm.NpmCli;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fanout releases itself: the repository's own release.fanout applied to an empty sandbox
 * publishes every target, and Fanout then installs from there with the real clients: npm
 * install -g of its package, the jar from the GitHub release's download URL, the launcher of a
 * release archive; each prints the version of pom.xml. A second apply writes nothing.
 *
 * <p>CI runs the tests before mvn package makes the shaded jar, so the test does not wait for
 * it or run Maven: it packs the classes the test run compiled (what the shaded jar holds) into a
 * runnable jar whose Class-Path names their dependencies, at target/fanout.jar, where the
 * release's build step finds it newer than every source and reuses it.
 */
class SelfReleaseTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OkHttpClient HTTP = Http.client("test", Http.Policy.standard());
  /** What release.fanout reads or packs from the repository. */
  private static final List<String> RELEASE_FILES = List.of("release.fanout", "pom.xml", "README.md", "bin",
      "packaging");
  private static final List<String> REPOSITORIES = List.of("fanout", "homebrew-tap", "scoop-bucket");
  private static final String[] VARS = {"--var", "license=Apache-2.0"};

  @TempDir
  Path temp;

  @Test
  void fanoutPublishesItselfEverywhereThenInstallsFromNpmAndFromTheGithubRelease() throws Exception {
    Path java = Tools.require("java", "apt-get install openjdk-17-jdk-headless");
    Tools.require("jar", "apt-get install openjdk-17-jdk-headless");
    Path tar = Tools.require("tar", "apt-get install tar");
    Path ruby = Tools.require("ruby", "apt-get install ruby");
    FanoutRun f = FanoutRun.repositoryFiles(temp, RELEASE_FILES);
    String version = pomVersion(f.dir.resolve("pom.xml"));
    runnableJar(f.dir.resolve("target/fanout.jar"));
    for (String token : List.of("GITHUB_TOKEN", "NPM_TOKEN", "DOCKERHUB_TOKEN", "CENTRAL_TOKEN")) {
      f.env.put(token, TokenPolicy.SANDBOX_TOKEN);
    }
    // As on GitHub, the release's repositories exist before it: a write never creates one.
    try (Sandbox github = Sandbox.start(f.sandbox, "empty", List.of(new GithubEmulator()))) {
      for (String repository : REPOSITORIES) {
        assertEquals(201, post(github.url("github") + "/orgs/your-org/repos", "{\"name\": \"" + repository + "\"}"));
      }
    }

    FanoutRun.Result apply = f.sandboxed("apply", with("--auto-approve"));
    long written = f.writes();
    FanoutRun.Result again = f.sandboxed("apply", with("--auto-approve"));

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("fanout " + version + ": 7/7 published or up to date (100%)"), apply.out());
    for (String target : List.of("github_release.fanout", "maven_central.fanout", "npm.fanout", "homebrew.fanout",
        "scoop.fanout", "winget.fanout", "docker.fanout")) {
      assertTrue(apply.out().lines().anyMatch(l -> l.trim().startsWith(target + " ") && l.contains("published")),
          target + " was not published: " + apply.out());
    }
    assertEquals(0, again.exit(), again.all());
    assertEquals(written, f.writes(), "the second apply wrote: " + again.out());

    try (Sandbox sandbox = Sandbox.start(f.sandbox, "empty")) {
      // npm install -g from the sandbox's npm, into a prefix of its own; the launcher runs the jar it carries.
      NpmCli npm = new NpmCli(temp.resolve("npm-home"), sandbox.url("npm"), null);
      Path prefix = temp.resolve("prefix");
      Tools.Result install = npm.run(temp, "install", "-g", "--prefix", prefix.toString(), "fanout-cli@" + version);
      assertEquals(0, install.exit(), install.output());
      Tools.Result npmFanout = Tools.run(temp, withJava(java), prefix.resolve("bin/fanout").toString(), "version");
      assertEquals(0, npmFanout.exit(), npmFanout.output());
      assertTrue(npmFanout.output().startsWith("fanout " + version + " (Java "), npmFanout.output());

      // The jar from the release's download URL, as a user (or the action's version input) takes it.
      Map<String, String> assets = assets(sandbox.url("github"), version);
      // The name action.yml's version input downloads: releases/download/vVERSION/fanout-VERSION.jar.
      assertTrue(assets.getOrDefault("fanout-" + version + ".jar", "").endsWith("/v" + version + "/fanout-" + version + ".jar"),
          assets.toString());
      Path jar = download(assets.get("fanout-" + version + ".jar"), temp.resolve("downloaded.jar"));
      Tools.Result javaJar = Tools.run(temp, Map.of(), java.toString(), "-jar", jar.toString(), "version");
      assertEquals(0, javaJar.exit(), javaJar.output());
      assertTrue(javaJar.output().startsWith("fanout " + version + " (Java "), javaJar.output());

      // A platform archive: the jar beside bin/fanout, whose sh launcher runs it.
      Path archive = download(assets.get("fanout-" + version + "-linux-amd64.tar.gz"), temp.resolve("linux.tar.gz"));
      Path unpacked = Files.createDirectories(temp.resolve("unpacked"));
      Tools.Result untar = Tools.run(unpacked, Map.of(), tar.toString(), "-xzf", archive.toString());
      assertEquals(0, untar.exit(), untar.output());
      Tools.Result launcher = Tools.run(unpacked, withJava(java), unpacked.resolve("bin/fanout").toString(), "version");
      assertEquals(0, launcher.exit(), launcher.output());
      assertTrue(launcher.output().startsWith("fanout " + version + " (Java "), launcher.output());
      assertTrue(Files.isRegularFile(unpacked.resolve("bin/fanout.cmd")));
      assertTrue(assets.containsKey("fanout-" + version + "-windows-amd64.zip"), assets.toString());

      // The formula needs openjdk and runs the jar with Homebrew's java; Ruby parses it.
      String formula = contents(sandbox.url("github"), "your-org/homebrew-tap", "Formula/fanout.rb");
      assertTrue(formula.contains("depends_on \"openjdk\"") && formula.contains("bin.write_jar_script"), formula);
      Path rb = Files.writeString(temp.resolve("fanout.rb"), formula);
      Tools.Result syntax = Tools.run(temp, Map.of(), ruby.toString(), "-c", rb.toString());
      assertEquals(0, syntax.exit(), syntax.output() + formula);

      // The image: the jar run by the base's java, on the JRE image's JAVA_HOME and PATH.
      String oci = sandbox.url("oci");
      String basic = "Basic " + Base64.getEncoder().encodeToString(("your-org:" + TokenPolicy.SANDBOX_TOKEN)
          .getBytes(StandardCharsets.UTF_8));
      String token = "Bearer " + JSON.readTree(get(oci + "/token?service=fanout-sandbox&scope=repository:your-org/fanout:pull",
          basic)).get("token").asText();
      JsonNode index = JSON.readTree(get(oci + "/v2/your-org/fanout/manifests/" + version, token));
      JsonNode manifest = JSON.readTree(get(oci + "/v2/your-org/fanout/manifests/"
          + index.get("manifests").get(0).get("digest").asText(), token));
      JsonNode config = JSON.readTree(get(oci + "/v2/your-org/fanout/blobs/"
          + manifest.get("config").get("digest").asText(), token)).get("config");
      assertEquals("[\"java\",\"-jar\",\"/usr/local/bin/fanout\"]", config.get("Entrypoint").toString());
      assertTrue(config.get("Env").toString().contains("JAVA_HOME=/opt/java/openjdk"), config.toString());
      assertEquals(2, index.get("manifests").size(), index.toString());
    }
  }

  private static String[] with(String... more) {
    List<String> args = new ArrayList<>(List.of(VARS));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** PATH with this JVM's java first, as a user with Java 17 installed has it. */
  private static Map<String, String> withJava(Path java) {
    return Map.of("PATH", java.getParent() + File.pathSeparator + System.getenv("PATH"), "JAVA_HOME", "");
  }

  /** The project's version as Maven reads it: the root element's own version. */
  private static String pomVersion(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    var root = factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    for (var n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if ("version".equals(n.getNodeName())) {
        return n.getTextContent().trim();
      }
    }
    throw new AssertionError("pom.xml has no version");
  }

  /**
   * The classes this test run compiled (target/classes: the code and resources of the shaded
   * jar, its version file filtered by Maven) as a runnable jar; its Class-Path names every jar
   * of the class path by absolute file URL. Newer than every file of the copy, so the build step
   * reuses it.
   */
  private static void runnableJar(Path target) throws IOException {
    List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    Path classes = classPath.stream().map(Path::of).filter(p -> p.endsWith(Path.of("target", "classes")))
        .findFirst().orElseThrow(() -> new AssertionError("no target/classes on the class path"));
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.fanout.cli.Main");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath.stream()
        .filter(p -> p.endsWith(".jar")).map(p -> Path.of(p).toUri().toString()).toList()));
    Files.createDirectories(target.getParent());
    try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        jar.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
        Files.copy(file, jar);
        jar.closeEntry();
      }
    }
    Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
  }

  private static int post(String url, String body) throws IOException {
    Request request = new Request.Builder().url(url).header("Authorization", "token " + TokenPolicy.SANDBOX_TOKEN)
        .post(RequestBody.create(body, MediaType.get("application/json"))).build();
    try (Response r = HTTP.newCall(request).execute()) {
      return r.code();
    }
  }

  /** The release's assets: name to download URL. */
  private static Map<String, String> assets(String github, String version) throws IOException {
    Request request = new Request.Builder().url(github + "/repos/your-org/fanout/releases/tags/v" + version).build();
    try (Response r = HTTP.newCall(request).execute()) {
      assertEquals(200, r.code());
      Map<String, String> out = new TreeMap<>();
      JSON.readTree(r.body().bytes()).get("assets").forEach(a -> out.put(a.get("name").asText(),
          a.get("browser_download_url").asText()));
      return out;
    }
  }

  private static byte[] get(String url, String authorization) throws IOException {
    Request.Builder request = new Request.Builder().url(url).header("Accept",
        "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, */*");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try (Response r = HTTP.newCall(request.build()).execute()) {
      byte[] body = r.body().bytes();
      assertEquals(200, r.code(), url + ": " + new String(body, StandardCharsets.UTF_8));
      return body;
    }
  }

  private static Path download(String url, Path to) throws IOException {
    assertTrue(url != null, "no such asset");
    try (Response r = HTTP.newCall(new Request.Builder().url(url).build()).execute()) {
      assertEquals(200, r.code(), url);
      Files.write(to, r.body().bytes());
    }
    return to;
  }

  private static String contents(String github, String repository, String path) throws IOException {
    Request request = new Request.Builder().url(github + "/repos/" + repository + "/contents/" + path)
        .header("Authorization", "Bearer " + TokenPolicy.SANDBOX_TOKEN).build();
    try (Response r = HTTP.newCall(request).execute()) {
      assertEquals(200, r.code(), path);
      JsonNode file = JSON.readTree(r.body().bytes());
      return new String(Base64.getMimeDecoder().decode(file.get("content").asText()),
          StandardCharsets.UTF_8);
    }
  }
}
