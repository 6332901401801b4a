package dev.fanout.providers.chocolatey;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.provider.Digests;
import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The Chocolatey community repository in the sandbox: its NuGet v2 (OData) feed
 * ({@code Packages(Id=,Version=)}, {@code FindPackagesById()}), package downloads, and the
 * push endpoint ({@code PUT /api/v2/package/}). As on the community repository, a pushed
 * version goes to moderation ({@code PackageStatus} Submitted, not approved) but counts as
 * existing at once; a second push of it is {@code 409} with the gallery's message in the
 * reason phrase.
 *
 * <p>State: {@code packages/{id lower-case}.json} per package and
 * {@code blobs/{id}.{version}.nupkg}.
 */
public final class ChocolateyEmulator implements Emulator {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ATOM = ChocolateyProvider.ATOM;
  static final String M = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata";
  private static final Pattern ENTRY = Pattern.compile(
      "^/api/v2/Packages\\(Id='([^']*)',Version='([^']*)'\\)/?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern FIND = Pattern.compile("^/api/v2/FindPackagesById\\(\\)/?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern DOWNLOAD = Pattern.compile("^/api/v2/package/([^/]+)/([^/]+)/?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern PUSH = Pattern.compile("^/api/v2/package/?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern SEARCH = Pattern.compile("^/api/v2/Search\\(\\)/?$", Pattern.CASE_INSENSITIVE);

  private static final int MAX_SUBMITTED = 10;


  /**
   * One pushed version, with the fields the feed shows; {@code status} is a {@link Moderation}
   * state; {@code unlisted} once its owner unlisted it (NuGet's delete).
   */
  record StoredVersion(String version, String status, boolean approved, String hash, long size,
      String published, Map<String, String> metadata, boolean unlisted) {

    /** Listed: approved (or exempted) and not unlisted; a version in moderation is unlisted until approved. */
    boolean listed() {
      return Moderation.of(status).approved() && !unlisted;
    }

    StoredVersion with(String newStatus, boolean newUnlisted) {
      return new StoredVersion(version, newStatus, Moderation.of(newStatus).approved(), hash, size, published, metadata,
          newUnlisted);
    }
  }

  /** The date NuGet galleries show an unlisted version's {@code Published} as; NuGet clients take it for unlisted. */
  static final String UNPUBLISHED = "1900-01-01T00:00:00";

  /** One package: its id as first pushed and its versions in push order. */
  record StoredPackage(String id, List<StoredVersion> versions) { }

  private EmulatorContext ctx;
  private final Map<String, StoredPackage> packages = new TreeMap<>();

  @Override
  public String registry() {
    return "chocolatey";
  }

  @Override
  public synchronized void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    Files.createDirectories(packagesDir());
    Files.createDirectories(blobsDir());
    try (Stream<Path> files = Files.list(packagesDir())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        StoredPackage p = JSON.readValue(f.toFile(), new TypeReference<StoredPackage>() { });
        packages.put(p.id().toLowerCase(Locale.ROOT), p);
      }
    }
  }

  @Override
  public synchronized SandboxResponse handle(SandboxRequest request) throws IOException {
    String path = request.path();
    String method = request.method();
    if ((method.equals("PUT") || method.equals("POST")) && PUSH.matcher(path).matches()) {
      return push(request);
    }
    Matcher delete = DOWNLOAD.matcher(path);
    if (method.equals("DELETE") && delete.matches()) {
      return unlist(request, delete.group(1), delete.group(2));
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return error(405, "Method Not Allowed");
    }
    Matcher m;
    if ((m = ENTRY.matcher(path)).matches()) {
      StoredPackage p = packages.get(m.group(1).toLowerCase(Locale.ROOT));
      StoredVersion v = p == null ? null : find(p, m.group(2));
      if (v == null) {
        return notFound();
      }
      String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + entry(p, v, true);
      return SandboxResponse.bytes(200, "application/atom+xml;type=entry;charset=utf-8", utf8(xml));
    }
    if ((m = FIND.matcher(path)).matches()) {
      StoredPackage p = packages.get(String.valueOf(unquote(request.param("id"))).toLowerCase(Locale.ROOT));
      return feed("FindPackagesById", p == null ? List.of() : p.versions().stream().map(v -> Map.entry(p, v)).toList());
    }
    if (SEARCH.matcher(path).matches()) {
      return search(request);
    }
    if ((m = DOWNLOAD.matcher(path)).matches()) {
      StoredPackage p = packages.get(m.group(1).toLowerCase(Locale.ROOT));
      StoredVersion v = p == null ? null : find(p, m.group(2));
      if (v == null) {
        return notFound();
      }
      return SandboxResponse.bytes(200, "application/zip", Files.readAllBytes(blob(p.id(), v.version())));
    }
    if (path.equals("/api/v2") || path.equals("/api/v2/")) {
      // The service document: NuGet 2.x clients GET it to find out that the source is a feed.
      String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service xml:base=\"" + ctx.baseUrl()
          + "/api/v2/\" xmlns=\"http://www.w3.org/2007/app\" xmlns:atom=\"" + ATOM + "\">"
          + "<workspace><atom:title>Default</atom:title><collection href=\"Packages\">"
          + "<atom:title>Packages</atom:title></collection></workspace></service>\n";
      return SandboxResponse.bytes(200, "application/xml;charset=utf-8", utf8(xml));
    }
    return notFound();
  }

