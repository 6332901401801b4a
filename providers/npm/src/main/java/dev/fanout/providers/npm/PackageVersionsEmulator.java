package dev.fanout.providers.npm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's REST endpoints for an npm package's versions (https://docs.github.com/rest/packages/packages),
 * over the packages the GitHub Packages emulator holds: list them with their ids, and delete
 * one. In the world they live on api.github.com; the sandbox serves them from the same
 * emulator under {@code /rest}, so a deleted version is gone from the npm registry too.
 *
 * <p>GitHub's rules: the package name in the path has no scope ({@code @owner/tool} is
 * {@code tool} under {@code owner}); the last version cannot be deleted (the package is);
 * a public version downloaded more than 5,000 times cannot be deleted; tarball downloads are
 * counted as GitHub counts them. The sandbox's packages are public.
 */
final class PackageVersionsEmulator {

  static final String PREFIX = "/rest";
  static final int DOWNLOAD_LIMIT = 5000;
  static final String LAST_VERSION = "You cannot delete the last version of a package. You must delete the package instead.";
  static final String TOO_POPULAR = "Publicly visible package versions with more than " + DOWNLOAD_LIMIT
      + " downloads cannot be deleted. Contact GitHub support for further assistance.";
  /** The scopes a classic token reports in {@code X-OAuth-Scopes}; the read-only token has no delete:packages. */
  static final String WRITE_SCOPES = "delete:packages, read:packages, repo, write:packages";
  static final String READ_SCOPES = "read:packages";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROUTE = Pattern.compile(
      "^/(user|orgs/([^/]+)|users/([^/]+))/packages/npm/([^/]+)(/versions(?:/(\\d+))?)?$");

  private final GithubPackagesEmulator registry;

  PackageVersionsEmulator(GithubPackagesEmulator registry) {
    this.registry = registry;
  }

  SandboxResponse handle(SandboxRequest request) throws IOException {
    String path = request.path().substring(PREFIX.length()).replaceFirst("^/api/v3(?=/)", "");
    Access access = registry.access(request);
    if (access == Access.NONE) {
      return error(401, "Requires authentication");
    }
    if (access == Access.INVALID) {
      return error(401, "Bad credentials");
    }
    Matcher m = ROUTE.matcher(path);
    if (!m.matches()) {
      return error(404, "Not Found");
    }
    String owner = m.group(1).equals("user") ? NpmEmulator.SANDBOX_USER : m.group(2) != null ? m.group(2) : m.group(3);
    boolean organization = organizations().contains(owner.toLowerCase(Locale.ROOT));
    if (m.group(2) != null && !organization || m.group(3) != null && organization) {
      return scoped(access, error(404, "Package not found."));
    }
    String name = "@" + owner.toLowerCase(Locale.ROOT) + "/" + m.group(4);
    Map<String, Object> doc = registry.load(name);
    if (doc == null) {
      return scoped(access, error(404, "Package not found."));
    }
    Ids ids = ids(name, doc);
    String base = registry.context().baseUrl() + PREFIX + m.group(0).replaceFirst("/versions.*$", "");
    if (m.group(5) == null) {
      return scoped(access, request.method().equals("GET") ? SandboxResponse.json(200, pkg(name, doc, base))
          : error(405, "Method Not Allowed"));
    }
    if (m.group(6) == null) {
      return scoped(access, request.method().equals("GET") ? list(request, name, doc, ids, base)
          : error(405, "Method Not Allowed"));
    }
    String version = ids.version(Long.parseLong(m.group(6)));
    if (version == null || !NpmEmulator.versions(doc).containsKey(version)) {
      return scoped(access, error(404, "Package version not found."));
    }
    if (request.method().equals("GET")) {
      return scoped(access, SandboxResponse.json(200, version(name, version, doc, ids, base)));
    }
    if (!request.method().equals("DELETE")) {
      return scoped(access, error(405, "Method Not Allowed"));
    }
    if (!access.canWrite()) {
      return scoped(access, error(403, "The token lacks the delete:packages scope this endpoint needs."));
    }
    if (NpmEmulator.versions(doc).size() == 1) {
      return scoped(access, error(400, LAST_VERSION));
    }
    if (ids.downloads(name, version) > DOWNLOAD_LIMIT) {
      return scoped(access, error(400, TOO_POPULAR));
    }
    delete(name, version, doc);
    return scoped(access, SandboxResponse.empty(204));
  }

  /** The version leaves the registry and its tarball with it; its tags go, and
   * latest (which npm needs) to the newest version left. */
  private void delete(String name, String version, Map<String, Object> doc) throws IOException {
    NpmEmulator.versions(doc).remove(version);
    Map<String, Object> times = NpmEmulator.times(doc);
    String newest = NpmEmulator.versions(doc).keySet().stream()
        .max(java.util.Comparator.comparing(v -> String.valueOf(times.get(v)))).orElseThrow();
    Map<String, Object> tags = NpmEmulator.asMap(doc.get("dist-tags"));
    tags.entrySet().removeIf(t -> version.equals(t.getValue()) && !t.getKey().equals("latest"));
    tags.replaceAll((tag, v) -> version.equals(v) ? newest : v);
    times.put("modified", java.time.Instant.now().toString());
    registry.save(name, doc);
    Files.deleteIfExists(registry.tarballDir(name).resolve(NpmNames.tarballFile(name, version)));
  }

