package dev.fanout.artifact;

import dev.fanout.http.Bounds;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.BuildStep;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The release's artifacts on this machine. Each artifact's sources are tried in order: a
 * local path, a glob, then URLs (a release asset, a mirror), so a missing source falls
 * back to the next instead of failing. Plans look only at what is on disk now; apply
 * {@link #resolve resolves} each artifact once its build has run, downloading if it must.
 *
 * <p>A build's output on disk counts only while the {@link BuildRecord} vouches for it (or
 * this run built it): otherwise it may be an older release's binary, and the artifact is not
 * known before the build.
 */
public final class LocalArtifacts implements ArtifactStore {

  private final Path dir;
  private final Map<Address, Artifact> artifacts;
  private final Map<Address, Path> resolved = new ConcurrentHashMap<>();
  /** Digests by path, size and modification time, so a rebuilt file is hashed again. */
  private final Map<String, String> digests = new ConcurrentHashMap<>();
  private final Map<Address, BuildStep> builds;
  /** Each archive packed in this run, with the inputs it was packed from. */
  private final Map<Path, String> packedFrom = new HashMap<>();
  private final Path stateDir;
  private final BuildFreshness freshness;
  /** Why each build's outputs are not vouched for; "" when they are. Asked once per run. */
  private final Map<Address, String> staleness = new ConcurrentHashMap<>();
  /** Builds this run ran: their outputs are this run's. */
  private final Set<Address> builtNow = ConcurrentHashMap.newKeySet();
  private volatile BuildRecord record;
  private final String version;
  private final String commit;

  /**
   * @param builds the release's build steps, whose outputs count only when recorded
   * @param version the release's version, which the build record must be for
   * @param commit the git commit the release is made from (null outside git)
   */
  public LocalArtifacts(Path dir, Map<Address, Artifact> artifacts, Map<Address, BuildStep> builds, Path stateDir,
      String version, String commit) {
    this.dir = dir;
    this.artifacts = Map.copyOf(artifacts);
    this.builds = Map.copyOf(builds);
    this.stateDir = stateDir;
    this.version = version;
    this.commit = commit;
    this.freshness = new BuildFreshness(dir, this.builds, version, commit, this::digest);
    this.record = BuildRecord.read(stateDir);
  }

  /**
   * Why the build's outputs on disk are not used before it runs, or null when the build
   * record vouches for them (or this run built them).
   */
  public String stale(Address build) {
    if (builtNow.contains(build) || !builds.containsKey(build)) {
      return null;
    }
    String why = staleness.computeIfAbsent(build, b -> {
      String s = freshness.stale(b, record);
      return s == null ? "" : s;
    });
    return why.isEmpty() ? null : why;
  }

  @Override
  public BuildStep buildStep(Address address) {
    Artifact a = artifact(address);
    return a == null || a.builtBy() == null ? null : builds.get(a.builtBy());
  }

  /** The build ran in this run: its outputs are the artifacts' files from now on. */
  public void built(Address build) {
    builtNow.add(build);
    staleness.remove(build);
  }

  /**
   * Records the builds this run ran in {@code .fanout/build.json}, beside the ones recorded
   * before that are still for this version and commit, so the next plan shows their digests.
   */
  public void recordBuilds() throws IOException {
    Map<String, BuildRecord.Step> steps = new HashMap<>();
    BuildRecord before = record;
    if (before != null && java.util.Objects.equals(before.version(), version)
        && java.util.Objects.equals(before.commit(), commit)) {
      steps.putAll(before.steps());
    }
    for (Address b : builtNow) {
      steps.put(b.toString(), freshness.record(builds.get(b)));
    }
    BuildRecord next = new BuildRecord(version, commit, steps);
    next.write(stateDir);
    record = next;
  }

  /** The builds this run ran. */
  public Collection<Address> builtNow() {
    return Set.copyOf(builtNow);
  }

  /** The sha256 of the file on disk for the artifact, whether or not a build record vouches for it. */
  public String sha256OnDisk(Address address) {
    return onDisk(address).map(this::digest).orElse(null);
  }

