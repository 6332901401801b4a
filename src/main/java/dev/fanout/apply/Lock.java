package dev.fanout.apply;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One apply at a time per release: {@code .fanout/lock}, created atomically, holding who
 * holds it (host, pid, since, what). A second apply waits up to its lock timeout, then stops
 * with a message naming the holder. A lock left by a process that no longer runs on this
 * host is taken over (that is how a killed apply is re-run); any other stale lock needs
 * {@code fanout force-unlock}.
 */
public final class Lock implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** What closing the lock does: delete the file, or the git ref. */
  @FunctionalInterface
  interface Release {
    void release() throws IOException;
  }

  /**
   * A lock kept as a git ref of a repository that every runner reaches, for releases applied from
   * several machines (see {@link GitRefLock}).
   *
   * @param ref such as {@code refs/fanout/locks/contextlite}
   * @param token the credential to push there, or null; {@code username} defaults to x-access-token
   */
  public record GitRef(String url, String ref, String username, String token) {
    @Override
    public String toString() {
      return ref + " of " + url;
    }
  }

  private final Release release;

  private Lock(Release release) {
    this.release = release;
  }

  static Lock held(Release release) {
    return new Lock(release);
  }

  /** The lock as a git ref: the same waiting, messages and take-over of a dead holder as the file lock. */
  public static Lock acquire(GitRef where, String what, Duration timeout) throws IOException, HeldException {
    return GitRefLock.acquire(where, what, timeout);
  }

  /** Deletes the git ref lock whoever holds it; returns who held it, or null when there was none. */
  public static String forceUnlock(GitRef where) throws IOException {
    return GitRefLock.forceUnlock(where);
  }

  /** Thrown when the lock is held by someone else past the timeout. */
  public static final class HeldException extends Exception {
    private static final long serialVersionUID = 1L;

    HeldException(String message) {
      super(message);
    }
  }

  public static Lock acquire(Path stateDir, String what, Duration timeout) throws IOException, HeldException {
    Files.createDirectories(stateDir);
    Path file = stateDir.resolve("lock");
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      // Written whole beside the lock, then linked into place (atomic, fails when it exists):
      // a process killed between creating the lock and writing it used to leave an empty,
      // unreadable lock that no later run would take over.
      Path draft = stateDir.resolve("lock." + ProcessHandle.current().pid() + "." + Thread.currentThread().getId());
      Files.writeString(draft, JSON.writeValueAsString(holder(what)));
      Map<String, Object> h;
      try {
        Files.createLink(file, draft);
        return new Lock(() -> Files.deleteIfExists(file));
      } catch (FileAlreadyExistsException held) {
        h = read(file);
      } catch (UnsupportedOperationException noLinks) {
        // A file system without hard links: create, then write, as before.
        try {
          Files.writeString(Files.createFile(file), JSON.writeValueAsString(holder(what)));
          return new Lock(() -> Files.deleteIfExists(file));
        } catch (FileAlreadyExistsException held) {
          h = read(file);
        }
      } finally {
        Files.deleteIfExists(draft);
      }
      if (h != null && isDeadLocalProcess(h)) {
        // The holder was killed; its work is recovered by reading the registries again.
        Files.deleteIfExists(file);
        continue;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new HeldException(describe(h, file));
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HeldException("interrupted while waiting for the lock");
      }
    }
  }

  /** Removes the lock whoever holds it; returns who held it, or null when there was none. */
  public static String forceUnlock(Path stateDir) throws IOException {
    Path file = stateDir.resolve("lock");
    Map<String, Object> h = read(file);
    if (!Files.deleteIfExists(file)) {
      return null;
    }
    return h == null ? "an unreadable lock" : h.get("operation") + " by pid " + h.get("pid") + " on " + h.get("host")
        + " since " + h.get("since");
  }

  static String describe(Map<String, Object> h, Path file) {
    if (h == null) {
      return "another apply holds the lock " + file + ". If none runs, remove it with fanout force-unlock.";
    }
    return "another apply holds the lock: " + h.get("operation") + ", pid " + h.get("pid") + " on " + h.get("host")
        + ", since " + h.get("since") + ". Wait for it (--lock-timeout 5m), or if it is gone, run fanout force-unlock.";
  }

  private static Map<String, Object> holder(String what) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("host", host());
    h.put("pid", ProcessHandle.current().pid());
    h.put("since", Instant.now().toString());
    h.put("operation", what);
    return h;
  }

  private static Map<String, Object> read(Path file) {
    try {
      return JSON.readValue(Files.readString(file), new TypeReference<Map<String, Object>>() { });
    } catch (NoSuchFileException gone) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isDeadLocalProcess(Map<String, Object> h) {
    if (!host().equals(h.get("host")) || !(h.get("pid") instanceof Number pid)) {
      return false;
    }
    return ProcessHandle.of(pid.longValue()).map(p -> !p.isAlive()).orElse(true);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() throws IOException {
    release.release();
  }
}
