package dev.fanout.providers.github;

import dev.fanout.model.Publication;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.util.Map;
import java.util.function.Function;

/**
 * The factory of a manifest kept in a GitHub repository (tap, bucket, winget-pkgs, nixpkgs,
 * flathub), configured by the {@code github} provider block like {@code github_release}.
 * Manifests are edited in place, so they are mutable.
 */
public abstract class GithubFileProviderFactory implements ProviderFactory {

  private final String type;
  private final String description;
  private final String repositoryDescription;
  private final Function<ProviderContext, Provider> create;

  protected GithubFileProviderFactory(String type, String description, String repositoryDescription,
      Function<ProviderContext, Provider> create) {
    this.type = type;
    this.description = description;
    this.repositoryDescription = repositoryDescription;
    this.create = create;
  }

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public Schema schema() {
    return GithubFileProvider.commonSchema(repositoryDescription).build();
  }

  @Override
  public final String settingsBlock() {
    return "github";
  }

  @Override
  public final Schema settingsSchema() {
    return GithubFileProvider.settingsSchema();
  }

  @Override
  public final Map<String, String> endpoints() {
    return Map.of("api_url", GithubApi.DEFAULT_URL);
  }

  @Override
  public final Map<String, String> sandboxEndpoints() {
    return Map.of("api_url", "github");
  }

  @Override
  public final Map<String, String> derivedEndpoints(Map<String, Object> settings, Map<String, String> resolved,
      boolean sandbox) {
    return GithubHost.derive(settings, resolved, sandbox);
  }

  @Override
  public final Traits traits() {
    return Traits.mutableTarget();
  }

  /** The file in its repository: one formula or manifest, whichever block writes it. */
  @Override
  public String identity(Publication publication) {
    return "package " + publication.string("name", publication.name()) + " in " + publication.string("repository");
  }

  @Override
  public final Provider create(ProviderContext context) {
    return create.apply(context);
  }
}