  /**
   * {@code Search()}: listed versions only, as NuGet galleries search; {@code $filter=IsLatestVersion}
   * (what {@code nuget list} sends) or {@code IsAbsoluteLatestVersion} keeps each package's latest.
   */
  private SandboxResponse search(SandboxRequest request) {
    String term = String.valueOf(unquote(request.param("searchTerm") == null ? "''" : request.param("searchTerm")))
        .toLowerCase(Locale.ROOT);
    boolean prerelease = "true".equalsIgnoreCase(request.param("includePrerelease"));
    String filter = String.valueOf(request.param("$filter"));
    List<Map.Entry<StoredPackage, StoredVersion>> found = new ArrayList<>();
    for (StoredPackage p : packages.values()) {
      if (!p.id().toLowerCase(Locale.ROOT).contains(term)) {
        continue;
      }
      StoredVersion latest = latest(p, prerelease || filter.contains("IsAbsoluteLatestVersion"));
      for (StoredVersion v : p.versions()) {
        boolean wanted = filter.contains("LatestVersion") ? v == latest
            : v.listed() && (prerelease || !v.version().contains("-"));
        if (wanted) {
          found.add(Map.entry(p, v));
        }
      }
    }
    // OData paging: clients ask page after page ($skip, $top) until one comes back short.
    int skip = Math.min(found.size(), Math.max(0, intParam(request, "$skip", 0)));
    int top = Math.max(0, intParam(request, "$top", found.size()));
    return feed("Search", found.subList(skip, Math.min(found.size(), skip + top)));
  }

