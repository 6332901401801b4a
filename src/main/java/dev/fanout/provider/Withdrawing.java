package dev.fanout.provider;

import dev.fanout.model.Publication;
import dev.fanout.model.Withdrawal;
import java.io.IOException;
import java.util.List;

/**
 * A provider that can withdraw versions from its registry. The core reads (with
 * {@link #withdrawal}) before every write and carries out one step at a time, so a step the
 * registry already shows done is never sent again; a provider that is not one gets a manual
 * step for each withdrawn version its registry holds.
 */
public interface Withdrawing {

  /**
   * What withdrawing {@code withdrawals} still means in the registry, read now: only the steps
   * not done yet, and every manual step (those the registry cannot do or refuses). Empty when
   * the registry holds none of the versions and its pointers are where they belong.
   *
   * @param releaseVersion the release's own version: a registry that can undo its withdrawal
   *     (crates.io's unyank) offers it again when it is no longer withdrawn
   */
  List<WithdrawStep> withdrawal(Publication publication, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException;

  /**
   * Carries out one step {@link #withdrawal} has just returned.
   *
   * @return what was written, for the journal and the report; never a credential
   */
  String withdraw(Publication publication, WithdrawStep step, Withdrawal.All withdrawals)
      throws RegistryException, IOException;

  /** The newest version of {@code held} that is not withdrawn, or null; what latest pointers go back to. */
  static String newestKept(java.util.Collection<String> held, Withdrawal.All withdrawals) {
    return held.stream().filter(Versions::isVersion).filter(v -> !withdrawals.withdrawn(v))
        .filter(v -> !v.contains("-"))
        .max(Versions.ORDER).orElse(null);
  }
}
