package dev.fanout.drift;

import dev.fanout.model.Address;
import java.util.List;

/**
 * Whether the registries agree with the release and with each other.
 *
 * @param newest the newest version any target holds
 */
public record DriftReport(String release, String version, String newest, List<Row> rows, List<Finding> findings,
    List<String> versions) {

  public DriftReport {
    rows = List.copyOf(rows);
    findings = List.copyOf(findings);
    versions = List.copyOf(versions);
  }

  /** One target: what it holds and whether that agrees. */
  public record Row(Address address, String provider, String location, boolean holdsRelease, String latest,
      int behind, String status) { }

  /** What a finding is about. */
  public enum Kind {
    /** The release's version is not there: {@code fanout apply} catches up. */
    MISSING_VERSION,
    /** The version is there with other content than the release. */
    CONTENT_MISMATCH,
    /** The target's newest version is older than another target's. */
    VERSION_LAG,
    /** A manifest's checksum differs from the release asset it points to, or from the local artifact. */
    CHECKSUM_DISAGREEMENT,
    /** A mutable pointer (latest, a dist-tag) is not on the newest version. */
    POINTER,
    /** A URL in a manifest does not answer. */
    BROKEN_URL,
    /** A version the release withdraws is still offered (not deprecated, yanked or removed, or a pointer still on it). */
    WITHDRAWAL_PENDING,
    /** The registry could not be read. */
    UNREADABLE
  }

  /**
   * @param expected what the release (or the other registry) says
   * @param actual what this target holds
   * @param fix what to do about it
   */
  public record Finding(Kind kind, Address target, String what, String expected, String actual, String fix) { }

  /** Findings other than unreadable registries: what makes the exit code 2. */
  public long drift() {
    return findings.stream().filter(f -> f.kind() != Kind.UNREADABLE).count();
  }
}
