package dev.fanout.providers.github;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Bare git repositories on disk served over git's smart HTTP (git-http-backend's protocol),
 * stateless: each request carries its whole body. The sandbox's GitHub and AUR serve their
 * repositories through this; what differs between them is the {@link ReceivePack} a push
 * meets (the AUR's checks its pushes with aurweb's hook).
 */
public final class GitSmartHttp {

  private GitSmartHttp() {
  }

  public static boolean exists(Path dir) {
    return Files.isDirectory(dir.resolve("objects"));
  }

  /** Creates a bare repository whose HEAD names {@code branch}; false when it was there. */
  public static boolean create(Path dir, String branch) throws IOException {
    if (exists(dir)) {
      return false;
    }
    Files.createDirectories(dir.getParent());
    try (Repository r = FileRepositoryBuilder.create(dir.toFile())) {
      r.create(true);
      r.updateRef(Constants.HEAD).link(Constants.R_HEADS + branch);
    }
    return true;
  }

  public static Repository open(Path dir) throws IOException {
    return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
  }

  /** The answer to {@code GET info/refs?service=...}; {@code receiver} sets up a push. */
  public static byte[] advertise(Repository r, String service, Function<Repository, ReceivePack> receiver)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PacketLineOut pkt = new PacketLineOut(out);
    pkt.writeString("# service=" + service + "\n");
    pkt.end();
    RefAdvertiser.PacketLineOutRefAdvertiser adv = new RefAdvertiser.PacketLineOutRefAdvertiser(pkt);
    if (service.equals("git-upload-pack")) {
      UploadPack up = new UploadPack(r);
      up.setBiDirectionalPipe(false);
      up.sendAdvertisedRefs(adv);
    } else {
      ReceivePack rp = receiver.apply(r);
      rp.setBiDirectionalPipe(false);
      rp.sendAdvertisedRefs(adv);
    }
    return out.toByteArray();
  }

  /** The answer to {@code POST git-upload-pack} (a fetch or clone). */
  public static byte[] uploadPack(Repository r, byte[] body, String contentEncoding) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = requestBody(body, contentEncoding)) {
      UploadPack up = new UploadPack(r);
      up.setBiDirectionalPipe(false);
      up.upload(in, out, null);
    }
    return out.toByteArray();
  }

  /** The answer to {@code POST git-receive-pack} (a push), received by {@code rp}. */
  public static byte[] receivePack(ReceivePack rp, byte[] body, String contentEncoding) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = requestBody(body, contentEncoding)) {
      rp.setBiDirectionalPipe(false);
      rp.receive(in, out, null);
    }
    return out.toByteArray();
  }

  /** git gzips larger request bodies (the negotiation of a big fetch). */
  private static InputStream requestBody(byte[] body, String contentEncoding) throws IOException {
    InputStream in = new ByteArrayInputStream(body);
    String enc = contentEncoding == null ? "" : contentEncoding.toLowerCase(Locale.ROOT);
    return enc.contains("gzip") ? new GZIPInputStream(in) : in;
  }
}
