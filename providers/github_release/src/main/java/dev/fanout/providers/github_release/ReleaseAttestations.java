package dev.fanout.providers.github_release;

import dev.fanout.model.Publication;
import dev.fanout.provider.ProviderContext;
import dev.fanout.providers.github.ReleaseCommit;
import dev.fanout.signing.Dsse;
import dev.fanout.signing.Provenance;
import dev.fanout.signing.Sbom;
import dev.fanout.signing.Signer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a release says about its files besides the files: a CycloneDX SBOM per artifact
 * ({@code NAME.cdx.json}), SLSA provenance per artifact in a signed DSSE envelope
 * ({@code NAME.intoto.jsonl}), and a detached OpenPGP signature ({@code NAME.asc}) of every
 * other file, the checksum file included, as GoReleaser and JReleaser lay them out.
 */
final class ReleaseAttestations {

  static final String SBOM = ".cdx.json";
  static final String PROVENANCE = ".intoto.jsonl";

  private ReleaseAttestations() {
  }

  /** The SBOM of each artifact; one of a file not built yet has no bytes yet. */
  static List<ReleaseFile> sboms(List<ReleaseFile> artifacts, String version) {
    List<ReleaseFile> out = new ArrayList<>();
    for (ReleaseFile a : artifacts) {
      out.add(ReleaseFile.made(a.name() + SBOM, a.sha256() == null ? null : Sbom.ofFile(a.name(), version, a.sha256())));
    }
    return out;
  }

  /** The provenance of each artifact, signed by {@code signer}. */
  static List<ReleaseFile> provenance(List<ReleaseFile> artifacts, Publication p, ProviderContext ctx, Signer signer,
      Map<String, String> env) {
    String repository = "https://github.com/" + p.string("repository");
    ReleaseCommit commit = ReleaseCommit.of(p.string("target_commitish"), ctx.configDir());
    Provenance provenance = Provenance.of(env, repository, commit == null ? null : commit.sha());
    List<ReleaseFile> out = new ArrayList<>();
    for (ReleaseFile a : artifacts) {
      out.add(new ReleaseFile(a.name() + PROVENANCE, null, Optional.empty(), null, null,
          new Envelope(a, provenance, ctx, signer)));
    }
    return out;
  }

  /** A detached signature of each file. */
  static List<ReleaseFile> signatures(List<ReleaseFile> files, Signer signer) {
    List<ReleaseFile> out = new ArrayList<>();
    for (ReleaseFile f : files) {
      out.add(new ReleaseFile(f.name() + signer.extension(), null, Optional.empty(), null, null,
          new Detached(f, signer)));
    }
    return out;
  }

  /** The bytes of a file that is not signed itself: made, or read from the build's output. */
  static byte[] bytes(ReleaseFile f) throws IOException {
    return f.content() != null ? f.content() : Files.readAllBytes(f.file().orElseThrow(
        () -> new IOException(f.name() + " is not built yet")));
  }

  /** A detached signature: it holds when it verifies for the file's bytes here (whose sha256 the release's copy has too). */
  private record Detached(ReleaseFile subject, Signer signer) implements ReleaseFile.Signed {

    @Override
    public String claim() {
      return subject.sha256() == null ? null : "signature by " + signer.keyId() + " of sha256:" + subject.sha256();
    }

    @Override
    public byte[] make() throws IOException {
      return signer.sign(bytes(subject));
    }

    @Override
    public boolean holds(byte[] there) {
      try {
        return signer.verifies(bytes(subject), there);
      } catch (IOException e) {
        return false;
      }
    }
  }

  /**
   * Provenance in a DSSE envelope: it holds when the envelope's signature verifies and its
   * statement names the artifact's sha256. The statement's other fields (the CI run) are not
   * compared, so a drift check from another machine does not call it changed.
   */
  private record Envelope(ReleaseFile subject, Provenance provenance, ProviderContext ctx, Signer signer)
      implements ReleaseFile.Signed {

    @Override
    public String claim() {
      return subject.sha256() == null ? null
          : "provenance signed by " + signer.keyId() + " for sha256:" + subject.sha256();
    }

    @Override
    public byte[] make() throws IOException {
      byte[] statement = provenance.statement(subject.name(), subject.sha256(),
          subject.artifact() == null ? null : ctx.artifacts().buildStep(subject.artifact()));
      return Dsse.envelope(Dsse.IN_TOTO, statement, signer);
    }

    @Override
    public boolean holds(byte[] there) {
      Dsse.Opened opened = Dsse.open(there, signer);
      return opened != null && opened.verified() && Dsse.IN_TOTO.equals(opened.payloadType())
          && Provenance.subjectDigests(opened.payload()).equals(List.of(subject.sha256()));
    }
  }
}
