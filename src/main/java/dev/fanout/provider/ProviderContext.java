package dev.fanout.provider;

import dev.fanout.model.Release;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * What a provider is given: the one shared HTTP client (auth redaction, retries, rate
 * limits), its endpoints (already pointed at the sandbox under {@code --sandbox}), the
 * release, its artifacts, and a work folder for the packages it builds.
 */
public record ProviderContext(OkHttpClient http, Map<String, String> endpoints, Release release,
    ArtifactStore artifacts, Path workDir, boolean sandbox) {

  public ProviderContext {
    endpoints = Map.copyOf(endpoints);
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
