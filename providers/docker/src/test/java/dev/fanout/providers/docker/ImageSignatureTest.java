package dev.fanout.providers.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.signing.EcdsaSigner;
import dev.fanout.signing.Sbom;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cosign-compatible image signatures and SBOM artifacts, verified outside Fanout (openssl, the JDK, the CycloneDX schema). */
class ImageSignatureTest {

  @TempDir
  Path dir;
  private ProviderHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = ProviderHarness.start(dir, new OciEmulator());
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String pem(KeyPair pair) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private Publication publication(String key) {
    return publication(key, null);
  }

  private Publication publication(String key, String password) {
    TestArtifacts built = DockerProviderTest.binaries(dir.resolve("bin"), "v1");
    return ProviderHarness.publication("docker", "contextlite").attribute("repository", "contextlite/contextlite")
        .attribute("binaries", DockerProviderTest.refs(built)).attribute("tags", List.of("1.0.35", "latest"))
        .attribute("sbom", true).token("DOCKER_TOKEN", TokenPolicy.SANDBOX_TOKEN)
        .secret("signing_key", "env COSIGN_KEY", key).secret("signing_password", "env COSIGN_PASSWORD", password).build();
  }

  private Provider provider() {
    DockerProviderFactory factory = new DockerProviderFactory();
    return factory.create(harness.context(factory, DockerProviderTest.binaries(dir.resolve("bin"), "v1"), true));
  }

  private DistributionClient client() {
    return new DistributionClient(harness.http(), harness.url("oci"), "contextlite/contextlite", null,
        new Secret("t", TokenPolicy.SANDBOX_TOKEN));
  }

  @Test
  void theSignatureIsStoredAsCosignStoresItAndVerifiesWithTheKeyButNotAnother() throws Exception {
    KeyPair key = p256();
    Publication pub = publication(pem(key));
    Provider provider = provider();
    DesiredState desired = provider.desired(pub);

    Provider.PublishResult result = provider.publish(pub, provider.read(pub));
    RegistryState after = provider.read(pub);

    assertEquals(desired.items(), after.items(), "the signature and SBOM are verified after writing");
    assertEquals(List.of("1.0.35", "latest"), after.versions(), "attestation tags are not versions");
    String digest = after.items().get("tag:1.0.35");
    String sigTag = "sha256-" + digest.substring("sha256:".length()) + ".sig";
    assertTrue(result.written().contains("signature " + sigTag), result.written().toString());
    DistributionClient client = client();
    client.authenticate(false);
    JsonNode manifest = new ObjectMapper().readTree(client.manifest(sigTag).content());
    JsonNode layer = manifest.path("layers").get(0);
    assertEquals(1, manifest.path("layers").size());
    assertEquals("application/vnd.dev.cosign.simplesigning.v1+json", layer.path("mediaType").asText());
    byte[] payload = client.blob(layer.path("digest").asText());
    byte[] signature = Base64.getDecoder().decode(layer.path("annotations").path("dev.cosignproject.cosign/signature").asText());
    JsonNode critical = new ObjectMapper().readTree(payload).path("critical");
    assertEquals(digest, critical.path("image").path("docker-manifest-digest").asText());
    assertEquals("cosign container image signature", critical.path("type").asText());
    assertEquals(ImageAttestations.reference(harness.url("oci"), "contextlite/contextlite"),
        critical.path("identity").path("docker-reference").asText());
    assertTrue(new ObjectMapper().readTree(payload).path("optional").isNull());

    // Independently of Fanout: the JDK with the public key, and with another key.
    java.security.Signature jdk = java.security.Signature.getInstance("SHA256withECDSA");
    jdk.initVerify(key.getPublic());
    jdk.update(payload);
    assertTrue(jdk.verify(signature));
    jdk.initVerify(p256().getPublic());
    jdk.update(payload);
    assertFalse(jdk.verify(signature));
    // And openssl, as `openssl dgst -sha256 -verify cosign.pub` is the documented manual check.
    if (Tools.find("openssl") != null || System.getenv("CI") != null) {
      Tools.require("openssl", "apt-get install openssl");
      Files.write(dir.resolve("payload"), payload);
      Files.write(dir.resolve("payload.sig"), signature);
      Files.writeString(dir.resolve("key.pub"), EcdsaSigner.load(pem(key), null).publicKeyPem());
      Tools.Result ok = Tools.run(dir, Map.of(), "openssl", "dgst", "-sha256", "-verify", "key.pub", "-signature",
          "payload.sig", "payload");
      Files.writeString(dir.resolve("other.pub"), EcdsaSigner.load(pem(p256()), null).publicKeyPem());
      Tools.Result other = Tools.run(dir, Map.of(), "openssl", "dgst", "-sha256", "-verify", "other.pub", "-signature",
          "payload.sig", "payload");
      assertEquals(0, ok.exit(), ok.output());
      assertNotEquals(0, other.exit(), other.output());
    }
  }

