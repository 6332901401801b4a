package dev.fanout.providers.github;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The emulator's repositories: real bare git repositories under {@code stateDir/repos}, so
 * that what the contents API writes a real {@code git clone} sees, and what {@code git push}
 * sends the contents API reads. Callers hold the emulator's lock.
 */
final class GitRepos {

  static final String DEFAULT_BRANCH = "main";
  private static final PersonIdent SANDBOX = new PersonIdent("fanout-sandbox", "sandbox@fanout.invalid");

  private final Path root;

  GitRepos(Path root) {
    this.root = root;
  }

  /** GitHub names are case-insensitive; the folder uses the lower-case form. */
  Path dir(String owner, String repo) {
    return root.resolve(owner.toLowerCase(Locale.ROOT)).resolve(repo.toLowerCase(Locale.ROOT) + ".git");
  }

  boolean exists(String owner, String repo) {
    return GitSmartHttp.exists(dir(owner, repo));
  }

  /** Creates the bare repository with {@code main} as its default branch; false when it was there. */
  boolean create(String owner, String repo) throws IOException {
    return GitSmartHttp.create(dir(owner, repo), DEFAULT_BRANCH);
  }

  Repository open(String owner, String repo) throws IOException {
    return GitSmartHttp.open(dir(owner, repo));
  }

  /** The commit a branch points at, or null when the branch does not exist. */
  ObjectId branch(String owner, String repo, String branch) throws IOException {
    try (Repository r = open(owner, repo)) {
      return r.resolve(Constants.R_HEADS + branch);
    }
  }

  /** A file at a ref (branch, tag or commit), or null when the ref or the path is missing. */
  record Blob(ObjectId id, byte[] content) { }

  Blob read(String owner, String repo, String ref, String path) throws IOException {
    try (Repository r = open(owner, repo)) {
      ObjectId commit = resolve(r, ref);
      if (commit == null) {
        return null;
      }
      try (RevWalk walk = new RevWalk(r)) {
        RevCommit c = walk.parseCommit(commit);
        try (TreeWalk tw = TreeWalk.forPath(r, path, c.getTree())) {
          if (tw == null || !tw.getFileMode(0).equals(FileMode.REGULAR_FILE)
              && !tw.getFileMode(0).equals(FileMode.EXECUTABLE_FILE)) {
            return null;
          }
          ObjectId id = tw.getObjectId(0);
          return new Blob(id, r.open(id).getBytes());
        }
      }
    }
  }

  /**
   * {@code GET /repos/O/R/commits?path=P&sha=REF}: the commits from {@code ref} (the default
   * branch when null) that changed {@code path}, newest first, as GitHub lists them; empty when
   * the repository or ref is missing.
   */
  java.util.List<java.util.Map<String, Object>> commitsTouching(String owner, String repo, String ref, String path,
      String baseUrl) throws IOException {
    java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
    try (Repository r = open(owner, repo); Git g = new Git(r)) {
      ObjectId head = resolve(r, ref);
      if (head == null) {
        return out;
      }
      var log = g.log().add(head);
      if (path != null && !path.isEmpty()) {
        log.addPath(path);
      }
      for (RevCommit c : log.call()) {
        out.add(java.util.Map.of("sha", c.name(), "url", baseUrl + "/repos/" + owner + "/" + repo + "/commits/" + c.name(),
            "commit", java.util.Map.of("message", c.getFullMessage())));
      }
    } catch (GitAPIException e) {
      throw new IOException(e);
    }
    return out;
  }

  /** One entry of a directory: a file ({@code file}) or a sub-directory ({@code dir}). */
  record Entry(String name, String path, String type, ObjectId id, long size) { }

  /** A directory's entries at a ref, by name; null when the ref or the directory is missing (or the path is a file). */
  java.util.List<Entry> list(String owner, String repo, String ref, String path) throws IOException {
    try (Repository r = open(owner, repo); RevWalk walk = new RevWalk(r)) {
      ObjectId commit = resolve(r, ref);
      if (commit == null) {
        return null;
      }
      ObjectId tree = walk.parseCommit(commit).getTree();
      String dir = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      if (!dir.isEmpty()) {
        try (TreeWalk tw = TreeWalk.forPath(r, dir, tree)) {
          if (tw == null || !tw.getFileMode(0).equals(FileMode.TREE)) {
            return null;
          }
          tree = tw.getObjectId(0);
        }
      }
      java.util.List<Entry> out = new java.util.ArrayList<>();
      try (TreeWalk tw = new TreeWalk(r)) {
        tw.addTree(tree);
        tw.setRecursive(false);
        while (tw.next()) {
          boolean isDir = tw.getFileMode(0).equals(FileMode.TREE);
          ObjectId id = tw.getObjectId(0);
          out.add(new Entry(tw.getNameString(), dir.isEmpty() ? tw.getNameString() : dir + "/" + tw.getNameString(),
              isDir ? "dir" : "file", id, isDir ? 0 : r.open(id).getSize()));
        }
      }
      return out;
    }
  }

