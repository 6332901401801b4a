package dev.fanout.testing;

import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * What a provider test stands on: the sandbox with its registry's emulators, the one HTTP
 * client, artifacts written under the test's folder, the release, and the context a
 * provider is created with, its endpoints pointed at the sandbox as {@code --sandbox} does.
 *
 * <pre>{@code
 * harness = ProviderHarness.start(dir, new PypiEmulator());
 * Provider pypi = new PypiProviderFactory().create(harness.context(new PypiProviderFactory()));
 * }</pre>
 */
public final class ProviderHarness implements AutoCloseable {

  /** The version every provider test releases unless it says another. */
  public static final String VERSION = "1.0.35";

  private final Path dir;
  private final Sandbox sandbox;
  private final OkHttpClient http = client();
  private final TestArtifacts artifacts = new TestArtifacts();
  private Release release = release("contextlite", VERSION, "desc");

  private ProviderHarness(Path dir, Sandbox sandbox) {
    this.dir = dir;
    this.sandbox = sandbox;
  }

  /**
   * Starts an empty sandbox under {@code dir}/sandbox with these emulators; the provider's work
   * folder is {@code dir}/work. Its registries show a write at once (see {@link #withoutLag});
   * a test of lag writes its own {@code faults.json}.
   */
  public static ProviderHarness start(Path dir, Emulator... emulators) throws IOException {
    return start(dir, "empty", emulators);
  }

  /** As {@link #start(Path, Emulator...)}, seeded and set up by the named scenario. */
  public static ProviderHarness start(Path dir, String scenario, Emulator... emulators) throws IOException {
    withoutLag(dir.resolve("sandbox"));
    return new ProviderHarness(dir, Sandbox.start(dir.resolve("sandbox"), scenario, List.of(emulators)));
  }

  /**
   * A {@code faults.json} that turns off the emulators' default lag (Maven's repository,
   * PyPI's JSON, the crates index), for tests of other behaviour that read right after a write.
   */
  public static void withoutLag(Path sandboxDir) throws IOException {
    java.nio.file.Files.createDirectories(sandboxDir);
    java.nio.file.Files.writeString(sandboxDir.resolve("faults.json"), "[{\"registry\": \"*\", \"visibility_delay_ms\": 0}]");
  }

  /** A client as Fanout builds one: its interceptors for auth, retries, rate limits and redaction. */
  public static OkHttpClient client() {
    return Http.client("test", Http.Policy.standard());
  }

  public static Release release(String name, String version, String description) {
    return new Release(name, version, "literal", description, "https://example.org", "MIT", Map.of());
  }

  /** The release the contexts carry from now on; by default contextlite {@value #VERSION}, described as "desc". */
  public ProviderHarness release(Release release) {
    this.release = release;
    return this;
  }

  public Release release() {
    return release;
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  /** The base URL of one emulated registry, such as {@code url("oci")}. */
  public String url(String registry) {
    return sandbox.url(registry);
  }

  public OkHttpClient http() {
    return http;
  }

  public TestArtifacts artifacts() {
    return artifacts;
  }

  /** Adds {@code artifact.binary["os-arch"]}: a file {@code name} under {@code dir}/bin holding {@code content}. */
  public Address binary(String name, String os, String arch, String content) {
    return binary(name, os, arch, content.getBytes(StandardCharsets.UTF_8));
  }

  public Address binary(String name, String os, String arch, byte[] content) {
    return artifacts.add(dir.resolve("bin"), name, os, arch, content);
  }

  /** References to every artifact added so far, as a publication's {@code binaries} or {@code assets}. */
  public List<Ref> refs() {
    return artifacts.addresses().stream().map(Ref::new).toList();
  }

  /** A sandboxed context for the factory's provider, over the harness's artifacts. */
  public ProviderContext context(ProviderFactory factory) {
    return context(factory, artifacts, true);
  }

  /**
   * A context whose endpoints are the sandbox's URLs for the factory's registry.
   *
   * @param sandboxed false to let the provider act as against the real registry (its safety checks on)
   */
  public ProviderContext context(ProviderFactory factory, ArtifactStore store, boolean sandboxed) {
    Map<String, String> endpoints = new LinkedHashMap<>();
    factory.sandboxEndpoints().forEach((endpoint, registry) -> endpoints.put(endpoint, sandbox.url(registry)));
    return new ProviderContext(http, endpoints, release, store, dir.resolve("work"), sandboxed);
  }

  /** A publication block {@code type "name"}, built up attribute by attribute. */
  public static PublicationBuilder publication(String type, String name) {
    return new PublicationBuilder(type, name);
  }

  @Override
  public void close() throws IOException {
    sandbox.close();
  }

  /** Builds a {@link Publication} as the evaluator hands it to a provider. */
  public static final class PublicationBuilder {

    private final String type;
    private final String name;
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();

    private PublicationBuilder(String type, String name) {
      this.type = type;
      this.name = name;
    }

    public PublicationBuilder attribute(String attribute, Object value) {
      attributes.put(attribute, value);
      return this;
    }

    /** Sets each of {@code values}, over what is set already: a test's overrides. */
    public PublicationBuilder attributes(Map<String, ?> values) {
      attributes.putAll(values);
      return this;
    }

    /** A plain provider setting, such as a user name. */
    public PublicationBuilder setting(String setting, Object value) {
      settings.put(setting, value);
      return this;
    }

    /** A sensitive provider setting, as {@code source} (such as {@code env NPM_TOKEN}) gives it. */
    public PublicationBuilder secret(String setting, String source, String value) {
      settings.put(setting, new Secret(source, value));
      return this;
    }

    /** The {@code token} setting, from the environment variable {@code variable}. */
    public PublicationBuilder token(String variable, String value) {
      return secret("token", "env " + variable, value);
    }

    public Publication build() {
      return new Publication(Address.of(type, name), type, attributes, settings);
    }
  }
}
