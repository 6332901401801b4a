package dev.fanout.dsl;

import dev.fanout.model.Address;
import dev.fanout.model.Config;
import dev.fanout.model.Edge;
import dev.fanout.model.Release;
import dev.fanout.model.Withdrawal;
import dev.fanout.model.Secret;
import dev.fanout.provider.Digests;
import dev.fanout.provider.Providers;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Release files to a {@link Config}: reads every {@code *.fanout} file of a folder as one
 * configuration, checks blocks against the built-in and provider schemas, orders the blocks
 * by their references (reporting cycles with their whole path), evaluates them, and records
 * every dependency between instances with where it comes from.
 *
 * <p>It reports every problem it can find in one run; the {@link Config} is null when any
 * of them is an error. Each step is its own class: {@link BlockChecks}, {@link References},
 * {@link Evaluation} and {@link Instances}, with {@link ValueChecks} for evaluated values.
 */
public final class ConfigLoader {

  /**
   * The result: the configuration (null on errors), the diagnostics, and the file texts for showing them.
   *
   * @param sensitiveVariables the variables declared {@code sensitive}: a saved plan never holds their values
   */
  public record Result(Config config, List<Diagnostic> diagnostics, Map<String, String> sources,
      Set<String> sensitiveVariables) {
    public Result {
      sensitiveVariables = Set.copyOf(sensitiveVariables);
    }

    Result(Config config, List<Diagnostic> diagnostics, Map<String, String> sources) {
      this(config, diagnostics, sources, Set.of());
    }

    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
  }

  private final Providers providers;
  private final Map<String, String> vars;
  private final Map<String, String> env;
  private final java.util.function.Function<Path, List<String>> gitTag;
  private Map<String, String> sandboxUrls;
  private Set<String> realTypes = Set.of();
  private List<Path> varFiles = List.of();
  private final Set<String> sensitiveVariables = new java.util.TreeSet<>();

  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final Map<String, String> sources = new LinkedHashMap<>();

  /**
   * @param vars values from {@code --var name=value}
   * @param env the environment: {@code env()} reads it, and {@code FANOUT_VAR_name} sets variables
   */
  public ConfigLoader(Providers providers, Map<String, String> vars, Map<String, String> env,
      java.util.function.Function<Path, List<String>> gitTag) {
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

  /** Values from {@code --var-file} files, read in order after {@code .fanoutvars}; {@code --var} still wins. */
  public ConfigLoader withVarFiles(List<Path> files) {
    this.varFiles = List.copyOf(files);
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
      config = resolve(dir, files, parsed);
    } catch (StackOverflowError e) {
      // Syntax limits the nesting; this is the last guard so that no input ends in a crash.
      diagnostics.add(Diagnostic.error("Too deeply nested to evaluate",
          "Split the deepest expressions into locals.", SourceRange.at(display(files.get(0)), 1, 1)));
      config = null;
    }
    return new Result(hasErrors() ? null : config, List.copyOf(diagnostics), sources, sensitiveVariables);
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

  /** A path as messages show it: relative to the working folder when inside it. */
  static String display(Path f) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = f.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  /** Checks the parsed files, orders their blocks by reference, evaluates them and builds the configuration. */
  private Config resolve(Path dir, List<Path> files, List<Ast.File> parsed) {
    BlockChecks blocks = new BlockChecks(providers, diagnostics);
    Map<String, Declaration> declarations = blocks.declarations(parsed);
    ValueChecks checks = new ValueChecks(dir, diagnostics);
    Evaluation values = new Evaluation(providers, blocks, checks, new Functions(new Functions.World(dir, env, gitTag)),
        diagnostics);
    values.variables(declarations.values(), vars, VarFiles.read(dir, varFiles, sources, diagnostics), env);
    values.variables().forEach((name, value) -> {
      if (value instanceof Secret) {
        sensitiveVariables.add(name);
      }
    });
    References references = new References(providers, declarations, diagnostics);
    Instances instances = new Instances(providers, blocks, checks, values, references, sandboxUrls, realTypes,
        diagnostics);
    for (Declaration d : references.order()) {
      if (references.allDeclared(d, values.variables().keySet())) {
        switch (d.kind()) {
          case LOCAL -> values.local(d.local());
          case RELEASE -> values.release(d.block());
          case PROVIDER -> values.provider(d);
          case BUILD, ARTIFACT, PUBLICATION -> instances.evaluate(d);
          case VARIABLE -> { } // set before the order, which leaves them out
        }
      }
      values.keepFailedVisible(d);
    }
    instances.neededPublications(dir);
    List<Withdrawal> withdrawals = new ArrayList<>();
    for (Ast.Block w : blocks.withdrawals().values()) {
      Withdrawal value = values.withdrawal(w);
      if (value != null) {
        withdrawals.add(value);
      }
    }
    Release release = values.release();
    if (release == null && declarations.values().stream().noneMatch(d -> d.kind() == BlockKind.RELEASE)
        && !parsed.isEmpty() && !hasErrors()) {
      diagnostics.add(Diagnostic.error("No release block",
          "Every configuration needs one release block with the version:\n  release \"name\" {\n    version = \"1.0.0\"\n  }",
          SourceRange.at(parsed.get(0).name(), 1, 1)));
    }
    if (hasErrors() || release == null) {
      return null;
    }
    Set<Address> disabled = values.disabled();
    List<Edge> edges = new ArrayList<>(instances.edges());
    edges.removeIf(e -> {
      if (disabled.contains(e.to()) && !disabled.contains(e.from())) {
        diagnostics.add(Diagnostic.warning(e.from() + " depends on " + e.to() + ", which is disabled",
            "The dependency is ignored while enabled = false.", null));
        return true;
      }
      return disabled.contains(e.from()) || disabled.contains(e.to());
    });
    return new Config(dir, files, release, instances.builds(), instances.artifacts(), instances.publications(),
        dedupe(edges), hash(values.variables()), new Withdrawal.All(withdrawals));
  }

  private static List<Edge> dedupe(List<Edge> all) {
    // Keyed by the two addresses themselves: building their text for every edge was a visible
    // part of loading a large release.
    Map<Map.Entry<Address, Address>, Edge> unique = new LinkedHashMap<>(all.size() * 2);
    for (Edge e : all) {
      if (!e.from().equals(e.to())) {
        unique.putIfAbsent(Map.entry(e.from(), e.to()), e);
      }
    }
    return new ArrayList<>(unique.values());
  }

  private String hash(Map<String, Object> variables) {
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
