package dev.fanout.testing;

import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.provider.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Artifacts backed by files a test writes, for driving a provider without a release file. */
public final class TestArtifacts implements ArtifactStore {

  private final Map<Address, Artifact> artifacts = new LinkedHashMap<>();
  private final Map<Address, Path> files = new LinkedHashMap<>();
  private final Map<Address, dev.fanout.model.BuildStep> steps = new LinkedHashMap<>();

  /** Says that {@code step} made the artifact, as a release file's build block would. */
  public void builtBy(Address artifact, dev.fanout.model.BuildStep step) {
    steps.put(artifact, step);
  }

  @Override
  public dev.fanout.model.BuildStep buildStep(Address address) {
    return steps.get(address);
  }

  /** Adds {@code artifact.binary["os-arch"]} with the given bytes, written under {@code dir}. */
  public Address add(Path dir, String name, String os, String arch, byte[] content) {
    try {
      Address address = new Address("artifact", "binary", os + "-" + arch);
      Path file = dir.resolve(name);
      Files.createDirectories(dir);
      Files.write(file, content);
      artifacts.put(address, new Artifact(address, name, os, arch, List.of(file.toString()), null));
      files.put(address, file);
      return address;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Address> addresses() {
    return List.copyOf(artifacts.keySet());
  }

  @Override
  public Artifact artifact(Address address) {
    return artifacts.get(address);
  }

  @Override
  public Optional<Path> file(Address address) {
    return Optional.ofNullable(files.get(address));
  }

  @Override
  public String sha256(Address address) {
    Path f = files.get(address);
    if (f == null) {
      return null;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
