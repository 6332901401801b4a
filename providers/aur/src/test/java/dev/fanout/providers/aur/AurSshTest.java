package dev.fanout.providers.aur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AUR's only push path, SSH, against Debian's openssh-server on loopback (see
 * {@link LoopbackSshd}): the key from the environment with a passphrase, the host key checked,
 * the credential check as an SSH login running {@code help}, and the hook's refusals shown.
 */
class AurSshTest {

  private static final String PASSPHRASE = "correct horse battery staple";

  @TempDir
  Path tmp;
  private LoopbackSshd sshd;
  private String key;
  private Path cloneKey;
  private TestArtifacts artifacts;
  private Address amd64;

  @BeforeEach
  void start() throws Exception {
    Tools.require("ssh-keygen", "apt-get install openssh-client");
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    key = LoopbackSshd.keygen(keys.resolve("fanout"), PASSPHRASE);
    cloneKey = keys.resolve("clone");
    LoopbackSshd.keygen(cloneKey, "");
    sshd = LoopbackSshd.start(Files.createDirectories(tmp.resolve("sshd")),
        Files.readString(keys.resolve("fanout.pub")).trim(), Files.readString(keys.resolve("clone.pub")).trim());
    artifacts = new TestArtifacts();
    amd64 = artifacts.add(tmp.resolve("dist"), "contextlite-linux-amd64", "linux", "amd64", "amd64".getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void publishesOverSshThenACloneShowsPkgbuildAndSrcinfoAndASecondPublishWritesNothing() throws Exception {
    Provider provider = provider();
    Publication p = publication(key, PASSPHRASE, sshd.knownHostsLine());

    CredentialCheck check = provider.checkCredentials(p);
    Provider.PublishResult first = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);
    Provider.PublishResult second = provider.publish(p, after);
    Tools.Result clone = Tools.run(tmp, Map.of("GIT_SSH_COMMAND", sshCommand(), "HOME", tmp.toString()),
        "git", "clone", "-q", sshd.url() + "/contextlite-bin.git", tmp.resolve("clone").toString());

    assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
    assertTrue(check.detail().contains("Commands:"), check.detail());
    assertEquals(List.of("PKGBUILD", ".SRCINFO"), first.written());
    assertEquals("1.0.35", after.currentVersion());
    assertEquals(List.of(), second.written(), second.detail());
    assertEquals(0, clone.exit(), clone.output());
    assertTrue(Files.readString(tmp.resolve("clone/PKGBUILD")).matches("(?s).*pkgname=.?contextlite-bin.*"));
    assertTrue(Files.readString(tmp.resolve("clone/.SRCINFO")).contains("pkgbase = contextlite-bin"));
    assertKeyNeverOnDisk();
  }

  @Test
  void aServerWhoseHostKeyIsNotKnownIsRefusedBeforeAnythingIsSent() throws Exception {
    Provider provider = provider();
    // The AUR's own fingerprints: the loopback server is not the AUR.
    Publication p = publication(key, PASSPHRASE, null);

    CredentialCheck check = provider.checkCredentials(p);
    RegistryException push = assertThrows(RegistryException.class, () -> provider.publish(p, RegistryState.absent("x")));

    assertEquals(CredentialCheck.Status.ERROR, check.status());
    assertTrue(check.detail().contains("is not among the known hosts") && check.detail().contains("SHA256:"), check.detail());
    assertTrue(push.getMessage().contains("not among the known hosts"), push.getMessage());
    assertFalse(Files.exists(sshd.dir.resolve("repos/contextlite-bin.git")), "nothing reached git-serve");
  }

  @Test
  void aKeyTheServerDoesNotKnowIsInvalidInThePlan() throws Exception {
    String stranger = LoopbackSshd.keygen(tmp.resolve("keys/stranger"), "");

    CredentialCheck check = provider().checkCredentials(publication(stranger, null, sshd.knownHostsLine()));

    assertEquals(CredentialCheck.Status.INVALID, check.status(), check.detail());
    assertTrue(check.detail().contains("Permission denied (publickey)"), check.detail());
  }

  @Test
  void aWrongPassphraseIsInvalidAndNeverShowsTheKey() throws Exception {
    CredentialCheck check = provider().checkCredentials(publication(key, "wrong", sshd.knownHostsLine()));

    assertEquals(CredentialCheck.Status.INVALID, check.status(), check.detail());
    assertFalse(check.detail().contains("PRIVATE KEY"), check.detail());
  }

  @Test
  void aPushTheHookRefusesFailsWithTheHooksMessages() throws Exception {
    sshd.deny("error: cannot overwrite package: contextlite-bin");
    Provider provider = provider();
    Publication p = publication(key, PASSPHRASE, sshd.knownHostsLine());

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(p, provider.read(p)));

    assertTrue(e.getMessage().contains("error: cannot overwrite package: contextlite-bin"), e.getMessage());
    assertFalse(e.isTransient());
  }

  @Test
  void theDefaultKnownHostsAreTheAursPublishedFingerprints() {
    assertEquals(3, AurSsh.AUR_FINGERPRINTS.size());
    assertTrue(AurSsh.AUR_FINGERPRINTS.contains("aur.archlinux.org SHA256:RFzBCUItH9LZS0cKB5UE6ceAYhBD5C8GeOBip8Z11+4"));
  }

  private void assertKeyNeverOnDisk() throws Exception {
    String marker = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    try (Stream<Path> files = Files.walk(tmp.resolve("work"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(marker), "the key is in " + f);
      }
    }
  }

  private String sshCommand() throws Exception {
    Path known = tmp.resolve("known_hosts");
    Files.writeString(known, sshd.knownHostsLine() + "\n");
    return "ssh -i " + cloneKey + " -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + known;
  }

  private Provider provider() {
    return new AurProviderFactory().create(new ProviderContext(Http.client("test", Http.Policy.standard()),
        Map.of("rpc", AurProviderFactory.NO_RPC, "git", sshd.url()),
        new Release("contextlite", "1.0.35", "literal", "Context for LLMs", "https://example.org", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), false));
  }

  private Publication publication(String privateKey, String passphrase, String knownHosts) {
    Map<String, Object> assets = new LinkedHashMap<>();
    assets.put("linux-amd64", ManifestFixtures.asset("contextlite-linux-amd64", "1.0.35", amd64));
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("ssh_key", new Secret("env AUR_SSH_KEY", privateKey));
    settings.put("ssh_passphrase", new Secret("env AUR_SSH_PASSPHRASE", passphrase));
    if (knownHosts != null) {
      settings.put("known_hosts", knownHosts);
    }
    return new Publication(Address.of("aur", "contextlite"), "aur",
        Map.of("package", "contextlite-bin", "assets", assets), settings);
  }
}
