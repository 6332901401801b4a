package dev.fanout.providers.homebrew;

import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.providers.github_release.GithubFileProvider;
import java.util.Map;

/** {@code homebrew}: a formula in a Homebrew tap on GitHub, pointing at release assets. */
public final class HomebrewProviderFactory implements ProviderFactory {

  @Override
  public String type() {
    return "homebrew";
  }

  @Override
  public String description() {
    return "A Homebrew formula (Formula/NAME.rb) in a tap repository on GitHub";
  }

  @Override
  public Schema schema() {
    return GithubFileProvider.commonSchema("the tap, \"owner/homebrew-tap\"").build();
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
    return new HomebrewProvider(context);
  }
}
