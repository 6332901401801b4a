package dev.fanout.providers.scoop;

import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.providers.github_release.GithubFileProvider;
import java.util.Map;

/** {@code scoop}: a manifest in a Scoop bucket on GitHub, pointing at release assets. */
public final class ScoopProviderFactory implements ProviderFactory {

  @Override
  public String type() {
    return "scoop";
  }

  @Override
  public String description() {
    return "A Scoop manifest (bucket/NAME.json) in a bucket repository on GitHub";
  }

  @Override
  public Schema schema() {
    return GithubFileProvider.commonSchema("the bucket, \"owner/scoop-bucket\"").build();
  }

  @Override
  public String settingsBlock() {
    return "github";
  }

  @Override
  public Schema settingsSchema() {
    return GithubFileProvider.settingsSchema();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("api_url", "https://api.github.com");
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("api_url", "github");
  }

  @Override
  public boolean mutable() {
    return true;
  }

  @Override
  public Provider create(ProviderContext context) {
    return new ScoopProvider(context);
  }
}
