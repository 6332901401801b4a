package dev.fanout.providers.homebrew;

import dev.fanout.providers.github.GithubFileProviderFactory;

/** {@code homebrew}: a formula in a Homebrew tap on GitHub, pointing at release assets. */
public final class HomebrewProviderFactory extends GithubFileProviderFactory {

  public HomebrewProviderFactory() {
    super("homebrew", "A Homebrew formula (Formula/NAME.rb) in a tap repository on GitHub",
        "the tap: \"owner/homebrew-tap\" on GitHub, or a git URL on any git server"
            + " (\"https://git.example.com/me/homebrew-tap.git\")", HomebrewProvider::new);
  }

  /** GoReleaser's brews take the same two: what the formula needs, and an install method of its own. */
  @Override
  public dev.fanout.provider.Schema schema() {
    return dev.fanout.providers.github.GithubFileProvider.commonSchema(
            "the tap: \"owner/homebrew-tap\" on GitHub, or a git URL on any git server"
                + " (\"https://git.example.com/me/homebrew-tap.git\")")
        .optional("dependencies", dev.fanout.provider.Schema.Type.LIST,
            "formulae it needs, one depends_on line each, such as [\"openjdk\"]")
        .optional("install", dev.fanout.provider.Schema.Type.STRING,
            "the body of the formula's install method (Ruby), such as libexec.install \"lib/app.jar\";"
                + " default bin.install of the binary")
        .build();
  }
}
