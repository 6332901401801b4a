package dev.fanout.cli;

import dev.fanout.graph.ReleaseGraph;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.BuildStep;
import dev.fanout.model.Config;
import dev.fanout.model.Edge;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.Providers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A GitHub Actions workflow from the release graph: GitHub's scheduler runs the release across
 * runners, and its {@code concurrency} group is the lock between them. Every list is sorted, so
 * the same release gives the same bytes and {@code --check} can compare them.
 */
final class GithubWorkflow {

  /** Runner labels per os when --runner does not say: GitHub's hosted runners. */
  static final Map<String, String> DEFAULT_RUNNERS = Map.of("linux", "ubuntu-latest", "darwin", "macos-latest",
      "windows", "windows-latest", "any", "ubuntu-latest");

  /**
   * @param path the release path, relative to the repository root, as the jobs see it
   * @param action the Fanout action to run, {@code owner/repo@ref}
   * @param runners runner labels by {@code os} or {@code os-arch} (the latter wins)
   */
  record Settings(String path, String action, Map<String, String> runners) {
    Settings {
      runners = Map.copyOf(runners);
    }

    String runner(String os, String arch) {
      String label = runners.get(os + "-" + arch);
      label = label != null ? label : runners.get(os);
      return label != null ? label : DEFAULT_RUNNERS.getOrDefault(os, "ubuntu-latest");
    }
  }

  /**
   * One publish job: the publications one {@code fanout apply --target} run writes.
   *
   * @param needs the other jobs this one waits for, sorted
   */
  record PublishJob(String id, String title, Set<Address> targets, Set<String> needs) {}

  /** One platform of the build matrix. */
  record Platform(String os, String arch, List<String> outputs) {}

  private final Config config;
  private final ReleaseGraph graph;
  private final Providers providers;
  private final Settings settings;

  GithubWorkflow(Config config, ReleaseGraph graph, Providers providers, Settings settings) {
    this.config = config;
    this.graph = graph;
    this.providers = providers;
    this.settings = settings;
  }

  /** The platforms the build steps make artifacts for, from the artifacts each feeds. */
  List<Platform> platforms() {
    Map<String, Platform> out = new TreeMap<>();
    for (BuildStep b : config.builds().values()) {
      Set<String> keys = new TreeSet<>();
      for (Artifact a : config.artifacts().values()) {
        if (b.address().equals(a.builtBy())) {
          keys.add(platformKey(a.os(), a.arch()));
        }
      }
      if (keys.isEmpty()) {
        keys.add(platformKey(null, null));
      }
      for (String key : keys) {
        String[] osArch = key.split("/", 2);
        Platform p = out.get(key);
        List<String> outputs = new ArrayList<>(p == null ? List.of() : p.outputs());
        b.outputs().forEach(o -> outputs.add(repoPath(o)));
        out.put(key, new Platform(osArch[0], osArch[1], outputs.stream().distinct().sorted().toList()));
      }
    }
    return List.copyOf(out.values());
  }

  private static String platformKey(String os, String arch) {
    return (os == null ? "any" : os) + "/" + (arch == null ? "any" : arch);
  }

  private String repoPath(String relative) {
    String base = settings.path().equals(".") ? "" : settings.path().replaceAll("/+$", "") + "/";
    return base + relative;
  }

  /**
   * The publish jobs: the hub (publications others wait for), then one job per further level of
   * the graph, and the package registries that wait for no other publication in a job of their
   * own, so a hub outage cannot hold them.
   */
  List<PublishJob> publishJobs() {
    Map<Address, Integer> depth = new LinkedHashMap<>();
    Set<Address> waitedFor = new TreeSet<>();
    for (Address a : graph.order()) {
      if (graph.kind(a) != ReleaseGraph.Kind.PUBLICATION) {
        continue;
      }
      int d = 0;
      for (Address up : graph.ancestors(a)) {
        if (graph.kind(up) == ReleaseGraph.Kind.PUBLICATION) {
          d = Math.max(d, depth.getOrDefault(up, 0) + 1);
          waitedFor.add(up);
        }
      }
      depth.put(a, d);
    }
    // Sorted as the jobs run: the hub, the package registries, then each level after the hub.
    Map<String, Set<Address>> groups = new TreeMap<>(java.util.Comparator.comparing(
        (String id) -> id.equals("publish-hub") ? 0 : id.equals("publish-packages") ? 1 : 2)
        .thenComparing(String::length).thenComparing(id -> id));
    for (Map.Entry<Address, Integer> e : depth.entrySet()) {
      Address a = e.getKey();
      String id = e.getValue() > 0 ? "publish-after-hub" + (e.getValue() == 1 ? "" : "-" + e.getValue())
          : waitedFor.contains(a) ? "publish-hub" : "publish-packages";
      groups.computeIfAbsent(id, k -> new TreeSet<>()).add(a);
    }
    Map<Address, String> jobOf = new LinkedHashMap<>();
    groups.forEach((id, targets) -> targets.forEach(t -> jobOf.put(t, id)));
    List<PublishJob> jobs = new ArrayList<>();
    boolean builds = !config.builds().isEmpty();
    groups.forEach((id, targets) -> {
      Set<String> needs = new TreeSet<>(List.of("plan"));
      for (Address t : targets) {
        for (Address up : graph.ancestors(t)) {
          if (graph.kind(up) == ReleaseGraph.Kind.BUILD) {
            needs.add("build");
          } else if (graph.kind(up) == ReleaseGraph.Kind.PUBLICATION && !jobOf.get(up).equals(id)) {
            needs.add(jobOf.get(up));
          }
        }
      }
      if (!builds) {
        needs.remove("build");
      }
      String title = switch (id) {
        case "publish-hub" -> "Publish the hub";
        case "publish-packages" -> "Publish the package registries";
        default -> "Publish what waits for the hub" + (id.equals("publish-after-hub") ? "" : " (level "
            + id.substring(id.lastIndexOf('-') + 1) + ")");
      };
      jobs.add(new PublishJob(id, title, targets, needs));
    });
    return jobs;
  }

