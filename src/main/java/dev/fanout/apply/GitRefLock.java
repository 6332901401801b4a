package dev.fanout.apply;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The apply lock as a git ref of a repository every runner can reach ({@code refs/fanout/locks/NAME}),
 * for releases applied from several machines. Creating the ref is the compare-and-swap: the push
 * says the ref must not exist yet, and the server's receive-pack refuses it atomically when another
 * runner made it first. The ref's commit holds who holds the lock (host, pid, run, since) and until
 * when; the holder renews it while it runs, so a runner that died leaves a lock that expires and
 * is taken over (by another compare-and-swap on the expired commit). Same messages, timeout and
 * {@code force-unlock} as the file lock.
 */
final class GitRefLock {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a lock lives without renewal; the holder renews it every third of that. */
  static final Duration TTL = Duration.ofMinutes(15);

  private GitRefLock() {
  }

  static Lock acquire(Lock.GitRef place, String what, Duration timeout) throws IOException, Lock.HeldException {
    Instant deadline = Instant.now().plus(timeout);
    String run = UUID.randomUUID().toString();
    while (true) {
      Map<String, Object> holder = holder(what, run);
      ObjectId mine;
      try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("fanout-lock"))) {
        mine = commit(repo, holder);
        Held current = read(place);
        ObjectId expected = ObjectId.zeroId();
        if (current != null) {
          if (!expired(current.holder())) {
            if (Instant.now().isAfter(deadline)) {
              throw new Lock.HeldException(describe(current.holder(), place));
            }
            sleep();
            continue;
          }
          expected = current.id(); // an expired lock is taken over, still by compare-and-swap
        }
        if (push(repo, place, mine, expected)) {
          return renewing(place, what, run, mine);
        }
      }
      if (Instant.now().isAfter(deadline)) {
        Held current = read(place);
        throw new Lock.HeldException(current == null ? "another apply took the lock " + place + " at the same moment."
            : describe(current.holder(), place));
      }
      sleep();
    }
  }

  /** Deletes the ref whoever holds it; returns who held it, or null when there was none. */
  static String forceUnlock(Lock.GitRef place) throws IOException {
    Held current = read(place);
    if (current == null) {
      return null;
    }
    try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("fanout-lock"))) {
      if (!push(repo, place, ObjectId.zeroId(), current.id())) {
        throw new IOException("could not delete " + place + ": it changed while being removed; run force-unlock again");
      }
    }
    Map<String, Object> h = current.holder();
    return h.get("operation") + " by pid " + h.get("pid") + " on " + h.get("host") + " (run " + h.get("run") + ") since "
        + h.get("since");
  }

  private record Held(ObjectId id, Map<String, Object> holder) { }

  /** The lock's commit and holder as the server has it now, or null when there is no lock. */
  private static Held read(Lock.GitRef place) throws IOException {
    try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("fanout-lock"));
        Transport t = transport(repo, place)) {
      Ref ref;
      try (FetchConnection c = t.openFetch()) {
        ref = c.getRef(place.ref());
      }
      if (ref == null) {
        return null;
      }
      t.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec(place.ref() + ":refs/lock")));
      try (RevWalk walk = new RevWalk(repo)) {
        RevCommit c = walk.parseCommit(ref.getObjectId());
        Map<String, Object> h;
        try {
          h = JSON.readValue(c.getFullMessage(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException notOurs) {
          h = Map.of("operation", "a commit Fanout did not write", "expires", Instant.MAX.toString());
        }
        return new Held(ref.getObjectId(), h);
      }
    } catch (org.eclipse.jgit.errors.TransportException e) {
      throw new IOException("cannot read the lock " + place + ": " + e.getMessage(), e);
    }
  }

  /** Sets the ref from {@code expected} to {@code next} (zero ids: absent); false when the server holds another value. */
  private static boolean push(InMemoryRepository repo, Lock.GitRef place, ObjectId next, ObjectId expected) throws IOException {
    try (Transport t = transport(repo, place)) {
      RemoteRefUpdate update = new RemoteRefUpdate(repo, next.equals(ObjectId.zeroId()) ? null : next.name(), next,
          place.ref(), true, null, expected);
      PushResult result = t.push(NullProgressMonitor.INSTANCE, List.of(update));
      RemoteRefUpdate.Status status = result.getRemoteUpdate(place.ref()).getStatus();
      if (status == RemoteRefUpdate.Status.OK || status == RemoteRefUpdate.Status.UP_TO_DATE) {
        return true;
      }
      if (status == RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED || status == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD
          || status == RemoteRefUpdate.Status.REJECTED_OTHER_REASON || status == RemoteRefUpdate.Status.NON_EXISTING) {
        return false;
      }
      throw new IOException("cannot write the lock " + place + ": " + status + " " + result.getMessages().trim());
    } catch (org.eclipse.jgit.errors.TransportException e) {
      throw new IOException("cannot write the lock " + place + ": " + e.getMessage(), e);
    }
  }

  /** The lock, renewed in the background until it is closed, then deleted if it is still ours. */
  private static Lock renewing(Lock.GitRef place, String what, String run, ObjectId first) {
    ScheduledExecutorService renew = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fanout-lock-renewal");
      t.setDaemon(true);
      return t;
    });
    ObjectId[] current = {first};
    renew.scheduleAtFixedRate(() -> {
      try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("fanout-lock"))) {
        ObjectId next = commit(repo, holder(what, run));
        synchronized (current) {
          if (push(repo, place, next, current[0])) {
            current[0] = next;
          }
        }
      } catch (IOException e) {
        // The next renewal tries again; the lock lasts TTL from the last one that landed.
      }
    }, TTL.toSeconds() / 3, TTL.toSeconds() / 3, TimeUnit.SECONDS);
    return Lock.held(() -> {
      renew.shutdownNow();
      synchronized (current) {
        try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("fanout-lock"))) {
          push(repo, place, ObjectId.zeroId(), current[0]);
        }
      }
    });
  }

  private static ObjectId commit(InMemoryRepository repo, Map<String, Object> holder) throws IOException {
    try (ObjectInserter in = repo.newObjectInserter()) {
      ObjectId tree = in.insert(new TreeFormatter());
      CommitBuilder c = new CommitBuilder();
      PersonIdent who = new PersonIdent("fanout", "fanout@localhost");
      c.setTreeId(tree);
      c.setAuthor(who);
      c.setCommitter(who);
      c.setMessage(JSON.writeValueAsString(holder));
      ObjectId id = in.insert(c);
      in.flush();
      return id;
    }
  }

  private static Transport transport(InMemoryRepository repo, Lock.GitRef place) throws IOException {
    try {
      Transport t = Transport.open(repo, new URIish(place.url()));
      if (place.token() != null) {
        t.setCredentialsProvider(new UsernamePasswordCredentialsProvider(
            place.username() == null ? "x-access-token" : place.username(), place.token()));
      }
      t.setTimeout(60);
      return t;
    } catch (java.net.URISyntaxException e) {
      throw new IOException("the lock's repository is not a git URL: " + place.url(), e);
    }
  }

  private static Map<String, Object> holder(String what, String run) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("operation", what);
    h.put("host", host());
    h.put("pid", ProcessHandle.current().pid());
    h.put("run", run);
    h.put("since", Instant.now().toString());
    h.put("expires", Instant.now().plus(TTL).toString());
    return h;
  }

  private static boolean expired(Map<String, Object> h) {
    try {
      return Instant.now().isAfter(Instant.parse(String.valueOf(h.get("expires"))));
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  static String describe(Map<String, Object> h, Lock.GitRef place) {
    return "another apply holds the lock " + place + ": " + h.get("operation") + ", pid " + h.get("pid") + " on "
        + h.get("host") + " (run " + h.get("run") + "), since " + h.get("since") + ", until " + h.get("expires")
        + " unless renewed. Wait for it (--lock-timeout 5m), or if it is gone, run fanout force-unlock.";
  }

  private static void sleep() throws Lock.HeldException {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Lock.HeldException("interrupted while waiting for the lock");
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
