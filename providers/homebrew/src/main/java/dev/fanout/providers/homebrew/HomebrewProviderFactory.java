package dev.fanout.providers.homebrew;

import dev.fanout.providers.github.GithubFileProviderFactory;

/** {@code homebrew}: a formula in a Homebrew tap on GitHub, pointing at release assets. */
public final class HomebrewProviderFactory extends GithubFileProviderFactory {

  public HomebrewProviderFactory() {
    super("homebrew", "A Homebrew formula (Formula/NAME.rb) in a tap repository on GitHub",
        "the tap: \"owner/homebrew-tap\" on GitHub, or a git URL on any git server"
            + " (\"https://git.example.com/me/homebrew-tap.git\")", HomebrewProvider::new);
  }
}
