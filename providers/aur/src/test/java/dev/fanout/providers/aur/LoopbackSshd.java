package dev.fanout.providers.aur;

import dev.fanout.testing.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's openssh-server on loopback, set up as the AUR's SSH front is: a throwaway host key,
 * public-key logins only, and every login forced through a {@code git-serve} that does what
 * aurweb's {@code aurweb/git/serve.py} does for these commands ({@code help} prints its
 * command list; {@code git-upload-pack}/{@code git-receive-pack '/NAME.git'} serve that
 * package's repository, made on first use) and a pre-receive hook with aurweb's
 * {@code git-update} checks (PKGBUILD and .SRCINFO in every commit) plus a {@code deny} file a
 * test can fill to make the hook refuse with its own message. The login user is the one
 * running the tests (root in CI), so no system account is created.
 */
final class LoopbackSshd implements AutoCloseable {

  final Path dir;
  final int port;
  final String user;
  private final Process sshd;

  private LoopbackSshd(Path dir, int port, String user, Process sshd) {
    this.dir = dir;
    this.port = port;
    this.user = user;
    this.sshd = sshd;
  }

  static LoopbackSshd start(Path dir, String... authorizedPublicKeys) throws Exception {
    Path sshdBin = Files.isExecutable(Path.of("/usr/sbin/sshd")) ? Path.of("/usr/sbin/sshd")
        : Tools.require("sshd", "apt-get install openssh-server (.ci/install.d/ssh.sh)");
    Tools.require("git-shell", "apt-get install git");
    Files.createDirectories(dir.resolve("repos"));
    keygen(dir.resolve("host_ed25519"), "");
    Files.writeString(dir.resolve("authorized_keys"), String.join("\n", authorizedPublicKeys) + "\n");
    Path serve = dir.resolve("git-serve");
    Files.writeString(serve, """
        #!/bin/sh
        # aurweb's git-serve, for the commands the tests use.
        REPOS='%s'
        set -f
        set -- $SSH_ORIGINAL_COMMAND
        case "$1" in
          ""|help)
            cat <<'HELP'
        Commands:
          adopt <name>                   Adopt a package base.
          disown <name>                  Disown a package base.
          help                           Show this help message and exit.
          list-repos                     List all your repositories.
          git-receive-pack               Internal command used with Git.
          git-upload-pack                Internal command used with Git.
        HELP
            exit 0 ;;
          git-upload-pack|git-receive-pack)
            path=$(printf '%%s' "$2" | tr -d "'")
            name=${path#/}; name=${name%%.git}
            case "$name" in *[!a-z0-9@._+-]*|"") echo "error: invalid repository name: $name" >&2; exit 1 ;; esac
            repo="$REPOS/$name.git"
            if [ ! -d "$repo" ]; then
              git init -q --bare -b master "$repo" && cp '%s' "$repo/hooks/pre-receive"
            fi
            exec "$1" "$repo" ;;
          *) echo "error: invalid command: $1" >&2; exit 1 ;;
        esac
        """.formatted(dir.resolve("repos"), dir.resolve("pre-receive")));
    Path hook = dir.resolve("pre-receive");
    Files.writeString(hook, """
        #!/bin/sh
        # aurweb's git-update checks, with its wording.
        if [ -s '%s' ]; then cat '%s' >&2; exit 1; fi
        while read old new ref; do
          [ "$ref" = refs/heads/master ] || { echo "error: pushing to a branch other than master is restricted" >&2; exit 1; }
          for c in $(git rev-list "$new" --not --all); do
            for f in PKGBUILD .SRCINFO; do
              git cat-file -e "$c:$f" 2>/dev/null || { printf 'error: The following error occurred when parsing commit\\nerror: %%s:\\nerror: missing %%s\\n' "$c" "$f" >&2; exit 1; }
            done
          done
        done
        """.formatted(dir.resolve("deny"), dir.resolve("deny")));
    for (Path f : new Path[] {serve, hook}) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String user = System.getProperty("user.name");
    // sshd refuses to start without its privilege separation folder.
    Files.createDirectories(Path.of("/run/sshd"));
    Files.writeString(dir.resolve("sshd_config"), String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_ed25519"),
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        // The key files live in a test's temp folder, not in a home with the modes sshd checks.
        "StrictModes no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "PermitRootLogin prohibit-password",
        "AllowUsers " + user,
        "ForceCommand " + serve,
        "") + "\n");
    Process p = new ProcessBuilder(sshdBin.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > until) {
          p.destroy();
          throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
        }
        Thread.sleep(50);
      }
    }
    return new LoopbackSshd(dir, port, user, p);
  }

  String url() {
    return "ssh://" + user + "@127.0.0.1:" + port;
  }

  /** The known_hosts line for this server's host key. */
  String knownHostsLine() throws IOException {
    String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).trim().split("\\s+");
    return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1];
  }

  /** Makes the next pushes fail in the hook with this message. */
  void deny(String message) throws IOException {
    Files.writeString(dir.resolve("deny"), message);
  }

  /** {@code ssh-keygen -t ed25519}: the private key's text, the public key line at {@code file}.pub. */
  static String keygen(Path file, String passphrase) throws IOException, InterruptedException {
    Tools.Result r = Tools.run(file.getParent(), Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase,
        "-C", "fanout-test", "-f", file.toString());
    if (r.exit() != 0) {
      throw new IllegalStateException("ssh-keygen failed: " + r.output());
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    sshd.destroy();
    try {
      sshd.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
