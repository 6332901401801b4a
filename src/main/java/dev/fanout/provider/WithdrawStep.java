package dev.fanout.provider;

import java.util.Locale;

/**
 * One thing withdrawing a version means in one registry, as data: what a provider found still
 * to do after reading the registry. The plan shows it, apply carries it out (a manual step is
 * only shown: the registry has no API for it, or refuses it).
 *
 * @param subject what it acts on: a version ({@code 1.0.35}), a pointer ({@code latest}), a tag
 * @param from where a moved pointer or a rewritten manifest is now; null for the other kinds
 * @param to where it goes back to; null for the other kinds
 * @param detail the reason users read (a deprecation message), or for a manual step what to do and why
 * @param url for a manual step, the page where a person does it; null otherwise
 */
public record WithdrawStep(Kind kind, String subject, String from, String to, String detail, String url) {

  /** What a step does, and the symbol the plan shows it with. */
  public enum Kind {
    /** npm's deprecation, a GitHub release retitled and marked pre-release: the version stays, flagged. */
    DEPRECATE("-"),
    /** crates.io: the version stays for lockfiles that name it; new resolutions skip it. */
    YANK("-"),
    /** The release's own version is yanked but no longer withdrawn: offered again. */
    UNYANK("+"),
    /** The version removed (npm unpublish, an image tag, a draft release, a GitHub Packages version). */
    DELETE("-"),
    /** NuGet's delete: the version is hidden from search and resolution, still downloadable by exact version. */
    UNLIST("-"),
    /** A moving pointer ({@code latest}, an image's {@code 1.0}) sent back to the previous version. */
    RETAG("~"),
    /** A manifest (formula, scoop manifest) written again at the previous version. */
    REWRITE("~"),
    /** An open pull request proposing the version closed, the reason in its description: it is never merged. */
    CLOSE("-"),
    /** The previous revision released again to the channels that held the bad one (Snap). */
    RELEASE_PREVIOUS("~"),
    /** The registry cannot do it through an API, or refuses it: a person does it at {@code url}. */
    MANUAL("!");

    private final String symbol;

    Kind(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public static WithdrawStep of(Kind kind, String version, String detail) {
    return new WithdrawStep(kind, version, null, null, detail, null);
  }

  /** {@code pointer} (or, when null, the manifest itself) goes back from {@code from} to {@code to}. */
  public static WithdrawStep move(Kind kind, String pointer, String from, String to) {
    return new WithdrawStep(kind, pointer, from, to, null, null);
  }

  public static WithdrawStep manual(String version, String what, String url) {
    return new WithdrawStep(Kind.MANUAL, version, null, null, what, url);
  }

  public boolean manual() {
    return kind == Kind.MANUAL;
  }

  /** The step as the plan and the report say it: {@code deprecate 1.0.35 ("...")}, {@code latest: 1.0.35 -> 1.0.34}. */
  public String describe() {
    if (kind == Kind.MANUAL) {
      return detail + (url == null ? "" : " at " + url);
    }
    if (from != null || to != null) {
      return (subject == null ? "" : subject + ": ") + from + " -> " + to;
    }
    return kind.word() + " " + subject + (detail == null ? "" : " (\"" + detail + "\")");
  }
}
