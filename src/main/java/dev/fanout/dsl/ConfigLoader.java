package dev.fanout.dsl;

import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.BuildStep;
import dev.fanout.model.Config;
import dev.fanout.model.Edge;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.model.Unknown;
import dev.fanout.provider.Digests;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import dev.fanout.provider.Schema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.traverse.TopologicalOrderIterator;

/**
 * Release files to a {@link Config}: reads every {@code *.fanout} file of a folder as one
 * configuration, checks blocks against the built-in and provider schemas, orders the blocks
 * by their references (reporting cycles with their whole path), evaluates them, and records
 * every dependency between instances with where it comes from.
 *
 * <p>It reports every problem it can find in one run; the {@link Config} is null when any
 * of them is an error.
 */
public final class ConfigLoader {

  /** The result: the configuration (null on errors), the diagnostics, and the file texts for showing them. */
  public record Result(Config config, List<Diagnostic> diagnostics, Map<String, String> sources) {
    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
  }

  /** Blocks every release file may hold besides publications. */
  static final List<String> CORE_BLOCKS = List.of("release", "variable", "locals", "build", "artifact", "provider");

  /** Attributes every publication block accepts besides its provider's. */
  static final List<String> META = List.of("for_each", "depends_on", "enabled");

  private static final Schema RELEASE = Schema.builder()
      .required("version", Schema.Type.STRING, "the version every target publishes")
      .optional("description", Schema.Type.STRING, "one line about the project")
      .optional("homepage", Schema.Type.STRING, "the project's web page")
      .optional("license", Schema.Type.STRING, "an SPDX license identifier")
      .optional("authors", Schema.Type.LIST, "who makes it")
      .optional("repository", Schema.Type.STRING, "the source repository, owner/name")
      .optional("keywords", Schema.Type.LIST, "search words for registries that take them")
      .build();
  private static final Schema VARIABLE = Schema.builder()
      .optional("type", Schema.Type.ANY, "string, number, bool, list(T), map(T), object({...}) or any")
      .optional("default", Schema.Type.ANY, "the value when none is given")
      .optional("description", Schema.Type.STRING, "what it is for")
      .optional("sensitive", Schema.Type.BOOL, "hide the value in output")
      .build();
  private static final Schema BUILD = Schema.builder()
      .required("command", Schema.Type.LIST, "the program and its arguments")
      .optional("output", Schema.Type.STRING, "the file it makes")
      .optional("outputs", Schema.Type.LIST, "the files it makes")
      .optional("env", Schema.Type.MAP, "environment variables for the command")
      .optional("workdir", Schema.Type.STRING, "where it runs, relative to the release file")
      .optional("shell", Schema.Type.BOOL, "run the command through sh -c (off: no injection)")
      .optional("for_each", Schema.Type.ANY, "one build per element")
      .optional("depends_on", Schema.Type.LIST, "explicit dependencies")
      .build();
  private static final Schema ARTIFACT = Schema.builder()
      .required("sources", Schema.Type.LIST, "where the file comes from, in order of preference")
      .optional("name", Schema.Type.STRING, "the file name it is published under")
      .optional("os", Schema.Type.STRING, "linux, darwin, windows, ...")
      .optional("arch", Schema.Type.STRING, "amd64, arm64, ...")
      .optional("for_each", Schema.Type.ANY, "one artifact per element")
      .optional("depends_on", Schema.Type.LIST, "explicit dependencies")
      .build();

  private final Providers providers;
  private final Map<String, String> vars;
  private final Map<String, String> env;
  private final java.util.function.Function<Path, String> gitTag;
  private Map<String, String> sandboxUrls;
  private Set<String> realTypes = Set.of();

  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final Map<String, String> sources = new LinkedHashMap<>();

  /**
   * @param vars values from {@code --var name=value}
   * @param env the environment: {@code env()} reads it, and {@code FANOUT_VAR_name} sets variables
   */
  public ConfigLoader(Providers providers, Map<String, String> vars, Map<String, String> env,
      java.util.function.Function<Path, String> gitTag) {
    this.providers = providers;
    this.vars = Map.copyOf(vars);
    this.env = Map.copyOf(env);
    this.gitTag = gitTag;
  }

  /** Under {@code --sandbox}: the sandbox's URLs, so exported URLs point at it. */
  public ConfigLoader withSandbox(Map<String, String> urls) {
    return withSandbox(urls, Set.of());
  }

  /** Under {@code --sandbox} with {@code --sandbox-except}: these publication types export their real URLs. */
  public ConfigLoader withSandbox(Map<String, String> urls, Set<String> realTypes) {
    this.sandboxUrls = urls == null ? null : Map.copyOf(urls);
    this.realTypes = Set.copyOf(realTypes);
    return this;
  }

  /** Loads a release file, or every {@code *.fanout} file of a folder. */
  public Result load(Path path) {
    List<Path> files = files(path);
    if (files.isEmpty()) {
      return new Result(null, diagnostics, sources);
    }
    Path dir = (Files.isDirectory(path) ? path : path.toAbsolutePath().getParent()).toAbsolutePath().normalize();
    List<Ast.File> parsed = new ArrayList<>();
    for (Path f : files) {
      String name = display(f);
      String text = read(f, name);
      if (text == null) {
        continue;
      }
      sources.put(name, text);
      Syntax.Result r;
      try {
        r = Syntax.parse(name, text);
      } catch (StackOverflowError tooDeep) {
        // Found by the fuzz drill: brackets nested some hundreds deep overflow the parser's stack.
        diagnostics.add(Diagnostic.error("Nesting too deep", "Brackets, calls or blocks in " + name
            + " nest deeper than Fanout can read; flatten the expression.", SourceRange.at(name, 1, 1)));
        continue;
      }
      diagnostics.addAll(r.diagnostics());
      parsed.add(r.file());
    }
    if (parsed.stream().allMatch(f -> f.blocks().isEmpty() && f.attributes().isEmpty()) && !hasErrors()) {
      diagnostics.add(Diagnostic.error("No release block", "A release file needs at least a release block:\n"
          + "  release \"name\" {\n    version = \"1.0.0\"\n  }", SourceRange.at(display(files.get(0)), 1, 1)));
    }
    if (hasErrors()) {
      // The trees of files with syntax errors are partial: checking them would only echo the errors.
      return new Result(null, List.copyOf(diagnostics), sources);
    }
    Config config;
    try {
      config = new Resolver(dir, files, parsed).resolve();
    } catch (StackOverflowError e) {
      // Syntax limits the nesting; this is the last guard so that no input ends in a crash.
      diagnostics.add(Diagnostic.error("Too deeply nested to evaluate",
          "Split the deepest expressions into locals.", SourceRange.at(display(files.get(0)), 1, 1)));
      config = null;
    }
    return new Result(hasErrors() ? null : config, List.copyOf(diagnostics), sources);
  }

