package dev.fanout.providers.snap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Publication;
import dev.fanout.model.Withdrawal;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.WithdrawStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Withdrawing from the Snap Store: each channel and architecture whose current revision is a
 * withdrawn version gets the previous version's revision released to it again, as
 * {@code snapcraft release NAME REVISION CHANNEL} does (the store has no revert). The previous
 * revision is read from the channel's release history on the dashboard. A channel with no
 * earlier revision is left to a person: closing it (snapcraft close) makes it follow the next
 * channel or leaves users with nothing, a choice Fanout does not make for them.
 */
final class SnapRollback {

  private final SnapProvider provider;

  SnapRollback(SnapProvider provider) {
    this.provider = provider;
  }

  /** A channel and architecture, what it holds now, and the revision to release to it again (null: none). */
  record Rollback(String channel, String arch, String version, Integer previous, String previousVersion) {
    String subject() {
      return channel + " " + arch;
    }
  }

  List<WithdrawStep> steps(Publication publication, String name, Withdrawal.All withdrawals) throws RegistryException {
    List<WithdrawStep> steps = new ArrayList<>();
    for (Rollback r : rollbacks(publication, name, withdrawals)) {
      steps.add(r.previous() == null
          ? WithdrawStep.manual(r.version(), "no earlier revision of " + name + " was released to " + r.channel() + " ("
              + r.arch() + ") to release again: release a fixed version, or close the channel (snapcraft close " + name
              + " " + r.channel() + ")", "https://snapcraft.io/" + name + "/releases")
          : WithdrawStep.move(WithdrawStep.Kind.RELEASE_PREVIOUS, r.subject(), r.version(), r.previousVersion()));
    }
    return steps;
  }

  /** Releases the previous revision to the step's channel, found again in the history read now. */
  String releasePrevious(Publication publication, String name, WithdrawStep step, Withdrawal.All withdrawals)
      throws RegistryException {
    for (Rollback r : rollbacks(publication, name, withdrawals)) {
      if (r.subject().equals(step.subject()) && r.previous() != null) {
        provider.release(publication, name, r.previous(), List.of(r.channel()));
        return "released revision " + r.previous() + " (" + r.previousVersion() + ") of " + name + " to " + r.channel()
            + " (" + r.arch() + ")";
      }
    }
    return step.subject() + " already holds a version that is not withdrawn";
  }

  /** Every channel and architecture whose current revision is withdrawn, with the revision it held before. */
  private List<Rollback> rollbacks(Publication publication, String name, Withdrawal.All withdrawals)
      throws RegistryException {
    JsonNode listed;
    try {
      listed = provider.history(publication, name);
    } catch (RegistryException e) {
      if (e.status() == 404) {
        return List.of();
      }
      throw e;
    }
    Map<Integer, String> versions = new LinkedHashMap<>();
    listed.path("revisions").forEach(r -> versions.put(r.path("revision").asInt(), r.path("version").asText()));
    // The history is newest first: group it by channel and architecture (sorted, so plans read
    // the same every time), keeping that order within each.
    Map<String, List<JsonNode>> byChannel = new java.util.TreeMap<>();
    listed.path("releases").forEach(r -> byChannel.computeIfAbsent(r.path("channel").asText() + " "
        + r.path("architecture").asText(), k -> new ArrayList<>()).add(r));
    List<Rollback> out = new ArrayList<>();
    for (List<JsonNode> history : byChannel.values()) {
      JsonNode current = history.get(0);
      String version = current.path("revision").isNull() ? null : versions.get(current.path("revision").asInt());
      if (version == null || !withdrawals.withdrawn(version)) {
        continue;
      }
      Integer previous = null;
      for (JsonNode earlier : history.subList(1, history.size())) {
        String v = earlier.path("revision").isNull() ? null : versions.get(earlier.path("revision").asInt());
        if (v != null && !withdrawals.withdrawn(v)) {
          previous = earlier.path("revision").asInt();
          break;
        }
      }
      out.add(new Rollback(current.path("channel").asText(), current.path("architecture").asText(), version, previous,
          previous == null ? null : versions.get(previous)));
    }
    return out;
  }
}
