package dev.fanout.providers.aur;

import dev.fanout.model.Withdrawal;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Versions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Withdrawing a version from the AUR: the package's PKGBUILD and .SRCINFO as they were
 * committed at the newest version not withdrawn, pushed again as a new commit with a higher
 * {@code epoch}. AUR helpers and pacman upgrade only to a higher {@code [epoch:]pkgver-pkgrel}
 * (alpm-epoch(7): "This enables package maintainers to release downgraded versions of a
 * package"), so without the epoch no machine that installed the bad version would go back.
 * An epoch is never dropped again: later releases keep it (see {@link #epoch}).
 */
final class AurWithdrawal {

  private AurWithdrawal() {
  }

  /** The package at an earlier commit of master: its pkgver and both files as committed then. */
  record Previous(String pkgver, int epoch, String pkgbuild, String srcinfo) { }

  /** The newest commit of master whose .SRCINFO names a version not withdrawn, or null. */
  static Previous previous(Repository repo, Withdrawal.All withdrawals) throws IOException {
    ObjectId head = repo.resolve(Constants.R_HEADS + AurRepos.BRANCH);
    if (head == null) {
      return null;
    }
    try (RevWalk walk = new RevWalk(repo)) {
      walk.markStart(walk.parseCommit(head));
      for (RevCommit c : walk) {
        String srcinfo = read(repo, c, ".SRCINFO");
        String pkgbuild = read(repo, c, "PKGBUILD");
        if (srcinfo == null || pkgbuild == null) {
          continue;
        }
        SrcInfo info = SrcInfo.parse(srcinfo);
        String pkgver = info.first("pkgver");
        if (pkgver != null && !withdrawals.withdrawn(pkgver)) {
          return new Previous(pkgver, epoch(info), pkgbuild, srcinfo);
        }
      }
    }
    return null;
  }

  private static String read(Repository repo, RevCommit c, String path) throws IOException {
    try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
      return tw == null ? null : new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The .SRCINFO's epoch, 0 when it has none. */
  static int epoch(SrcInfo info) {
    String e = info.first("epoch");
    return e == null || !e.matches("\\d+") ? 0 : Integer.parseInt(e);
  }

  /**
   * The epoch going from {@code fromPkgver} at {@code fromEpoch} to {@code toPkgver} needs: one
   * more when the target is the lower version (vercmp compares the epoch first), else the same.
   */
  static int epochFor(String fromPkgver, int fromEpoch, String toPkgver, int toEpoch) {
    int at = Math.max(fromEpoch, toEpoch);
    boolean lower = !Versions.isVersion(fromPkgver) || !Versions.isVersion(toPkgver)
        || Versions.ORDER.compare(toPkgver, fromPkgver) < 0;
    return lower ? at + 1 : at;
  }

  /** {@code epoch:pkgver}, or the pkgver alone at epoch 0: the AUR's way of writing a version. */
  static String version(int epoch, String pkgver) {
    return epoch == 0 ? pkgver : epoch + ":" + pkgver;
  }

  /**
   * The PKGBUILD with {@code epoch=N} right after {@code pkgrel} (where the Arch package
   * guidelines place it), replacing one it had; unchanged at epoch 0 without one.
   */
  static String pkgbuildWithEpoch(String pkgbuild, int epoch) {
    String without = pkgbuild.replaceAll("(?m)^epoch=.*\\n", "");
    return epoch == 0 ? without : without.replaceFirst("(?m)^(pkgrel=.*\\n)", "$1epoch=" + epoch + "\n");
  }

  /** The .SRCINFO with {@code epoch = N} after {@code pkgrel}, as {@code makepkg --printsrcinfo} orders it. */
  static String srcinfoWithEpoch(String srcinfo, int epoch) {
    String without = srcinfo.replaceAll("(?m)^\\tepoch = .*\\n", "");
    return epoch == 0 ? without : without.replaceFirst("(?m)^(\\tpkgrel = .*\\n)", "$1\tepoch = " + epoch + "\n");
  }

  /** The rewrite master needs, read from the clone: null when its history holds no version to go back to. */
  static WithdrawStep rewrite(Repository repo, Withdrawal.All withdrawals) throws IOException {
    Previous previous = previous(repo, withdrawals);
    SrcInfo head = SrcInfo.parse(Files.readString(repo.getWorkTree().toPath().resolve(".SRCINFO"), StandardCharsets.UTF_8));
    if (previous == null) {
      return null;
    }
    String from = head.first("pkgver");
    int epoch = epochFor(from, epoch(head), previous.pkgver(), previous.epoch());
    return WithdrawStep.move(WithdrawStep.Kind.REWRITE, null, version(epoch(head), from),
        version(epoch, previous.pkgver()));
  }
}
