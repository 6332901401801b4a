package dev.fanout.providers.github_release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.BuildStep;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryState;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.signing.Dsse;
import dev.fanout.signing.EphemeralKey;
import dev.fanout.signing.Sbom;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed release: detached signatures, CycloneDX SBOMs and DSSE-signed provenance, checked by gpg and the schema. */
class ReleaseSignaturesTest {

  private static final String BASE = "/download/acme/tool/v1.2.0/";
  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());
  private final TestArtifacts artifacts = new TestArtifacts();
  private Address linux;
  private Address mac;
  private Provider provider;
  private EphemeralKey key;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()));
    linux = artifacts.add(tmp.resolve("dist"), "tool-linux-amd64", "linux", "amd64", bytes("linux binary"));
    mac = artifacts.add(tmp.resolve("dist"), "tool-darwin-arm64", "darwin", "arm64", bytes("mac binary"));
    artifacts.builtBy(linux, new BuildStep(Address.of("build", "tool"), List.of("go", "build", "-o", "dist/tool-linux-amd64"),
        Map.of(), List.of("dist/tool-linux-amd64"), null, false));
    provider = new GithubReleaseProviderFactory().create(new ProviderContext(http, Map.of("api_url", sandbox.url("github"),
        "uploads_url", sandbox.urls().get("github.uploads")),
        new Release("tool", "1.2.0", "literal", "A tool", "https://example.org", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), true));
    ManifestFixtures.repository(ManifestFixtures.github(http, sandbox.url("github")), "acme/tool");
    key = EphemeralKey.generate("Release Signer <release@example.org>", "correct horse");
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private Publication publication(String armoredKey, String password) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("repository", "acme/tool");
    attrs.put("assets", List.of(new Ref(linux), new Ref(mac)));
    attrs.put("sbom", true);
    attrs.put("provenance", true);
    return new Publication(Address.of("github_release", "main"), "github_release", attrs,
        Map.of("token", new Secret("env GITHUB_TOKEN", TokenPolicy.SANDBOX_TOKEN),
            "signing_key", new Secret("env GPG_PRIVATE_KEY", armoredKey),
            "signing_password", new Secret("env GPG_PASSPHRASE", password)));
  }

  private static final List<String> SIGNED = List.of("tool-linux-amd64", "tool-darwin-arm64",
      "tool-linux-amd64.cdx.json", "tool-darwin-arm64.cdx.json", "SHA256SUMS");

  @Test
  void everyAssetAndTheChecksumsAreSignedAndGpgVerifiesThemFromTheRelease() throws Exception {
    Tools.require("gpg", "apt-get install gnupg");
    Publication p = publication(key.armoredSecret(), key.password());
    DesiredState desired = provider.desired(p);

    Provider.PublishResult result = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);

    for (String name : SIGNED) {
      assertTrue(result.written().contains(name + ".asc"), result.written().toString());
    }
    Path dir = tmp.resolve("check");
    Path home = gpgHome(dir);
    for (String name : SIGNED) {
      Files.write(dir.resolve(name), get(BASE + name));
      Files.write(dir.resolve(name + ".asc"), get(BASE + name + ".asc"));
      Tools.Result verified = gpg(dir, home, "--verify", name + ".asc", name);
      assertEquals(0, verified.exit(), name + ": " + verified.output());
      assertTrue(verified.output().contains("Good signature"), verified.output());
    }
    assertEquals(desired.items(), after.items(), "the signatures are verified after writing");
    Files.write(dir.resolve("tool-linux-amd64"), bytes("tampered binary"));
    Tools.Result tampered = gpg(dir, home, "--verify", "tool-linux-amd64.asc", "tool-linux-amd64");
    assertNotEquals(0, tampered.exit(), tampered.output());
    assertTrue(tampered.output().contains("BAD signature"), tampered.output());
  }

  @Test
  void provenanceIsAnInTotoStatementInADsseEnvelopeThatGpgVerifies() throws Exception {
    Tools.require("gpg", "apt-get install gnupg");
    Publication p = publication(key.armoredSecret(), key.password());
    provider.publish(p, provider.read(p));

    JsonNode envelope = new ObjectMapper().readTree(get(BASE + "tool-linux-amd64.intoto.jsonl"));
    byte[] payload = Base64.getDecoder().decode(envelope.path("payload").asText());
    JsonNode statement = new ObjectMapper().readTree(payload);
    Path dir = tmp.resolve("dsse");
    Path home = gpgHome(dir);
    // Independently of Fanout's verifier: the signature is gpg's over DSSE's PAE of the type and payload.
    Files.write(dir.resolve("pae"), Dsse.pae(envelope.path("payloadType").asText(), payload));
    Files.write(dir.resolve("pae.asc"), Base64.getDecoder().decode(envelope.path("signatures").get(0).path("sig").asText()));
    Tools.Result verified = gpg(dir, home, "--verify", "pae.asc", "pae");
    Files.write(dir.resolve("pae"), Dsse.pae("application/json", payload));
    Tools.Result otherType = gpg(dir, home, "--verify", "pae.asc", "pae");

    assertEquals(0, verified.exit(), verified.output());
    assertNotEquals(0, otherType.exit(), "the payload type is signed too: " + otherType.output());
    assertEquals("application/vnd.in-toto+json", envelope.path("payloadType").asText());
    assertEquals("https://in-toto.io/Statement/v1", statement.path("_type").asText());
    assertEquals("https://slsa.dev/provenance/v1", statement.path("predicateType").asText());
    assertEquals("tool-linux-amd64", statement.path("subject").get(0).path("name").asText());
    assertEquals(artifacts.sha256(linux), statement.path("subject").get(0).path("digest").path("sha256").asText());
    JsonNode definition = statement.path("predicate").path("buildDefinition");
    assertEquals("[\"go\",\"build\",\"-o\",\"dist/tool-linux-amd64\"]",
        definition.path("externalParameters").path("build").path("command").toString());
    assertEquals("https://github.com/acme/tool", definition.path("externalParameters").path("source").path("repository").asText());
    assertFalse(statement.path("predicate").path("runDetails").path("builder").path("id").asText().isEmpty());
  }

  @Test
  void theSbomsValidateAgainstTheCycloneDxSchema() throws Exception {
    Publication p = publication(key.armoredSecret(), key.password());
    provider.publish(p, provider.read(p));
    JsonParser parser = new JsonParser();

    for (String name : List.of("tool-linux-amd64", "tool-darwin-arm64")) {
      byte[] sbom = get(BASE + name + ".cdx.json");
      assertEquals(List.of(), parser.validate(sbom, Sbom.SPEC), name);
      JsonNode bom = new ObjectMapper().readTree(sbom);
      assertEquals("CycloneDX", bom.path("bomFormat").asText());
      assertEquals("1.6", bom.path("specVersion").asText());
      assertEquals(name, bom.path("metadata").path("component").path("name").asText());
      assertEquals(artifacts.sha256(name.contains("linux") ? linux : mac),
          bom.path("metadata").path("component").path("hashes").get(0).path("content").asText());
    }
    // The validator can fail: an SBOM whose hash is not a sha256 does not pass.
    String broken = new String(get(BASE + "tool-linux-amd64.cdx.json"), StandardCharsets.UTF_8)
        .replace(artifacts.sha256(linux), "not-a-digest");
    assertFalse(parser.validate(broken.getBytes(StandardCharsets.UTF_8), Sbom.SPEC).isEmpty());
  }

  @Test
  void driftSeesASignatureThatNoLongerVerifiesAndOneThatIsGone() throws Exception {
    Publication p = publication(key.armoredSecret(), key.password());
    provider.publish(p, provider.read(p));
    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "github_release");
    JsonNode release = api.get("/repos/acme/tool/releases/tags/v1.2.0", "read").json();
    EphemeralKey other = EphemeralKey.generate("Someone Else <else@example.org>", "x");
    byte[] forged = dev.fanout.signing.OpenPgpSigner.load(other.armoredSecret(), "x").sign(bytes("linux binary"));
    for (JsonNode asset : release.path("assets")) {
      String name = asset.path("name").asText();
      if (name.equals("tool-linux-amd64.asc") || name.equals("SHA256SUMS.asc")) {
        assertEquals(204, api.send("DELETE", "/repos/acme/tool/releases/assets/" + asset.path("id").asLong(), null, "d").status());
      }
    }
    String upload = sandbox.urls().get("github.uploads") + "/repos/acme/tool/releases/" + release.path("id").asLong()
        + "/assets?name=tool-linux-amd64.asc";
    assertTrue(api.send("POST", upload, forged, MediaType.get("application/octet-stream"), "upload").ok());

    RegistryState drifted = provider.read(p);
    String want = provider.desired(p).items().get("tool-linux-amd64.asc");

    assertTrue(want.startsWith("signature by "), want);
    assertTrue(drifted.items().get("tool-linux-amd64.asc").startsWith("does not verify"), drifted.items().toString());
    assertFalse(drifted.items().containsKey("SHA256SUMS.asc"));
    assertEquals(provider.desired(p).items().get("tool-darwin-arm64.asc"), drifted.items().get("tool-darwin-arm64.asc"));
  }

  @Test
  void aKeyThatCannotBeUnlockedIsACredentialErrorThatNamesItsSourceNotTheKey() throws Exception {
    Publication p = publication(key.armoredSecret(), "wrong passphrase");

    CredentialCheck check = provider.checkCredentials(p);

    assertEquals(CredentialCheck.Status.ERROR, check.status());
    assertTrue(check.detail().contains("env GPG_PRIVATE_KEY") && check.detail().contains("signing_password"), check.detail());
    assertFalse(check.detail().contains("PGP PRIVATE KEY"), check.detail());
    assertTrue(provider.desired(p).items().containsKey("SHA256SUMS.asc"), "the plan still shows what it owes");
  }

  private Path gpgHome(Path dir) throws Exception {
    Path home = Files.createDirectories(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dir.resolve("key.asc"), key.armoredPublic());
    Tools.Result imported = gpg(dir, home, "--import", "key.asc");
    assertEquals(0, imported.exit(), imported.output());
    return home;
  }

  private static Tools.Result gpg(Path dir, Path home, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch"));
    command.addAll(List.of(args));
    return Tools.run(dir, Map.of(), command.toArray(String[]::new));
  }

  private byte[] get(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("github") + path).build()).execute()) {
      assertEquals(200, r.code(), path);
      return r.body().bytes();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
