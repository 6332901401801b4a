package dev.fanout.providers.nix;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A nixpkgs {@code by-name} package for prebuilt binaries: {@code package.nix} with one
 * {@code fetchurl} per system, pinned by SRI hash, in the layout and formatting nixfmt gives.
 *
 * @param sources Nix system ({@code x86_64-linux}) to download, in a stable order
 * @param license a {@code lib.licenses} attribute name, such as {@code mit}
 * @param binary the file installed as {@code mainProgram}: the download itself, or a path inside an archive
 */
record NixPackage(String pname, String version, Map<String, Source> sources, String description, String homepage,
    String license, String mainProgram, String binary) {

  /** @param sha256 lower-case hex, turned into an SRI hash in the file */
  record Source(String url, String sha256, boolean archive) { }

  /** Go-style platforms to Nix systems. */
  static final List<Map.Entry<String, String>> SYSTEMS = List.of(
      Map.entry("linux-amd64", "x86_64-linux"), Map.entry("linux-arm64", "aarch64-linux"),
      Map.entry("darwin-amd64", "x86_64-darwin"), Map.entry("darwin-arm64", "aarch64-darwin"));

  /** SPDX identifiers to {@code lib.licenses} names, for the common ones. */
  static final Map<String, String> LICENSES = Map.ofEntries(
      Map.entry("MIT", "mit"), Map.entry("Apache-2.0", "asl20"), Map.entry("BSD-2-Clause", "bsd2"),
      Map.entry("BSD-3-Clause", "bsd3"), Map.entry("0BSD", "bsd0"), Map.entry("ISC", "isc"),
      Map.entry("MPL-2.0", "mpl20"), Map.entry("GPL-2.0-only", "gpl2Only"), Map.entry("GPL-2.0-or-later", "gpl2Plus"),
      Map.entry("GPL-3.0-only", "gpl3Only"), Map.entry("GPL-3.0-or-later", "gpl3Plus"),
      Map.entry("LGPL-2.1-only", "lgpl21Only"), Map.entry("LGPL-2.1-or-later", "lgpl21Plus"),
      Map.entry("LGPL-3.0-only", "lgpl3Only"), Map.entry("LGPL-3.0-or-later", "lgpl3Plus"),
      Map.entry("AGPL-3.0-only", "agpl3Only"), Map.entry("AGPL-3.0-or-later", "agpl3Plus"),
      Map.entry("Unlicense", "unlicense"), Map.entry("Zlib", "zlib"), Map.entry("BSL-1.0", "boost"),
      Map.entry("EPL-2.0", "epl20"), Map.entry("CC0-1.0", "cc0"));

  NixPackage {
    if (!pname.matches("[a-zA-Z0-9_][a-zA-Z0-9_+-]*") || pname.length() < 2) {
      throw new IllegalArgumentException("pname '" + pname + "' is not a valid nixpkgs attribute name");
    }
    sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /** {@code lib.licenses} name for an SPDX id; {@code unfree} for what is not mapped. */
  static String license(String spdx) {
    return spdx == null ? "unfree" : LICENSES.getOrDefault(spdx, "unfree");
  }

  /** {@code pkgs/by-name/co/contextlite/package.nix}: the shard is the first two letters, lower-cased. */
  static String path(String pname) {
    return "pkgs/by-name/" + pname.substring(0, 2).toLowerCase(Locale.ROOT) + "/" + pname + "/package.nix";
  }

  /** {@code sha256-<base64>} from hex. */
  static String sri(String sha256Hex) {
    return "sha256-" + java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex));
  }

  String nix() {
    boolean archive = sources.values().stream().anyMatch(Source::archive);
    StringBuilder b = new StringBuilder();
    b.append("{\n  lib,\n  stdenvNoCC,\n  fetchurl,\n}:\n\n");
    b.append("stdenvNoCC.mkDerivation (finalAttrs: {\n");
    b.append("  pname = ").append(str(pname)).append(";\n");
    b.append("  version = ").append(str(version)).append(";\n\n");
    b.append("  src =\n    {\n");
    sources.forEach((system, s) -> b.append("      ").append(system).append(" = fetchurl {\n")
        .append("        url = ").append(str(s.url())).append(";\n")
        .append("        hash = ").append(str(sri(s.sha256()))).append(";\n")
        .append("      };\n"));
    b.append("    }\n    .${stdenvNoCC.hostPlatform.system}\n");
    b.append("      or (throw \"${finalAttrs.pname}: unsupported system ${stdenvNoCC.hostPlatform.system}\");\n\n");
    if (archive) {
      b.append("  sourceRoot = \".\";\n\n");
    } else {
      b.append("  dontUnpack = true;\n\n");
    }
    b.append("  installPhase = ''\n    runHook preInstall\n\n");
    b.append("    install -Dm755 ").append(archive ? binary : "$src").append(" $out/bin/").append(mainProgram).append('\n');
    b.append("\n    runHook postInstall\n  '';\n\n");
    b.append("  meta = {\n");
    if (description != null) {
      b.append("    description = ").append(str(description)).append(";\n");
    }
    if (homepage != null) {
      b.append("    homepage = ").append(str(homepage)).append(";\n");
    }
    b.append("    license = lib.licenses.").append(license).append(";\n");
    b.append("    platforms = [\n");
    sources.keySet().forEach(system -> b.append("      ").append(str(system)).append('\n'));
    b.append("    ];\n");
    b.append("    mainProgram = ").append(str(mainProgram)).append(";\n");
    b.append("    sourceProvenance = [ lib.sourceTypes.binaryNativeCode ];\n");
    b.append("  };\n})\n");
    return b.toString();
  }

  /** A Nix string literal: quotes, backslashes and {@code ${} are escaped. */
  static String str(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "\\${") + "\"";
  }

  /** What a plan compares: per system the URL and hash, and the meta a user sets. */
  Map<String, String> items() {
    Map<String, String> out = new TreeMap<>();
    sources.forEach((system, s) -> {
      out.put(system + ".url", s.url());
      out.put(system + ".hash", s.sha256() == null ? null : sri(s.sha256()));
    });
    if (description != null) {
      out.put("meta.description", description);
    }
    out.put("meta.license", license);
    return out;
  }

  private static final Pattern VERSION = Pattern.compile("(?m)^\\s*version\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*;");
  private static final Pattern FETCH = Pattern.compile(
      "([A-Za-z0-9_-]+)\\s*=\\s*fetchurl\\s*\\{\\s*url\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*;\\s*hash\\s*=\\s*\"([^\"]*)\"\\s*;");
  private static final Pattern DESCRIPTION = Pattern.compile("description\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*;");
  private static final Pattern LICENSE = Pattern.compile("license\\s*=\\s*(?:with\\s+lib\\.licenses;\\s*)?(?:lib\\.licenses\\.)?([A-Za-z0-9_]+)\\s*;");

  /** The version a package.nix declares, or null. */
  static String version(String nix) {
    Matcher m = VERSION.matcher(nix);
    return m.find() ? unescape(m.group(1)) : null;
  }

  /**
   * The items of a package.nix as written upstream. A regex reading, not a Nix evaluator:
   * it understands the shape this class writes and the common hand-written variants.
   */
  static Map<String, String> items(String nix) {
    Map<String, String> out = new TreeMap<>();
    Matcher f = FETCH.matcher(nix);
    while (f.find()) {
      out.put(f.group(1) + ".url", unescape(f.group(2)));
      out.put(f.group(1) + ".hash", f.group(3));
    }
    Matcher d = DESCRIPTION.matcher(nix);
    if (d.find()) {
      out.put("meta.description", unescape(d.group(1)));
    }
    Matcher l = LICENSE.matcher(nix);
    if (l.find()) {
      out.put("meta.license", l.group(1));
    }
    return out;
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        b.append(s.charAt(++i));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
