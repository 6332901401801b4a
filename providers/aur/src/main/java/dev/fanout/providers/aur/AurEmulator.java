package dev.fanout.providers.aur;

import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AUR in the sandbox: the RPC ({@code /rpc/v5/info}, and the older
 * {@code /rpc/?v=5&type=info}), cgit's plain file view ({@code /cgit/aur.git/plain/{file}?h=})
 * and the package repositories over git smart HTTP at {@code /git/{pkgbase}.git}.
 *
 * <p>The RPC answers from the {@code .SRCINFO} on each repository's master, so what a push
 * lands is what the RPC reports, as on the AUR. The real AUR takes pushes over SSH with a
 * registered key; the sandbox takes them over HTTP with the token as the password, and
 * serves clones to anyone.
 */
public final class AurEmulator implements Emulator {

  private static final Pattern GIT = Pattern.compile("^/git/([a-z0-9@._+-]+?)(?:\\.git)?/(info/refs|git-upload-pack|git-receive-pack)$");
  private static final Pattern PLAIN = Pattern.compile("^/cgit/aur\\.git/plain/(.+)$");

  private final Object lock = new Object();
  private EmulatorContext ctx;
  private AurRepos repos;

  @Override
  public String registry() {
    return "aur";
  }

  @Override
  public void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    this.repos = new AurRepos(context.stateDir().resolve("repos"));
  }

  @Override
  public Map<String, String> extraUrls(String baseUrl) {
    return Map.of("git", baseUrl + "/git");
  }

  @Override
  public boolean isWrite(SandboxRequest request) {
    return request.path().endsWith("/git-receive-pack");
  }

  @Override
  public SandboxResponse handle(SandboxRequest request) throws IOException {
    synchronized (lock) {
      return route(request);
    }
  }

  private SandboxResponse route(SandboxRequest req) throws IOException {
    String path = req.path();
    Matcher m = GIT.matcher(path);
    if (m.matches()) {
      return smartHttp(req, m.group(1), m.group(2));
    }
    if (path.equals("/rpc/v5/info") || path.equals("/rpc/v5/info/")) {
      return info(req.params().getOrDefault("arg[]", req.params().getOrDefault("arg", List.of())));
    }
    if (path.startsWith("/rpc/v5/info/")) {
      return info(List.of(path.substring("/rpc/v5/info/".length())));
    }
    if (path.equals("/rpc") || path.equals("/rpc/") || path.equals("/rpc.php")) {
      String v = req.param("v");
      if (!"5".equals(v)) {
        return rpcError("Invalid version specified.");
      }
      if (!"info".equals(req.param("type")) && !"multiinfo".equals(req.param("type"))) {
        return rpcError("Incorrect request type specified.");
      }
      return info(req.params().getOrDefault("arg[]", req.params().getOrDefault("arg", List.of())));
    }
    if (path.startsWith("/rpc")) {
      return rpcError("Incorrect request type specified.");
    }
    m = PLAIN.matcher(path);
    if (m.matches() && req.param("h") != null) {
      byte[] content = repos.file(req.param("h"), m.group(1));
      return content == null ? SandboxResponse.text(404, "Not found")
          : SandboxResponse.bytes(200, "text/plain; charset=UTF-8", content);
    }
    return SandboxResponse.text(404, "Page Not Found");
  }

  private static SandboxResponse rpcError(String message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("error", message);
    out.put("resultcount", 0);
    out.put("results", List.of());
    out.put("type", "error");
    out.put("version", 5);
    return SandboxResponse.json(200, out);
  }

  private SandboxResponse info(List<String> names) throws IOException {
    if (names.isEmpty()) {
      return rpcError("No request type/data specified.");
    }
    List<Map<String, Object>> results = new ArrayList<>();
    long id = 0;
    for (String pkgbase : repos.packageBases()) {
      id++;
      SrcInfo info = SrcInfo.parse(new String(repos.file(pkgbase, ".SRCINFO"), StandardCharsets.UTF_8));
      for (String pkgname : info.packages().keySet()) {
        if (names.contains(pkgname)) {
          results.add(result(id, pkgbase, pkgname, info));
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("resultcount", results.size());
    out.put("results", results);
    out.put("type", "multiinfo");
    out.put("version", 5);
    return SandboxResponse.json(200, out);
  }

  private Map<String, Object> result(long id, String pkgbase, String pkgname, SrcInfo info) throws IOException {
    long[] times = repos.times(pkgbase);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ID", id);
    r.put("Name", pkgname);
    r.put("PackageBaseID", id);
    r.put("PackageBase", pkgbase);
    r.put("Version", info.fullVersion());
    r.put("Description", first(info.field(pkgname, "pkgdesc")));
    r.put("URL", first(info.field(pkgname, "url")));
    r.put("NumVotes", 0);
    r.put("Popularity", 0);
    r.put("OutOfDate", null);
    r.put("Maintainer", "fanout-sandbox");
    r.put("Submitter", "fanout-sandbox");
    r.put("FirstSubmitted", times[0]);
    r.put("LastModified", times[1]);
    r.put("URLPath", "/cgit/aur.git/snapshot/" + pkgbase + ".tar.gz");
    putList(r, "Depends", info.field(pkgname, "depends"));
    putList(r, "License", info.field(pkgname, "license"));
    putList(r, "Provides", info.field(pkgname, "provides"));
    putList(r, "Conflicts", info.field(pkgname, "conflicts"));
    r.put("Keywords", List.of());
    return r;
  }

  /** The RPC leaves out empty lists, as aurweb does. */
  private static void putList(Map<String, Object> r, String key, List<String> values) {
    if (!values.isEmpty()) {
      r.put(key, values);
    }
  }

  private static String first(List<String> values) {
    return values.isEmpty() ? null : values.get(0);
  }

  private SandboxResponse smartHttp(SandboxRequest req, String pkgbase, String op) throws IOException {
    String service = op.equals("info/refs") ? req.param("service") : op;
    if (service == null || !service.equals("git-upload-pack") && !service.equals("git-receive-pack")) {
      return SandboxResponse.text(403, "dumb HTTP is not served");
    }
    boolean push = service.equals("git-receive-pack");
    if (push) {
      Access access = ctx.access(token(req));
      if (access == Access.NONE || access == Access.INVALID) {
        return SandboxResponse.text(401, "Authentication required.")
            .withHeader("WWW-Authenticate", "Basic realm=\"AUR\"");
      }
      if (!access.canWrite()) {
        return SandboxResponse.text(403, "error: permission denied: " + pkgbase);
      }
    }
    repos.ensure(pkgbase);
    if (op.equals("info/refs")) {
      return SandboxResponse.bytes(200, "application/x-" + service + "-advertisement",
          repos.advertise(pkgbase, service)).withHeader("Cache-Control", "no-cache");
    }
    byte[] out = push
        ? repos.receivePack(pkgbase, req.body(), req.header("content-encoding"))
        : repos.uploadPack(pkgbase, req.body(), req.header("content-encoding"));
    return SandboxResponse.bytes(200, "application/x-" + service + "-result", out)
        .withHeader("Cache-Control", "no-cache");
  }

  /** The password of Basic auth (git sends the token there), or a bearer token. */
  private static String token(SandboxRequest request) {
    String auth = request.header("authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      return request.bearerToken();
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? decoded : decoded.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
