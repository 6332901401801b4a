package dev.fanout.apply;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.plan.Action;
import dev.fanout.plan.Differ;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.refresh.Acknowledgements;
import java.time.Duration;
import java.util.List;

/**
 * The read after an acknowledged write. Registries are eventually consistent (Maven Central's
 * repository lags the Portal, PyPI's JSON API is cached, the crates.io index is written by a
 * background job), so the read is polled with backoff up to the registry's visibility
 * deadline, and past it the target is published but "not visible yet": the write is never
 * sent again, and never called failed because the registry is slow to show it.
 */
final class Visibility {

  private static final long FIRST_WAIT_MS = 100;
  private static final long LONGEST_WAIT_MS = 10_000;

  private final Provider provider;
  private final Publication publication;
  private final DesiredState desired;
  private final boolean mutable;
  private final String location;
  private final Duration deadline;
  private final boolean latestRequested;

  Visibility(Provider provider, Publication publication, DesiredState desired, boolean mutable, String location,
      Duration deadline, boolean latestRequested) {
    this.latestRequested = latestRequested;
    this.provider = provider;
    this.publication = publication;
    this.desired = desired;
    this.mutable = mutable;
    this.location = location;
    this.deadline = deadline;
  }

  NodeResult await(Address a, Acknowledgements.Acknowledged ack, Journal journal, List<String> written, String wrote)
      throws InterruptedException {
    long until = System.nanoTime() + deadline.toNanos();
    long wait = FIRST_WAIT_MS;
    String last;
    int reads = 0;
    while (true) {
      reads++;
      try {
        RegistryState after = provider.read(publication);
        Differ.Verdict check = Differ.diff(after, desired, mutable, location, latestRequested);
        // Where the registry does not lag, a write shown as in progress (an open pull request
        // to nixpkgs or winget-pkgs) is what the write was meant to make: it is visible.
        boolean shown = check.action() == Action.NO_OP
            && (after.inProgress() == null || after.holds(desired.version()) || deadline.isZero());
        if (shown) {
          journal.record(a, "verified", reads > 1 ? "visible after " + reads + " reads" : null);
          return new NodeResult(a, Status.PUBLISHED, null, wrote, null, 0, written);
        }
        if (check.action() == Action.DRIFT) {
          // Visible, and not what was sent: that is no lag, and a person must look.
          return Applier.failed(a, "verify", "read back after publishing, " + location + " holds other content: "
              + String.join("; ", check.reasons()) + " " + Publisher.describe(check.items()));
        }
        last = String.join("; ", check.reasons()) + (check.items().isEmpty() ? "" : " " + Publisher.describe(check.items()));
      } catch (RegistryException e) {
        last = e.getMessage();
      }
      if (System.nanoTime() + wait * 1_000_000 > until) {
        break;
      }
      Thread.sleep(wait);
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
    String detail = wrote + "; " + Acknowledgements.describe(ack) + " on " + location + " after " + reads
        + " read" + (reads == 1 ? "" : "s") + " (" + last + ")";
    journal.record(a, "not_visible_yet", detail);
    return new NodeResult(a, Status.PUBLISHED, null, detail, null, 0, written);
  }
}