  /** The artifact's file on disk, whether or not a build record vouches for it; an archive packed from such files. */
  private Optional<Path> onDisk(Address address) {
    Artifact a = artifacts.get(address);
    if (a == null) {
      return Optional.empty();
    }
    if (a.archive() != null) {
      return packed(a, onDisk(a.archive().binary()));
    }
    for (String source : a.sources()) {
      if (!isUrl(source)) {
        Optional<Path> local = local(source);
        if (local.isPresent()) {
          return local;
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Artifact artifact(Address address) {
    return artifacts.get(address);
  }

  @Override
  public Optional<Path> file(Address address) {
    Path done = resolved.get(address);
    if (done != null) {
      return Optional.of(done);
    }
    Artifact a = artifacts.get(address);
    if (a == null) {
      return Optional.empty();
    }
    if (a.archive() != null) {
      return packed(a, file(a.archive().binary()));
    }
    Set<Path> unvouched = unvouchedOutputs(a.builtBy());
    for (String source : a.sources()) {
      if (isUrl(source) || unvouched.contains(dir.resolve(source).normalize())) {
        continue;
      }
      Optional<Path> local = local(source);
      if (local.isPresent()) {
        return local;
      }
    }
    return Optional.empty();
  }

  @Override
  public String sha256(Address address) {
    return file(address).map(this::digest).orElse(null);
  }

  /** Whether the artifact can be had at apply: on disk now, made by a build, or at a URL. */
  public boolean obtainable(Address address) {
    Artifact a = artifacts.get(address);
    if (a != null && a.archive() != null) {
      return obtainable(a.archive().binary());
    }
    return a != null && (a.builtBy() != null || file(address).isPresent() || a.sources().stream().anyMatch(LocalArtifacts::isUrl));
  }

  /**
   * Finds the artifact's file, downloading from the first URL that answers when no local
   * source exists. Says every source it tried when none works.
   */
  public Path resolve(Address address, OkHttpClient http, Path downloads) throws IOException {
    Optional<Path> local = file(address);
    if (local.isPresent()) {
      resolved.put(address, local.get());
      return local.get();
    }
    Artifact a = artifacts.get(address);
    if (a.archive() != null) {
      Path binary = resolve(a.archive().binary(), http, downloads);
      Path packed = packed(a, Optional.of(binary)).orElseThrow();
      resolved.put(address, packed);
      return packed;
    }
    List<String> tried = new ArrayList<>();
    for (String source : a.sources()) {
      if (!isUrl(source)) {
        tried.add(source + " (no such file)");
        continue;
      }
      Path target = downloads.resolve(a.name() == null ? address.key() : a.name()).normalize();
      if (!target.getParent().equals(downloads.normalize())) {
        // A name such as ../../x would write outside the release's folder: a local error, never retried.
        throw new IOException("the artifact's name \"" + a.name() + "\" is not a plain file name; it may not"
            + " contain / or ..");
      }
      Files.createDirectories(downloads);
      try (Response r = http.newCall(Bounds.download(new Request.Builder().url(source)).build()).execute()) {
        if (!r.isSuccessful() || r.body() == null) {
          tried.add(source + " (HTTP " + r.code() + ")");
          continue;
        }
        Path part = Files.createTempFile(downloads, ".download", ".part");
        try (InputStream in = r.body().byteStream()) {
          Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        resolved.put(address, target);
        return target;
      } catch (IOException | IllegalArgumentException e) {
        tried.add(source + " (" + e.getMessage() + ")");
      }
    }
    throw new IOException("no source of " + address + " is available; tried: " + String.join("; ", tried));
  }

  /**
   * The archive packed from the binary's file, once it is known: the same inputs give the
   * same bytes, so packing again for apply gives the file whose sha256 the plan pinned. Packed
   * under {@code .fanout/archives/} and kept while its inputs are the same.
   */
  private Optional<Path> packed(Artifact a, Optional<Path> binary) {
    if (binary.isEmpty()) {
      return Optional.empty();
    }
    Path target = stateDir.resolve("archives").resolve(a.name());
    StringBuilder inputs = new StringBuilder(a.archive().toString()).append('|').append(digest(binary.get()));
    for (String f : a.archive().files()) {
      Path file = dir.resolve(f);
      inputs.append('|').append(Files.isRegularFile(file) ? digest(file) : "missing");
    }
    String key = inputs.toString();
    synchronized (packedFrom) {
      if (key.equals(packedFrom.get(target)) && Files.isRegularFile(target)) {
        return Optional.of(target);
      }
      try {
        Archiver.write(a.archive(), binary.get(), dir, target);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot pack " + a.address() + " (" + a.name() + "): " + e.getMessage(), e);
      }
      packedFrom.put(target, key);
    }
    return Optional.of(target);
  }

  /** The outputs of a build whose record does not vouch for them: not the release's files yet. */
  private Set<Path> unvouchedOutputs(Address build) {
    if (build == null || stale(build) == null) {
      return Set.of();
    }
    Set<Path> out = new java.util.HashSet<>();
    builds.get(build).outputs().forEach(o -> out.add(dir.resolve(o).normalize()));
    return out;
  }

  private Optional<Path> local(String source) {
    if (source.contains("*") || source.contains("?") || source.contains("[")) {
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + source);
      try (Stream<Path> files = Files.walk(dir)) {
        return files.filter(Files::isRegularFile).filter(p -> matcher.matches(dir.relativize(p))).sorted().findFirst();
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    Path p = dir.resolve(source);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  private String digest(Path file) {
    String key;
    try {
      key = file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return digests.computeIfAbsent(key, k -> Digests.sha256Hex(file));
  }

  static boolean isUrl(String s) {
    return s.startsWith("https://") || s.startsWith("http://");
  }
}
