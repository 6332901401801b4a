package dev.fanout.providers.scoop;

import dev.fanout.providers.github.GithubFileProviderFactory;

/** {@code scoop}: a manifest in a Scoop bucket on GitHub, pointing at release assets. */
public final class ScoopProviderFactory extends GithubFileProviderFactory {

  public ScoopProviderFactory() {
    super("scoop", "A Scoop manifest (bucket/NAME.json) in a bucket repository on GitHub",
        "the bucket: \"owner/scoop-bucket\" on GitHub, or a git URL on any git server"
            + " (\"https://git.example.com/me/scoop-bucket.git\")", ScoopProvider::new);
  }
}
