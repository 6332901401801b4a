package dev.fanout.drift;

import dev.fanout.artifact.LocalArtifacts;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Config;
import dev.fanout.plan.Action;
import dev.fanout.plan.Differ;
import dev.fanout.plan.PlannedChange;
import dev.fanout.provider.Backport;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.Versions;
import dev.fanout.refresh.Snapshot;
import dev.fanout.refresh.TargetState;
import dev.fanout.target.Target;
import dev.fanout.target.Targets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Reads what every target holds (the same refresh as plan, no write) and checks that the
 * registries agree with the release and with each other: versions held, content, how far
 * behind each target is, checksums in manifests against the release assets and the local
 * files, mutable pointers, and URLs that no longer answer.
 */
public final class DriftChecker {

  private final Config config;
  private final Targets targets;
  private final LocalArtifacts artifacts;
  private final OkHttpClient http;
  private final String version;

  /**
   * @param http for the URLs manifests name: drift checks that they answer
   * @param version the version to check: the release's, or another one held in the registries
   */
  public DriftChecker(Config config, Targets targets, LocalArtifacts artifacts, OkHttpClient http, String version) {
    this.config = config;
    this.targets = targets;
    this.artifacts = artifacts;
    this.http = http;
    this.version = version == null ? config.release().version() : version;
  }

  private boolean isReleaseVersion() {
    return version.equals(config.release().version()) && !withdrawn(version);
  }

  /** A withdrawn version is expected deprecated, yanked or absent: never lag, never missing. */
  private boolean withdrawn(String v) {
    return config.withdrawals().withdrawn(v);
  }

  public DriftReport check(Snapshot snapshot) {
    boolean latestRequested = Backport.requested(config.release());
    List<DriftReport.Finding> findings = new ArrayList<>();
    Map<Address, String> latest = new LinkedHashMap<>();
    TreeSet<String> allVersions = new TreeSet<>(Versions.ORDER);
    for (TargetState t : snapshot.targets().values()) {
      if (t.state() != null) {
        String newest = newest(t.state());
        latest.put(t.address(), newest);
        t.state().versions().stream().filter(Versions::isVersion).filter(v -> !withdrawn(v)).forEach(allVersions::add);
        if (Versions.isVersion(t.state().currentVersion()) && !withdrawn(t.state().currentVersion())) {
          allVersions.add(t.state().currentVersion());
        }
      }
    }
    String newestAnywhere = allVersions.isEmpty() ? null : allVersions.last();
    List<DriftReport.Row> rows = new ArrayList<>();
    for (TargetState t : snapshot.targets().values()) {
      Address a = t.address();
      Target target = targets.get(a);
      String provider = target.type();
      String location = target.location();
      if (t.state() == null) {
        findings.add(new DriftReport.Finding(DriftReport.Kind.UNREADABLE, a, "cannot read " + location, null, null,
            "check the registry and the credentials: " + t.readError()));
        rows.add(new DriftReport.Row(a, provider, location, false, null, 0, "unreadable"));
        continue;
      }
      RegistryState s = t.state();
      String mine = latest.get(a);
      int behind = mine == null ? (s.inProgress() != null ? 0 : allVersions.size())
          : allVersions.tailSet(mine, false).size();
      boolean holds = s.holds(version);
      String status = "in agreement";
      String staysAt = Backport.latestStaysAt(version, s, latestRequested);
      if (t.withdrawalPending() || t.withdrawalError() != null) {
        status = "withdrawal pending";
        findings.add(t.withdrawalError() != null
            ? new DriftReport.Finding(DriftReport.Kind.UNREADABLE, a, "cannot read what withdrawing means on " + location,
                null, null, t.withdrawalError())
            : new DriftReport.Finding(DriftReport.Kind.WITHDRAWAL_PENDING, a, "a withdrawn version is still offered on "
                + location, "withdrawn", String.join("; ", t.withdrawals().stream().filter(w -> !w.manual())
                    .map(dev.fanout.provider.WithdrawStep::describe).toList()) + " still to do",
                "run fanout apply to withdraw it"));
      } else if (withdrawn(version)) {
        status = holds ? "withdrawn" : "absent (withdrawn)";
      } else if (!holds && target.traits().mutable() && staysAt != null) {
        // A backport leaves a formula or manifest at the newer version: that is no lag.
        status = "backport: stays at " + staysAt;
      } else if (!holds) {
        status = s.inProgress() != null ? "in progress" : "missing " + version;
        if (s.inProgress() == null) {
          findings.add(new DriftReport.Finding(DriftReport.Kind.MISSING_VERSION, a, version + " is not on " + location,
              version, mine == null ? "nothing" : mine, "run fanout apply to publish it"));
        }
      } else if (t.desired() != null && isReleaseVersion()) {
        Differ.Verdict v = Differ.diff(s, t.desired(), target.traits().mutable(), location, latestRequested);
        if (v.action() != Action.NO_OP) {
          status = "differs";
          for (PlannedChange.ItemChange i : v.items()) {
            findings.add(new DriftReport.Finding(DriftReport.Kind.CONTENT_MISMATCH, a,
                i.item() + " of " + version + " on " + location + " is not what the release publishes",
                i.after(), i.before() == null ? "missing" : i.before(),
                target.traits().mutable() ? "run fanout apply to update it"
                    : "a person must decide: the registry cannot overwrite " + version + " (yank it, or release a new version)"));
          }
        }
      }
      if (newestAnywhere != null && behind > 0 && mine != null && Versions.compare(mine, newestAnywhere) < 0) {
        findings.add(new DriftReport.Finding(DriftReport.Kind.VERSION_LAG, a,
            location + " is " + behind + " release" + (behind == 1 ? "" : "s") + " behind", newestAnywhere, mine,
            "run fanout apply for " + newestAnywhere));
        if (status.equals("in agreement")) {
          status = "behind";
        }
      }
      pointers(a, s, mine, findings);
      rows.add(new DriftReport.Row(a, provider, location, holds, mine, behind, status));
    }
    if (isReleaseVersion()) {
      checksums(snapshot, findings);
      binaries(snapshot, findings);
    }
    urls(snapshot, findings);
    return new DriftReport(config.release().name(), version, newestAnywhere, rows, findings,
        new ArrayList<>(allVersions.descendingSet()));
  }

