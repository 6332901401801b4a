package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.providers.npm.NpmCli;
import dev.fanout.testing.DockerRegistry;
import dev.fanout.testing.GitHttpServer;
import dev.fanout.testing.ServerRequest;
import dev.fanout.testing.Tools;
import dev.fanout.testing.Verdaccio;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contextlite example end to end against real servers where real ones run here: npm
 * to Verdaccio, the Docker image to Debian's docker-registry, the AUR package to bare git
 * repositories behind {@code git http-backend}; the other targets to the sandbox
 * ({@code --sandbox-except npm,docker}). Each result is checked with the registry's own
 * client ({@code npm view}, {@code skopeo}); a second apply must write nothing anywhere, and
 * {@code fanout drift} must find the registries in agreement. The AUR package kept on the git
 * server ({@code --sandbox-except npm,docker,aur}) would download from the sandbox's GitHub,
 * so its plan is blocked and the git server gets nothing.
 */
class RealServersDrill {

  private static final String VERSION = "1.0.35";
  private static final String AUR_PASSWORD = "drill-aur-password";

  @TempDir
  Path tmp;

  @Test
  void contextlitePublishedToRealServersReadsBackWithTheirClientsAndARerunWritesNothing() throws Exception {
    Tools.require("skopeo", "apt-get install skopeo");
    Tools.require("git", "apt-get install git");
    try (Verdaccio npm = Verdaccio.start(); DockerRegistry docker = DockerRegistry.start();
        GitHttpServer git = GitHttpServer.start("aur", AUR_PASSWORD)) {
      // given three real servers, a user on Verdaccio and the AUR package's empty repository
      String npmToken = npm.createUser("contextlite", "drill-password-1");
      git.createRepository("contextlite-bin", "master");
      Path example = Drills.example(tmp);
      Path sandbox = tmp.resolve("sandbox");
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PATH", System.getenv("PATH"));
      env.put("HOME", System.getProperty("user.home"));
      env.put("NPM_TOKEN", npmToken);
      env.put("DOCKERHUB_TOKEN", "drill-docker-token");   // docker-registry runs without auth
      env.put("AUR_TOKEN", AUR_PASSWORD);
      List<String> vars = List.of("--var", "npm_registry=" + npm.url(), "--var", "docker_registry=" + docker.url(),
          "--var", "aur_git=" + git.url(), "--var", "aur_rpc=none");
      List<String> common = new ArrayList<>(List.of(example.toString(), "--sandbox=" + sandbox, "--sandbox-except",
          "npm,docker"));
      common.addAll(vars);
      List<String> withAur = new ArrayList<>(List.of(example.toString(), "--sandbox=" + sandbox, "--sandbox-except",
          "npm,docker,aur", "--target", "aur.contextlite"));
      withAur.addAll(vars);
      Path report = tmp.resolve("report.json");
      Map<String, Long> writesAtStart = writes(npm, docker, git, sandbox);   // creating the user is one

      // when applied, checked with the real clients, applied again, and checked for drift
      long started = System.nanoTime();
      Drills.Run first = cli(env, "apply", common, "--auto-approve", "--report", report.toString());
      long firstMs = (System.nanoTime() - started) / 1_000_000;
      NpmCli npmCli = new NpmCli(tmp.resolve("npm-home"), npm.url(), null);
      Tools.Result view = npmCli.run(tmp, "view", "contextlite@" + VERSION, "version");
      String image = "docker://" + docker.hostPort() + "/contextlite/contextlite";
      Tools.Result index = skopeo("inspect", "--raw", "--tls-verify=false", image + ":" + VERSION);
      Tools.Result tags = skopeo("list-tags", "--tls-verify=false", image);
      Drills.Run mixed = cli(env, "plan", withAur);
      Supplier<String> registries = () -> {
        try {
          return npmCli.run(tmp, "view", "contextlite", "time", "dist-tags", "--json").output()
              + skopeo("list-tags", "--tls-verify=false", image).output()
              + skopeo("inspect", "--raw", "--tls-verify=false", image + ":latest").output();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      String before = registries.get();
      Map<String, Long> writesBefore = writes(npm, docker, git, sandbox);

      started = System.nanoTime();
      Drills.Run again = cli(env, "apply", common, "--auto-approve");
      long againMs = (System.nanoTime() - started) / 1_000_000;
      Drills.Run drift = cli(env, "drift", common);
      Map<String, Long> writesAfter = writes(npm, docker, git, sandbox);
      String after = registries.get();

      // then every target is published, each real server holds the release as its client sees it ...
      assertEquals(0, first.code(), first.all());
      assertTrue(first.out().contains("14/14 published or up to date (100%)"), first.out());
      JsonNode nodes = Drills.JSON.readTree(report.toFile()).path("nodes");
      List<String> publications = new ArrayList<>();
      List<String> notPublished = new ArrayList<>();
      nodes.forEach(n -> {
        String address = n.path("address").asText();
        if (!address.matches("^(build|artifact)\\..*")) {
          publications.add(address);
          if (!n.path("status").asText().equals("published")) {
            notPublished.add(address + ": " + n.path("status").asText());
          }
        }
      });
      assertEquals(14, publications.size(), publications.toString());
      assertEquals(List.of(), notPublished);
      assertFalse(first.all().contains(npmToken), "the npm token was printed");
      assertEquals(0, view.exit(), view.output());
      assertEquals(VERSION, lastLine(view.output()), view.output());
      assertEquals(0, index.exit(), index.output());
      assertEquals(List.of("linux/amd64", "linux/arm64"), platforms(index.output()));
      assertEquals(0, tags.exit(), tags.output());
      assertEquals(Set.of(VERSION, "latest"), tagSet(tags.output()));
      // ... an AUR package on the git server that would download from the sandbox is blocked ...
      assertEquals(1, mixed.code(), mixed.all());
      assertTrue(mixed.out().contains("refers to the sandbox") && mixed.out().contains("github_release"), mixed.out());
      // ... the two went to the real servers only, never to the sandbox ...
      Set<String> sandboxRegistries = sandboxRegistries(sandbox);
      assertTrue(sandboxRegistries.stream().noneMatch(r -> r.equals("npm") || r.equals("oci")),
          sandboxRegistries.toString());
      Map<String, Long> firstWrites = new LinkedHashMap<>();
      writesBefore.forEach((server, n) -> firstWrites.put(server, n - writesAtStart.get(server)));
      assertEquals(1, firstWrites.get("verdaccio"), npm.requests().toString());
      assertTrue(firstWrites.get("docker-registry") > 0, docker.requests().toString());
      assertEquals(0, firstWrites.get("git"), git.requests().toString());
      // ... and the second apply writes nothing anywhere, and drift finds nothing
      assertEquals(0, again.code(), again.all());
      assertTrue(again.out().contains("Nothing to publish."), again.out());
      assertEquals(writesBefore, writesAfter);
      assertEquals(before, after);
      assertEquals(0, drift.code(), drift.all());
      assertTrue(drift.out().contains("No drift."), drift.out());

      Map<String, Long> rerunWrites = new LinkedHashMap<>();
      writesAfter.forEach((server, n) -> rerunWrites.put(server, n - writesBefore.get(server)));
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("targets", publications.size());
      figures.put("targets_published", publications.size() - notPublished.size());
      figures.put("on_real_servers", "npm to Verdaccio, docker to docker-registry; aur to git http-backend blocked:"
          + " its downloads are in the sandbox");
      figures.put("writes_on_rerun", sum(rerunWrites));
      figures.put("duplicate_writes", sum(rerunWrites));
      figures.put("drift_exit", drift.code());
      figures.put("first_apply_ms", firstMs);
      figures.put("rerun_ms", againMs);
      List<Map<String, Object>> table = new ArrayList<>();
      table.add(row("npm.contextlite", "Verdaccio", "npm view contextlite@" + VERSION + " version",
          lastLine(view.output()), firstWrites, rerunWrites, "verdaccio"));
      table.add(row("docker.image", "docker-registry", "skopeo inspect --raw; skopeo list-tags",
          platforms(index.output()) + " tags " + tagSet(tags.output()), firstWrites, rerunWrites, "docker-registry"));
      table.add(row("aur.contextlite", "git http-backend", "fanout plan --sandbox-except npm,docker,aur",
          "blocked: its PKGBUILD would download from the sandbox", firstWrites, rerunWrites, "git"));
      figures.put("table", table);
      Drills.saveFigures("real-servers", figures);
    }
  }

  private static Drills.Run cli(Map<String, String> env, String command, List<String> common, String... more) {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.addAll(common);
    args.addAll(List.of(more));
    return Drills.cli(env, args.toArray(String[]::new));
  }

  private Tools.Result skopeo(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "skopeo";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Tools.run(tmp, Map.of("HOME", tmp.toString()), cmd);
  }

  /** Write requests each server received, whatever it answered, and the sandbox's. */
  private static Map<String, Long> writes(Verdaccio npm, DockerRegistry docker, GitHttpServer git, Path sandbox) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("verdaccio", writeRequests(npm.requests()));
    out.put("docker-registry", writeRequests(docker.requests()));
    out.put("git", writeRequests(git.requests()));
    out.put("sandbox", Drills.jsonLines(sandbox.resolve("requests.jsonl")).stream()
        .filter(r -> Boolean.TRUE.equals(r.get("write"))).count());
    return out;
  }

  private static long writeRequests(List<ServerRequest> requests) {
    return requests.stream().filter(ServerRequest::write).count();
  }

  private static Set<String> sandboxRegistries(Path sandbox) {
    Set<String> out = new TreeSet<>();
    Drills.jsonLines(sandbox.resolve("requests.jsonl")).forEach(r -> out.add(String.valueOf(r.get("registry"))));
    return out;
  }

  private static List<String> platforms(String rawIndex) throws Exception {
    List<String> out = new ArrayList<>();
    Drills.JSON.readTree(rawIndex).path("manifests").forEach(m -> out.add(m.path("platform").path("os").asText() + "/"
        + m.path("platform").path("architecture").asText()));
    return out;
  }

  private static Set<String> tagSet(String listTags) throws Exception {
    Set<String> out = new TreeSet<>();
    Drills.JSON.readTree(listTags).path("Tags").forEach(t -> out.add(t.asText()));
    return out;
  }

  private static String lastLine(String output) {
    return output.strip().lines().reduce((a, b) -> b).orElse("");
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<String, Object> row(String target, String server, String client, String seen,
      Map<String, Long> firstWrites, Map<String, Long> rerunWrites, String key) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("target", target);
    row.put("server", server);
    row.put("checked with", client);
    row.put("seen", seen);
    row.put("write requests (first apply)", firstWrites.get(key));
    row.put("write requests (re-run)", rerunWrites.get(key));
    return row;
  }
}
