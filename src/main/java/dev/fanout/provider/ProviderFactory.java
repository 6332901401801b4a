package dev.fanout.provider;

import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import java.util.Map;
import java.util.function.Function;

/**
 * A registry's provider, found by {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.fanout.provider.ProviderFactory}). Everything about one
 * registry lives in its folder under {@code providers/}: this factory, its {@link Provider},
 * its package generator and its sandbox emulator.
 */
public interface ProviderFactory {

  /** The block type in release files: {@code npm}, {@code github_release}, ... */
  String type();

  /** One line for {@code --help} and docs. */
  String description();

  /** The attributes a publication block of this type accepts. */
  Schema schema();

  /** The {@code provider "NAME"} block that configures it; several types may share one. */
  default String settingsBlock() {
    return type();
  }

  /** The attributes of that provider block (endpoints, credentials). */
  Schema settingsSchema();

  /**
   * The registry's endpoints: setting name to default URL, such as
   * {@code {"registry": "https://registry.npmjs.org"}}. A provider block overrides one by
   * setting the attribute of the same name.
   */
  Map<String, String> endpoints();

  /**
   * For {@code --sandbox}: each endpoint's key in the sandbox's URL map, such as
   * {@code {"registry": "npm"}}.
   */
  Map<String, String> sandboxEndpoints();

  /**
   * The endpoints in effect once the settings are applied: {@code resolved} holds the
   * defaults overridden by endpoint settings of the same name, or the sandbox's URLs. A
   * provider whose endpoints follow from another setting (GitHub Enterprise's {@code host},
   * from which the API, uploads and download URLs all derive) overrides this.
   *
   * @param sandbox whether {@code resolved} points at the sandbox
   */
  default Map<String, String> derivedEndpoints(Map<String, Object> settings, Map<String, String> resolved, boolean sandbox) {
    return resolved;
  }

  /** The setting that holds the credential, such as {@code token}; null when none is needed. */
  default String credentialSetting() {
    return "token";
  }

  /**
   * True when the registry may need no credential at all (a private container registry on a
   * trusted network): an unset {@link #credentialSetting()} is then no error of its own, and the
   * provider's credential check asks the registry whether it lets anonymous clients write.
   */
  default boolean credentialOptional() {
    return false;
  }

  /** What the engine must know to plan and publish to this registry: see {@link Traits}. */
  Traits traits();

  /**
   * Attributes other blocks may reference, computed without the network from the
   * publication, the release and the endpoints in effect (the sandbox's under
   * {@code --sandbox}), such as a GitHub release's asset URLs. Referencing them creates a
   * graph edge.
   */
  default Map<String, Object> exports(Publication publication, ExportContext context) {
    return Map.of();
  }

  /**
   * What {@link #exports} may use.
   *
   * @param endpoints this provider's endpoints as they will be used, by setting name
   */
  record ExportContext(dev.fanout.model.Release release, Function<dev.fanout.model.Address, Artifact> artifacts,
      Map<String, String> endpoints) { }

  /**
   * Mistakes in one evaluated publication block that its schema cannot express, found
   * without the network by {@code fanout validate}, such as a package folder whose manifest
   * names another package. Runs after the schema's constraints have passed.
   *
   * @param releaseDir the folder of the release files, which relative paths are relative to
   */
  default java.util.List<Problem> validate(Publication publication, java.nio.file.Path releaseDir) {
    return java.util.List.of();
  }

  /**
   * {@link #validate(Publication, java.nio.file.Path)} for providers whose checks need the
   * release's version too, such as a PyPI wheel whose metadata must name it.
   *
   * @param release the evaluated release, or null when it is not known
   */
  default java.util.List<Problem> validate(Publication publication, java.nio.file.Path releaseDir,
      dev.fanout.model.Release release) {
    return validate(publication, releaseDir);
  }

  /**
   * What the publication would publish, in the registry's own terms (an npm package name, a
   * crate, an image repository, a tap and formula), or null when the registry has no such
   * notion. Two publications of one type with the same identity would write the same
   * package and version: {@code fanout validate} refuses them, naming both.
   */
  default String identity(Publication publication) {
    return null;
  }

  /**
   * What the publication needs published first, as identities of publications of the same
   * type, found in its own files (an npm folder's {@code workspace:} dependencies). The release
   * must publish each (else {@code fanout validate} fails), and each is an edge of the graph.
   */
  default java.util.List<String> needs(Publication publication, java.nio.file.Path releaseDir) {
    return java.util.List.of();
  }

  Provider create(ProviderContext context);
}