  private String newest(RegistryState s) {
    TreeSet<String> v = new TreeSet<>(Versions.ORDER);
    s.versions().stream().filter(Versions::isVersion).filter(x -> !withdrawn(x)).forEach(v::add);
    if (Versions.isVersion(s.currentVersion()) && !withdrawn(s.currentVersion())) {
      v.add(s.currentVersion());
    }
    return v.isEmpty() ? null : v.last();
  }

  /** A dist-tag or {@code latest} tag must point at the newest version (or its digest). */
  private void pointers(Address a, RegistryState s, String newest, List<DriftReport.Finding> findings) {
    for (Map.Entry<String, String> p : s.pointers().entrySet()) {
      if (!p.getKey().equals("latest") || newest == null) {
        continue;
      }
      String value = p.getValue();
      String expected = value != null && value.startsWith("sha256:") ? s.items().get("tag:" + newest) : newest;
      if (expected != null && !Objects.equals(expected, value)) {
        findings.add(new DriftReport.Finding(DriftReport.Kind.POINTER, a,
            "latest on " + targets.get(a).location() + " does not point at the newest version " + newest, expected, value,
            "run fanout apply to move it, or check who moved it"));
      }
    }
  }

  /** Manifest checksums against the hub's assets (a GitHub release), and both against the local files. */
  private void checksums(Snapshot snapshot, List<DriftReport.Finding> findings) {
    Map<String, String> localByPlatform = new LinkedHashMap<>();
    Map<String, String> platformByName = new LinkedHashMap<>();
    for (Artifact art : config.artifacts().values()) {
      platformByName.put(art.name(), art.platform());
      String sha = artifacts.sha256(art.address());
      if (sha != null) {
        localByPlatform.put(art.platform(), sha);
      }
    }
    Map<String, String> releaseByPlatform = new LinkedHashMap<>();
    Address hub = null;
    for (TargetState t : snapshot.targets().values()) {
      if (t.state() != null && targets.get(t.address()).traits().hub()) {
        hub = t.address();
        t.state().items().forEach((name, sha) -> {
          if (platformByName.containsKey(name) && sha != null) {
            releaseByPlatform.put(platformByName.get(name), strip(sha));
          }
        });
      }
    }
    for (TargetState t : snapshot.targets().values()) {
      if (t.state() == null || !t.state().holds(version)) {
        continue;
      }
      for (Map.Entry<String, String> item : t.state().items().entrySet()) {
        if (!item.getKey().startsWith("sha256.") || item.getValue() == null) {
          continue;
        }
        String platform = item.getKey().substring("sha256.".length());
        String held = strip(item.getValue());
        String asset = releaseByPlatform.get(platform);
        String local = localByPlatform.get(platform);
        if (asset != null && !asset.equals(held)) {
          findings.add(new DriftReport.Finding(DriftReport.Kind.CHECKSUM_DISAGREEMENT, t.address(),
              "the " + platform + " sha256 in " + t.address() + " differs from the asset on " + hub,
              asset, held, "run fanout apply to rewrite the manifest from the release"));
        } else if (asset == null && local != null && !local.equals(held)) {
          findings.add(new DriftReport.Finding(DriftReport.Kind.CHECKSUM_DISAGREEMENT, t.address(),
              "the " + platform + " sha256 in " + t.address() + " differs from the local artifact",
              local, held, "rebuild, or run fanout apply to rewrite the manifest"));
        }
      }
    }
    if (hub != null) {
      for (Map.Entry<String, String> e : releaseByPlatform.entrySet()) {
        String local = localByPlatform.get(e.getKey());
        if (local != null && !local.equals(e.getValue())) {
          findings.add(new DriftReport.Finding(DriftReport.Kind.CHECKSUM_DISAGREEMENT, hub,
              "the " + e.getKey() + " asset on " + hub + " differs from the local artifact", local, e.getValue(),
              "a person must decide: the asset was replaced, or the local build is not the released one"));
        }
      }
    }
  }

