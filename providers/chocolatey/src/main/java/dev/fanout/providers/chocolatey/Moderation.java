package dev.fanout.providers.chocolatey;

import java.util.Locale;

/**
 * Where a pushed version is in the community repository's moderation. The feed shows the
 * {@code PackageStatus} (Submitted, Approved, Rejected, Exempted) and, while Submitted, the
 * {@code PackageSubmittedStatus} (Pending, Ready, Waiting, Responded, Updated); see
 * https://docs.chocolatey.org/en-us/community-repository/moderation/ and the gallery's
 * {@code PackageStatusType} and {@code PackageSubmittedStatusType}.
 */
enum Moderation {
  /** Pushed; the automated checks have not run yet. */
  SUBMITTED("Submitted"),
  /** The validator and verifier are running. */
  PENDING("Pending"),
  /** Checks passed; waiting for a human moderator. */
  READY("Ready"),
  /** A moderator asked the maintainer for changes. */
  WAITING("Waiting"),
  /** The maintainer answered in the review comments. */
  RESPONDED("Responded"),
  /** The maintainer pushed the same version again with fixes. */
  UPDATED("Updated"),
  /** Listed for everyone. */
  APPROVED("Approved"),
  /** Refused: this version can no longer be submitted; only a new version can follow. */
  REJECTED("Rejected"),
  /** Listed without review (a trusted package or an exemption). */
  EXEMPTED("Exempted");

  private final String word;

  Moderation(String word) {
    this.word = word;
  }

  String word() {
    return word;
  }

  /** From either field of the feed; an unknown word (the gallery has "Unknown") counts as still under review. */
  static Moderation of(String status) {
    if (status == null || status.isBlank()) {
      return SUBMITTED;
    }
    for (Moderation m : values()) {
      if (m.word.equalsIgnoreCase(status.trim())) {
        return m;
      }
    }
    return SUBMITTED;
  }

  /** From an entry's {@code PackageStatus} and {@code PackageSubmittedStatus}. */
  static Moderation of(String packageStatus, String submittedStatus) {
    Moderation main = of(packageStatus);
    return main == SUBMITTED && submittedStatus != null && !submittedStatus.isBlank() ? of(submittedStatus) : main;
  }

  /** Still in moderation: the gallery's {@code PackageStatus} is Submitted. */
  boolean submitted() {
    return this != APPROVED && this != REJECTED && this != EXEMPTED;
  }

  boolean approved() {
    return this == APPROVED || this == EXEMPTED;
  }

  String packageStatus() {
    return submitted() ? SUBMITTED.word : word;
  }

  @Override
  public String toString() {
    return word.toLowerCase(Locale.ROOT);
  }
}
