package dev.fanout.providers.crates;

import java.util.Locale;

/** crates.io's name rules, shared by the provider and the emulator. */
final class CrateNames {

  private CrateNames() {
  }

  /** The sparse index path of a crate, without a leading slash: {@code 1/a}, {@code 3/s/syn}, {@code se/rd/serde}. */
  static String indexPath(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return switch (n.length()) {
      case 1 -> "1/" + n;
      case 2 -> "2/" + n;
      case 3 -> "3/" + n.charAt(0) + "/" + n;
      default -> n.substring(0, 2) + "/" + n.substring(2, 4) + "/" + n;
    };
  }

  /** Whether crates.io accepts the name: ASCII letters, digits, {@code -} and {@code _}, starting with a letter, at most 64. */
  static boolean valid(String name) {
    return name != null && name.matches("[A-Za-z][A-Za-z0-9_-]{0,63}");
  }

  /** The file name of a crate's package: {@code name-version.crate}. */
  static String crateFile(String name, String version) {
    return name + "-" + version + ".crate";
  }
}
