package dev.fanout.providers.github_release;

import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Unknown;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.providers.github.GithubHost;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** {@code github_release}: a GitHub release with the artifacts as assets and a checksum file. */
public final class GithubReleaseProviderFactory implements ProviderFactory {

  static final String DEFAULT_UPLOADS = "https://uploads.github.com";

  @Override
  public String type() {
    return "github_release";
  }

  @Override
  public String description() {
    return "A GitHub release: uploads the artifacts and a SHA256SUMS file (with signatures, SBOMs and provenance when"
        + " asked), then publishes the draft";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("repository", Schema.Type.STRING, "the repository, \"owner/repo\"")
        .optional("tag", Schema.Type.STRING, "the release's tag; default \"v\" + the release version")
        .required("assets", Schema.Type.ARTIFACTS, "the artifacts to attach")
        .optional("checksums", Schema.Type.STRING, "name of the checksum file; default SHA256SUMS, \"\" for none")
        .optional("draft", Schema.Type.BOOL, "leave the release a draft; default false")
        .optional("prerelease", Schema.Type.BOOL, "mark the release as a pre-release; default false")
        .optional("target_commitish", Schema.Type.STRING,
            "the commit (or branch) the tag is made at when GitHub makes it; default the release files' git HEAD")
        .optional("name", Schema.Type.STRING, "the release's title; default the tag")
        .optional("body", Schema.Type.STRING, "the release notes (Markdown)")
        .optional("sbom", Schema.Type.BOOL, "attach a CycloneDX JSON SBOM (NAME.cdx.json) for each asset; default false")
        .optional("provenance", Schema.Type.BOOL, "attach SLSA provenance for each asset in a DSSE envelope signed with"
            + " the signing key (NAME.intoto.jsonl); needs signing_key; default false")
        .build();
  }

  @Override
  public String settingsBlock() {
    return "github";
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("host", Schema.Type.STRING, "a GitHub Enterprise Server host, such as ghe.example.com: the API, uploads"
            + " and download URLs derive from it")
        .optional("api_url", Schema.Type.STRING, "the REST API; default " + GithubApi.DEFAULT_URL)
        .optional("uploads_url", Schema.Type.STRING, "the uploads host; default " + DEFAULT_UPLOADS)
        .sensitive("token", "a token with the repo scope (classic) or contents: write (fine-grained)")
        .sensitive("signing_key", "an armored OpenPGP secret key (gpg --armor --export-secret-keys): when set, every"
            + " release asset and SHA256SUMS get a detached signature (NAME.asc)")
        .sensitive("signing_password", "the signing key's passphrase")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("api_url", GithubApi.DEFAULT_URL, "uploads_url", DEFAULT_UPLOADS);
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("api_url", "github", "uploads_url", "github.uploads");
  }

  @Override
  public Map<String, String> derivedEndpoints(Map<String, Object> settings, Map<String, String> resolved, boolean sandbox) {
    return GithubHost.derive(settings, resolved, sandbox);
  }

  @Override
  public Traits traits() {
    // The hub: manifests elsewhere point at its assets.
    return Traits.immutable().asHub();
  }

  /**
   * {@code tag}, {@code assets} (platform to name, public URL and artifact; a platform's
   * archive rather than its bare binary when the release carries both), {@code asset_urls}
   * (platform to URL) and {@code files} (every asset by file name: checksums, installers,
   * documents, whatever their platform). The URL is GitHub's public download URL; against
   * GitHub Enterprise Server it is the host's download URL, in the sandbox its download path.
   *
   * <p>Exports see neither the release nor the endpoints, so without a {@code tag}
   * attribute the tag (and every URL) is unknown until apply.
   */
  @Override
  public Map<String, Object> exports(Publication publication, ExportContext context) {
    Function<Address, Artifact> artifacts = context.artifacts();
    String tag = publication.string("tag", context.release() == null ? null : "v" + context.release().version());
    String apiUrl = context.endpoints().getOrDefault("api_url", GithubApi.DEFAULT_URL);
    String repository = publication.string("repository");
    Map<String, Object> assets = new TreeMap<>();
    Map<String, Object> urls = new TreeMap<>();
    Map<String, Object> files = new TreeMap<>();
    for (Address address : publication.artifacts("assets")) {
      Artifact artifact = artifacts.apply(address);
      if (artifact == null) {
        continue;
      }
      Object url = tag == null ? Unknown.AFTER_APPLY : downloadUrl(apiUrl, repository, tag, artifact.name());
      Map<String, Object> asset = new LinkedHashMap<>();
      asset.put("name", artifact.name());
      asset.put("url", url);
      asset.put("artifact", new Ref(address));
      files.put(artifact.name(), asset);
      Object taken = assets.get(artifact.platform());
      if (taken != null && artifact.archive() == null && archive(taken, artifacts)) {
        // A platform's archive and its bare binary both on the release: manifests point at the
        // archive, as GoReleaser's brews and scoops do.
        continue;
      }
      assets.put(artifact.platform(), asset);
      urls.put(artifact.platform(), url);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tag", tag == null ? Unknown.AFTER_APPLY : tag);
    out.put("assets", assets);
    out.put("asset_urls", urls);
    out.put("files", files);
    return out;
  }

  private static boolean archive(Object asset, Function<Address, Artifact> artifacts) {
    Artifact a = asset instanceof Map<?, ?> m && m.get("artifact") instanceof Ref r ? artifacts.apply(r.address()) : null;
    return a != null && a.archive() != null;
  }

  /** Where people download an asset: github.com's, a GitHub Enterprise host's, or the sandbox's. */
  static String downloadUrl(String apiUrl, String repository, String tag, String name) {
    return GithubHost.downloadUrl(apiUrl, repository, tag, name);
  }

  @Override
  public String identity(Publication publication) {
    String tag = publication.string("tag");
    return "release " + (tag == null ? "v + the release's version" : tag) + " of " + publication.string("repository");
  }

  @Override
  public Provider create(ProviderContext context) {
    return new GithubReleaseProvider(context);
  }
}
