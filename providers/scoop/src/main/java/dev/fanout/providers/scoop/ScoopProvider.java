package dev.fanout.providers.scoop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.model.Publication;
import dev.fanout.provider.ProviderContext;
import dev.fanout.providers.github.GithubFileProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bucket/NAME.json} in a Scoop bucket: per-architecture url and hash, {@code bin}
 * with the alias the binary is called by, and {@code checkver}/{@code autoupdate} so that
 * the bucket's own tooling can follow releases between fanout runs.
 */
final class ScoopProvider extends GithubFileProvider {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Map<String, String> ARCH_BY_PLATFORM = Map.of(
      "windows-amd64", "64bit", "windows-386", "32bit", "windows-arm64", "arm64");
  private static final List<String> ARCH_ORDER = List.of("64bit", "32bit", "arm64");
  /** github.com/{o}/{r}/releases/download/..., or the sandbox's {api}/download/{o}/{r}/... */
  private static final Pattern RELEASE_URL = Pattern.compile(
      "^https://github\\.com/([^/]+)/([^/]+)/releases/download/|/download/([^/]+)/([^/]+)/[^/]+/[^/]+$");

  ScoopProvider(ProviderContext ctx) {
    super(ctx, "scoop");
  }

  @Override
  protected String path(Publication p) {
    return "bucket/" + packageName(p) + ".json";
  }

  @Override
  protected boolean supports(String platform) {
    return ARCH_BY_PLATFORM.containsKey(platform);
  }

  @Override
  protected byte[] generate(Publication p, List<Asset> assets) {
    String name = packageName(p);
    Map<String, Asset> byArch = new TreeMap<>((a, b) -> ARCH_ORDER.indexOf(a) - ARCH_ORDER.indexOf(b));
    assets.forEach(a -> byArch.put(ARCH_BY_PLATFORM.get(a.platform()), a));
    boolean sameFile = byArch.values().stream().map(Asset::name).distinct().count() == 1;

    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("version", version());
    manifest.put("description", description(p));
    manifest.put("homepage", homepage(p));
    if (license(p) != null && !license(p).isBlank()) {
      manifest.put("license", license(p));
    }
    Map<String, Object> architecture = new LinkedHashMap<>();
    Map<String, Object> autoArchitecture = new LinkedHashMap<>();
    byArch.forEach((arch, a) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("url", a.url());
      entry.put("hash", a.sha256());
      if (!sameFile) {
        entry.put("bin", bin(a, name));
      }
      architecture.put(arch, entry);
      if (a.url().contains(version())) {
        autoArchitecture.put(arch, Map.of("url", a.url().replace(version(), "$version")));
      }
    });
    manifest.put("architecture", architecture);
    if (sameFile) {
      manifest.put("bin", bin(byArch.values().iterator().next(), name));
    }
    String repo = releaseRepository(byArch.values().iterator().next().url());
    if (repo != null) {
      manifest.put("checkver", Map.of("github", "https://github.com/" + repo));
      if (!autoArchitecture.isEmpty()) {
        manifest.put("autoupdate", Map.of("architecture", autoArchitecture));
      }
    }
    try {
      return (JSON.writeValueAsString(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code [[file, alias]]} for a bare binary; the name itself for an archive that holds
   * {@code NAME.exe}; the path inside for an archive the release packs, with the alias when
   * they differ.
   */
  private Object bin(Asset a, String name) {
    String file = a.name();
    String inside = binInArchive(a);
    if (inside != null) {
      return inside.equals(name + ".exe") ? inside : List.of(List.of(inside, name));
    }
    if (file.toLowerCase(Locale.ROOT).endsWith(".zip")) {
      return name + ".exe";
    }
    return List.of(List.of(file, name));
  }

  static String releaseRepository(String url) {
    Matcher m = RELEASE_URL.matcher(url);
    if (!m.find()) {
      return null;
    }
    return m.group(1) != null ? m.group(1) + "/" + m.group(2) : m.group(3) + "/" + m.group(4);
  }

  @Override
  protected Map<String, String> parse(byte[] content) {
    Map<String, String> items = new TreeMap<>();
    JsonNode manifest;
    try {
      manifest = JSON.readTree(content);
    } catch (IOException unreadable) {
      return items;
    }
    if (manifest == null || !manifest.isObject()) {
      return items;
    }
    if (manifest.hasNonNull("version")) {
      items.put("version", manifest.get("version").asText());
    }
    ARCH_BY_PLATFORM.forEach((platform, arch) -> {
      JsonNode entry = manifest.path("architecture").path(arch);
      if (entry.hasNonNull("url")) {
        items.put("url." + platform, entry.get("url").asText());
      }
      if (entry.hasNonNull("hash")) {
        String hash = entry.get("hash").asText().toLowerCase(Locale.ROOT);
        items.put("sha256." + platform, hash.startsWith("sha256:") ? hash.substring(7) : hash);
      }
    });
    return items;
  }
}
