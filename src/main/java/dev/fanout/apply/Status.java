package dev.fanout.apply;

/** How a node of the graph ended in an apply. */
public enum Status {
  /** A build ran, or an artifact was found. */
  DONE,
  /** The registry did not hold the release, and now does: written and verified. */
  PUBLISHED,
  /** A withdrawn version: every step the registry allows was carried out and verified (manual ones are in the detail). */
  WITHDRAWN,
  /** The registry already held the release as it would be published: nothing written. */
  UP_TO_DATE,
  /** The registry holds the version with other content and cannot be overwritten: a person must decide. */
  DRIFT,
  /** This node's own step failed; the detail says which step and what the registry or command answered. */
  FAILED,
  /** Did not run: a dependency failed or was blocked (the cause names it), or the credentials cannot publish. */
  BLOCKED;

  public boolean ok() {
    return this == DONE || this == PUBLISHED || this == UP_TO_DATE || this == WITHDRAWN;
  }
}