  /** The environment variables the publications' provider settings read with env(), each from a secret. */
  private static Set<String> secrets(Iterable<Publication> publications) {
    Set<String> names = new TreeSet<>();
    for (Publication p : publications) {
      for (Object v : p.settings().values()) {
        if (v instanceof Secret s && s.source().startsWith("env ")) {
          names.add(s.source().substring(4).trim());
        }
      }
    }
    return names;
  }

  /**
   * The least permissions of a publish job: {@code contents: write} only for a hub (the GitHub
   * release and its assets), {@code packages: write} for GitHub Packages and GHCR, and
   * {@code id-token: write} only for a registry whose provider has no token, that is, trusted publishing.
   */
  Map<String, String> permissions(PublishJob job) {
    Map<String, String> out = new TreeMap<>();
    out.put("contents", "read");
    for (Address a : job.targets()) {
      Publication p = config.publications().get(a);
      var factory = providers.get(p.type());
      if (factory != null && factory.traits().hub()) {
        out.put("contents", "write");
      }
      if (p.type().equals("github_packages") || p.setting("registry", "").contains("ghcr.io")) {
        out.put("packages", "write");
      }
      if (TRUSTED_PUBLISHING.contains(p.type()) && !p.settings().containsKey("token")) {
        out.put("id-token", "write");
      }
    }
    return out;
  }

  /** The registries that take a GitHub Actions OIDC token in place of a stored one. */
  private static final Set<String> TRUSTED_PUBLISHING = Set.of("npm", "pypi", "crates");

  String render() {
    String name = config.release().name();
    Yaml y = new Yaml();
    y.line(0, "# Written by fanout ci github " + settings.path() + "; do not edit: run it again after changing the release,");
    y.line(0, "# and fanout ci github --check in CI to see that this file is current.");
    y.line(0, "name: Release " + Yaml.quote(name));
    y.blank();
    y.line(0, "on:");
    y.line(1, "push:");
    y.line(2, "tags: [\"v*\"]");
    y.line(1, "workflow_dispatch:");
    y.blank();
    y.line(0, "permissions:");
    y.line(1, "contents: read");
    y.blank();
    y.line(0, "# One run per release version: GitHub's queue is the lock between runners.");
    y.line(0, "concurrency:");
    y.line(1, "group: " + Yaml.quote("fanout-" + name + "-${{ github.ref_name }}"));
    y.line(1, "cancel-in-progress: false");
    y.blank();
    y.line(0, "jobs:");
    Set<String> all = secrets(config.publications().values());
    List<Platform> platforms = platforms();
    // The builds run first, and the plan is made with their outputs: the saved plan pins each
    // artifact's digest, and every publish job checks the files it is given against it.
    if (!platforms.isEmpty()) {
      buildJob(y, platforms);
      y.blank();
    }
    planJob(y, all, !platforms.isEmpty());
    for (PublishJob job : publishJobs()) {
      publishJob(y, job, !platforms.isEmpty() && job.needs().contains("build"));
    }
    return y.text();
  }

  private void planJob(Yaml y, Set<String> secrets, boolean builds) {
    y.line(1, "plan:");
    y.line(2, "name: Plan");
    if (builds) {
      y.line(2, "needs: [build]");
    }
    y.line(2, "runs-on: ubuntu-latest");
    y.line(2, "permissions:");
    y.line(3, "contents: read");
    y.line(2, "steps:");
    y.line(3, "- uses: actions/checkout@v4");
    if (builds) {
      downloadBuilds(y);
    }
    actionStep(y, "fanout plan --out", "plan");
    y.line(5, "path: " + Yaml.quote(settings.path()));
    if (builds) {
      y.line(5, "args: \"--artifacts ${{ runner.temp }}/artifacts\"");
    }
    env(y, 4, secrets);
    y.line(3, "- name: Keep the plan for the publish jobs");
    y.line(4, "uses: actions/upload-artifact@v4");
    y.line(4, "with:");
    y.line(5, "name: fanout-plan");
    y.line(5, "path: ${{ runner.temp }}/fanout.plan");
    y.line(5, "if-no-files-found: error");
    y.line(3, "- name: Keep the plan key (apply checks the plan was not changed)");
    y.line(4, "uses: actions/upload-artifact@v4");
    y.line(4, "with:");
    y.line(5, "name: fanout-plan-key");
    y.line(5, "path: " + Yaml.quote(repoPath(".fanout/plan.key")));
    y.line(5, "include-hidden-files: true");
    y.line(5, "if-no-files-found: error");
  }