  /** The branch HEAD names: GitHub's default branch. A first push to an empty repository makes its branch the default. */
  String defaultBranch(String owner, String repo) throws IOException {
    try (Repository r = open(owner, repo)) {
      org.eclipse.jgit.lib.Ref head = r.exactRef(Constants.HEAD);
      String target = head == null ? null : head.getTarget().getName();
      return target != null && target.startsWith(Constants.R_HEADS) ? target.substring(Constants.R_HEADS.length()) : DEFAULT_BRANCH;
    }
  }

  private static ObjectId resolve(Repository r, String ref) throws IOException {
    if (ref == null || ref.isEmpty()) {
      return r.resolve(Constants.HEAD);
    }
    ObjectId id = r.resolve(Constants.R_HEADS + ref);
    if (id == null) {
      id = r.resolve(Constants.R_TAGS + ref);
    }
    if (id == null && ObjectId.isId(ref)) {
      id = ObjectId.fromString(ref);
    }
    return id;
  }

  /**
   * The commit a ref names (a branch, a tag, peeled when annotated, or a full commit hash
   * the repository holds), or null.
   */
  ObjectId commit(String owner, String repo, String ref) throws IOException {
    try (Repository r = open(owner, repo); RevWalk walk = new RevWalk(r)) {
      ObjectId id = resolve(r, ref);
      if (id == null || !r.getObjectDatabase().has(id)) {
        return null;
      }
      try {
        return walk.parseCommit(id).getId();
      } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException notACommit) {
        return null;
      }
    }
  }

  /** A ref's object and its type ({@code commit}, or {@code tag} for an annotated tag); null when the ref is missing. */
  record RefTarget(ObjectId id, String type) { }

  RefTarget exactRef(String owner, String repo, String name) throws IOException {
    try (Repository r = open(owner, repo)) {
      org.eclipse.jgit.lib.Ref ref = r.exactRef(name);
      if (ref == null || ref.getObjectId() == null) {
        return null;
      }
      int type = r.open(ref.getObjectId()).getType();
      return new RefTarget(ref.getObjectId(), Constants.typeString(type));
    }
  }

  /** Whether {@code commit} is already in {@code branch} of this repository (the same commit, or one of its ancestors). */
  boolean contains(String owner, String repo, String branch, ObjectId commit) throws IOException {
    try (Repository r = open(owner, repo); RevWalk walk = new RevWalk(r)) {
      ObjectId tip = r.resolve(Constants.R_HEADS + branch);
      if (tip == null || !r.getObjectDatabase().has(commit)) {
        return false;
      }
      return walk.isMergedInto(walk.parseCommit(commit), walk.parseCommit(tip));
    }
  }

  /** Branch names and their commits, by name. */
  java.util.SortedMap<String, ObjectId> branches(String owner, String repo) throws IOException {
    java.util.SortedMap<String, ObjectId> out = new java.util.TreeMap<>();
    try (Repository r = open(owner, repo)) {
      for (org.eclipse.jgit.lib.Ref ref : r.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
        out.put(ref.getName().substring(Constants.R_HEADS.length()), ref.getObjectId());
      }
    }
    return out;
  }

  /** Whether the repository has no commit at all (GitHub: "This repository is empty."). */
  boolean isEmpty(String owner, String repo) throws IOException {
    try (Repository r = open(owner, repo)) {
      return r.getRefDatabase().getRefsByPrefix(Constants.R_HEADS).isEmpty();
    }
  }

  /**
   * Commits one file on a branch (deletes it when {@code content} is null); the branch is
   * created when the repository is empty.
   *
   * @return the new commit, or null when the branch moved meanwhile
   */
  ObjectId commitFile(String owner, String repo, String branch, String path, byte[] content,
      String message) throws IOException {
    try (Repository r = open(owner, repo); ObjectInserter ins = r.newObjectInserter();
        ObjectReader reader = r.newObjectReader(); RevWalk walk = new RevWalk(r)) {
      ObjectId parent = r.resolve(Constants.R_HEADS + branch);
      DirCache index = DirCache.newInCore();
      if (parent != null) {
        DirCacheBuilder builder = index.builder();
        builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, walk.parseCommit(parent).getTree());
        builder.finish();
      }
      DirCacheEditor editor = index.editor();
      if (content == null) {
        editor.add(new DirCacheEditor.DeletePath(path));
      } else {
        ObjectId blob = ins.insert(Constants.OBJ_BLOB, content);
        editor.add(new DirCacheEditor.PathEdit(path) {
          @Override
          public void apply(DirCacheEntry entry) {
            entry.setFileMode(FileMode.REGULAR_FILE);
            entry.setObjectId(blob);
          }
        });
      }
      editor.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(ins));
      if (parent != null) {
        commit.setParentId(parent);
      }
      commit.setAuthor(SANDBOX);
      commit.setCommitter(SANDBOX);
      commit.setMessage(message == null || message.isBlank() ? "Update " + path : message);
      ObjectId id = ins.insert(commit);
      ins.flush();
      RefUpdate update = r.updateRef(Constants.R_HEADS + branch);
      update.setNewObjectId(id);
      update.setExpectedOldObjectId(parent == null ? ObjectId.zeroId() : parent);
      RefUpdate.Result result = update.update(walk);
      return switch (result) {
        case NEW, FAST_FORWARD, FORCED -> id;
        default -> null;
      };
    }
  }

  /** Creates {@code refs/...} at a commit; false when the ref exists or the commit is unknown. */
  boolean createRef(String owner, String repo, String ref, ObjectId at) throws IOException {
    try (Repository r = open(owner, repo)) {
      if (r.exactRef(ref) != null || !r.getObjectDatabase().has(at)) {
        return false;
      }
      RefUpdate update = r.updateRef(ref);
      update.setNewObjectId(at);
      update.setExpectedOldObjectId(ObjectId.zeroId());
      RefUpdate.Result result = update.update();
      return result == RefUpdate.Result.NEW;
    }
  }

  /** Copies every branch and tag of one repository into another (a fork). */
  void copyRefs(String fromOwner, String fromRepo, String toOwner, String toRepo) throws IOException {
    try (Git to = Git.open(dir(toOwner, toRepo).toFile())) {
      to.fetch().setRemote(dir(fromOwner, fromRepo).toUri().toString())
          .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
          .call();
    } catch (GitAPIException e) {
      throw new IOException("fork of " + fromOwner + "/" + fromRepo + " failed: " + e.getMessage(), e);
    }
  }

  /** What syncing a fork's branch with its upstream did, as GitHub's {@code merge_type} names it. */
  enum Sync { NONE, FAST_FORWARD, DIVERGED, MISSING }

  /**
   * Fast-forwards {@code branch} of a fork to its upstream's. A fork whose branch has commits
   * of its own is {@link Sync#DIVERGED}: GitHub would try a merge commit; the sandbox does not.
   */
  Sync fastForward(String fromOwner, String fromRepo, String toOwner, String toRepo, String branch) throws IOException {
    ObjectId upstream = branch(fromOwner, fromRepo, branch);
    ObjectId mine = branch(toOwner, toRepo, branch);
    if (upstream == null || mine == null) {
      return Sync.MISSING;
    }
    if (upstream.equals(mine)) {
      return Sync.NONE;
    }
    String scratch = "refs/fanout-upstream/" + branch;
    try (Git to = Git.open(dir(toOwner, toRepo).toFile())) {
      to.fetch().setRemote(dir(fromOwner, fromRepo).toUri().toString())
          .setRefSpecs(new RefSpec("+refs/heads/" + branch + ":" + scratch)).call();
    } catch (GitAPIException e) {
      throw new IOException("sync of " + toOwner + "/" + toRepo + " failed: " + e.getMessage(), e);
    }
    try (Repository r = open(toOwner, toRepo); RevWalk walk = new RevWalk(r)) {
      RefUpdate drop = r.updateRef(scratch);
      drop.setForceUpdate(true);
      drop.delete();
      if (!walk.isMergedInto(walk.parseCommit(mine), walk.parseCommit(upstream))) {
        return Sync.DIVERGED;
      }
      RefUpdate update = r.updateRef(Constants.R_HEADS + branch);
      update.setExpectedOldObjectId(mine);
      update.setNewObjectId(upstream);
      return update.update() == RefUpdate.Result.FAST_FORWARD ? Sync.FAST_FORWARD : Sync.DIVERGED;
    }
  }

  // Smart HTTP, each request on its own.

  byte[] advertise(String owner, String repo, String service) throws IOException {
    try (Repository r = open(owner, repo)) {
      return GitSmartHttp.advertise(r, service, GitRepos::receiver);
    }
  }

  byte[] uploadPack(String owner, String repo, byte[] body, String contentEncoding) throws IOException {
    try (Repository r = open(owner, repo)) {
      return GitSmartHttp.uploadPack(r, body, contentEncoding);
    }
  }

  byte[] receivePack(String owner, String repo, byte[] body, String contentEncoding) throws IOException {
    try (Repository r = open(owner, repo)) {
      boolean empty = r.getRefDatabase().getRefsByPrefix(Constants.R_HEADS).isEmpty();
      byte[] out = GitSmartHttp.receivePack(receiver(r), body, contentEncoding);
      if (empty && r.resolve(Constants.HEAD) == null) {
        // GitHub: the first branch pushed to an empty repository becomes its default branch.
        java.util.List<org.eclipse.jgit.lib.Ref> pushed = r.getRefDatabase().getRefsByPrefix(Constants.R_HEADS);
        if (!pushed.isEmpty()) {
          RefUpdate head = r.updateRef(Constants.HEAD);
          head.disableRefLog();
          head.link(pushed.get(0).getName());
        }
      }
      return out;
    }
  }

  private static ReceivePack receiver(Repository r) {
    ReceivePack rp = new ReceivePack(r);
    rp.setRefLogIdent(SANDBOX);
    return rp;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
