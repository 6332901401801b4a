package dev.fanout.provider;

import dev.fanout.model.Release;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * What a provider is given: the one shared HTTP client (auth redaction, retries, rate
 * limits), its endpoints (already pointed at the sandbox under {@code --sandbox}), the
 * release, its artifacts, a work folder for the packages it builds, and the folder of the
 * release files that relative paths in them are relative to.
 *
 * @param idTokens where this run gets GitHub Actions ID tokens for trusted publishing; null
 *     outside Actions
 */
public record ProviderContext(OkHttpClient http, Map<String, String> endpoints, Release release,
    ArtifactStore artifacts, Path workDir, boolean sandbox, Path configDir, ActionsIdTokens idTokens) {

  public ProviderContext {
    endpoints = Map.copyOf(endpoints);
    configDir = configDir == null ? Path.of("").toAbsolutePath() : configDir;
  }

  public ProviderContext(OkHttpClient http, Map<String, String> endpoints, Release release, ArtifactStore artifacts,
      Path workDir, boolean sandbox, Path configDir) {
    this(http, endpoints, release, artifacts, workDir, sandbox, configDir, null);
  }

  /** For tests and tools without release files: paths resolve against the working directory. */
  public ProviderContext(OkHttpClient http, Map<String, String> endpoints, Release release, ArtifactStore artifacts,
      Path workDir, boolean sandbox) {
    this(http, endpoints, release, artifacts, workDir, sandbox, null, null);
  }

  /** A path from the release file, such as a Cargo package folder, resolved against the file's folder. */
  public Path resolve(String path) {
    return configDir.resolve(path);
  }

  /** Starts a read on the HTTP client's threads; see {@link Later}. */
  public <T> Later<T> later(Later.Read<T> read) {
    return Later.start(http, read);
  }

  /** The URL of an endpoint, without a trailing slash. */
  public String endpoint(String name) {
    String url = endpoints.get(name);
    if (url == null) {
      throw new IllegalArgumentException("no endpoint '" + name + "'; known: " + endpoints.keySet());
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
