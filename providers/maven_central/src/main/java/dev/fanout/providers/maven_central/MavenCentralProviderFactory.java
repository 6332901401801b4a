package dev.fanout.providers.maven_central;

import dev.fanout.model.Publication;
import dev.fanout.provider.Problem;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code maven_central "ARTIFACT" {...}}: a signed component on Maven Central through the Central Portal. */
public final class MavenCentralProviderFactory implements ProviderFactory {

  static final String DEFAULT_PORTAL = "https://central.sonatype.com";
  static final String DEFAULT_REPOSITORY = "https://repo1.maven.org";
  /** The key server the credential check asks (HKP); Central itself consults public key servers. */
  static final String DEFAULT_KEYSERVER = "https://keys.openpgp.org";

  @Override
  public String type() {
    return "maven_central";
  }

  @Override
  public String description() {
    return "Maven Central: a signed bundle (pom, jar, sources, javadoc) uploaded to the Central Portal";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("group", Schema.Type.STRING, "the groupId; its namespace must be verified on the portal")
        .required("artifact", Schema.Type.STRING, "the artifactId")
        .required("jar", Schema.Type.ANY, "the built jar: a path, or an artifact reference")
        .optional("sources_jar", Schema.Type.STRING, "path to the sources jar; default a jar holding a README")
        .optional("javadoc_jar", Schema.Type.STRING, "path to the javadoc jar; default a jar holding a README")
        .optional("pom", Schema.Type.STRING, "path to the pom; default one generated from the attributes below")
        .optional("name", Schema.Type.STRING, "the project's name; default the artifact")
        .optional("description", Schema.Type.STRING, "default the release description")
        .optional("url", Schema.Type.STRING, "the project's home page; default the release homepage")
        .optional("license", Schema.Type.STRING, "SPDX id; default the release license")
        .optional("developers", Schema.Type.LIST, "names, or maps with id, name, email, organization, url")
        .optional("scm", Schema.Type.STRING, "the source repository URL; default url")
        .build();
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("portal", Schema.Type.STRING, "the Central Portal; default " + DEFAULT_PORTAL)
        .optional("repository", Schema.Type.STRING, "the repository read for existing versions; default " + DEFAULT_REPOSITORY)
        .optional("keyserver", Schema.Type.STRING, "the key server (HKP) where the signing key must be published; default "
            + DEFAULT_KEYSERVER)
        .optional("username", Schema.Type.STRING, "the portal token's user name")
        .sensitive("token", "the portal token's password (generate it on central.sonatype.com under Account)")
        .sensitive("signing_key", "an armored OpenPGP secret key (gpg --armor --export-secret-keys)")
        .sensitive("signing_password", "the signing key's passphrase")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("portal", DEFAULT_PORTAL, "repository", DEFAULT_REPOSITORY, "keyserver", DEFAULT_KEYSERVER);
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    return Map.of("portal", "maven_central", "repository", "maven_central", "keyserver", "keyserver");
  }

  @Override
  public Traits traits() {
    // The Portal says PUBLISHED minutes, sometimes hours, before repo1 serves the files.
    return Traits.immutable().withVisibility(Duration.ofMinutes(30));
  }

  /**
   * A pom the block names (a module's, from the project's own build) is checked for what
   * Central requires before anything runs, naming the file and each missing element, and for
   * the block's own coordinates.
   */
  @Override
  public List<Problem> validate(Publication publication, Path releaseDir) {
    String pom = publication.string("pom");
    if (pom == null) {
      return List.of();
    }
    Path file = releaseDir.resolve(pom);
    if (!Files.isRegularFile(file)) {
      return List.of(new Problem("pom", "no file " + file));
    }
    List<Problem> out = new ArrayList<>();
    try {
      byte[] bytes = Files.readAllBytes(file);
      List<String> missing = CentralPom.missing(bytes);
      if (!missing.isEmpty()) {
        out.add(new Problem("pom", file + " has no " + String.join(", no ", missing) + ": Maven Central refuses a pom"
            + " without name, description, url, licenses, developers and scm (https://central.sonatype.org/publish/requirements/),"
            + " and it checks the pom as uploaded: add them to this pom (for a module that inherits them from its parent, the"
            + " flatten-maven-plugin writes them into the module's pom)"));
      }
      String coordinates = CentralPom.coordinates(bytes);
      String block = publication.string("group") + ":" + publication.string("artifact");
      if (publication.string("group") != null && !coordinates.equals(block)) {
        out.add(new Problem("pom", file + " is the pom of " + coordinates + ", but the block publishes " + block));
      }
    } catch (IOException e) {
      out.add(new Problem("pom", file + ": " + e.getMessage()));
    }
    return out;
  }

  @Override
  public String identity(Publication publication) {
    return "artifact " + publication.string("group") + ":" + publication.string("artifact");
  }

  @Override
  public Provider create(ProviderContext context) {
    return new MavenCentralProvider(context);
  }
}
