package dev.fanout.providers.npm;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.provider.ProviderContext;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A release with two tiny shell-script "binaries" and the npm publication of them. */
public final class NpmFixtures {

  public final TestArtifacts artifacts = new TestArtifacts();
  public final Address linux;
  public final Address darwin;
  private final Path dir;

  public NpmFixtures(Path dir, String suffix) {
    this.dir = dir;
    linux = artifacts.add(dir.resolve("linux-amd64"), "contextlite", "linux", "amd64",
        script("hello from linux-amd64" + suffix));
    darwin = artifacts.add(dir.resolve("darwin-arm64"), "contextlite", "darwin", "arm64",
        script("hello from darwin-arm64" + suffix));
  }

  public static byte[] script(String greeting) {
    return ("#!/bin/sh\necho " + greeting + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The publication of {@code pkg}, with {@code extra} attributes on top of package and binaries. */
  public Publication publication(String type, String pkg, String token, Map<String, Object> extra) {
    return ProviderHarness.publication(type, "contextlite").attribute("package", pkg)
        .attribute("binaries", List.of(new Ref(linux), new Ref(darwin))).attributes(extra).token("NPM_TOKEN", token).build();
  }

  public ProviderContext context(String endpoint, String url, String version) {
    return new ProviderContext(ProviderHarness.client(), Map.of(endpoint, url),
        ProviderHarness.release("contextlite", version, "desc"), artifacts, dir.resolve("work"), true);
  }
}
