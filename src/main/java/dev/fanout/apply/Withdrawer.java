package dev.fanout.apply;

import dev.fanout.graph.ReleaseGraph;
import dev.fanout.http.Bounds;
import dev.fanout.model.Address;
import dev.fanout.model.Withdrawal;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlannedChange;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.refresh.Refresher;
import dev.fanout.target.Target;
import dev.fanout.target.Targets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The withdrawal step of apply. Targets go in reverse dependency order (manifests before the
 * hub their URLs point at), one at a time; a target whose dependent could not withdraw is not
 * touched. Each target is read before every write and one step is carried out at a time, so
 * a run killed after a step landed finds it done and does not send it again; manual steps are
 * reported and never fail the run.
 */
final class Withdrawer {

  private final ReleaseGraph graph;
  private final Targets targets;
  private final Withdrawal.All withdrawals;
  private final String releaseVersion;
  private final Journal journal;
  private final Applier.Options options;

  Withdrawer(ReleaseGraph graph, Targets targets, Withdrawal.All withdrawals, String releaseVersion, Journal journal,
      Applier.Options options) {
    this.graph = graph;
    this.targets = targets;
    this.withdrawals = withdrawals;
    this.releaseVersion = releaseVersion;
    this.journal = journal;
    this.options = options;
  }

  /**
   * Withdraws from {@code toWithdraw} (each with the result of its publish, if it had one) and
   * returns each target's final result.
   */
  Map<Address, NodeResult> run(Plan plan, Map<Address, NodeResult> toWithdraw, Walker.Listener listener) {
    Map<Address, NodeResult> out = new LinkedHashMap<>();
    List<Address> order = new ArrayList<>(graph.order());
    java.util.Collections.reverse(order);
    for (Address a : order) {
      if (!toWithdraw.containsKey(a)) {
        continue;
      }
      NodeResult published = toWithdraw.get(a);
      Address failedDependent = failedDependent(a, out);
      NodeResult r;
      if (published != null && !published.status().ok()) {
        r = published;
      } else if (failedDependent != null) {
        r = new NodeResult(a, Status.BLOCKED, null, "not withdrawn: " + failedDependent + " could not withdraw first",
            failedDependent.toString(), 0, List.of());
        journal.record(a, "blocked", r.detail());
      } else {
        listener.started(a);
        journal.record(a, "started", "withdraw");
        long t0 = System.nanoTime();
        r = withdraw(a, plan.change(a));
        r = new NodeResult(a, r.status(), r.step(), r.detail(), r.rootCause(), (System.nanoTime() - t0) / 1_000_000,
            r.written());
        journal.record(a, r.status().name().toLowerCase(java.util.Locale.ROOT), r.detail());
        if (published != null && published.status() == Status.PUBLISHED && r.status().ok()) {
          r = new NodeResult(a, Status.PUBLISHED, null, published.detail() + "; " + r.detail(), null,
              published.millis() + r.millis(), concat(published.written(), r.written()));
        }
      }
      out.put(a, r);
      listener.finished(r);
    }
    return out;
  }

  /** A target depending on {@code a} (its manifest points at {@code a}) that did not withdraw. */
  private Address failedDependent(Address a, Map<Address, NodeResult> done) {
    for (var e : graph.dependents(a)) {
      NodeResult r = done.get(e.from());
      if (r != null && !r.status().ok()) {
        return e.from();
      }
    }
    return null;
  }

  private NodeResult withdraw(Address a, PlannedChange planned) {
    Target target = targets.get(a);
    if (planned != null && planned.credentials() != null && planned.credentials().refuses()) {
      return new NodeResult(a, Status.BLOCKED, "credentials", planned.credentials().describe(), null, 0, List.of());
    }
    List<String> done = new ArrayList<>();
    WithdrawStep last = null;
    int attempt = 0;
    // Each pass reads, then carries out the first step still to do; a step the registry
    // shows done after its write is not returned again.
    for (int pass = 0; pass < 32; pass++) {
      try {
        List<WithdrawStep> steps = Refresher.withdrawal(target, target.provider() instanceof Withdrawing
            ? null : planned == null ? null : planned.before(), withdrawals, releaseVersion);
        List<WithdrawStep> pending = steps.stream().filter(s -> !s.manual()).toList();
        List<String> manual = steps.stream().filter(WithdrawStep::manual).map(WithdrawStep::describe).toList();
        if (pending.isEmpty()) {
          String detail = (done.isEmpty() ? "nothing left to withdraw" : String.join("; ", done))
              + (manual.isEmpty() ? "" : "; manual: " + String.join("; ", manual));
          return new NodeResult(a, done.isEmpty() ? Status.UP_TO_DATE : Status.WITHDRAWN, null, detail, null, 0, done);
        }
        WithdrawStep step = pending.get(0);
        if (step.equals(last)) {
          return Applier.failed(a, "verify", target.type() + " still shows \"" + step.describe()
              + "\" to do after it was carried out: check " + target.location());
        }
        journal.record(a, "writing", "withdraw: " + step.describe());
        String wrote = ((Withdrawing) target.provider()).withdraw(target.publication(), step, withdrawals);
        journal.record(a, "wrote", wrote);
        done.add(step.describe());
        last = step;
      } catch (RegistryException e) {
        if (!e.isTransient() || Bounds.exceeded(e) || ++attempt >= options.attempts()) {
          return Applier.failed(a, e.operation(), e.getMessage());
        }
        journal.record(a, "retry", "attempt " + (attempt + 1) + " of " + options.attempts() + " after: "
            + e.getMessage());
        // The next pass reads first: the write may have landed.
        sleep(250L << Math.min(attempt, 6));
      } catch (IOException e) {
        return Applier.failed(a, "withdraw", e.getMessage());
      }
    }
    return Applier.failed(a, "withdraw", "more steps than a withdrawal can have on " + target.location());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
