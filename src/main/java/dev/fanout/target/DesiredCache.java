package dev.fanout.target;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Address;
import dev.fanout.model.Release;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Digests;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each package would be, kept by the content it is made of, so a package is built once
 * per content: plan, apply's read before each write and its check after share one answer, and
 * the next run reuses it while nothing it is made of changed. Building every npm tarball and
 * wheel again on each plan was most of a large release's refresh time.
 *
 * <p>Only publications whose provider says its desired state depends on nothing but the
 * declaration ({@link dev.fanout.provider.Provider#desiredIsDeclared}) are kept: their key is
 * the provider and its code, the publication's attributes as evaluated (a secret appears as
 * {@code (sensitive)}, never its value), the release, and every artifact's sha256. A package that reads a folder or a glob is built every time.
 *
 * <p>Kept in {@code .fanout/cache/desired.json}, written whole by rename, so two runners at
 * once each leave a valid file; any entry either leaves is right for its key.
 */
public final class DesiredCache {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bumped when the file's shape or the key's recipe changes. */
  private static final String FORMAT = "2";

  private final Path file;
  private final java.util.function.Supplier<String> inputs;
  private volatile byte[] releaseInputs;
  private final Map<String, DesiredState> known = new ConcurrentHashMap<>();
  private final Map<String, DesiredState> used = new ConcurrentHashMap<>();
  private final Map<Class<?>, String> code = new ConcurrentHashMap<>();
  private volatile boolean loaded;
  private volatile boolean added;
  private volatile java.util.function.Supplier<? extends Collection<Target>> expected;

  private DesiredCache(Path file, java.util.function.Supplier<String> inputs) {
    this.file = file;
    this.inputs = inputs;
  }

  /**
   * The cache under {@code stateDir}, for a release whose artifacts are {@code artifacts}.
   * Nothing is read, and no artifact hashed, until the first package is asked for.
   */
  public static DesiredCache open(Path stateDir, Release release, Collection<Address> artifactAddresses,
      ArtifactStore artifacts) {
    return new DesiredCache(stateDir.resolve("cache").resolve("desired.json"), () -> {
      StringBuilder inputs = new StringBuilder(FORMAT).append('\n').append(release).append('\n');
      for (Address a : new java.util.TreeSet<>(artifactAddresses)) {
        inputs.append(a).append('=').append(artifacts.sha256(a)).append('\n');
      }
      return inputs.toString();
    });
  }

  /**
   * The targets this run may ask for: the file's entries for other keys (an earlier version,
   * an older Fanout) are then left on disk instead of read, and copied back on save. With
   * 100,000 publications, the entries an upgrade of Fanout left behind were as large as the
   * run's own, and reading them all made the plan collect garbage most of its time.
   */
  public void expect(java.util.function.Supplier<? extends Collection<Target>> targets) {
    this.expected = targets;
  }

  /** The target's desired state: kept, or built by its provider now and kept. */
  DesiredState desired(Target target) throws IOException {
    if (!target.provider().desiredIsDeclared(target.publication())) {
      return target.provider().desired(target.publication());
    }
    String key = key(target);
    DesiredState d = used.get(key);
    if (d != null) {
      return d;
    }
    load();
    d = known.get(key);
    if (d == null) {
      d = target.provider().desired(target.publication());
      known.put(key, d);
      added = true;
    }
    used.put(key, d);
    return d;
  }

  private String key(Target target) {
    byte[] release = releaseInputs;
    if (release == null) {
      // The release's part, the same for every target, enters each key as its digest: each
      // key then hashes a few hundred bytes, not the whole release again.
      release = Digests.digest("SHA-256", inputs.get().getBytes(StandardCharsets.UTF_8));
      releaseInputs = release;
    }
    // Settings and endpoints are left out on purpose: they hold the registry's URL, which for
    // the sandbox changes every run, and a declared package does not depend on them.
    java.security.MessageDigest sha = Digests.of("SHA-256");
    sha.update(release);
    sha.update((target.type() + '\n' + codeOf(target.provider().getClass()) + '\n' + target.address() + '\n'
        + target.publication().attributes()).getBytes(StandardCharsets.UTF_8));
    return java.util.HexFormat.of().formatHex(sha.digest());
  }

  /**
   * Which build of the provider's code made an answer: the size and time of its jar, or of its
   * class file when run from classes. A rebuilt Fanout never reuses an older build's packages.
   */
  private String codeOf(Class<?> type) {
    return code.computeIfAbsent(type, t -> {
      try {
        Path where = Path.of(t.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(where)) {
          where = where.resolve(t.getName().replace('.', '/') + ".class");
        }
        return t.getName() + '@' + Files.size(where) + '@' + Files.getLastModifiedTime(where).toMillis();
      } catch (IOException | URISyntaxException | RuntimeException e) {
        // Unknown code: a key no other run shares, so nothing is reused.
        return t.getName() + '@' + System.identityHashCode(this);
      }
    });
  }

  private void load() {
    if (loaded) {
      return;
    }
    synchronized (this) {
      if (loaded) {
        return;
      }
      try {
        if (Files.isRegularFile(file)) {
          java.util.Set<String> wanted = wanted();
          try (com.fasterxml.jackson.core.JsonParser in = JSON.getFactory().createParser(file.toFile())) {
            if (in.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
              while (in.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String key = in.getCurrentName();
                in.nextToken();
                if (wanted == null || wanted.contains(key)) {
                  known.put(key, JSON.readValue(in, DesiredState.class));
                } else {
                  in.skipChildren();
                }
              }
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // A damaged or older cache is only a slower run: everything is built again.
        known.clear();
      }
      loaded = true;
    }
  }

  /** {@code out}, then the entries the file holds beyond them (left unread), up to {@code room} in all. */
  private void write(Path tmp, Map<String, DesiredState> out, int room) throws IOException {
    try (com.fasterxml.jackson.core.JsonGenerator gen = JSON.getFactory().createGenerator(tmp.toFile(),
        com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
      gen.writeStartObject();
      for (Map.Entry<String, DesiredState> e : out.entrySet()) {
        gen.writeFieldName(e.getKey());
        JSON.writeValue(gen, e.getValue());
      }
      int count = out.size();
      if (expected != null && count < room && Files.isRegularFile(file)) {
        try (com.fasterxml.jackson.core.JsonParser in = JSON.getFactory().createParser(file.toFile())) {
          if (in.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
            while (count < room && in.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
              String key = in.getCurrentName();
              in.nextToken();
              if (out.containsKey(key)) {
                in.skipChildren();
                continue;
              }
              gen.writeFieldName(key);
              gen.copyCurrentStructure(in);
              count++;
            }
          }
        } catch (IOException | RuntimeException e) {
          // An unreadable old file only loses its older entries.
        }
      }
      gen.writeEndObject();
    }
  }

  /** The keys of the expected targets' packages, or null when any may be asked for. */
  private java.util.Set<String> wanted() {
    java.util.function.Supplier<? extends Collection<Target>> targets = expected;
    if (targets == null) {
      return null;
    }
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Target t : targets.get()) {
      if (t.provider().desiredIsDeclared(t.publication())) {
        keys.add(key(t));
      }
    }
    return keys;
  }

  /**
   * Writes what this run used, with older entries kept up to a bound (three times this run's,
   * plus a thousand), so switching between versions and targets stays fast without the file
   * growing forever. Nothing is written when nothing was added.
   */
  public void save() {
    if (!added) {
      return;
    }
    Map<String, DesiredState> out = new TreeMap<>(used);
    int room = 3 * used.size() + 1000;
    for (Map.Entry<String, DesiredState> e : known.entrySet()) {
      if (out.size() >= room) {
        break;
      }
      out.putIfAbsent(e.getKey(), e.getValue());
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), "desired", ".tmp");
      try {
        write(tmp, out, room);
        try {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      added = false;
    } catch (IOException e) {
      // The cache is an optimisation: a folder that cannot be written costs time, not results.
    }
  }
}