  @Test
  void theSbomIsAnArtifactThatRefersToTheImageAndValidatesAgainstTheCycloneDxSchema() throws Exception {
    Publication pub = publication(pem(p256()));
    Provider provider = provider();
    provider.publish(pub, provider.read(pub));
    String digest = provider.read(pub).items().get("tag:1.0.35");
    DistributionClient client = client();
    client.authenticate(false);

    JsonNode artifact = new ObjectMapper().readTree(
        client.manifest("sha256-" + digest.substring("sha256:".length()) + ".sbom").content());
    byte[] sbom = client.blob(artifact.path("layers").get(0).path("digest").asText());

    assertEquals("application/vnd.cyclonedx+json", artifact.path("artifactType").asText());
    assertEquals(digest, artifact.path("subject").path("digest").asText());
    assertEquals("application/vnd.oci.empty.v1+json", artifact.path("config").path("mediaType").asText());
    assertEquals(List.of(), new JsonParser().validate(sbom, Sbom.SPEC));
    JsonNode component = new ObjectMapper().readTree(sbom).path("metadata").path("component");
    assertEquals("container", component.path("type").asText());
    assertEquals(digest.substring("sha256:".length()), component.path("hashes").get(0).path("content").asText());
  }

  @Test
  void aRerunSignsNothingAgainAndASignatureByAnotherKeyIsDrift() throws Exception {
    Publication pub = publication(pem(p256()));
    Provider provider = provider();
    provider.publish(pub, provider.read(pub));

    Provider.PublishResult again = provider.publish(pub, provider.read(pub));
    Publication otherKey = publication(pem(p256()));
    Provider other = provider();
    RegistryState seenWithOtherKey = other.read(otherKey);

    assertEquals(List.of(), again.written());
    assertTrue(seenWithOtherKey.items().get("signature").startsWith("no signature that verifies"),
        seenWithOtherKey.items().toString());
    assertNotEquals(other.desired(otherKey).items().get("signature"), seenWithOtherKey.items().get("signature"));
  }

  @Test
  void aKeyThatIsNotAnEcKeyIsACredentialErrorThatDoesNotShowTheKey() throws Exception {
    Publication pub = publication("not a key at all");

    CredentialCheck check = provider().checkCredentials(pub);

    assertEquals(CredentialCheck.Status.ERROR, check.status());
    assertTrue(check.detail().contains("env COSIGN_KEY") && check.detail().contains("PKCS#8"), check.detail());
    assertFalse(check.detail().contains("not a key at all"), check.detail());
  }

  @Test
  void distributionTakesTheSignatureAndTheSbomArtifactAndReadsThemBackAsWritten() throws Exception {
    try (dev.fanout.testing.DockerRegistry registry = dev.fanout.testing.DockerRegistry.start()) {
      KeyPair key = p256();
      Publication pub = publication(pem(key));
      Provider provider = new DockerProviderFactory().create(new dev.fanout.provider.ProviderContext(harness.http(),
          Map.of("registry", registry.url()), DockerProviderTest.RELEASE, DockerProviderTest.binaries(dir.resolve("bin"), "v1"),
          dir.resolve("work"), false));
      DesiredState desired = provider.desired(pub);

      Provider.PublishResult first = provider.publish(pub, provider.read(pub));
      RegistryState after = provider.read(pub);

      assertTrue(first.written().stream().anyMatch(w -> w.startsWith("signature ")), first.written().toString());
      assertTrue(first.written().stream().anyMatch(w -> w.startsWith("sbom ")), first.written().toString());
      assertEquals(desired.items(), after.items());
      assertEquals(List.of(), provider.publish(pub, after).written());
    }
  }

  @Test
  void anEncryptedKeyAsOpensslWritesItSignsWithItsPasswordAndIsRefusedWithAnother() throws Exception {
    Tools.require("openssl", "apt-get install openssl");
    Files.writeString(dir.resolve("plain.pem"), pem(p256()));
    Tools.Result converted = Tools.run(dir, Map.of(), "openssl", "pkcs8", "-topk8", "-in", "plain.pem",
        "-passout", "pass:correct horse", "-out", "encrypted.pem");
    assertEquals(0, converted.exit(), converted.output());
    String encrypted = Files.readString(dir.resolve("encrypted.pem"));
    assertTrue(encrypted.contains("BEGIN ENCRYPTED PRIVATE KEY"), encrypted);
    Publication pub = publication(encrypted, "correct horse");
    Provider provider = provider();

    provider.publish(pub, provider.read(pub));
    CredentialCheck wrong = provider().checkCredentials(publication(encrypted, "wrong"));

    assertEquals(provider.desired(pub).items(), provider.read(pub).items());
    assertEquals(CredentialCheck.Status.ERROR, wrong.status());
    assertTrue(wrong.detail().contains("signing_password"), wrong.detail());
  }
}