  private static int intParam(SandboxRequest request, String name, int otherwise) {
    try {
      return request.param(name) == null ? otherwise : Integer.parseInt(request.param(name).trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** The newest listed version (stable only unless {@code prerelease}): what IsLatestVersion marks. */
  private static StoredVersion latest(StoredPackage p, boolean prerelease) {
    StoredVersion best = null;
    for (StoredVersion v : p.versions()) {
      if (v.listed() && (prerelease || !v.version().contains("-"))
          && (best == null || dev.fanout.provider.Versions.ORDER.compare(v.version(), best.version()) > 0)) {
        best = v;
      }
    }
    return best;
  }

  /**
   * NuGet's delete, which the gallery takes as an unlist (chocolatey/chocolatey.org
   * ApiController.DeletePackage, then MarkPackageUnlisted): the owner's key, the version kept and
   * still served by exact version, out of search and latest. A version that is not listed (one in
   * moderation) is left as it is: MarkPackageUnlisted returns early for it.
   */
  private SandboxResponse unlist(SandboxRequest request, String id, String version) throws IOException {
    Access access = ctx.access(request.header("x-nuget-apikey"));
    if (!access.canWrite()) {
      return error(403, "The specified API key does not provide the authority to delete packages.");
    }
    StoredPackage p = packages.get(id.toLowerCase(Locale.ROOT));
    StoredVersion v = p == null ? null : find(p, version);
    if (v == null) {
      return error(404, "A package with id '" + id + "' and version '" + version + "' does not exist.");
    }
    if (v.listed()) {
      List<StoredVersion> versions = new ArrayList<>(p.versions());
      versions.set(versions.indexOf(v), v.with(v.status(), true));
      save(new StoredPackage(p.id(), versions));
    }
    return SandboxResponse.empty(200);
  }

  private void save(StoredPackage updated) throws IOException {
    write(packagesDir().resolve(updated.id().toLowerCase(Locale.ROOT) + ".json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(updated));
    packages.put(updated.id().toLowerCase(Locale.ROOT), updated);
  }

  private SandboxResponse feed(String title, List<Map.Entry<StoredPackage, StoredVersion>> entries) {
    StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.append("<feed xml:base=\"").append(ctx.baseUrl()).append("/api/v2/\" xmlns=\"").append(ATOM)
        .append("\" xmlns:d=\"").append(ChocolateyProvider.DATA_SERVICES).append("\" xmlns:m=\"").append(M).append("\">\n");
    x.append("  <id>").append(ctx.baseUrl()).append("/api/v2/").append(title).append("</id>\n");
    x.append("  <title type=\"text\">").append(title).append("</title>\n");
    x.append("  <updated>").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("</updated>\n");
    x.append("  <link rel=\"self\" title=\"").append(title).append("\" href=\"").append(title).append("\" />\n");
    for (Map.Entry<StoredPackage, StoredVersion> e : entries) {
      x.append(entry(e.getKey(), e.getValue(), false));
    }
    x.append("</feed>\n");
    return SandboxResponse.bytes(200, "application/atom+xml;type=feed;charset=utf-8", utf8(x.toString()));
  }

  private String entry(StoredPackage p, StoredVersion v, boolean root) {
    StringBuilder x = new StringBuilder("<entry");
    if (root) {
      x.append(" xml:base=\"").append(ctx.baseUrl()).append("/api/v2/\" xmlns=\"").append(ATOM)
          .append("\" xmlns:d=\"").append(ChocolateyProvider.DATA_SERVICES).append("\" xmlns:m=\"").append(M).append('"');
    }
    String self = ctx.baseUrl() + "/api/v2/Packages(Id='" + p.id() + "',Version='" + v.version() + "')";
    x.append(">\n  <id>").append(NupkgBuilder.xml(self)).append("</id>\n");
    x.append("  <category term=\"NuGetGallery.V2FeedPackage\" scheme=\"http://schemas.microsoft.com/ado/2007/08/dataservices/scheme\" />\n");
    x.append("  <title type=\"text\">").append(NupkgBuilder.xml(p.id())).append("</title>\n");
    x.append("  <updated>").append(v.published()).append("</updated>\n");
    x.append("  <author><name>").append(NupkgBuilder.xml(v.metadata().getOrDefault("authors", ""))).append("</name></author>\n");
    x.append("  <content type=\"application/zip\" src=\"").append(ctx.baseUrl()).append("/api/v2/package/")
        .append(p.id()).append('/').append(v.version()).append("\" />\n");
    x.append("  <m:properties>\n");
    property(x, "Id", p.id(), null);
    property(x, "Version", v.version(), null);
    property(x, "Title", v.metadata().get("title"), null);
    property(x, "Description", v.metadata().get("description"), null);
    property(x, "Tags", v.metadata().get("tags"), null);
    property(x, "ProjectUrl", v.metadata().get("projectUrl"), null);
    property(x, "PackageSourceUrl", v.metadata().get("packageSourceUrl"), null);
    property(x, "LicenseUrl", v.metadata().get("licenseUrl"), null);
    Moderation state = Moderation.of(v.status());
    property(x, "PackageStatus", state.packageStatus(), null);
    property(x, "PackageSubmittedStatus", state.submitted() ? state.word() : null, null);
    property(x, "IsApproved", String.valueOf(state.approved()), "Edm.Boolean");
    property(x, "PackageHash", v.hash(), null);
    property(x, "PackageHashAlgorithm", "SHA512", null);
    property(x, "PackageSize", String.valueOf(v.size()), "Edm.Int64");
    // An unlisted version's Published is 1900-01-01: how NuGet clients tell it is unlisted.
    property(x, "Published", v.listed() ? v.published() : UNPUBLISHED, "Edm.DateTime");
    property(x, "Listed", String.valueOf(v.listed()), "Edm.Boolean");
    property(x, "IsLatestVersion", String.valueOf(v == latest(p, false)), "Edm.Boolean");
    property(x, "IsAbsoluteLatestVersion", String.valueOf(v == latest(p, true)), "Edm.Boolean");
    x.append("  </m:properties>\n</entry>\n");
    return x.toString();
  }

  private static void property(StringBuilder x, String name, String value, String type) {
    x.append("    <d:").append(name);
    if (type != null) {
      x.append(" m:type=\"").append(type).append('"');
    }
    if (value == null) {
      x.append(" m:null=\"true\" />\n");
    } else {
      x.append('>').append(NupkgBuilder.xml(value)).append("</d:").append(name).append(">\n");
    }
  }

  private SandboxResponse push(SandboxRequest request) throws IOException {
    Access access = ctx.access(request.header("x-nuget-apikey"));
    if (access == Access.NONE || access == Access.INVALID) {
      return error(401, "The specified API key is invalid, has expired, or does not have permission "
          + "to access the specified package.");
    }
    byte[] nupkg = firstPart(request);
    if (nupkg == null) {
      return error(400, "A nuget package's nuspec file was not found.");
    }
    Map<String, String> meta;
    try {
      meta = nuspec(nupkg);
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
    String id = meta.get("id");
    String version = meta.get("version");
    if (access == Access.READ) {
      return error(403, "The specified API key does not provide the authority to push packages.");
    }
    StoredPackage p = packages.get(id.toLowerCase(Locale.ROOT));
    StoredVersion existing = p == null ? null : find(p, version);
    SandboxResponse refused = existing != null ? repush(p, existing) : p == null ? null : newVersion(p);
    if (refused != null) {
      return refused;
    }
    String published = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    // A version under moderation may be pushed again (the fix a moderator asked for): it is "Updated".
    StoredVersion v = new StoredVersion(version, existing == null ? "Submitted" : "Updated", false,
        Digests.base64("SHA-512", nupkg), nupkg.length, published, meta, false);
    List<StoredVersion> versions = new ArrayList<>(p == null ? List.of() : p.versions());
    versions.remove(existing);
    versions.add(v);
    StoredPackage updated = new StoredPackage(p == null ? id : p.id(), versions);
    write(blob(updated.id(), version), nupkg);
    write(packagesDir().resolve(id.toLowerCase(Locale.ROOT) + ".json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(updated));
    packages.put(id.toLowerCase(Locale.ROOT), updated);
    return SandboxResponse.text(201, "").withReason("Created");
  }

  /** A moderator's decision (or the automated checks' step) on a pushed version, as tests and scenarios make it. */
  synchronized void moderate(String id, String version, Moderation state) throws IOException {
    StoredPackage p = packages.get(id.toLowerCase(Locale.ROOT));
    StoredVersion v = p == null ? null : find(p, version);
    if (v == null) {
      throw new IllegalArgumentException("no " + id + " " + version + " to moderate");
    }
    List<StoredVersion> versions = new ArrayList<>(p.versions());
    versions.set(versions.indexOf(v), v.with(state.word(), v.unlisted()));
    save(new StoredPackage(p.id(), versions));
  }

  /** The gallery's answer to a push of a version it has; null when it takes it (the version is still under moderation). */
  private static SandboxResponse repush(StoredPackage p, StoredVersion existing) {
    Moderation state = Moderation.of(existing.status());
    if (state == Moderation.REJECTED) {
      return error(409, "This package has been rejected and can no longer be submitted.");
    }
    if (state.submitted()) {
      return null;
    }
    return error(409, "A package with ID '" + p.id() + "' and version '" + existing.version()
        + "' already exists and cannot be modified.");
  }

  /** The gallery's refusal of a new version while earlier ones wait in moderation; null when it takes it. */
  private static SandboxResponse newVersion(StoredPackage p) {
    boolean approvedStable = p.versions().stream()
        .anyMatch(v -> !v.version().contains("-") && Moderation.of(v.status()) == Moderation.APPROVED);
    long submitted = p.versions().stream().filter(v -> Moderation.of(v.status()).submitted()).count();
    if (!approvedStable && submitted > 0) {
      return error(403, "The package " + p.id() + " has a previous version in a submitted state, and no approved stable"
          + " releases. Please work to have the existing package version approved or rejected first.");
    }
    if (submitted >= MAX_SUBMITTED) {
      return error(403, "The package " + p.id() + " has " + submitted + " versions currently in a submitted state."
          + " For moderation purposes we limit to " + MAX_SUBMITTED + " versions in moderation at a time. Please wait"
          + " to have the existing package version(s) approved or rejected first.");
    }
    return null;
  }

  /**
   * The first part of the multipart body (the .nupkg), or the whole body when it is not
   * multipart. Written by hand because NuGet 2.x on mono ends lines with a bare LF before the
   * closing delimiter, which strict multipart readers refuse and the gallery accepts.
   */
  private static byte[] firstPart(SandboxRequest request) {
    String type = request.header("content-type");
    Matcher b = type == null ? null : Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(type);
    byte[] body = request.body();
    if (b == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/") || !b.find()) {
      return body.length == 0 ? null : body;
    }
    byte[] delimiter = ("--" + b.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    int first = indexOf(body, delimiter, 0);
    if (first < 0) {
      return null;
    }
    int crlf = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), first);
    int lf = indexOf(body, "\n\n".getBytes(StandardCharsets.ISO_8859_1), first);
    int start = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
    int next = start < 0 ? -1 : indexOf(body, delimiter, start);
    if (next < 0) {
      return null;
    }
    int end = next;
    if (end > start && body[end - 1] == '\n') {
      end--;
      if (end > start && body[end - 1] == '\r') {
        end--;
      }
    }
    return Arrays.copyOfRange(body, start, end);
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * The nuspec's metadata; throws IllegalArgumentException with the gallery's kind of message
   * when the package is not a zip, has no nuspec at its root, or lacks a required field.
   */
  static Map<String, String> nuspec(byte[] nupkg) {
    byte[] spec = null;
    boolean anyEntry = false;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(nupkg))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        anyEntry = true;
        if (!e.getName().contains("/") && e.getName().toLowerCase(Locale.ROOT).endsWith(".nuspec")) {
          if (spec != null) {
            throw new IllegalArgumentException("The package contains more than one nuspec file at its root.");
          }
          spec = zip.readAllBytes();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("The uploaded file is not a valid nupkg (zip) file: " + e.getMessage());
    }
    if (!anyEntry) {
      throw new IllegalArgumentException("The uploaded file is not a valid nupkg (zip) file.");
    }
    if (spec == null) {
      throw new IllegalArgumentException("A nuget package's nuspec file was not found.");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(spec));
      Element root = doc.getDocumentElement();
      Element metadata = null;
      for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && "metadata".equals(e.getLocalName())) {
          metadata = e;
        }
      }
      if (!"package".equals(root.getLocalName()) || metadata == null) {
        throw new IllegalArgumentException("The nuspec has no <package><metadata> element.");
      }
      for (Node n = metadata.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) {
          meta.put(e.getLocalName(), e.getTextContent().trim());
        }
      }
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalArgumentException("The nuspec is not well-formed XML: " + e.getMessage());
    }
    for (String required : List.of("id", "version", "authors", "description")) {
      if (meta.getOrDefault(required, "").isBlank()) {
        throw new IllegalArgumentException("The package manifest is missing the required '" + required + "' element.");
      }
    }
    // The community repository's validator rejects packages without these.
    for (String community : List.of("projectUrl", "packageSourceUrl", "licenseUrl", "tags")) {
      if (meta.getOrDefault(community, "").isBlank()) {
        throw new IllegalArgumentException("The community repository requires '" + community
            + "' in the nuspec metadata.");
      }
    }
    if (!meta.get("id").matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("The package id '" + meta.get("id") + "' contains invalid characters.");
    }
    if (!meta.get("version").matches("[0-9][A-Za-z0-9.+-]*")) {
      throw new IllegalArgumentException("'" + meta.get("version") + "' is not a valid version string.");
    }
    return meta;
  }

  private static StoredVersion find(StoredPackage p, String version) {
    for (StoredVersion v : p.versions()) {
      if (v.version().equalsIgnoreCase(version)) {
        return v;
      }
    }
    return null;
  }

  /** OData string literals come quoted: {@code id='contextlite'}. */
  private static String unquote(String value) {
    if (value != null && value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
      return value.substring(1, value.length() - 1).replace("''", "'");
    }
    return value;
  }

  private static SandboxResponse notFound() {
    String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<m:error xmlns:m=\"" + M + "\">"
        + "<m:code /><m:message xml:lang=\"en-US\">Resource not found for the segment 'Packages'.</m:message></m:error>\n";
    return SandboxResponse.bytes(404, "application/xml;charset=utf-8", utf8(xml)).withReason("Not Found");
  }

  /** The gallery's error shape: the message is the reason phrase and the body. */
  private static SandboxResponse error(int status, String message) {
    return SandboxResponse.text(status, message).withReason(message);
  }

  private static void write(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".write", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Path blob(String id, String version) {
    return blobsDir().resolve(id.toLowerCase(Locale.ROOT) + "." + version.toLowerCase(Locale.ROOT) + ".nupkg");
  }

  private Path packagesDir() {
    return ctx.stateDir().resolve("packages");
  }

  private Path blobsDir() {
    return ctx.stateDir().resolve("blobs");
  }
}
