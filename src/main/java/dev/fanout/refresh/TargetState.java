package dev.fanout.refresh;

import dev.fanout.model.Address;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import java.util.List;

/**
 * What the refresh learned about one publication.
 *
 * @param state what the registry holds; null when it could not be read ({@code readError} says why)
 * @param desired what the release would publish; null when it could not be worked out
 * @param withdrawals what withdrawing the release's withdrawn versions still means there (manual steps
 *     included); empty when the release withdraws nothing or it is all done
 * @param withdrawalError why that could not be read; null when it was
 */
public record TargetState(Address address, RegistryState state, String readError, CredentialCheck credentials,
    DesiredState desired, String desiredError, long millis, List<WithdrawStep> withdrawals, String withdrawalError) {

  public TargetState {
    withdrawals = withdrawals == null ? List.of() : List.copyOf(withdrawals);
  }

  /** A target of a release that withdraws nothing. */
  public TargetState(Address address, RegistryState state, String readError, CredentialCheck credentials,
      DesiredState desired, String desiredError, long millis) {
    this(address, state, readError, credentials, desired, desiredError, millis, List.of(), null);
  }

  /** Whether a step that writes is still to do. */
  public boolean withdrawalPending() {
    return withdrawals.stream().anyMatch(w -> !w.manual());
  }
}
