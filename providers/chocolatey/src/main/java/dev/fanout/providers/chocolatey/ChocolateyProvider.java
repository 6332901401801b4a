package dev.fanout.providers.chocolatey;

import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Digests;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads one version from the NuGet v2 feed and pushes a .nupkg the way {@code choco push}
 * does. A pushed version waits in moderation but already counts as existing.
 */
final class ChocolateyProvider implements Provider, dev.fanout.provider.Withdrawing {

  private static final String REGISTRY = "chocolatey";
  /** The namespace of an OData feed entry's properties ({@code d:Version}...). */
  /** The Atom namespace of the gallery's OData feeds. */
  static final String ATOM = "http://www.w3.org/2005/Atom";
  static final String DATA_SERVICES = "http://schemas.microsoft.com/ado/2007/08/dataservices";
  private static final String GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

  private final ProviderContext ctx;

  ChocolateyProvider(ProviderContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public RegistryState read(Publication publication) throws RegistryException {
    return read(publication, true);
  }

  private RegistryState read(Publication publication, boolean again) throws RegistryException {
    String id = publication.string("package_id");
    String version = ctx.release().version();
    String feed = ctx.endpoint("feed");
    HttpUrl url = HttpUrl.get(feed + "/api/v2/Packages(Id='" + odata(id) + "',Version='" + odata(version) + "')");
    String location = feed + "/packages/" + id + "/" + version;
    Request request = new Request.Builder().url(url).header("Accept", "application/atom+xml").get().build();
    try (Response response = ctx.http().newCall(request).execute()) {
      if (response.code() == 404) {
        // One request tells only about this version: the others say whether the gallery would take it.
        RegistryState others = others(id, version, location);
        // The version itself among the others: it was pushed since the first request (a second
        // run releasing the same version). Read it again rather than call it refused.
        return again && others.versions().contains(version) ? read(publication, false) : others;
      }
      if (!response.isSuccessful()) {
        throw new RegistryException(REGISTRY, "read " + id + " " + version, response.code(), response.message(),
            response.code() >= 500 || response.code() == 429 ? "the feed is failing; try again later"
                : "check the feed URL " + feed);
      }
      Element entry = RegistryAnswer.xml(REGISTRY, "read " + id + " " + version, response, "entry").getDocumentElement();
      String held = text(entry, "Version");
      held = held == null ? version : held;
      Moderation state = Moderation.of(text(entry, "PackageStatus"), text(entry, "PackageSubmittedStatus"));
      if (state == Moderation.REJECTED) {
        // Not in progress forever: the gallery will not take this version again.
        return RegistryState.absent(location).refusing("moderation rejected " + id + " " + held + ", and the gallery"
            + " answers a push of it \"This package has been rejected and can no longer be submitted.\"; release a new version");
      }
      Map<String, String> items = new LinkedHashMap<>();
      items.put(id + "." + held + ".nupkg", text(entry, "PackageHash"));
      String inProgress = state.submitted() ? "version " + held + " is in moderation (" + state.word() + ")" : null;
      return new RegistryState(true, List.of(held), null, items, Map.of(), inProgress, location);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "read " + id, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + feed, e);
    }
  }

  /**
   * The package's other versions ({@code FindPackagesById()}), and whether the gallery would
   * take a new one: not while a version waits in moderation and none stable is approved.
   */
  private RegistryState others(String id, String version, String location) throws RegistryException, IOException {
    HttpUrl url = HttpUrl.get(ctx.endpoint("feed") + "/api/v2/FindPackagesById()").newBuilder()
        .addQueryParameter("id", "'" + odata(id) + "'").build();
    String operation = "read versions of " + id;
    try (Response response = ctx.http().newCall(new Request.Builder().url(url)
        .header("Accept", "application/atom+xml").get().build()).execute()) {
      if (response.code() == 404) {
        return RegistryState.absent(location);
      }
      if (!response.isSuccessful()) {
        throw new RegistryException(REGISTRY, operation, response.code(), response.message(),
            response.code() >= 500 || response.code() == 429 ? "the feed is failing; try again later" : null);
      }
      NodeList entries = RegistryAnswer.xml(REGISTRY, operation, response, "feed")
          .getElementsByTagNameNS(ATOM, "entry");
      List<String> versions = new ArrayList<>();
      List<String> waiting = new ArrayList<>();
      boolean approvedStable = false;
      for (int i = 0; i < entries.getLength(); i++) {
        Element e = (Element) entries.item(i);
        String v = text(e, "Version");
        Moderation state = Moderation.of(text(e, "PackageStatus"), text(e, "PackageSubmittedStatus"));
        versions.add(v);
        approvedStable |= state == Moderation.APPROVED && v != null && !v.contains("-");
        if (state.submitted()) {
          waiting.add(v + " (" + state.word() + ")");
        }
      }
      if (versions.isEmpty()) {
        return RegistryState.absent(location);
      }
      RegistryState state = new RegistryState(true, versions, versions.get(versions.size() - 1), Map.of(), Map.of(),
          null, location);
      return approvedStable || waiting.isEmpty() ? state : state.refusing("the gallery answers 403 \"The package " + id
          + " has a previous version in a submitted state, and no approved stable releases.\" while "
          + String.join(", ", waiting) + " waits in moderation: have it approved or rejected first");
    }
  }

