package dev.fanout.starter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A starter release file being written: its blocks in order, each a piece of text, and what
 * was found or could not be converted, for the person to read. Kept as text rather than a
 * tree because a starter is for people: comments say where each block came from.
 */
public final class Starter {

  private final List<String> blocks = new ArrayList<>();
  private final Map<String, String> found = new LinkedHashMap<>();
  private final List<String> notConverted = new ArrayList<>();
  private final java.util.Set<String> providers = new java.util.LinkedHashSet<>();

  /** What the scan saw, for the summary: {@code package.json -> 3 npm packages}. */
  public void found(String file, String what) {
    found.merge(file, what, (a, b) -> a + "; " + b);
  }

  public void notConverted(String what) {
    notConverted.add(what);
  }

  public void block(String text) {
    blocks.add(text.strip());
  }

  /** A provider block the file needs; written once, with its credential from the environment. */
  public void provider(String name) {
    providers.add(name);
  }

  public Map<String, String> found() {
    return found;
  }

  public List<String> notConverted() {
    return notConverted;
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** The release file: a header, the release and core blocks, provider blocks, then publications. */
  public String text(String header, String release, List<String> core) {
    StringBuilder s = new StringBuilder(header.strip()).append("\n\n").append(release.strip()).append("\n");
    for (String c : core) {
      s.append('\n').append(c.strip()).append('\n');
    }
    for (String p : providers) {
      s.append('\n').append(providerBlock(p)).append('\n');
    }
    for (String b : blocks) {
      s.append('\n').append(b).append('\n');
    }
    return s.toString();
  }

  private static String providerBlock(String name) {
    String variable = switch (name) {
      case "github" -> "GITHUB_TOKEN";
      case "npm" -> "NPM_TOKEN";
      case "pypi" -> "PYPI_TOKEN";
      case "crates" -> "CARGO_REGISTRY_TOKEN";
      case "chocolatey" -> "CHOCOLATEY_API_KEY";
      case "snap" -> "SNAPCRAFT_STORE_CREDENTIALS";
      case "aur" -> "AUR_TOKEN";
      case "docker" -> "DOCKER_TOKEN";
      case "maven_central" -> "CENTRAL_TOKEN";
      default -> name.toUpperCase(java.util.Locale.ROOT) + "_TOKEN";
    };
    return "provider \"" + name + "\" {\n  token = env(\"" + variable + "\")\n}";
  }
}
