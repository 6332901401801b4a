package dev.fanout.plan;

import dev.fanout.model.Address;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import java.util.List;

/**
 * One publication's planned action with everything that explains it. Values, not words:
 * the views ({@link PlanJson}, the CLI's text) turn them into text.
 *
 * @param provider the provider type, as in the language: {@code npm}, {@code homebrew}
 * @param reasons why, in words a person reads first
 * @param items what differs, item by item (files, tags, manifest fields)
 * @param before what the registry holds; null when it could not be read
 * @param after what the release would publish; null when it could not be worked out
 * @param fingerprint a digest of the registry state this plan was made against; apply of a
 *     saved plan refuses to run when the registry has changed since
 * @param credentials the credential check as the registry answered it
 * @param withdrawals what withdrawing the release's withdrawn versions still means there, manual
 *     steps included; apply carries out the others after any publish, in reverse dependency order
 */
public record PlannedChange(Address address, String provider, Action action, List<String> reasons,
    String location, List<ItemChange> items, RegistryState before, DesiredState after,
    String fingerprint, CredentialCheck credentials, List<WithdrawStep> withdrawals) {

  public PlannedChange {
    reasons = List.copyOf(reasons);
    items = List.copyOf(items);
    withdrawals = withdrawals == null ? List.of() : List.copyOf(withdrawals);
  }

  /** A change that withdraws nothing. */
  public PlannedChange(Address address, String provider, Action action, List<String> reasons,
      String location, List<ItemChange> items, RegistryState before, DesiredState after,
      String fingerprint, CredentialCheck credentials) {
    this(address, provider, action, reasons, location, items, before, after, fingerprint, credentials, List.of());
  }

  /** Whether apply has a withdrawal step to carry out here (a manual one is only shown). */
  public boolean withdraws() {
    return withdrawals.stream().anyMatch(w -> !w.manual());
  }

  /** One item that differs: added ({@code before} null), changed, or unknown until the build. */
  public record ItemChange(String item, String before, String after) { }
}