  @Override
  public List<dev.fanout.provider.WithdrawStep> withdrawal(Publication publication,
      dev.fanout.model.Withdrawal.All withdrawals, String releaseVersion) throws RegistryException {
    return new ChocolateyUnlisting(ctx).steps(publication.string("package_id"), withdrawals);
  }

  @Override
  public String withdraw(Publication publication, dev.fanout.provider.WithdrawStep step,
      dev.fanout.model.Withdrawal.All withdrawals) throws RegistryException {
    return new ChocolateyUnlisting(ctx).unlist(publication.string("package_id"), step, publication.secret("token"));
  }

  @Override
  public CredentialCheck checkCredentials(Publication publication) {
    Secret key = publication.secret("token");
    if (!key.isSet()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING, "no Chocolatey API key: " + key.source()
          + " is not set; copy the key from https://community.chocolatey.org/account");
    }
    if (!ctx.sandbox() && !key.reveal().trim().matches(GUID)) {
      return new CredentialCheck(CredentialCheck.Status.INVALID, "the key in " + key.source()
          + " is not a Chocolatey API key (those look like a GUID); copy it from https://community.chocolatey.org/account");
    }
    return CredentialCheck.uncheckable("NuGet feeds have no endpoint to check an API key; the push will tell");
  }

  @Override
  public DesiredState desired(Publication publication) throws IOException {
    NupkgBuilder.Spec spec = spec(publication);
    byte[] nupkg = build(publication, spec);
    Map<String, String> items = new LinkedHashMap<>();
    items.put(NupkgBuilder.fileName(spec), nupkg == null ? null : Digests.base64("SHA-512", nupkg));
    return new DesiredState(spec.version(), items, Map.of());
  }

  @Override
  public PublishResult publish(Publication publication, RegistryState before) throws RegistryException, IOException {
    NupkgBuilder.Spec spec = spec(publication);
    String name = NupkgBuilder.fileName(spec);
    if (before.holds(spec.version())) {
      return new PublishResult(List.of(), name + " is already on " + before.location());
    }
    byte[] nupkg = build(publication, spec);
    if (nupkg == null) {
      throw new IOException("cannot push " + name + ": the Windows asset is not built yet, so its checksum is unknown");
    }
    Path dir = ctx.workDir().resolve("chocolatey").resolve(publication.name());
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), nupkg);
    String url = ctx.endpoint("source") + "/api/v2/package/";
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("package", "package.nupkg", RequestBody.create(nupkg, MediaType.get("application/octet-stream")))
        .build();
    Request request = new Request.Builder().url(url)
        .header("X-NuGet-ApiKey", publication.secret("token").reveal())
        .put(body).build();
    int code;
    String reason;
    try (Response response = ctx.http().newCall(request).execute()) {
      code = response.code();
      reason = response.message().isEmpty() ? response.body().string() : response.message();
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "push " + name, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + url + "; run plan to see whether the push landed", e);
    }
    if (code == 201 || code == 202 || code == 200) {
      return new PublishResult(List.of(name), "pushed " + name + " to " + url + "; it now waits for moderation");
    }
    if (code == 409) {
      // 409 also means "in moderation" or even an invalid nuspec: only a re-read tells.
      RegistryState after = read(publication);
      if (after.holds(spec.version())) {
        return new PublishResult(List.of(), name + " was already there (409: " + reason + ")");
      }
    }
    throw new RegistryException(REGISTRY, "push " + name, code, reason, hint(code));
  }

  private static String hint(int code) {
    return switch (code) {
      case 401 -> "the API key is unknown or expired: copy it again from https://community.chocolatey.org/account";
      case 403 -> "the API key may not push this package: ask a maintainer of the package to add you";
      case 400 -> "fix the package metadata (the message says which field) and run apply again";
      case 409 -> "the repository refused the version but does not list it: check the package's page for moderation notes";
      default -> code == 429 || code >= 500 ? "the repository is busy or failing; run apply again later" : null;
    };
  }

  NupkgBuilder.Spec spec(Publication publication) {
    String id = publication.string("package_id");
    String projectUrl = publication.string("project_url", ctx.release().homepage());
    return new NupkgBuilder.Spec(id, ctx.release().version(),
        publication.string("authors", ctx.release().name()),
        publication.string("description", ctx.release().description()),
        projectUrl,
        publication.string("package_source_url", projectUrl),
        publication.string("license_url", projectUrl),
        publication.string("tags", id));
  }

  /** The package, or null when an asset's file (and so its checksum) is not available yet. */
  byte[] build(Publication publication, NupkgBuilder.Spec spec) throws IOException {
    List<NupkgBuilder.Download> downloads = new ArrayList<>();
    for (Asset a : assets(publication)) {
      int bits = switch (a.platform()) {
        case "windows-amd64" -> 64;
        case "windows-386" -> 32;
        default -> 0;
      };
      if (bits == 0 || downloads.stream().anyMatch(d -> d.bits() == bits)) {
        continue;
      }
      String sha256 = ctx.artifacts().sha256(a.artifact());
      if (sha256 == null || a.url() == null) {
        return null;
      }
      downloads.add(new NupkgBuilder.Download(a.name(), a.url(), sha256, bits));
    }
    if (downloads.isEmpty()) {
      throw new IOException("chocolatey " + publication.address() + ": no windows-amd64 or windows-386 asset in 'assets'");
    }
    // Chocolatey fills Url before Url64bit; a fixed order keeps the script's bytes stable.
    downloads.sort(java.util.Comparator.comparingInt(NupkgBuilder.Download::bits));
    return NupkgBuilder.build(spec, downloads);
  }

  /** One entry of {@code assets}; {@code url} is null when it is not known before apply. */
  record Asset(String platform, String name, String url, Address artifact) { }

  /**
   * Reads {@code assets} in either shape: github_release's export (platform to a map of
   * name, url and artifact), or artifact references whose URL comes from {@code url_template}.
   */
  List<Asset> assets(Publication publication) throws IOException {
    Object value = publication.attributes().get("assets");
    List<Asset> out = new ArrayList<>();
    Collection<?> items = value instanceof Map<?, ?> m ? m.values() : value instanceof Collection<?> c ? c : List.of(value);
    for (Object item : items) {
      if (item instanceof Map<?, ?> asset && asset.get("artifact") instanceof Ref ref) {
        Artifact artifact = artifact(publication, ref.address());
        Object url = asset.get("url");
        out.add(new Asset(artifact.platform(), String.valueOf(asset.get("name") == null ? artifact.name() : asset.get("name")),
            url instanceof String s ? s : null, ref.address()));
      } else if (item instanceof Ref ref) {
        Artifact artifact = artifact(publication, ref.address());
        String template = publication.string("url_template");
        if (template == null) {
          throw new IOException("chocolatey " + publication.address() + ": 'assets' holds artifact references, "
              + "so 'url_template' must say where they are downloaded from");
        }
        String url = template.replace("{version}", ctx.release().version()).replace("{name}", artifact.name())
            .replace("{platform}", artifact.platform());
        out.add(new Asset(artifact.platform(), artifact.name(), url, ref.address()));
      } else if (item != null) {
        throw new IOException("chocolatey " + publication.address() + ": 'assets' must hold artifact references "
            + "or github_release assets, not " + item);
      }
    }
    return out;
  }

  private Artifact artifact(Publication publication, Address address) throws IOException {
    Artifact artifact = ctx.artifacts().artifact(address);
    if (artifact == null) {
      throw new IOException("chocolatey " + publication.address() + ": unknown artifact " + address);
    }
    return artifact;
  }

  /** A property of an entry; null when absent or {@code m:null}. */
  static String text(Element entry, String property) {
    NodeList nodes = entry.getElementsByTagNameNS(DATA_SERVICES, property);
    String value = nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    return value == null || value.isEmpty() ? null : value;
  }

  static String odata(String literal) {
    return literal.replace("'", "''");
  }
}
