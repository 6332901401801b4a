package dev.fanout.plan;

/**
 * What a plan will do with one publication. Exactly one per target, with its reasons.
 */
public enum Action {
  /** The version is not in the registry: apply publishes it. */
  CREATE("+", "publish"),
  /**
   * A mutable target (a formula, a manifest, a tag, a release missing some assets) is behind
   * or incomplete: apply brings it up to the release.
   */
  UPDATE("~", "update"),
  /**
   * The release withdraws a version the registry still offers: apply deprecates, yanks, moves
   * pointers back or rewrites manifests, each step in {@link PlannedChange#withdrawals()}.
   */
  WITHDRAW("-", "withdraw"),
  /** The registry already holds this release as it would be published: nothing to do. */
  NO_OP("=", "up to date"),
  /**
   * The registry holds the version with other content, and cannot be overwritten. A person
   * must decide (yank, bump the version); the plan says what differs.
   */
  DRIFT("x", "drift"),
  /** Cannot run: bad or missing credentials, a missing artifact, or a dependency blocked or drifted. */
  BLOCKED("!", "blocked"),
  /** The registry could not be read; the reason says why. Apply will try again. */
  UNKNOWN("?", "unknown");

  private final String symbol;
  private final String word;

  Action(String symbol, String word) {
    this.symbol = symbol;
    this.word = word;
  }

  public String symbol() {
    return symbol;
  }

  public String word() {
    return word;
  }

  /** Whether apply will write for this action. */
  public boolean writes() {
    return this == CREATE || this == UPDATE || this == WITHDRAW;
  }

  public String jsonName() {
    return this == NO_OP ? "no-op" : name().toLowerCase(java.util.Locale.ROOT);
  }
}