  private SandboxResponse list(SandboxRequest request, String name, Map<String, Object> doc, Ids ids, String base) {
    int perPage = Math.max(1, Math.min(100, intParam(request, "per_page", 30)));
    int page = Math.max(1, intParam(request, "page", 1));
    Map<String, Object> times = NpmEmulator.times(doc);
    List<String> newestFirst = new ArrayList<>(NpmEmulator.versions(doc).keySet());
    newestFirst.sort(java.util.Comparator.comparing((String v) -> String.valueOf(times.get(v))).reversed());
    List<Object> out = new ArrayList<>();
    for (String v : newestFirst.subList(Math.min(newestFirst.size(), (page - 1) * perPage),
        Math.min(newestFirst.size(), page * perPage))) {
      out.add(version(name, v, doc, ids, base));
    }
    return SandboxResponse.json(200, out);
  }

  private Map<String, Object> pkg(String name, Map<String, Object> doc, String base) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name.substring(name.indexOf('/') + 1));
    p.put("package_type", "npm");
    p.put("version_count", NpmEmulator.versions(doc).size());
    p.put("visibility", "public");
    p.put("url", base);
    return p;
  }

  private Map<String, Object> version(String name, String version, Map<String, Object> doc, Ids ids, String base) {
    Map<String, Object> v = new LinkedHashMap<>();
    long id = ids.id(version);
    v.put("id", id);
    v.put("name", version);
    v.put("url", base + "/versions/" + id);
    v.put("created_at", NpmEmulator.times(doc).get(version));
    v.put("updated_at", NpmEmulator.times(doc).get(version));
    v.put("metadata", Map.of("package_type", "npm"));
    return v;
  }

  /** GitHub sends a classic token's scopes with every answer. */
  private static SandboxResponse scoped(Access access, SandboxResponse response) {
    return response.withHeader("X-OAuth-Scopes", access.canWrite() ? WRITE_SCOPES : READ_SCOPES);
  }

  /** A tarball download, counted against its version as GitHub's package page counts them. */
  void downloaded(String name, String file) throws IOException {
    State s = state();
    s.downloads.merge(name + "/" + file, 1L, Long::sum);
    save(s);
  }

  /** The organizations among the scopes (the scenario's {@code organizations}); other owners are users. */
  private Collection<String> organizations() {
    Object orgs = registry.context().settings().get("organizations");
    List<String> out = new ArrayList<>();
    if (orgs instanceof Collection<?> c) {
      c.forEach(o -> out.add(String.valueOf(o).toLowerCase(Locale.ROOT)));
    }
    return out;
  }

  /** Ids are handed out once per version, in publish order, and kept in the emulator's state. */
  private Ids ids(String name, Map<String, Object> doc) throws IOException {
    State s = state();
    Map<String, Object> times = NpmEmulator.times(doc);
    List<String> byAge = new ArrayList<>(NpmEmulator.versions(doc).keySet());
    byAge.sort(java.util.Comparator.comparing(v -> String.valueOf(times.get(v))));
    boolean changed = false;
    for (String v : byAge) {
      if (!s.ids.containsKey(name + "@" + v)) {
        s.ids.put(name + "@" + v, s.next++);
        changed = true;
      }
    }
    if (changed) {
      save(s);
    }
    return new Ids(name, s);
  }

  private record Ids(String name, State state) {
    long id(String version) {
      return state.ids.get(name + "@" + version);
    }

    String version(long id) {
      return state.ids.entrySet().stream().filter(e -> e.getValue() == id && e.getKey().startsWith(name + "@"))
          .map(e -> e.getKey().substring(name.length() + 1)).findFirst().orElse(null);
    }

    long downloads(String pkg, String version) {
      return state.downloads.getOrDefault(pkg + "/" + NpmNames.tarballFile(pkg, version), 0L);
    }
  }

  private static final class State {
    public long next = 1000;
    public Map<String, Long> ids = new LinkedHashMap<>();
    public Map<String, Long> downloads = new LinkedHashMap<>();
  }

  private Path stateFile() {
    return registry.context().stateDir().resolve("package-versions.json");
  }

  private State state() throws IOException {
    return Files.isRegularFile(stateFile()) ? JSON.readValue(stateFile().toFile(), new TypeReference<State>() { })
        : new State();
  }

  private void save(State s) throws IOException {
    NpmEmulator.writeAtomically(stateFile(), JSON.writeValueAsBytes(s));
  }

  private static int intParam(SandboxRequest request, String name, int otherwise) {
    try {
      String v = request.param(name);
      return v == null ? otherwise : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static SandboxResponse error(int status, String message) {
    return SandboxResponse.json(status, Map.of("message", message,
        "documentation_url", "https://docs.github.com/rest/packages/packages"));
  }
}
