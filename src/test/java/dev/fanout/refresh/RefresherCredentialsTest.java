package dev.fanout.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.output.Redactor;
import dev.fanout.sandbox.SandboxRouting;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Providers;
import dev.fanout.providers.npm.NpmEmulator;
import dev.fanout.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefresherCredentialsTest {

  @TempDir
  Path dir;

  @Test
  void npmCredentialsAreCheckedOncePerProviderBlockNotOncePerPackage() throws Exception {
    // given: three npm packages sharing one provider block, against the npm emulator
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve("bin/app"), "#!/bin/sh\necho app\n");
    StringBuilder release = new StringBuilder("""
        release "shared" {
          version = "1.0.0"
          license = "MIT"
        }
        artifact "app" {
          os      = "linux"
          arch    = "amd64"
          sources = ["bin/app"]
        }
        """);
    for (String name : List.of("one", "two", "three")) {
      release.append("npm \"").append(name).append("\" {\n  package  = \"").append(name)
          .append("\"\n  binaries = [artifact.app]\n}\n");
    }
    Files.writeString(dir.resolve("release.fanout"), release);
    Path sandboxDir = dir.resolve("sandbox");
    try (Sandbox sandbox = Sandbox.start(sandboxDir, "empty", List.of(new NpmEmulator()))) {
      ConfigLoader.Result loaded = new ConfigLoader(Providers.load(), Map.of(), Map.of(), p -> null)
          .withSandbox(sandbox.urls()).load(dir);
      Engine.Settings settings = Engine.Settings.standard("test")
          .withRouting(new SandboxRouting(sandbox.urls(), java.util.Set.of()));
      try (Engine engine = Engine.open(loaded.config(), Providers.load(), settings, Redactor.none())) {
        // when
        Snapshot snapshot = new Refresher(engine.targets(), 10).refresh(engine.config().publications().keySet(),
            n -> { });

        // then: every target has the verdict, and the registry was asked once
        assertEquals(3, snapshot.targets().size());
        snapshot.targets().values().forEach(t -> assertEquals(CredentialCheck.Status.OK, t.credentials().status()));
        try (Stream<String> lines = Files.lines(sandboxDir.resolve("requests.jsonl"))) {
          assertEquals(1, lines.filter(l -> l.contains("\"path\":\"/-/whoami\"")).count());
        }
      }
    }
  }

  @Test
  void aContainerRegistryThatNeedsNoCredentialsIsCheckedAnonymouslyWithoutAToken() throws Exception {
    // given: a docker image with no token at all, on Debian's docker-registry without auth
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve("bin/app"), "#!/bin/sh\necho app\n");
    try (dev.fanout.testing.DockerRegistry registry = dev.fanout.testing.DockerRegistry.start()) {
      Files.writeString(dir.resolve("release.fanout"), """
          release "anon" {
            version = "1.0.0"
            license = "MIT"
          }
          artifact "app" {
            os      = "linux"
            arch    = "amd64"
            sources = ["bin/app"]
          }
          provider "docker" {
            registry = "%s"
          }
          docker "image" {
            repository = "anon/app"
            binaries   = [artifact.app]
          }
          """.formatted(registry.url()));
      ConfigLoader.Result loaded = new ConfigLoader(Providers.load(), Map.of(), Map.of(), p -> null).load(dir);
      try (Engine engine = Engine.open(loaded.config(), Providers.load(), Engine.Settings.standard("test"), Redactor.none())) {
        // when
        Snapshot snapshot = new Refresher(engine.targets(), 1).refresh(engine.config().publications().keySet(), n -> { });

        // then: the check asked the registry, which lets anonymous clients push
        CredentialCheck check = snapshot.targets().values().iterator().next().credentials();
        assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
        org.junit.jupiter.api.Assertions.assertTrue(check.detail().startsWith("anonymous: "), check.detail());
        org.junit.jupiter.api.Assertions.assertFalse(check.detail().contains("is not set"), check.detail());
      }
    }
  }
}
