package dev.fanout.providers.pypi;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PyPI's name and version rules, shared by the provider and the emulator. */
final class PypiNames {

  private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");
  private static final Pattern SEMVER_PRE =
      Pattern.compile("^(\\d+(?:\\.\\d+)*)-(alpha|a|beta|b|rc|c|dev|post)[.-]?(\\d*)$");

  private PypiNames() {
  }

  /** PEP 503: lower case, runs of {@code -_.} become one {@code -}. */
  static String normalise(String name) {
    return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
  }

  /** The name as it appears in wheel and sdist file names: runs of {@code -_.} become {@code _}. */
  static String fileName(String name) {
    return SEPARATORS.matcher(name).replaceAll("_").toLowerCase(Locale.ROOT);
  }

  /**
   * A release version as PEP 440 writes it: semver pre-releases such as {@code 1.2.0-rc.1}
   * become {@code 1.2.0rc1}, because PyPI rejects the semver form and would store the
   * normalised one anyway. Anything else is returned as given for the registry to judge.
   */
  static String version(String version) {
    String v = version.startsWith("v") ? version.substring(1) : version;
    Matcher m = SEMVER_PRE.matcher(v.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return v;
    }
    String number = m.group(3).isEmpty() ? "0" : m.group(3);
    return switch (m.group(2)) {
      case "alpha", "a" -> m.group(1) + "a" + number;
      case "beta", "b" -> m.group(1) + "b" + number;
      case "rc", "c" -> m.group(1) + "rc" + number;
      case "dev" -> m.group(1) + ".dev" + number;
      default -> m.group(1) + ".post" + number;
    };
  }

  /**
   * The version in a distribution's file name ({@code name-1.0-py3-none-any.whl},
   * {@code name-1.0.tar.gz}), or "" when the file is not one of {@code project}'s.
   */
  static String versionOfFile(String filename, String project) {
    String lower = filename.toLowerCase(Locale.ROOT);
    String rest = lower.endsWith(".whl") ? filename.substring(0, filename.length() - 4)
        : lower.endsWith(".tar.gz") ? filename.substring(0, filename.length() - 7)
        : lower.endsWith(".zip") ? filename.substring(0, filename.length() - 4) : null;
    if (rest == null) {
      return "";
    }
    // As warehouse splits it (forklift/legacy.py): a wheel's name ends at its first '-' (it holds
    // none), a sdist's at its last (the version holds none), so a sdist named before PEP 625
    // (greetings-cli-0.3.0.tar.gz) is the project's too.
    boolean wheel = lower.endsWith(".whl");
    int dash = wheel ? rest.indexOf('-') : rest.lastIndexOf('-');
    if (dash < 0 || !fileName(rest.substring(0, dash)).equals(fileName(project))) {
      return "";
    }
    String version = rest.substring(dash + 1);
    int end = wheel ? version.indexOf('-') : -1;
    return end < 0 ? (wheel ? "" : version) : version.substring(0, end);
  }
}
