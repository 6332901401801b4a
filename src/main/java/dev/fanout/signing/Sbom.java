package dev.fanout.signing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.metadata.ToolInformation;

/**
 * CycloneDX JSON SBOMs (spec 1.6), made with the CycloneDX project's own library. Fanout knows
 * each file it publishes by name, version and digest, not what was compiled into it, so the SBOM
 * describes the file itself; a build that makes a richer SBOM can publish that as an artifact.
 * The same file always gives the same bytes (the serial number derives from its digest, and
 * there is no timestamp), so a plan knows the SBOM's digest before writing it.
 */
public final class Sbom {

  public static final Version SPEC = Version.VERSION_16;
  public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";

  private Sbom() {
  }

  /** The SBOM of a released file, such as a binary or an archive. */
  public static byte[] ofFile(String name, String version, String sha256) {
    return of(Component.Type.FILE, name, version, sha256, null);
  }

  /** The SBOM of a container image, named by its repository and described by its manifest digest. */
  public static byte[] ofImage(String repository, String version, String sha256) {
    return of(Component.Type.CONTAINER, repository, version, sha256,
        "pkg:oci/" + repository.substring(repository.lastIndexOf('/') + 1) + "@sha256%3A" + sha256
            + "?repository_url=" + java.net.URLEncoder.encode(repository, StandardCharsets.UTF_8));
  }

  private static byte[] of(Component.Type type, String name, String version, String sha256, String purl) {
    Component subject = new Component();
    subject.setType(type);
    subject.setName(name);
    subject.setVersion(version);
    subject.setBomRef(name + "@" + version);
    subject.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, sha256)));
    if (purl != null) {
      subject.setPurl(purl);
    }
    Component fanout = new Component();
    fanout.setType(Component.Type.APPLICATION);
    fanout.setName("fanout");
    ToolInformation tools = new ToolInformation();
    tools.setComponents(List.of(fanout));
    Metadata metadata = new Metadata();
    metadata.setComponent(subject);
    metadata.setToolChoice(tools);
    // The library stamps the time of writing; none keeps the same file giving the same bytes.
    metadata.setTimestamp(null);
    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + UUID.nameUUIDFromBytes((name + "\n" + version + "\n" + sha256)
        .getBytes(StandardCharsets.UTF_8)));
    bom.setVersion(1);
    bom.setMetadata(metadata);
    bom.setComponents(List.of());
    try {
      return BomGeneratorFactory.createJson(SPEC, bom).toJsonString().getBytes(StandardCharsets.UTF_8);
    } catch (org.cyclonedx.exception.GeneratorException e) {
      throw new IllegalStateException("the CycloneDX library cannot write an SBOM for " + name, e);
    }
  }
}