  private void buildJob(Yaml y, List<Platform> platforms) {
    y.line(1, "build:");
    y.line(2, "name: Build ${{ matrix.os }}-${{ matrix.arch }}");
    y.line(2, "runs-on: ${{ matrix.runner }}");
    y.line(2, "permissions:");
    y.line(3, "contents: read");
    y.line(2, "strategy:");
    y.line(3, "fail-fast: false");
    y.line(3, "matrix:");
    y.line(4, "include:");
    for (Platform p : platforms) {
      y.line(5, "- os: " + p.os());
      y.line(6, "arch: " + p.arch());
      y.line(6, "runner: " + Yaml.quote(settings.runner(p.os(), p.arch())));
      y.line(6, "outputs: " + Yaml.quote(String.join("\n", p.outputs())));
    }
    y.line(2, "steps:");
    y.line(3, "- uses: actions/checkout@v4");
    actionStep(y, "fanout build --only", "build");
    y.line(5, "path: " + Yaml.quote(settings.path()));
    y.line(5, "args: --only os=${{ matrix.os }} --only arch=${{ matrix.arch }}");
    y.line(3, "- name: Keep the outputs for the publish jobs");
    y.line(4, "uses: actions/upload-artifact@v4");
    y.line(4, "with:");
    y.line(5, "name: fanout-build-${{ matrix.os }}-${{ matrix.arch }}");
    y.line(5, "path: ${{ matrix.outputs }}");
    y.line(5, "if-no-files-found: error");
  }

  private void publishJob(Yaml y, PublishJob job, boolean artifacts) {
    List<Publication> pubs = job.targets().stream().map(config.publications()::get).toList();
    y.blank();
    y.line(1, job.id() + ":");
    y.line(2, "name: " + Yaml.quote(job.title()));
    y.line(2, "needs: [" + String.join(", ", job.needs()) + "]");
    y.line(2, "runs-on: ubuntu-latest");
    y.line(2, "environment: release");
    y.line(2, "permissions:");
    permissions(job).forEach((k, v) -> y.line(3, k + ": " + v));
    y.line(2, "steps:");
    y.line(3, "- uses: actions/checkout@v4");
    y.line(3, "- uses: actions/download-artifact@v4");
    y.line(4, "with:");
    y.line(5, "name: fanout-plan");
    y.line(5, "path: ${{ runner.temp }}/plan");
    y.line(3, "- uses: actions/download-artifact@v4");
    y.line(4, "with:");
    y.line(5, "name: fanout-plan-key");
    y.line(5, "path: " + Yaml.quote(repoPath(".fanout")));
    if (artifacts) {
      downloadBuilds(y);
    }
    actionStep(y, "fanout apply --target", "apply");
    y.line(5, "plan: ${{ runner.temp }}/plan/fanout.plan");
    StringBuilder args = new StringBuilder();
    job.targets().forEach(t -> args.append(args.length() == 0 ? "" : " ").append("--target ").append(t));
    if (artifacts) {
      args.append(" --artifacts ${{ runner.temp }}/artifacts");
    }
    y.line(5, "args: " + Yaml.quote(args.toString()));
    env(y, 4, secrets(pubs));
  }

  /** Every build job's outputs, into one folder for {@code --artifacts}. */
  private static void downloadBuilds(Yaml y) {
    y.line(3, "- uses: actions/download-artifact@v4");
    y.line(4, "with:");
    y.line(5, "pattern: fanout-build-*");
    y.line(5, "merge-multiple: true");
    y.line(5, "path: ${{ runner.temp }}/artifacts");
  }

  /** A step of the Fanout action, up to its {@code with:} inputs after {@code command}. */
  private void actionStep(Yaml y, String title, String command) {
    y.line(3, "- name: " + title);
    y.line(4, "uses: " + settings.action());
    y.line(4, "with:");
    y.line(5, "command: " + command);
  }

  private static void env(Yaml y, int indent, Set<String> secrets) {
    if (secrets.isEmpty()) {
      return;
    }
    y.line(indent, "env:");
    for (String s : secrets) {
      y.line(indent + 1, s + ": ${{ secrets." + s + " }}");
    }
  }

  /** Just enough YAML writing: two-space indents, and strings quoted as JSON (a subset of YAML). */
  static final class Yaml {
    private final StringBuilder out = new StringBuilder();

    void line(int indent, String text) {
      out.append("  ".repeat(indent)).append(text).append('\n');
    }

    void blank() {
      out.append('\n');
    }

    String text() {
      return out.toString();
    }

    static String quote(String s) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
      }
      return b.append('"').toString();
    }
  }
}
