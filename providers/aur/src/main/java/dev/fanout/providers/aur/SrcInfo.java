package dev.fanout.providers.aur;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code .SRCINFO}: the {@code pkgbase} section and one section per {@code pkgname},
 * each a list of {@code key = value} pairs (keys repeat for arrays). Used by the emulator for
 * the RPC and by the provider to read what the AUR holds.
 */
record SrcInfo(String pkgbase, Map<String, List<String>> base, Map<String, Map<String, List<String>>> packages) {

  static SrcInfo parse(String text) {
    String pkgbase = null;
    Map<String, List<String>> base = new LinkedHashMap<>();
    Map<String, Map<String, List<String>>> packages = new LinkedHashMap<>();
    Map<String, List<String>> section = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf(" = ");
      if (eq < 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 3).strip();
      if (key.equals("pkgbase")) {
        pkgbase = value;
        section = base;
      } else if (key.equals("pkgname")) {
        section = new LinkedHashMap<>();
        packages.put(value, section);
      } else if (section != null) {
        section.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      }
    }
    return new SrcInfo(pkgbase, base, packages);
  }

  /** A base field's first value, or null. */
  String first(String key) {
    List<String> v = base.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** A field of one package, falling back to the base as makepkg does. */
  List<String> field(String pkgname, String key) {
    Map<String, List<String>> pkg = packages.get(pkgname);
    if (pkg != null && pkg.containsKey(key)) {
      return pkg.get(key);
    }
    return base.getOrDefault(key, List.of());
  }

  /** {@code [epoch:]pkgver-pkgrel}, as the RPC's {@code Version}. */
  String fullVersion() {
    String epoch = first("epoch");
    return (epoch == null || epoch.equals("0") ? "" : epoch + ":") + first("pkgver") + "-" + first("pkgrel");
  }
}
