package dev.fanout.apply;

import dev.fanout.model.Address;
import java.util.List;

/**
 * How one node ended.
 *
 * @param step the step that failed ({@code build}, {@code read}, {@code publish}, {@code verify}), or null
 * @param detail what happened, for people: the registry's answer, the command's last output
 * @param rootCause for a blocked node, the failure it traces back to
 */
public record NodeResult(Address address, Status status, String step, String detail, String rootCause,
    long millis, List<String> written) {

  public NodeResult {
    written = List.copyOf(written);
  }
}
