package dev.fanout.providers.maven_central;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.provider.Digests;
import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import dev.fanout.signing.OpenPgpSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Maven Central in the sandbox: the repository ({@code GET}/{@code HEAD /maven2/...}, with
 * {@code maven-metadata.xml} per artifact and {@code X-Checksum-*} headers as repo1 sends)
 * and the Central Portal publisher API: {@code upload} of a bundle, {@code status} polls
 * that move a deployment through PENDING, VALIDATING, VALIDATED (or FAILED), PUBLISHING and
 * PUBLISHED one step per poll, {@code deployment/{id}} to publish a USER_MANAGED one, and
 * {@code published} to ask whether a version exists. The validator checks what Central
 * checks: pom fields, the jar, sources and javadoc, a signature and matching checksums for
 * every file. Each signature is verified with the key the sandbox's key server
 * ({@link KeyServerEmulator}) holds, as Central fetches it from public key servers.
 *
 * <p>State: {@code repository/} in repository layout, {@code components.json} (versions
 * per artifact in publish order), {@code deployments/{id}.json} and {@code {id}.zip}.
 */
public final class MavenCentralEmulator implements Emulator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DEPLOYMENT = Pattern.compile("^/api/v1/publisher/deployment/([^/]+)/?$");
  private static final List<String> AUTOMATIC = List.of("PENDING", "VALIDATING", "VALIDATED", "PUBLISHING", "PUBLISHED");
  /** The repository's usual lag behind the Portal, kept small so the suite stays fast; faults.json sets a real one. */
  static final Duration REPOSITORY_LAG = Duration.ofMillis(500);
  private static final List<String> FAILING = List.of("PENDING", "VALIDATING", "FAILED");

  /** One upload and where it is on its way; {@code step} indexes its list of states. */
  record Deployment(String id, String name, String publishingType, int step, boolean valid,
      Map<String, List<String>> errors, List<String> purls, List<String> components) { }

  private EmulatorContext ctx;
  private final Map<String, List<String>> components = new TreeMap<>();
  private final Map<String, Deployment> deployments = new TreeMap<>();
  /** When each {@code group:artifact:version} was published, in epoch milliseconds: the repository lags the Portal. */
  private final Map<String, Long> publishedAt = new TreeMap<>();

  @Override
  public String registry() {
    return "maven_central";
  }

  @Override
  public java.time.Duration readLag() {
    return REPOSITORY_LAG;
  }

  @Override
  public synchronized void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    Files.createDirectories(repository());
    Files.createDirectories(deploymentsDir());
    Path index = ctx.stateDir().resolve("components.json");
    if (Files.isRegularFile(index)) {
      components.putAll(JSON.readValue(index.toFile(), new TypeReference<Map<String, List<String>>>() { }));
    }
    Path times = ctx.stateDir().resolve("published-at.json");
    if (Files.isRegularFile(times)) {
      publishedAt.putAll(JSON.readValue(times.toFile(), new TypeReference<Map<String, Long>>() { }));
    }
    try (Stream<Path> files = Files.list(deploymentsDir())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Deployment d = JSON.readValue(f.toFile(), Deployment.class);
        deployments.put(d.id(), d);
      }
    }
  }

  @Override
  public boolean isWrite(SandboxRequest request) {
    // Status polls are POSTs that only read (though they move the simulated clock on).
    return !request.method().equals("GET") && !request.method().equals("HEAD")
        && !request.path().startsWith("/api/v1/publisher/status") && !request.path().startsWith("/api/v1/publisher/published");
  }

  @Override
  public synchronized SandboxResponse handle(SandboxRequest request) throws IOException {
    String path = request.path();
    String method = request.method();
    if (path.startsWith("/maven2/")) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        return SandboxResponse.text(405, "Method Not Allowed");
      }
      return file(path.substring("/maven2/".length()));
    }
    if (!path.startsWith("/api/v1/publisher/")) {
      return SandboxResponse.text(404, "Not Found");
    }
    Access access = ctx.access(portalPassword(request.header("authorization")));
    if (access == Access.NONE || access == Access.INVALID) {
      // (U) The portal's exact 401 body is not documented; clients only read the status.
      return SandboxResponse.json(401, Map.of("error", Map.of("message", "Invalid token")));
    }
    if (path.equals("/api/v1/publisher/upload") && method.equals("POST")) {
      if (access != Access.WRITE) {
        return forbidden();
      }
      return upload(request);
    }
    if (path.equals("/api/v1/publisher/status") && method.equals("POST")) {
      return status(request.param("id"));
    }
    if (path.equals("/api/v1/publisher/published") && method.equals("GET")) {
      String key = request.param("namespace") + ":" + request.param("name");
      boolean published = components.getOrDefault(key, List.of()).contains(request.param("version"));
      return SandboxResponse.json(200, Map.of("published", published));
    }
    Matcher m = DEPLOYMENT.matcher(path);
    if (m.matches() && (method.equals("POST") || method.equals("DELETE"))) {
      if (access != Access.WRITE) {
        return forbidden();
      }
      return method.equals("POST") ? release(m.group(1)) : drop(m.group(1));
    }
    return SandboxResponse.text(404, "Not Found");
  }

  private SandboxResponse file(String relative) throws IOException {
    if (relative.contains("..") || relative.isEmpty()) {
      return SandboxResponse.text(404, "Not Found");
    }
    Path f = repository().resolve(relative);
    if (!Files.isRegularFile(f)) {
      return SandboxResponse.text(404, "Not Found");
    }
    byte[] bytes = Files.readAllBytes(f);
    for (Map.Entry<String, List<String>> c : components.entrySet()) {
      String[] ga = c.getKey().split(":");
      String folder = ga[0].replace('.', '/') + "/" + ga[1] + "/";
      if (!relative.startsWith(folder)) {
        continue;
      }
      List<String> visible = c.getValue().stream().filter(v -> !lagging(c.getKey() + ":" + v)).toList();
      if (visible.size() == c.getValue().size()) {
        break;
      }
      String rest = relative.substring(folder.length());
      if (rest.startsWith("maven-metadata.xml")) {
        // The repository's metadata is rewritten after the files appear: it lists what is visible.
        if (visible.isEmpty()) {
          return SandboxResponse.text(404, "Not Found");
        }
        byte[] metadata = metadata(ga[0], ga[1], visible);
        bytes = rest.endsWith(".sha1") ? Digests.hex("SHA-1", metadata).getBytes(StandardCharsets.US_ASCII)
            : rest.endsWith(".md5") ? Digests.hex("MD5", metadata).getBytes(StandardCharsets.US_ASCII) : metadata;
      } else if (!visible.contains(rest.substring(0, Math.max(0, rest.indexOf('/'))))) {
        return SandboxResponse.text(404, "Not Found");
      }
    }
    String type = relative.endsWith(".xml") || relative.endsWith(".pom") ? "text/xml"
        : relative.endsWith(".jar") ? "application/java-archive" : "application/octet-stream";
    return SandboxResponse.bytes(200, type, bytes)
        .withHeader("X-Checksum-SHA1", Digests.hex("SHA-1", bytes))
        .withHeader("X-Checksum-MD5", Digests.hex("MD5", bytes));
  }

  private SandboxResponse upload(SandboxRequest request) throws IOException {
    String type = request.param("publishingType") == null ? "USER_MANAGED" : request.param("publishingType");
    if (!type.equals("AUTOMATIC") && !type.equals("USER_MANAGED")) {
      return SandboxResponse.text(400, "Invalid publishingType: " + type);
    }
    byte[] bundle = bundlePart(request);
    if (bundle == null) {
      return SandboxResponse.text(400, "Required part 'bundle' is not present.");
    }
    Map<String, byte[]> files = unzip(bundle);
    Map<String, List<String>> errors = new TreeMap<>();
    List<String> purls = new ArrayList<>();
    List<String> found = new ArrayList<>();
    if (files == null || files.isEmpty()) {
      errors.put("bundle", List.of("Deployment bundle is not a valid zip file"));
    } else {
      validate(files, errors, purls, found);
    }
    String id = UUID.randomUUID().toString();
    String name = request.param("name") == null ? "Deployment" : request.param("name");
    Deployment d = new Deployment(id, name, type, 0, errors.isEmpty(), errors, purls, found);
    Files.write(deploymentsDir().resolve(id + ".zip"), bundle);
    save(d);
    return SandboxResponse.bytes(201, "text/plain", id.getBytes(StandardCharsets.UTF_8));
  }

  /** Checks each component (a folder holding a pom) as Central's validator does. */
  private void validate(Map<String, byte[]> files, Map<String, List<String>> errors, List<String> purls,
      List<String> found) {
    List<String> poms = files.keySet().stream().filter(n -> n.endsWith(".pom")).toList();
    if (poms.isEmpty()) {
      errors.put("bundle", List.of("No pom file found in the deployment bundle"));
      return;
    }
    for (String pomPath : poms) {
      String[] parts = pomPath.split("/");
      if (parts.length < 4) {
        errors.put(pomPath, List.of("File is not in Maven repository layout: " + pomPath));
        continue;
      }
      String version = parts[parts.length - 2];
      String artifact = parts[parts.length - 3];
      String group = String.join(".", Arrays.copyOfRange(parts, 0, parts.length - 3));
      String folder = pomPath.substring(0, pomPath.lastIndexOf('/'));
      String purl = "pkg:maven/" + group + "/" + artifact + "@" + version;
      purls.add(purl);
      found.add(group + ":" + artifact + ":" + version);
      List<String> problems = new ArrayList<>(pomProblems(files.get(pomPath), group, artifact, version));
      String base = folder + "/" + artifact + "-" + version;
      for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
        if (!files.containsKey(base + suffix)) {
          problems.add(suffix.equals(".jar") ? "Missing jar file: " + artifact + "-" + version + ".jar"
              : "Missing " + suffix.substring(1, suffix.length() - 4) + " jar: " + artifact + "-" + version + suffix);
        }
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        String n = f.getKey();
        if (!n.startsWith(folder + "/") || n.endsWith(".asc") || n.endsWith(".md5") || n.endsWith(".sha1")
            || n.endsWith(".sha256") || n.endsWith(".sha512")) {
          continue;
        }
        String shortName = n.substring(folder.length() + 1);
        byte[] asc = files.get(n + ".asc");
        if (asc == null) {
          problems.add("Missing signature for file: " + shortName);
        } else if (!OpenPgpSigner.isSignature(asc)) {
          problems.add("Invalid signature for file: " + shortName);
        } else {
          // Central verifies each signature with the key it finds on public key servers: the
          // sandbox's key server (its state folder beside this one) stands for them.
          String why = KeyServerEmulator.verify(ctx.stateDir().resolveSibling("keyserver"), f.getValue(), asc);
          if (why != null) {
            problems.add("Invalid signature for file: " + shortName + ". " + why);
          }
        }
        for (String[] alg : new String[][] {{"md5", "MD5"}, {"sha1", "SHA-1"}}) {
          byte[] sum = files.get(n + "." + alg[0]);
          if (sum == null) {
            problems.add("Missing " + alg[0] + " checksum for file: " + shortName);
          } else if (!new String(sum, StandardCharsets.US_ASCII).trim().split("\\s+")[0]
              .equalsIgnoreCase(Digests.hex(alg[1], f.getValue()))) {
            problems.add("Invalid " + alg[0] + " checksum for file: " + shortName);
          }
        }
      }
      if (components.getOrDefault(group + ":" + artifact, List.of()).contains(version)) {
        problems.add("Component with package url: '" + purl + "' already exists");
      }
      if (!problems.isEmpty()) {
        errors.put(purl, problems);
      }
    }
  }

  private static List<String> pomProblems(byte[] pom, String group, String artifact, String version) {
    List<String> problems = new ArrayList<>();
    Element project;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(pom));
      project = doc.getDocumentElement();
    } catch (Exception e) {
      return List.of("Invalid POM: " + e.getMessage());
    }
    String pomGroup = child(project, "groupId");
    if (pomGroup == null) {
      pomGroup = child(child(project, "parent", true), "groupId");
    }
    String pomVersion = child(project, "version");
    if (pomVersion == null) {
      pomVersion = child(child(project, "parent", true), "version");
    }
    if (!group.equals(pomGroup) || !artifact.equals(child(project, "artifactId")) || !version.equals(pomVersion)) {
      problems.add("POM coordinates " + pomGroup + ":" + child(project, "artifactId") + ":" + pomVersion
          + " do not match the bundle path " + group + ":" + artifact + ":" + version);
    }
    if (blank(child(project, "name"))) {
      problems.add("Project name is missing");
    }
    if (blank(child(project, "description"))) {
      problems.add("Project description is missing");
    }
    if (blank(child(project, "url"))) {
      problems.add("Project URL is not defined");
    }
    Element licenses = child(project, "licenses", true);
    if (licenses == null || child(licenses, "license", true) == null) {
      problems.add("License information is missing");
    }
    Element developers = child(project, "developers", true);
    if (developers == null || child(developers, "developer", true) == null) {
      problems.add("Developers information is missing");
    }
    Element scm = child(project, "scm", true);
    if (scm == null || blank(child(scm, "url"))) {
      problems.add("SCM URL is not defined");
    }
    return problems;
  }

  private SandboxResponse status(String id) throws IOException {
    Deployment d = id == null ? null : deployments.get(id);
    if (d == null) {
      return SandboxResponse.json(404, Map.of("error", Map.of("message", "Deployment " + id + " not found")));
    }
    String state = state(d);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deploymentId", d.id());
    body.put("deploymentName", d.name());
    body.put("deploymentState", state);
    body.put("purls", d.purls());
    if (state.equals("FAILED")) {
      body.put("errors", d.errors());
    }
    advance(d);
    return SandboxResponse.json(200, body);
  }

  private String state(Deployment d) {
    List<String> states = d.valid() ? AUTOMATIC : FAILING;
    return states.get(Math.min(d.step(), states.size() - 1));
  }

  /** Moves a deployment one step on; a USER_MANAGED one waits at VALIDATED for a release call. */
  private void advance(Deployment d) throws IOException {
    String state = state(d);
    if (state.equals("PUBLISHED") || state.equals("FAILED")
        || state.equals("VALIDATED") && d.publishingType().equals("USER_MANAGED")) {
      return;
    }
    Deployment next = new Deployment(d.id(), d.name(), d.publishingType(), d.step() + 1, d.valid(), d.errors(),
        d.purls(), d.components());
    if (state(next).equals("PUBLISHED")) {
      next = publish(next);
    }
    save(next);
  }

  /** Copies the bundle into the repository, unless another deployment published a component first. */
  private Deployment publish(Deployment d) throws IOException {
    Map<String, List<String>> errors = new TreeMap<>();
    for (int i = 0; i < d.components().size(); i++) {
      String[] gav = d.components().get(i).split(":");
      if (components.getOrDefault(gav[0] + ":" + gav[1], List.of()).contains(gav[2])) {
        errors.put(d.purls().get(i), List.of("Component with package url: '" + d.purls().get(i) + "' already exists"));
      }
    }
    if (!errors.isEmpty()) {
      return new Deployment(d.id(), d.name(), d.publishingType(), FAILING.size() - 1, false, errors, d.purls(),
          d.components());
    }
    Map<String, byte[]> files = unzip(Files.readAllBytes(deploymentsDir().resolve(d.id() + ".zip")));
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      write(repository().resolve(f.getKey()), f.getValue());
    }
    for (String gav : d.components()) {
      String[] parts = gav.split(":");
      components.computeIfAbsent(parts[0] + ":" + parts[1], k -> new ArrayList<>()).add(parts[2]);
      publishedAt.put(gav, System.currentTimeMillis());
      writeMetadata(parts[0], parts[1]);
    }
    write(ctx.stateDir().resolve("components.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(components));
    write(ctx.stateDir().resolve("published-at.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(publishedAt));
    return d;
  }

  private SandboxResponse release(String id) throws IOException {
    Deployment d = deployments.get(id);
    if (d == null) {
      return SandboxResponse.json(404, Map.of("error", Map.of("message", "Deployment " + id + " not found")));
    }
    if (!state(d).equals("VALIDATED")) {
      return SandboxResponse.json(400, Map.of("error", Map.of("message",
          "Deployment " + id + " is in state " + state(d) + ", not VALIDATED")));
    }
    save(new Deployment(d.id(), d.name(), "AUTOMATIC", d.step(), d.valid(), d.errors(), d.purls(), d.components()));
    return SandboxResponse.empty(204);
  }

  private SandboxResponse drop(String id) throws IOException {
    Deployment d = deployments.remove(id);
    if (d == null) {
      return SandboxResponse.json(404, Map.of("error", Map.of("message", "Deployment " + id + " not found")));
    }
    Files.deleteIfExists(deploymentsDir().resolve(id + ".json"));
    Files.deleteIfExists(deploymentsDir().resolve(id + ".zip"));
    return SandboxResponse.empty(204);
  }

  /**
   * Whether a published component is still missing from the repository: the Portal says
   * PUBLISHED minutes (sometimes hours) before the files reach repo1 and its mirrors.
   */
  private boolean lagging(String gav) {
    Long at = publishedAt.get(gav);
    return at != null && System.currentTimeMillis() < at + ctx.visibilityDelay(REPOSITORY_LAG).toMillis();
  }

  private void writeMetadata(String group, String artifact) throws IOException {
    byte[] bytes = metadata(group, artifact, components.get(group + ":" + artifact));
    Path dir = repository().resolve(group.replace('.', '/')).resolve(artifact);
    write(dir.resolve("maven-metadata.xml"), bytes);
    write(dir.resolve("maven-metadata.xml.sha1"), Digests.hex("SHA-1", bytes).getBytes(StandardCharsets.US_ASCII));
    write(dir.resolve("maven-metadata.xml.md5"), Digests.hex("MD5", bytes).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] metadata(String group, String artifact, List<String> versions) {
    String latest = versions.get(versions.size() - 1);
    StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata>\n");
    x.append("  <groupId>").append(group).append("</groupId>\n");
    x.append("  <artifactId>").append(artifact).append("</artifactId>\n");
    x.append("  <versioning>\n    <latest>").append(latest).append("</latest>\n    <release>").append(latest)
        .append("</release>\n    <versions>\n");
    for (String v : versions) {
      x.append("      <version>").append(MavenBundle.xml(v)).append("</version>\n");
    }
    x.append("    </versions>\n    <lastUpdated>")
        .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")))
        .append("</lastUpdated>\n  </versioning>\n</metadata>\n");
    return x.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The password in {@code Bearer base64(user:password)}; the portal also accepts the {@code UserToken} scheme. */
  static String portalPassword(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return null;
    }
    int space = authorization.indexOf(' ');
    String scheme = space < 0 ? "" : authorization.substring(0, space);
    if (!scheme.equalsIgnoreCase("Bearer") && !scheme.equalsIgnoreCase("UserToken")) {
      return "not-a-portal-token";
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(authorization.substring(space + 1).trim()),
          StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? "not-a-portal-token" : decoded.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return "not-a-portal-token";
    }
  }

  private static byte[] bundlePart(SandboxRequest request) {
    String type = request.header("content-type");
    Matcher b = type == null ? null : Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(type);
    if (b == null || !b.find()) {
      return null;
    }
    try (okhttp3.MultipartReader reader = new okhttp3.MultipartReader(
        new okio.Buffer().write(request.body()), b.group(1))) {
      for (okhttp3.MultipartReader.Part next; (next = reader.nextPart()) != null; ) {
        try (okhttp3.MultipartReader.Part part = next) {
          String disposition = part.headers().get("Content-Disposition");
          if (disposition != null && disposition.matches(".*\\bname=\"?bundle\"?.*")) {
            return part.body().readByteArray();
          }
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private static Map<String, byte[]> unzip(byte[] zip) {
    Map<String, byte[]> out = new TreeMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        String name = e.getName();
        if (!e.isDirectory() && !name.contains("..") && !name.startsWith("/")) {
          out.put(name, in.readAllBytes());
        }
      }
    } catch (IOException e) {
      return null;
    }
    return out;
  }

  private static Element child(Element parent, String name, boolean element) {
    return CentralPom.child(parent, name);
  }

  private static String child(Element parent, String name) {
    Element e = child(parent, name, true);
    return e == null ? null : e.getTextContent().trim();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static SandboxResponse forbidden() {
    return SandboxResponse.json(403, Map.of("error", Map.of("message",
        "The token may not publish to this namespace")));
  }

  private void save(Deployment d) throws IOException {
    deployments.put(d.id(), d);
    write(deploymentsDir().resolve(d.id() + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(d));
  }

  private static void write(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".write", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Path repository() {
    return ctx.stateDir().resolve("repository");
  }

  private Path deploymentsDir() {
    return ctx.stateDir().resolve("deployments");
  }
}
