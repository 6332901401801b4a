package dev.fanout.refresh;

import dev.fanout.model.Address;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.RegistryState;

/**
 * What the refresh learned about one publication.
 *
 * @param state what the registry holds; null when it could not be read ({@code readError} says why)
 * @param desired what the release would publish; null when it could not be worked out
 */
public record TargetState(Address address, RegistryState state, String readError, CredentialCheck credentials,
    DesiredState desired, String desiredError, long millis) { }