  /**
   * The binaries inside packages (npm today) against the local build: the same version must
   * ship the same bytes everywhere, whatever the package around them.
   */
  private void binaries(Snapshot snapshot, List<DriftReport.Finding> findings) {
    Map<String, String> local = new LinkedHashMap<>();
    for (Artifact art : config.artifacts().values()) {
      String sha = artifacts.sha256(art.address());
      if (sha != null) {
        local.put(art.platform(), sha);
      }
    }
    for (TargetState t : snapshot.targets().values()) {
      if (t.state() == null || !t.state().holds(version)
          || !(targets.get(t.address()).provider() instanceof dev.fanout.provider.BinaryContents inspector)) {
        continue;
      }
      try {
        inspector.binaries(targets.get(t.address()).publication(), version).forEach((platform, sha) -> {
          String want = local.get(platform);
          if (want != null && !want.equals(sha)) {
            findings.add(new DriftReport.Finding(DriftReport.Kind.CHECKSUM_DISAGREEMENT, t.address(),
                "the " + platform + " binary inside " + t.address() + " " + version + " differs from the local artifact",
                want, sha, "a person must decide: the package holds another build than this one"));
          }
        });
      } catch (dev.fanout.provider.RegistryException | IOException e) {
        findings.add(new DriftReport.Finding(DriftReport.Kind.UNREADABLE, t.address(),
            "cannot read the binaries inside " + t.address(), null, null, e.getMessage()));
      }
    }
  }

  /** URLs in manifests must answer. */
  private void urls(Snapshot snapshot, List<DriftReport.Finding> findings) {
    for (TargetState t : snapshot.targets().values()) {
      if (t.state() == null) {
        continue;
      }
      for (Map.Entry<String, String> item : t.state().items().entrySet()) {
        String url = item.getValue();
        if (!item.getKey().startsWith("url.") || url == null || !url.startsWith("http")) {
          continue;
        }
        int status = head(url);
        if (status == 404 || status == 410) {
          findings.add(new DriftReport.Finding(DriftReport.Kind.BROKEN_URL, t.address(),
              item.getKey().substring(4) + " URL in " + t.address() + " answers " + status, "200", url + " -> " + status,
              "publish the asset again (fanout apply), or fix the manifest"));
        }
      }
    }
  }

  private int head(String url) {
    try (Response r = http.newCall(new Request.Builder().url(url).head().build()).execute()) {
      return r.code();
    } catch (IOException | IllegalArgumentException e) {
      return 0;
    }
  }

  private static String strip(String sha) {
    return sha.startsWith("sha256:") ? sha.substring(7) : sha;
  }
}