  private boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }

  private List<Path> files(Path path) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      diagnostics.add(Diagnostic.error("No such file or folder: " + path,
          "Give a release file (name.fanout) or a folder holding *.fanout files.", null));
      return List.of();
    }
    try (Stream<Path> s = Files.list(path)) {
      List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(".fanout") && Files.isRegularFile(p))
          .sorted().toList();
      if (found.isEmpty()) {
        diagnostics.add(Diagnostic.error("No release files in " + path,
            "The folder has no *.fanout file. Create one, such as release.fanout.", null));
      }
      return found;
    } catch (IOException e) {
      diagnostics.add(Diagnostic.error("Cannot read folder " + path, e.getMessage(), null));
      return List.of();
    }
  }

  private String read(Path f, String name) {
    try {
      byte[] bytes = Files.readAllBytes(f);
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      diagnostics.add(Diagnostic.error("Not UTF-8 text",
          "Release files must be UTF-8; this one holds bytes that are not (binary data or another encoding).",
          SourceRange.at(name, 1, 1)));
      return null;
    } catch (IOException e) {
      diagnostics.add(Diagnostic.error("Cannot read " + name, e.getMessage(), null));
      return null;
    }
  }

  private static String display(Path f) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = f.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  /** One declared block with its kind: the unit of ordering. */
  private record Entity(String key, String kind, Ast.Block block, Ast.Attribute local) {
    SourceRange range() {
      return block != null ? block.range() : local.range();
    }
  }

  /** A reference found by looking at the text: {@code npm.contextlite} in {@code npm.contextlite.version}. */
  private record StaticRef(String entity, SourceRange range, String text) { }

  private final class Resolver {
    private final Path dir;
    private final List<Path> files;
    private final List<Ast.File> parsed;
    private final Map<String, Entity> entities = new LinkedHashMap<>();
    private final Map<String, Object> variables = new LinkedHashMap<>();
    private final Map<String, Object> locals = new LinkedHashMap<>();
    private final Map<String, Object> releaseValue = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> blocksByType = new TreeMap<>();
    private final Functions functions;
    private Release release;
    private final Map<Address, BuildStep> builds = new LinkedHashMap<>();
    private final Map<Address, Artifact> artifacts = new LinkedHashMap<>();
    private final Map<Address, Publication> publications = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> settings = new TreeMap<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Set<Address> disabled = new TreeSet<>();

    Resolver(Path dir, List<Path> files, List<Ast.File> parsed) {
      this.dir = dir;
      this.files = files;
      this.parsed = parsed;
      this.functions = new Functions(new Functions.World(dir, env, gitTag));
    }

    Config resolve() {
      collect();
      variables();
      List<Entity> order = order();
      for (Entity e : order) {
        evaluate(e);
      }
      if (release == null && entities.values().stream().noneMatch(e -> e.kind().equals("release"))
          && !parsed.isEmpty() && !hasErrors()) {
        diagnostics.add(Diagnostic.error("No release block",
            "Every configuration needs one release block with the version:\n  release \"name\" {\n    version = \"1.0.0\"\n  }",
            SourceRange.at(parsed.get(0).name(), 1, 1)));
      }
      if (hasErrors() || release == null) {
        return null;
      }
      edges.removeIf(e -> {
        if (disabled.contains(e.to()) && !disabled.contains(e.from())) {
          diagnostics.add(Diagnostic.warning(e.from() + " depends on " + e.to() + ", which is disabled",
              "The dependency is ignored while enabled = false.", null));
          return true;
        }
        return disabled.contains(e.from()) || disabled.contains(e.to());
      });
      return new Config(dir, files, release, builds, artifacts, publications, dedupe(edges), hash());
    }

    private List<Edge> dedupe(List<Edge> all) {
      Map<String, Edge> unique = new LinkedHashMap<>();
      for (Edge e : all) {
        if (!e.from().equals(e.to())) {
          unique.putIfAbsent(e.from() + "->" + e.to(), e);
        }
      }
      return new ArrayList<>(unique.values());
    }

    // ---- collecting and checking blocks

    private void collect() {
      Set<String> types = new TreeSet<>(CORE_BLOCKS);
      types.addAll(providers.all().keySet());
      for (Ast.File file : parsed) {
        for (Ast.Attribute a : file.attributes()) {
          diagnostics.add(Diagnostic.error("Attribute outside a block",
              "\"" + a.name() + "\" must be inside a block, such as release \"name\" { ... }.", a.nameRange()));
        }
        for (Ast.Block b : file.blocks()) {
          collect(b, types);
        }
      }
    }

    private void collect(Ast.Block b, Set<String> types) {
      String type = b.type();
      if (!types.contains(type)) {
        String hint = Names.didYouMean(type, types);
        diagnostics.add(Diagnostic.error("Unknown block type \"" + type + "\"",
            (hint.isEmpty() ? "Blocks are release, variable, locals, build, artifact, provider, or a publication: "
                + String.join(", ", providers.all().keySet()) + "." : hint.trim()), b.typeRange()));
        return;
      }
      for (Ast.Block nested : b.blocks()) {
        diagnostics.add(Diagnostic.error("Unexpected block \"" + nested.type() + "\" inside " + type,
            "Blocks do not nest here; use an attribute: " + nested.type() + " = { ... }.", nested.typeRange()));
      }
      duplicateAttributes(b);
      if (type.equals("locals")) {
        if (!b.labels().isEmpty()) {
          diagnostics.add(Diagnostic.error("locals takes no name", "Write: locals { name = value }.", b.typeRange()));
        }
        for (Ast.Attribute a : b.attributes()) {
          add(new Entity("local." + a.name(), "local", null, a), a.range(), "local value \"" + a.name() + "\"");
        }
        return;
      }
      if (b.labels().size() != 1) {
        diagnostics.add(Diagnostic.error(
            (b.labels().isEmpty() ? "Missing name for " : "Too many names for ") + type + " block",
            "Write: " + type + " \"name\" { ... }.", b.typeRange()));
        return;
      }
      String name = b.label(0);
      if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
        diagnostics.add(Diagnostic.error("Invalid name \"" + name + "\"",
            "Names start with a letter or '_' and hold letters, digits, '_' and '-'.", b.typeRange()));
        return;
      }
      String key = switch (type) {
        case "release" -> "release";
        case "variable" -> "var." + name;
        case "provider" -> "provider." + name;
        default -> type + "." + name;
      };
      if (type.equals("release") && entities.containsKey("release")) {
        diagnostics.add(Diagnostic.error("More than one release block",
            "A configuration describes one release; the first is at " + entities.get("release").range() + ".",
            b.typeRange()));
        return;
      }
      if (type.equals("provider") && !providers.settingsBlocks().contains(name)) {
        diagnostics.add(Diagnostic.error("Unknown provider \"" + name + "\"",
            "Provider blocks are: " + String.join(", ", providers.settingsBlocks()) + "."
            + Names.didYouMean(name, providers.settingsBlocks()), b.range()));
        return;
      }
      add(new Entity(key, type, b, null), b.range(), type + " \"" + name + "\"");
      checkAttributes(b, schemaOf(type, name), type);
    }

    private void add(Entity e, SourceRange range, String what) {
      Entity previous = entities.putIfAbsent(e.key(), e);
      if (previous != null) {
        diagnostics.add(Diagnostic.error("Duplicate " + what,
            "It is already declared at " + previous.range() + "; names must be unique per block type.", range));
      }
    }

    private void duplicateAttributes(Ast.Block b) {
      Map<String, Ast.Attribute> seen = new LinkedHashMap<>();
      for (Ast.Attribute a : b.attributes()) {
        Ast.Attribute first = seen.putIfAbsent(a.name(), a);
        if (first != null) {
          diagnostics.add(Diagnostic.error("Duplicate attribute \"" + a.name() + "\"",
              "It is already set at line " + first.range().line() + " of this block.", a.nameRange()));
        }
      }
    }

    private Schema schemaOf(String type, String name) {
      return switch (type) {
        case "release" -> RELEASE;
        case "variable" -> VARIABLE;
        case "build" -> BUILD;
        case "artifact" -> ARTIFACT;
        case "provider" -> providers.all().values().stream().filter(f -> f.settingsBlock().equals(name))
            .map(ProviderFactory::settingsSchema).reduce(ConfigLoader::union).orElse(Schema.builder().build());
        default -> providers.get(type).schema();
      };
    }

    private void checkAttributes(Ast.Block b, Schema schema, String type) {
      boolean publication = providers.get(type) != null;
      Set<String> allowed = new LinkedHashSet<>(schema.names());
      if (publication) {
        allowed.addAll(META);
      }
      for (Ast.Attribute a : b.attributes()) {
        if (!allowed.contains(a.name())) {
          String hint = Names.didYouMean(a.name(), allowed);
          diagnostics.add(Diagnostic.error("Unknown attribute \"" + a.name() + "\" in " + type + " \"" + b.label(0) + "\"",
              (hint.isEmpty() ? "" : hint.trim() + " ") + "Known attributes: " + String.join(", ", allowed) + ".",
              a.nameRange()));
        }
      }
      for (Schema.Attribute s : schema.attributes().values()) {
        if (s.required() && b.attribute(s.name()) == null) {
          diagnostics.add(Diagnostic.error("Missing required attribute \"" + s.name() + "\"",
              type + " \"" + b.label(0) + "\" needs " + s.name() + ": " + s.description() + ".", b.typeRange()));
        }
      }
      for (List<String> group : schema.exactlyOne()) {
        List<String> set = group.stream().filter(n -> b.attribute(n) != null).toList();
        if (set.size() != 1) {
          diagnostics.add(Diagnostic.error("Set exactly one of " + String.join(" or ", group.stream()
                  .map(n -> "\"" + n + "\"").toList()),
              type + " \"" + b.label(0) + "\" sets " + (set.isEmpty() ? "none of them" : String.join(" and ", set))
                  + ". " + String.join("; ", group.stream().map(n -> n + ": " + schema.attributes().get(n).description())
                  .toList()) + ".", b.typeRange()));
        }
      }
    }

    // ---- variables

    private void variables() {
      Set<String> declared = new TreeSet<>();
      for (Entity e : entities.values()) {
        if (!e.kind().equals("variable")) {
          continue;
        }
        String name = e.block().label(0);
        declared.add(name);
        int before = diagnostics.size();
        Ast.Attribute typeAttr = e.block().attribute("type");
        VarType type = typeAttr == null ? VarType.ANY : VarType.of(typeAttr.value(), diagnostics);
        Object value;
        String given = vars.containsKey(name) ? vars.get(name) : env.get("FANOUT_VAR_" + name);
        boolean sensitive = isTrue(e.block().attribute("sensitive"));
        if (given != null) {
          value = type.parse(given, name, e.block().range(), diagnostics);
        } else if (e.block().attribute("default") != null) {
          value = constant(e.block().attribute("default"));
          if (value != null && !type.accepts(value)) {
            diagnostics.add(Diagnostic.error("Default of variable \"" + name + "\" is not " + type.describe(),
                "It is " + Evaluator.typeName(value) + ".", e.block().attribute("default").value().range()));
          }
        } else {
          diagnostics.add(Diagnostic.error("No value for variable \"" + name + "\"",
              "Set it with --var " + name + "=VALUE or the environment variable FANOUT_VAR_" + name
              + ", or give it a default.", e.block().typeRange()));
          value = null;
        }
        if (diagnostics.size() > before) {
          value = Evaluator.Failed.VALUE;
        }
        variables.put(name, sensitive && value != null && value != Evaluator.Failed.VALUE
            ? new Secret("variable " + name, Evaluator.text(value)) : value);
      }
      for (String given : vars.keySet()) {
        if (!declared.contains(given)) {
          diagnostics.add(Diagnostic.error("--var " + given + " names no variable",
              "Declared variables: " + (declared.isEmpty() ? "none" : String.join(", ", declared)) + "."
              + Names.didYouMean(given, declared), null));
        }
      }
    }

    private boolean isTrue(Ast.Attribute a) {
      return a != null && a.value() instanceof Ast.Literal l && Boolean.TRUE.equals(l.value());
    }

    private Object constant(Ast.Attribute a) {
      try {
        return new Evaluator(functions).evaluate(a.value(), new Evaluator.Scope(Map.of(), null));
      } catch (EvalException e) {
        diagnostics.add(Diagnostic.error("A default must be a constant value", e.diagnostic().summary() + ". "
            + "Defaults cannot refer to other blocks or variables.", a.value().range()));
        return null;
      }
    }

    // ---- ordering

    private List<Entity> order() {
      Graph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
      Map<String, Map<String, StaticRef>> why = new LinkedHashMap<>();
      for (Entity e : entities.values()) {
        if (!e.kind().equals("variable")) {
          graph.addVertex(e.key());
        }
      }
      for (Entity e : entities.values()) {
        if (e.kind().equals("variable")) {
          continue;
        }
        for (StaticRef ref : staticRefs(e)) {
          if (ref.entity().startsWith("var.")) {
            continue;
          }
          if (!graph.containsVertex(ref.entity())) {
            continue;
          }
          // Edge from the dependency to the dependent, so topological order evaluates it first.
          graph.addEdge(ref.entity(), e.key());
          why.computeIfAbsent(e.key(), k -> new LinkedHashMap<>()).putIfAbsent(ref.entity(), ref);
        }
        String settingsBlock = providers.get(e.kind()) == null ? null : "provider." + providers.get(e.kind()).settingsBlock();
        if (settingsBlock != null && graph.containsVertex(settingsBlock)) {
          graph.addEdge(settingsBlock, e.key());
        }
      }
      Set<String> inCycles = reportCycles(graph, why);
      graph.removeAllVertices(inCycles);
      List<Entity> order = new ArrayList<>();
      TopologicalOrderIterator<String, DefaultEdge> it = new TopologicalOrderIterator<>(graph,
          java.util.Comparator.comparing((String k) -> kindRank(entities.get(k))).thenComparing(k -> k));
      it.forEachRemaining(k -> order.add(entities.get(k)));
      return order;
    }

    private int kindRank(Entity e) {
      return switch (e.kind()) {
        case "local" -> 0;
        case "release" -> 1;
        case "provider" -> 2;
        case "build" -> 3;
        case "artifact" -> 4;
        default -> 5;
      };
    }

    private Set<String> reportCycles(Graph<String, DefaultEdge> graph, Map<String, Map<String, StaticRef>> why) {
      Set<String> members = new TreeSet<>();
      for (Set<String> scc : new KosarajuStrongConnectivityInspector<>(graph).stronglyConnectedSets()) {
        boolean selfLoop = scc.size() == 1 && graph.containsEdge(scc.iterator().next(), scc.iterator().next());
        if (scc.size() < 2 && !selfLoop) {
          continue;
        }
        members.addAll(scc);
        if (selfLoop) {
          String self = scc.iterator().next();
          StaticRef ref = why.getOrDefault(self, Map.of()).get(self);
          Entity entity = entities.get(self);
          diagnostics.add(Diagnostic.error("Self-reference: " + self + " refers to itself",
              self + " uses " + (ref == null ? "itself" : ref.text()) + (ref == null ? "" : " at " + ref.range())
              + ", so it would need its own value before it has one. Remove the reference.",
              entity == null ? null : entity.range()));
          continue;
        }
        List<String> path = cyclePath(graph, new TreeSet<>(scc));
        StringBuilder detail = new StringBuilder("The blocks refer to each other in a circle, so none can go first:\n  ");
        detail.append(String.join(" -> ", path));
        for (int i = 0; i + 1 < path.size(); i++) {
          StaticRef ref = why.getOrDefault(path.get(i), Map.of()).get(path.get(i + 1));
          if (ref != null) {
            detail.append("\n  ").append(path.get(i)).append(" refers to ").append(ref.text())
                .append(" at ").append(ref.range());
          }
        }
        detail.append("\nRemove one of these references or depends_on entries.");
        Entity first = entities.get(path.get(0));
        diagnostics.add(Diagnostic.error("Dependency cycle: " + String.join(" -> ", path), detail.toString(),
            first == null ? null : first.range()));
      }
      return members;
    }

    /** One cycle through the component, as dependent -> dependency -> ... -> the first again. */
    private List<String> cyclePath(Graph<String, DefaultEdge> graph, TreeSet<String> scc) {
      String start = scc.first();
      Map<String, String> parent = new LinkedHashMap<>();
      java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
      queue.add(start);
      parent.put(start, null);
      // Walk dependent -> dependency, the reverse of the graph's edges, breadth first.
      while (!queue.isEmpty()) {
        String at = queue.poll();
        List<String> next = graph.incomingEdgesOf(at).stream().map(graph::getEdgeSource)
            .filter(scc::contains).sorted().toList();
        for (String n : next) {
          if (n.equals(start)) {
            List<String> path = new ArrayList<>();
            for (String s = at; s != null; s = parent.get(s)) {
              path.add(0, s);
            }
            path.add(start);
            return path;
          }
          if (!parent.containsKey(n)) {
            parent.put(n, at);
            queue.add(n);
          }
        }
      }
      return List.of(start, start);
    }

    private List<StaticRef> staticRefs(Entity e) {
      List<StaticRef> out = new ArrayList<>();
      List<Ast.Attribute> attrs = e.block() != null ? e.block().attributes() : List.of(e.local());
      for (Ast.Attribute a : attrs) {
        collectRefs(a.value(), out, a.name().equals("depends_on"));
      }
      return out;
    }

    private void collectRefs(Ast.Expr expr, List<StaticRef> out, boolean dependsOn) {
      if (expr == null) {
        return;
      }
      String ref = refKey(expr);
      if (ref != null) {
        out.add(new StaticRef(ref, expr.range(), text(expr)));
      }
      if (expr instanceof Ast.Template t) {
        t.parts().forEach(p -> {
          if (p instanceof Ast.Expr x) {
            collectRefs(x, out, false);
          }
        });
      } else if (expr instanceof Ast.ListExpr l) {
        l.items().forEach(x -> collectRefs(x, out, dependsOn));
      } else if (expr instanceof Ast.MapExpr m) {
        m.keys().forEach(x -> collectRefs(x, out, false));
        m.values().forEach(x -> collectRefs(x, out, false));
      } else if (expr instanceof Ast.ForExpr f) {
        Stream.of(f.collection(), f.key(), f.value(), f.condition()).forEach(x -> collectRefs(x, out, false));
      } else if (expr instanceof Ast.Call c) {
        c.args().forEach(x -> collectRefs(x, out, false));
      } else if (expr instanceof Ast.GetAttr g && ref == null) {
        collectRefs(g.target(), out, false);
      } else if (expr instanceof Ast.Index i) {
        if (ref == null) {
          collectRefs(i.target(), out, false);
        }
        collectRefs(i.key(), out, false);
      } else if (expr instanceof Ast.Splat s) {
        collectRefs(s.target(), out, false);
      } else if (expr instanceof Ast.Unary u) {
        collectRefs(u.operand(), out, false);
      } else if (expr instanceof Ast.Binary b) {
        collectRefs(b.left(), out, false);
        collectRefs(b.right(), out, false);
      } else if (expr instanceof Ast.Conditional c) {
        Stream.of(c.condition(), c.then(), c.otherwise()).forEach(x -> collectRefs(x, out, false));
      }
    }

    /** The entity a traversal such as {@code npm.main.version} starts with, or null. */
    private String refKey(Ast.Expr expr) {
      if (expr instanceof Ast.Variable v && v.name().equals("release")) {
        return "release";
      }
      if (!(expr instanceof Ast.GetAttr g) || !(g.target() instanceof Ast.Variable root)) {
        return null;
      }
      return switch (root.name()) {
        case "var" -> "var." + g.name();
        case "local" -> "local." + g.name();
        case "release" -> "release";
        case "build", "artifact" -> root.name() + "." + g.name();
        default -> providers.get(root.name()) != null ? root.name() + "." + g.name() : null;
      };
    }

    private String text(Ast.Expr e) {
      if (e instanceof Ast.Variable v) {
        return v.name();
      } else if (e instanceof Ast.GetAttr g) {
        return text(g.target()) + "." + g.name();
      }
      return "an expression";
    }

    // ---- evaluation

    private Evaluator.Scope scope() {
      Map<String, Object> roots = new LinkedHashMap<>();
      roots.put("var", variables);
      roots.put("local", locals);
      roots.put("release", releaseValue);
      roots.put("build", blocksByType.computeIfAbsent("build", k -> new TreeMap<>()));
      roots.put("artifact", blocksByType.computeIfAbsent("artifact", k -> new TreeMap<>()));
      for (String type : providers.all().keySet()) {
        roots.put(type, blocksByType.computeIfAbsent(type, k -> new TreeMap<>()));
      }
      return new Evaluator.Scope(roots, null);
    }

    private void evaluate(Entity e) {
      if (checkRefsDeclared(e)) {
        evaluateChecked(e);
      }
      // What failed stays visible as failed, so its users stay silent instead of adding
      // "unknown attribute" errors for a block that does exist.
      switch (e.kind()) {
        case "local" -> locals.putIfAbsent(e.local().name(), Evaluator.Failed.VALUE);
        case "release" -> {
          if (release == null) {
            releaseValue.putIfAbsent("name", e.block().label(0));
            e.block().attributes().forEach(a -> releaseValue.putIfAbsent(a.name(), Evaluator.Failed.VALUE));
            RELEASE.names().forEach(n -> releaseValue.putIfAbsent(n, Evaluator.Failed.VALUE));
          }
        }
        case "provider", "variable" -> { }
        default -> {
          Address whole = new Address(e.kind(), e.block().label(0), null);
          if (!disabled.contains(whole)) {
            blocksByType.computeIfAbsent(e.kind(), k -> new TreeMap<>()).putIfAbsent(e.block().label(0), Evaluator.Failed.VALUE);
          }
        }
      }
    }

    private void evaluateChecked(Entity e) {
      switch (e.kind()) {
        case "local" -> {
          Evaluator ev = new Evaluator(functions);
          Object v = eval(ev, e.local().value(), scope());
          locals.put(e.local().name(), v == null ? null : v);
        }
        case "release" -> evaluateRelease(e.block());
        case "provider" -> evaluateProvider(e.block());
        default -> evaluateInstances(e);
      }
    }

    /** Reports references to blocks that are not declared, with a suggestion. */
    private boolean checkRefsDeclared(Entity e) {
      boolean ok = true;
      for (StaticRef ref : staticRefs(e)) {
        if (entities.containsKey(ref.entity())) {
          continue;
        }
        if (ref.entity().indexOf('.') < 0) {
          // Found by the fuzz drill ("$[each.os}" in a string): a reference without a dot
          // crashed the message below; it names no block, so say that.
          diagnostics.add(Diagnostic.error("Unknown reference \"" + ref.text() + "\"",
              "A reference names a block as type.name, such as var.version or artifact.binary.", ref.range()));
          ok = false;
          continue;
        }
        String prefix = ref.entity().substring(0, ref.entity().indexOf('.') + 1);
        if (prefix.isEmpty()) {
          // Only "release" has no dot: the release block itself is missing (reported on its own).
          if (entities.values().stream().noneMatch(x -> x.kind().equals("release"))) {
            diagnostics.add(Diagnostic.error("Reference to the release, but there is no release block",
                "Declare it: release \"name\" { version = \"1.0.0\" }.", ref.range()));
          }
          ok = false;
          continue;
        }
        if (ref.entity().startsWith("var.")) {
          Set<String> names = variables.keySet();
          String wanted = ref.entity().substring(4);
          diagnostics.add(Diagnostic.error("Undeclared variable \"" + wanted + "\"",
              "Declare it with variable \"" + wanted + "\" { ... }." + Names.didYouMean(wanted, names), ref.range()));
        } else {
          List<String> sameType = entities.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
          String kind = prefix.substring(0, prefix.length() - 1);
          diagnostics.add(Diagnostic.error("Reference to undeclared " + kind + " \"" + ref.entity().substring(prefix.length()) + "\"",
              (sameType.isEmpty() ? "No " + kind + " block is declared." : "Declared: " + String.join(", ", sameType) + ".")
              + Names.didYouMean(ref.entity(), sameType), ref.range()));
        }
        ok = false;
      }
      return ok;
    }

    private Object eval(Evaluator ev, Ast.Expr expr, Evaluator.Scope scope) {
      try {
        return ev.evaluate(expr, scope);
      } catch (EvalException ex) {
        if (ex.diagnostic() != null) {
          diagnostics.add(ex.diagnostic());
        }
        return Evaluator.Failed.VALUE;
      }
    }

    private void evaluateRelease(Ast.Block b) {
      Evaluator ev = new Evaluator(functions);
      Map<String, Object> attrs = attributes(ev, b, scope());
      Object version = attrs.get("version");
      String versionSource = describeVersionSource(b.attribute("version"));
      if (version instanceof Secret) {
        diagnostics.add(Diagnostic.error("The version cannot be sensitive",
            "It comes from env(), which Fanout hides; use a variable (--var version=...) instead.", b.attribute("version").range()));
        return;
      }
      if (version == Evaluator.Failed.VALUE || attrs.containsValue(Evaluator.Failed.VALUE) || !checkTypes(b, RELEASE, attrs)) {
        return;
      }
      if (!(version instanceof String v) || v.isBlank()) {
        if (b.attribute("version") != null) {
          diagnostics.add(Diagnostic.error("The version must be a non-empty string",
              "It is " + Evaluator.typeName(version) + ".", b.attribute("version").value().range()));
        }
        return;
      }
      // Every registry takes this shape (semver, PEP 440, OCI tags): a digit first, then
      // runs of letters and digits joined by single separators.
      if (!v.matches("[0-9][0-9A-Za-z]*([.+_-][0-9A-Za-z]+)*")) {
        diagnostics.add(Diagnostic.error("Invalid version \"" + v + "\"",
            "A version starts with a digit and holds letters and digits joined by single . + _ - (such as 1.0.35 or 2.0.0-rc.1)."
            + (v.startsWith("v") ? " Did you mean to strip the \"v\"? trimprefix(git_tag(), \"v\")" : ""),
            b.attribute("version").value().range()));
        return;
      }
      Map<String, Object> extra = new LinkedHashMap<>(attrs);
      List.of("version", "description", "homepage", "license").forEach(extra::remove);
      release = new Release(b.label(0), v, versionSource, str(attrs.get("description")), str(attrs.get("homepage")),
          str(attrs.get("license")), extra);
      releaseValue.put("name", b.label(0));
      releaseValue.putAll(attrs);
    }

    /** How the version is found, for the plan's first line: literal, variable NAME, git tag, file, expression. */
    private String describeVersionSource(Ast.Attribute a) {
      if (a == null) {
        return "none";
      }
      if (a.value() instanceof Ast.Literal) {
        return "literal";
      }
      if (calls(a.value(), "git_tag")) {
        return "git tag";
      }
      if (calls(a.value(), "file")) {
        return "file";
      }
      if (a.value() instanceof Ast.GetAttr g && g.target() instanceof Ast.Variable v && v.name().equals("var")) {
        return "variable " + g.name();
      }
      return "expression";
    }

    private boolean calls(Ast.Expr e, String function) {
      if (e instanceof Ast.Call c) {
        return c.name().equals(function) || c.args().stream().anyMatch(x -> calls(x, function));
      } else if (e instanceof Ast.Template t) {
        return t.parts().stream().anyMatch(p -> p instanceof Ast.Expr x && calls(x, function));
      } else if (e instanceof Ast.Conditional c) {
        return calls(c.then(), function) || calls(c.otherwise(), function);
      }
      return false;
    }

    private void evaluateProvider(Ast.Block b) {
      Evaluator ev = new Evaluator(functions);
      Map<String, Object> attrs = attributes(ev, b, scope());
      Schema schema = schemaOf("provider", b.label(0));
      if (attrs.containsValue(Evaluator.Failed.VALUE) || !checkTypes(b, schema, attrs)) {
        return;
      }
      for (Schema.Attribute s : schema.attributes().values()) {
        Object v = attrs.get(s.name());
        if (s.sensitive() && v instanceof String literal) {
          diagnostics.add(Diagnostic.warning("Credential written into the release file",
              "provider \"" + b.label(0) + "\" sets " + s.name() + " to a literal. Read it from the environment instead: "
              + s.name() + " = env(\"" + b.label(0).toUpperCase(java.util.Locale.ROOT) + "_TOKEN\").", b.attribute(s.name()).range()));
          attrs.put(s.name(), new Secret("provider " + b.label(0) + " " + s.name(), literal));
        }
      }
      settings.put(b.label(0), attrs);
    }

    private Map<String, Object> attributes(Evaluator ev, Ast.Block b, Evaluator.Scope scope) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Ast.Attribute a : b.attributes()) {
        if (META.contains(a.name())) {
          continue;
        }
        out.put(a.name(), eval(ev, a.value(), scope));
      }
      return out;
    }

    private void evaluateInstances(Entity e) {
      Ast.Block b = e.block();
      String type = e.kind();
      String name = b.label(0);
      Map<String, Object> registry = blocksByType.computeIfAbsent(type, k -> new TreeMap<>());
      Ast.Attribute forEach = b.attribute("for_each");
      if (forEach == null) {
        Instance inst = instance(e, new Address(type, name, null), scope());
        if (inst != null) {
          registry.put(name, inst);
        }
        return;
      }
      Evaluator ev = new Evaluator(functions);
      Object coll = eval(ev, forEach.value(), scope());
      if (coll == Evaluator.Failed.VALUE) {
        return;
      }
      Map<String, Object> elements = forEachElements(coll, forEach);
      if (elements == null) {
        return;
      }
      Map<String, Object> byKey = new TreeMap<>();
      for (Map.Entry<String, Object> el : elements.entrySet()) {
        Map<String, Object> each = new LinkedHashMap<>();
        if (el.getValue() instanceof Map<?, ?> m) {
          m.forEach((k, v) -> each.put((String) k, v));
        }
        each.put("key", el.getKey());
        each.put("value", el.getValue());
        Address address = new Address(type, name, el.getKey());
        Instance inst = instance(e, address, scope().with(Map.of("each", each)));
        if (inst != null) {
          byKey.put(el.getKey(), inst);
        } else if (!disabled.contains(address)) {
          byKey.put(el.getKey(), Evaluator.Failed.VALUE);
        }
      }
      // for_each edges from the collection itself, as in for_each = artifact.binary
      for (Evaluator.Dependency d : ev.dependencies()) {
        for (Object inst : byKey.values()) {
          if (!(inst instanceof Instance instance)) {
            continue;
          }
          Address from = instance.address();
          edges.add(new Edge(from, d.target(), "for_each over " + d.target(), d.where().toString()));
        }
      }
      registry.put(name, byKey);
    }

    /** Elements of a for_each value by key; see the README for how list elements are keyed. */
    private Map<String, Object> forEachElements(Object coll, Ast.Attribute at) {
      Map<String, Object> out = new LinkedHashMap<>();
      if (coll instanceof Map<?, ?> m) {
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
      }
      if (coll instanceof List<?> l) {
        for (int i = 0; i < l.size(); i++) {
          Object v = l.get(i);
          String key = elementKey(v, i);
          if (out.containsKey(key)) {
            diagnostics.add(Diagnostic.error("Duplicate for_each key \"" + key + "\"",
                "Two elements give the same key; each instance needs its own.", at.value().range()));
            return null;
          }
          out.put(key, v);
        }
        return out;
      }
      diagnostics.add(Diagnostic.error("for_each needs a list or a map",
          "It is " + Evaluator.typeName(coll) + ".", at.value().range()));
      return null;
    }

    private String elementKey(Object v, int index) {
      if (v instanceof String s) {
        return s;
      }
      if (v instanceof Ref r) {
        return r.address().key() != null ? r.address().key() : r.address().name();
      }
      if (v instanceof Map<?, ?> m) {
        if (m.get("key") instanceof String k) {
          return k;
        }
        if (m.get("os") instanceof String os) {
          return m.get("arch") instanceof String arch ? os + "-" + arch : os;
        }
        if (m.get("name") instanceof String n) {
          return n;
        }
      }
      return String.valueOf(index);
    }

    private Instance instance(Entity e, Address address, Evaluator.Scope scope) {
      Ast.Block b = e.block();
      Evaluator ev = new Evaluator(functions);
      Ast.Attribute enabledAttr = b.attribute("enabled");
      if (enabledAttr != null) {
        Object enabled = eval(ev, enabledAttr.value(), scope);
        if (enabled == Evaluator.Failed.VALUE) {
          return null;
        }
        if (!(enabled instanceof Boolean)) {
          diagnostics.add(Diagnostic.error("enabled must be true or false",
              "It is " + Evaluator.typeName(enabled) + ".", enabledAttr.value().range()));
          return null;
        }
        if (!((Boolean) enabled)) {
          disabled.add(address);
          return null;
        }
      }
      Map<String, Object> attrs = attributes(ev, b, scope);
      if (attrs.containsValue(Evaluator.Failed.VALUE)) {
        return null;
      }
      Schema schema = schemaOf(e.kind(), b.label(0));
      if (!checkTypes(b, schema, attrs)) {
        return null;
      }
      List<Evaluator.Dependency> deps = new ArrayList<>(ev.dependencies());
      Instance inst = switch (e.kind()) {
        case "build" -> build(address, attrs, b);
        case "artifact" -> artifact(address, attrs, deps);
        default -> publication(address, e.kind(), attrs);
      };
      if (inst == null) {
        return null;
      }
      for (Evaluator.Dependency d : deps) {
        edges.add(new Edge(address, d.target(), "references " + d.target(), d.where().toString()));
      }
      dependsOn(address, b, scope);
      return inst;
    }

    private void dependsOn(Address address, Ast.Block b, Evaluator.Scope scope) {
      Ast.Attribute dependsOn = b.attribute("depends_on");
      if (dependsOn == null) {
        return;
      }
      if (!(dependsOn.value() instanceof Ast.ListExpr list)) {
        diagnostics.add(Diagnostic.error("depends_on must be a list of blocks",
            "Write: depends_on = [github_release.main].", dependsOn.value().range()));
        return;
      }
      for (Ast.Expr item : list.items()) {
        String key = refKey(item);
        if (key == null && item instanceof Ast.Index i) {
          key = refKey(i.target());
        }
        if (key == null || key.startsWith("var.") || key.startsWith("local.") || key.equals("release")) {
          diagnostics.add(Diagnostic.error("depends_on entry is not a block",
              "Each entry names a build, artifact or publication, such as npm.main; this one does not.", item.range()));
          continue;
        }
        String type = key.substring(0, key.indexOf('.'));
        String name = key.substring(key.indexOf('.') + 1);
        List<Address> off = disabled.stream().filter(a -> a.type().equals(type) && a.name().equals(name)).toList();
        if (!off.isEmpty() && !blocksByType.getOrDefault(type, Map.of()).containsKey(name)) {
          // A disabled block has no value to evaluate; the edge is dropped later with a warning.
          for (Address t : off) {
            edges.add(new Edge(address, t, "depends_on " + t, item.range().toString()));
          }
          continue;
        }
        Evaluator ev = new Evaluator(functions);
        Object target = eval(ev, item, scope);
        List<Address> targets = new ArrayList<>();
        collectInstances(target, targets);
        for (Address t : targets) {
          edges.add(new Edge(address, t, "depends_on " + t, item.range().toString()));
        }
      }
    }

    private void collectInstances(Object v, List<Address> out) {
      if (v instanceof Ref r) {
        out.add(r.address());
      } else if (v instanceof Map<?, ?> m) {
        m.values().forEach(x -> collectInstances(x, out));
      } else if (v instanceof List<?> l) {
        l.forEach(x -> collectInstances(x, out));
      }
    }

    private boolean checkTypes(Ast.Block b, Schema schema, Map<String, Object> attrs) {
      boolean ok = true;
      for (Map.Entry<String, Object> en : attrs.entrySet()) {
        Schema.Attribute s = schema.attributes().get(en.getKey());
        if (s == null) {
          continue;
        }
        String problem = typeProblem(en.getValue(), s.type());
        if (problem != null) {
          diagnostics.add(Diagnostic.error("Wrong type for \"" + en.getKey() + "\"",
              en.getKey() + " must be " + problem + "; it is " + Evaluator.typeName(en.getValue()) + ".",
              b.attribute(en.getKey()).value().range()));
          ok = false;
        }
      }
      return ok;
    }

    private String typeProblem(Object v, Schema.Type t) {
      if (v == null || v instanceof Unknown) {
        return null;
      }
      return switch (t) {
        case STRING -> v instanceof String || v instanceof Secret || v instanceof BigDecimal ? null : "a string";
        case NUMBER -> v instanceof BigDecimal ? null : "a number";
        case BOOL -> v instanceof Boolean ? null : "true or false";
        case LIST -> v instanceof List<?> ? null : "a list";
        case MAP -> v instanceof Map<?, ?> ? null : "a map";
        case ARTIFACTS -> onlyArtifacts(v) ? null : "artifacts (artifact.NAME, or a list or map of them)";
        case ANY -> null;
      };
    }

    private boolean onlyArtifacts(Object v) {
      if (v instanceof Ref r) {
        return r.address().type().equals("artifact");
      } else if (v instanceof Map<?, ?> m) {
        // A map of artifacts, or one asset record such as {name, url, artifact}.
        return !m.isEmpty() && (m.values().stream().allMatch(this::onlyArtifacts)
            || m.values().stream().anyMatch(x -> x instanceof Ref r && r.address().type().equals("artifact")));
      } else if (v instanceof List<?> l) {
        return !l.isEmpty() && l.stream().allMatch(this::onlyArtifacts);
      }
      return false;
    }

    private Instance build(Address address, Map<String, Object> attrs, Ast.Block b) {
      List<String> command = strings(attrs.get("command"));
      if (b.attribute("command") == null) {
        return null; // reported as a missing required attribute
      }
      if (command.isEmpty()) {
        diagnostics.add(Diagnostic.error("Empty build command", "command needs at least the program to run.",
            b.attribute("command").value().range()));
        return null;
      }
      List<String> outputs = new ArrayList<>(strings(attrs.get("outputs")));
      if (attrs.get("output") != null) {
        outputs.add(0, str(attrs.get("output")));
      }
      Map<String, String> envMap = new LinkedHashMap<>();
      if (attrs.get("env") instanceof Map<?, ?> m) {
        m.forEach((k, v) -> envMap.put((String) k, v instanceof Secret s ? s.reveal() : Evaluator.text(v)));
      }
      builds.put(address, new BuildStep(address, command, envMap, outputs, str(attrs.get("workdir")),
          Boolean.TRUE.equals(attrs.get("shell"))));
      Map<String, Object> view = new LinkedHashMap<>(attrs);
      view.put("key", address.key());
      view.put("output", outputs.isEmpty() ? null : outputs.get(0));
      view.put("outputs", outputs);
      return new Instance(address, view, null);
    }

    private Instance artifact(Address address, Map<String, Object> attrs, List<Evaluator.Dependency> deps) {
      List<String> srcs = strings(attrs.get("sources"));
      String name = str(attrs.get("name"));
      if (name == null && !srcs.isEmpty()) {
        String first = srcs.get(0);
        name = first.substring(first.lastIndexOf('/') + 1);
      }
      Address builtBy = deps.stream().map(Evaluator.Dependency::target).filter(a -> a.type().equals("build"))
          .findFirst().orElse(null);
      Artifact artifact = new Artifact(address, name, str(attrs.get("os")), str(attrs.get("arch")), srcs, builtBy);
      artifacts.put(address, artifact);
      Map<String, Object> view = new LinkedHashMap<>(attrs);
      view.put("key", address.key());
      view.put("name", name);
      view.put("platform", artifact.platform());
      view.put("path", Unknown.AFTER_BUILD);
      view.put("sha256", Unknown.AFTER_BUILD);
      return new Instance(address, view, Set.of("path", "sha256", "sources"));
    }

    private Instance publication(Address address, String type, Map<String, Object> attrs) {
      ProviderFactory factory = providers.get(type);
      for (Schema.Attribute s : factory.schema().attributes().values()) {
        if (s.sensitive() && attrs.get(s.name()) instanceof String plain) {
          attrs.put(s.name(), new Secret(address + " " + s.name(), plain));
        }
      }
      Map<String, Object> providerSettings = settings.getOrDefault(factory.settingsBlock(), Map.of());
      Publication p = new Publication(address, type, attrs, providerSettings);
      publications.put(address, p);
      Map<String, Object> view = new LinkedHashMap<>();
      attrs.forEach((k, v) -> view.put(k, v));
      view.put("version", release == null ? Unknown.AFTER_APPLY : release.version());
      view.putAll(factory.exports(p, new ProviderFactory.ExportContext(release, artifacts::get,
          dev.fanout.provider.Endpoints.resolve(factory, providerSettings, realTypes.contains(type) ? null : sandboxUrls))));
      return new Instance(address, view, null);
    }

    private List<String> strings(Object v) {
      List<String> out = new ArrayList<>();
      if (v instanceof List<?> l) {
        for (Object o : l) {
          if (o != null) {
            out.add(o instanceof Secret s ? s.reveal() : Evaluator.text(o));
          }
        }
      }
      return out;
    }

    private String hash() {
      MessageDigest md = Digests.of("SHA-256");
      for (Map.Entry<String, String> s : new TreeMap<>(sources).entrySet()) {
        md.update(s.getKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(s.getValue().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      for (Map.Entry<String, Object> v : new TreeMap<>(variables).entrySet()) {
        md.update(v.getKey().getBytes(StandardCharsets.UTF_8));
        // A sensitive variable changes the hash without its value being recoverable from it.
        Object value = v.getValue() instanceof Secret s ? "secret:" + Integer.toHexString(String.valueOf(s.reveal()).hashCode())
            : v.getValue();
        md.update(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest());
    }
  }

  private static String str(Object o) {
    return o == null || o == Evaluator.Failed.VALUE ? null : o instanceof Secret s ? s.reveal() : Evaluator.text(o);
  }

  static Schema union(Schema a, Schema b) {
    Map<String, Schema.Attribute> all = new LinkedHashMap<>(a.attributes());
    b.attributes().forEach(all::putIfAbsent);
    return new Schema(all);
  }
}
