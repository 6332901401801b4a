package dev.fanout.providers.aur;

import dev.fanout.providers.github.GitSmartHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The AUR's package repositories: one real bare git repository per package base under
 * {@code stateDir/repos}, served over git smart HTTP. A push runs the checks of aurweb's
 * {@code git-update} hook before any ref moves: only {@code master}, fast-forward only, and
 * every new commit must hold {@code PKGBUILD} and a {@code .SRCINFO} whose pkgbase is the
 * repository's name. Callers hold the emulator's lock. The smart-HTTP serving is the GitHub
 * emulator's ({@link GitSmartHttp}); the receive hook is what differs.
 */
final class AurRepos {

  static final String BRANCH = "master";
  private static final PersonIdent AUR = new PersonIdent("aur", "aur@aur.archlinux.org");

  private final Path root;

  AurRepos(Path root) {
    this.root = root;
  }

  private Path dir(String pkgbase) {
    return root.resolve(pkgbase.toLowerCase(Locale.ROOT) + ".git");
  }

  /** Like the AUR, any name can be cloned: an unknown package base is an empty repository. */
  void ensure(String pkgbase) throws IOException {
    GitSmartHttp.create(dir(pkgbase), BRANCH);
  }

  private Repository open(String pkgbase) throws IOException {
    return GitSmartHttp.open(dir(pkgbase));
  }

  /** The package bases that have a master branch, that is, that were pushed once. */
  List<String> packageBases() throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.sorted().toList()) {
        String name = d.getFileName().toString();
        if (name.endsWith(".git") && file(name.substring(0, name.length() - 4), ".SRCINFO") != null) {
          out.add(name.substring(0, name.length() - 4));
        }
      }
    }
    return out;
  }

  /** A file at the tip of master, or null. */
  byte[] file(String pkgbase, String path) throws IOException {
    if (!GitSmartHttp.exists(dir(pkgbase))) {
      return null;
    }
    try (Repository r = open(pkgbase); RevWalk walk = new RevWalk(r)) {
      ObjectId head = r.resolve(Constants.R_HEADS + BRANCH);
      if (head == null) {
        return null;
      }
      try (TreeWalk tw = TreeWalk.forPath(r, path, walk.parseCommit(head).getTree())) {
        return tw == null ? null : r.open(tw.getObjectId(0)).getBytes();
      }
    }
  }

  /** Commit times of the first and the last commit on master, epoch seconds. */
  long[] times(String pkgbase) throws IOException {
    try (Repository r = open(pkgbase); RevWalk walk = new RevWalk(r)) {
      RevCommit head = walk.parseCommit(r.resolve(Constants.R_HEADS + BRANCH));
      walk.markStart(head);
      long first = head.getCommitTime();
      for (RevCommit c : walk) {
        first = Math.min(first, c.getCommitTime());
      }
      return new long[] {first, head.getCommitTime()};
    }
  }

  byte[] advertise(String pkgbase, String service) throws IOException {
    try (Repository r = open(pkgbase)) {
      return GitSmartHttp.advertise(r, service, repo -> receivePack(repo, pkgbase));
    }
  }

  byte[] uploadPack(String pkgbase, byte[] body, String contentEncoding) throws IOException {
    try (Repository r = open(pkgbase)) {
      return GitSmartHttp.uploadPack(r, body, contentEncoding);
    }
  }

  byte[] receivePack(String pkgbase, byte[] body, String contentEncoding) throws IOException {
    try (Repository r = open(pkgbase)) {
      return GitSmartHttp.receivePack(receivePack(r, pkgbase), body, contentEncoding);
    }
  }

  private static ReceivePack receivePack(Repository r, String pkgbase) {
    ReceivePack rp = new ReceivePack(r);
    rp.setRefLogIdent(AUR);
    rp.setAllowNonFastForwards(false);
    rp.setAllowDeletes(false);
    rp.setPreReceiveHook(new GitUpdateHook(pkgbase));
    return rp;
  }

  /** aurweb's {@code git-update} checks, with its messages. */
  private record GitUpdateHook(String pkgbase) implements PreReceiveHook {
    @Override
    public void onPreReceive(ReceivePack rp, Collection<ReceiveCommand> commands) {
      for (ReceiveCommand cmd : commands) {
        if (cmd.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED) {
          continue;
        }
        String problem = check(rp, cmd);
        if (problem != null) {
          cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "hook declined");
          rp.sendMessage(problem);
        }
      }
    }

    private String check(ReceivePack rp, ReceiveCommand cmd) {
      if (!cmd.getRefName().equals(Constants.R_HEADS + BRANCH)) {
        return "error: pushing to a branch other than master is restricted";
      }
      if (cmd.getType() == ReceiveCommand.Type.DELETE) {
        return "error: allowing deletion of branches is restricted";
      }
      Repository repo = rp.getRepository();
      try (RevWalk walk = new RevWalk(repo)) {
        walk.markStart(walk.parseCommit(cmd.getNewId()));
        for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
          if (ref.getObjectId() != null) {
            walk.markUninteresting(walk.parseCommit(ref.getObjectId()));
          }
        }
        for (RevCommit c : walk) {
          String missing = null;
          if (!has(repo, c, "PKGBUILD")) {
            missing = "missing PKGBUILD";
          } else if (!has(repo, c, ".SRCINFO")) {
            missing = "missing .SRCINFO";
          } else {
            SrcInfo info = SrcInfo.parse(new String(read(repo, c, ".SRCINFO"), java.nio.charset.StandardCharsets.UTF_8));
            if (info.pkgbase() == null || info.first("pkgver") == null || info.first("pkgrel") == null) {
              missing = "invalid .SRCINFO: missing pkgbase, pkgver or pkgrel";
            } else if (!info.pkgbase().equals(pkgbase)) {
              missing = "invalid pkgbase: " + info.pkgbase() + ", expected " + pkgbase;
            }
          }
          if (missing != null) {
            return "error: The following error occurred when parsing commit\n"
                + "error: " + c.name() + ":\n"
                + "error: " + missing;
          }
        }
      } catch (IOException e) {
        return "error: cannot read the pushed commits: " + e.getMessage();
      }
      return null;
    }

    private static boolean has(Repository repo, RevCommit c, String path) throws IOException {
      try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
        return tw != null;
      }
    }

    private static byte[] read(Repository repo, RevCommit c, String path) throws IOException {
      try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
        return repo.open(tw.getObjectId(0)).getBytes();
      }
    }
  }
}
