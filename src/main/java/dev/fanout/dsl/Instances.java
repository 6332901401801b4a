package dev.fanout.dsl;

import dev.fanout.output.Text;
import dev.fanout.model.Address;
import dev.fanout.model.Archive;
import dev.fanout.model.Artifact;
import dev.fanout.model.BuildStep;
import dev.fanout.model.Edge;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.model.FrozenMap;
import dev.fanout.model.Unknown;
import dev.fanout.provider.Endpoints;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import dev.fanout.provider.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds, artifacts and publications as instances: one per block, or one per element of its
 * {@code for_each}, each with the dependencies its values and {@code depends_on} give it.
 */
final class Instances {

  private final Providers providers;
  private final BlockChecks blocks;
  private final ValueChecks checks;
  private final Evaluation values;
  private final References references;
  private final List<Diagnostic> diagnostics;
  /** Under {@code --sandbox}: the sandbox's URLs, so exported URLs point at it; else null. */
  private final Map<String, String> sandboxUrls;
  /** Publication types that export their real URLs under {@code --sandbox-except}. */
  private final Set<String> realTypes;

  private final Map<Address, BuildStep> builds = new LinkedHashMap<>();
  private final Map<Address, Artifact> artifacts = new LinkedHashMap<>();
  private final Map<Address, Publication> publications = new LinkedHashMap<>();
  private final Map<Map<String, Object>, FrozenMap> sharedSettings = new java.util.IdentityHashMap<>();
  private final Map<String, Map<Address, String>> reasons = new HashMap<>();
  /** Each publication's identity ({@link ProviderFactory#identity}) and where it was first given. */
  private final Map<String, Map.Entry<Address, SourceRange>> identities = new LinkedHashMap<>();
  private final Map<Address, SourceRange> blockRanges = new LinkedHashMap<>();
  private final List<Edge> edges = new ArrayList<>();

  Instances(Providers providers, BlockChecks blocks, ValueChecks checks, Evaluation values, References references,
      Map<String, String> sandboxUrls, Set<String> realTypes, List<Diagnostic> diagnostics) {
    this.providers = providers;
    this.blocks = blocks;
    this.checks = checks;
    this.values = values;
    this.references = references;
    this.sandboxUrls = sandboxUrls;
    this.realTypes = realTypes;
    this.diagnostics = diagnostics;
  }

  Map<Address, BuildStep> builds() {
    return builds;
  }

  Map<Address, Artifact> artifacts() {
    return artifacts;
  }

  Map<Address, Publication> publications() {
    return publications;
  }

  /** Every dependency found, with where it comes from; repeated and self edges included. */
  List<Edge> edges() {
    return edges;
  }

  void evaluate(Declaration e) {
    Ast.Block b = e.block();
    String type = e.type();
    String name = e.name();
    Map<String, Object> registry = values.blocksOfType(type);
    Ast.Attribute forEach = b.attribute("for_each");
    if (forEach == null) {
      Instance inst = instance(e, new Address(type, name, null), values.scope());
      if (inst != null) {
        registry.put(name, inst);
      }
      return;
    }
    Evaluator ev = new Evaluator(values.functions());
    Object coll = values.eval(ev, forEach.value(), values.scope());
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
      Instance inst = instance(e, address, values.scope().with(Map.of("each", each)));
      if (inst != null) {
        byKey.put(el.getKey(), inst);
      } else if (!values.disabled().contains(address)) {
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
        edges.add(new Edge(from, d.target(), reason("for_each over ", d.target()), d.where().location()));
      }
    }
    registry.put(name, byKey);
  }

  /** Elements of a for_each value by key; see the README for how list elements are keyed. */
  private Map<String, Object> forEachElements(Object coll, Ast.Attribute at) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (coll instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> el : m.entrySet()) {
        String key = String.valueOf(el.getKey());
        if (!pathSafe(key, at)) {
          return null;
        }
        out.put(key, el.getValue());
      }
      return out;
    }
    if (coll instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        Object v = l.get(i);
        String key = elementKey(v, i);
        if (!pathSafe(key, at)) {
          return null;
        }
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

  /** Keys name work folders and appear in every line of the plan: no separators, dots or control characters. */
  private boolean pathSafe(String key, Ast.Attribute at) {
    String unsafe = pathPartProblem(key);
    if (unsafe != null) {
      diagnostics.add(Diagnostic.error("A for_each key must be a plain name",
          "The key \"" + Text.terminal(key) + "\" " + unsafe + ".", at.value().range()));
    }
    return unsafe == null;
  }

  /** Why a name cannot be part of a path or a line of output, or null when it can. */
  static String pathPartProblem(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    if (name.contains("/") || name.contains("\\")) {
      return "contains a path separator";
    }
    if (name.equals("..") || name.equals(".")) {
      return "names a folder";
    }
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "contains a control character (a line break or an escape)";
    }
    return null;
  }

  private static String elementKey(Object v, int index) {
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

  private Instance instance(Declaration e, Address address, Evaluator.Scope scope) {
    Ast.Block b = e.block();
    Evaluator ev = new Evaluator(values.functions());
    Ast.Attribute enabledAttr = b.attribute("enabled");
    if (enabledAttr != null) {
      Object enabled = values.eval(ev, enabledAttr.value(), scope);
      if (enabled == Evaluator.Failed.VALUE) {
        return null;
      }
      if (!(enabled instanceof Boolean)) {
        diagnostics.add(Diagnostic.error("enabled must be true or false",
            "It is " + Evaluator.typeName(enabled) + ".", enabledAttr.value().range()));
        return null;
      }
      if (!((Boolean) enabled)) {
        values.disabled().add(address);
        return null;
      }
    }
    Map<String, Object> attrs = values.attributes(ev, b, scope);
    if (attrs.containsValue(Evaluator.Failed.VALUE)) {
      return null;
    }
    Schema schema = blocks.schemaOf(e);
    if (!checks.types(b, schema, attrs)) {
      return null;
    }
    boolean valid = checks.constraints(b, e.type() + " \"" + e.name() + "\"", schema, attrs);
    List<Evaluator.Dependency> deps = new ArrayList<>(ev.dependencies());
    Instance inst = switch (e.kind()) {
      case BUILD -> build(address, attrs, b);
      case ARTIFACT -> artifact(address, attrs, deps, b);
      case PUBLICATION -> publication(address, e.type(), attrs);
      default -> throw new IllegalArgumentException(e.key() + " has no instances");
    };
    if (inst == null) {
      return null;
    }
    if (valid && e.kind() == BlockKind.PUBLICATION) {
      // The provider's own checks assume values its schema accepts, such as a folder that exists.
      checks.provider(providers.get(e.type()), publications.get(address), b, values.release());
      sameIdentity(address, providers.get(e.type()), b);
    }
    for (Evaluator.Dependency d : deps) {
      edges.add(new Edge(address, d.target(), reason("references ", d.target()), d.where().location()));
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
      String key = references.refKey(item);
      if (key == null && item instanceof Ast.Index i) {
        key = references.refKey(i.target());
      }
      if (key == null || key.startsWith("var.") || key.startsWith("local.") || key.equals("release")) {
        diagnostics.add(Diagnostic.error("depends_on entry is not a block",
            "Each entry names a build, artifact or publication, such as npm.main; this one does not.", item.range()));
        continue;
      }
      String type = key.substring(0, key.indexOf('.'));
      String name = key.substring(key.indexOf('.') + 1);
      List<Address> off = values.disabled().stream()
          .filter(a -> a.type().equals(type) && a.name().equals(name)).toList();
      if (!off.isEmpty() && !values.blocksOfType(type).containsKey(name)) {
        // A disabled block has no value to evaluate; the edge is dropped later with a warning.
        for (Address t : off) {
          edges.add(new Edge(address, t, reason("depends_on ", t), item.range().location()));
        }
        continue;
      }
      Evaluator ev = new Evaluator(values.functions());
      Object target = values.eval(ev, item, scope);
      List<Address> targets = new ArrayList<>();
      collectInstances(target, targets);
      for (Address t : targets) {
        edges.add(new Edge(address, t, reason("depends_on ", t), item.range().location()));
      }
    }
  }

  private static void collectInstances(Object v, List<Address> out) {
    if (v instanceof Ref r) {
      out.add(r.address());
    } else if (v instanceof Map<?, ?> m) {
      m.values().forEach(x -> collectInstances(x, out));
    } else if (v instanceof List<?> l) {
      l.forEach(x -> collectInstances(x, out));
    }
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
      outputs.add(0, Evaluation.str(attrs.get("output")));
    }
    Map<String, String> envMap = new LinkedHashMap<>();
    if (attrs.get("env") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> envMap.put((String) k, v instanceof Secret s ? s.reveal() : Evaluator.text(v)));
    }
    builds.put(address, new BuildStep(address, command, envMap, outputs, Evaluation.str(attrs.get("workdir")),
        Boolean.TRUE.equals(attrs.get("shell"))));
    Map<String, Object> view = new LinkedHashMap<>(attrs);
    view.put("key", address.key());
    view.put("output", outputs.isEmpty() ? null : outputs.get(0));
    view.put("outputs", outputs);
    return new Instance(address, view, null);
  }

  private Instance artifact(Address address, Map<String, Object> attrs, List<Evaluator.Dependency> deps, Ast.Block b) {
    List<String> srcs = strings(attrs.get("sources"));
    String name = Evaluation.str(attrs.get("name"));
    String unsafe = name == null ? null : pathPartProblem(name);
    if (unsafe != null) {
      // The name becomes a file name when the artifact is downloaded.
      diagnostics.add(Diagnostic.error("An artifact's name must be a plain file name",
          "\"" + Text.terminal(name) + "\" " + unsafe + ".", b.attribute("name").value().range()));
      return null;
    }
    if (name == null && !srcs.isEmpty()) {
      String first = srcs.get(0);
      name = first.substring(first.lastIndexOf('/') + 1);
    }
    if (name == null && attrs.get("archive") == null) {
      // Without sources and archive the block check has said so; a file with no name could
      // be neither published nor pointed at, so the artifact goes no further.
      if (attrs.get("sources") instanceof List<?> l && l.isEmpty()) {
        diagnostics.add(Diagnostic.error("An artifact needs a source", "sources is empty: give the path, glob or URL"
            + " of the file, or build it with archive.", b.attribute("sources").value().range()));
      }
      return null;
    }
    Address builtBy = deps.stream().map(Evaluator.Dependency::target).filter(a -> a.type().equals("build"))
        .findFirst().orElse(null);
    Artifact artifact = new Artifact(address, name, Evaluation.str(attrs.get("os")), Evaluation.str(attrs.get("arch")),
        srcs, builtBy);
    if (attrs.get("archive") != null) {
      artifact = archive(artifact, attrs, b);
      if (artifact == null) {
        return null;
      }
    }
    artifacts.put(address, artifact);
    Map<String, Object> view = new LinkedHashMap<>(attrs);
    view.put("key", address.key());
    view.put("name", name);
    view.put("platform", artifact.platform());
    view.put("path", Unknown.AFTER_BUILD);
    view.put("sha256", Unknown.AFTER_BUILD);
    return new Instance(address, view, Set.of("path", "sha256", "sources"));
  }

  /**
   * An artifact packed from another: it needs a name (the file it is published under, written
   * as a template such as {@code "tool_${release.version}_${each.key}.tar.gz"}) and one binary
   * instance, whose platform it takes unless it says its own.
   */
  private Artifact archive(Artifact declared, Map<String, Object> attrs, Ast.Block b) {
    if (declared.name() == null) {
      diagnostics.add(Diagnostic.error("An archive needs a name", "Set name to the file it is published under,"
          + " such as name = \"tool_${release.version}_${each.key}.tar.gz\".", b.typeRange()));
      return null;
    }
    Object binary = attrs.get("binary");
    Artifact bin = binary instanceof Ref r ? artifacts.get(r.address()) : null;
    if (bin == null || bin.archive() != null) {
      diagnostics.add(Diagnostic.error("An archive needs one binary artifact",
          "Set binary to one instance of an artifact with sources, such as binary = artifact.binary[each.key] under"
          + " for_each = artifact.binary" + (binary == null ? "." : "; this is " + Evaluator.typeName(binary) + "."),
          b.attribute("binary") == null ? b.typeRange() : b.attribute("binary").value().range()));
      return null;
    }
    String os = declared.os() == null ? bin.os() : declared.os();
    String declaredBin = Evaluation.str(attrs.get("bin"));
    String inside = declaredBin != null ? declaredBin : values.release() == null ? bin.name()
        : values.release().name() + ("windows".equals(os) ? ".exe" : "");
    String unsafe = pathPartProblem(inside);
    if (unsafe != null) {
      diagnostics.add(Diagnostic.error("An archive's bin must be a plain file name",
          "\"" + Text.terminal(inside) + "\" " + unsafe + ".", b.attribute("bin") == null ? b.typeRange()
              : b.attribute("bin").value().range()));
      return null;
    }
    List<String> files = strings(attrs.get("files"));
    for (String f : files) {
      // Packed at its own path: one outside the release's folder, or the binary's own path, cannot be.
      String normal = java.nio.file.Path.of(f).normalize().toString().replace('\\', '/');
      if (f.startsWith("/") || normal.startsWith("..") || normal.equals(inside)) {
        diagnostics.add(Diagnostic.error("An archive's file cannot be packed at \"" + Text.terminal(f) + "\"",
            normal.equals(inside) ? "The binary is packed as \"" + inside + "\"; set bin to another path."
                : "Name files inside the release's folder, relative to the release file.",
            b.attribute("files").value().range()));
        return null;
      }
    }
    return new Artifact(declared.address(), declared.name(), os, declared.arch() == null ? bin.arch() : declared.arch(),
        List.of(), bin.builtBy(), new Archive(Evaluation.str(attrs.get("archive")), bin.address(), inside, files));
  }

  /**
   * Two publications that would write the same package and version to one registry: the
   * second write fails or, worse, is reported published. Both places are named.
   */
  private void sameIdentity(Address address, ProviderFactory factory, Ast.Block b) {
    blockRanges.put(address, b.typeRange());
    String identity = factory.identity(publications.get(address));
    if (identity == null) {
      return;
    }
    Map.Entry<Address, SourceRange> first = identities.putIfAbsent(factory.type() + " " + identity,
        Map.entry(address, b.typeRange()));
    if (first != null) {
      // Evaluation follows references, not the file: name the two in the order they are written.
      Map.Entry<Address, SourceRange> second = Map.entry(address, b.typeRange());
      boolean inOrder = !first.getValue().file().equals(second.getValue().file())
          || first.getValue().line() <= second.getValue().line();
      Map.Entry<Address, SourceRange> earlier = inOrder ? first : second;
      Map.Entry<Address, SourceRange> later = inOrder ? second : first;
      diagnostics.add(Diagnostic.error("Two publications publish the same " + factory.type() + " " + identity,
          earlier.getKey() + " (" + earlier.getValue() + ") and " + later.getKey() + " (" + later.getValue()
          + ") would both publish " + identity + " at the release's version to the same registry; remove one, or"
          + " give each its own name.", later.getValue()));
    }
  }

  /**
   * Edges the providers find in the publications' own files (an npm folder's dependency on a
   * sibling package): each needed package must be published by this release, first.
   */
  void neededPublications(java.nio.file.Path releaseDir) {
    for (Map.Entry<Address, SourceRange> e : blockRanges.entrySet()) {
      Publication p = publications.get(e.getKey());
      for (String needed : providers.get(p.type()).needs(p, releaseDir)) {
        Map.Entry<Address, SourceRange> owner = identities.get(p.type() + " " + needed);
        if (owner == null) {
          diagnostics.add(Diagnostic.error(e.getKey() + " needs " + p.type() + " " + needed
              + ", which this release does not publish", "Its files depend on it as part of the release (a"
              + " workspace:, file: or link: dependency), and the registry cannot resolve that: publish it from"
              + " this release too, or depend on a published version.", e.getValue()));
        } else if (!owner.getKey().equals(e.getKey())) {
          edges.add(new Edge(e.getKey(), owner.getKey(), "needs " + needed, e.getValue().location()));
        }
      }
    }
  }

  /** {@code why} and {@code target}, made once: thousands of edges say "references artifact.linux". */
  private String reason(String why, Address target) {
    return reasons.computeIfAbsent(why, k -> new HashMap<>()).computeIfAbsent(target, t -> why + t);
  }

  private Instance publication(Address address, String type, Map<String, Object> attrs) {
    ProviderFactory factory = providers.get(type);
    for (Schema.Attribute s : factory.schema().attributes().values()) {
      if (s.sensitive() && attrs.get(s.name()) instanceof String plain) {
        attrs.put(s.name(), new Secret(address + " " + s.name(), plain));
      }
    }
    // Frozen once per settings block as evaluated (by identity), shared by its publications.
    Map<String, Object> providerSettings = sharedSettings.computeIfAbsent(values.settings(factory.settingsBlock()),
        FrozenMap::of);
    Publication p = new Publication(address, type, attrs, providerSettings);
    publications.put(address, p);
    Map<String, Object> view = new LinkedHashMap<>();
    attrs.forEach((k, v) -> view.put(k, v));
    view.put("version", values.release() == null ? Unknown.AFTER_APPLY : values.release().version());
    view.putAll(factory.exports(p, new ProviderFactory.ExportContext(values.release(), artifacts::get,
        Endpoints.resolve(factory, providerSettings, realTypes.contains(type) ? null : sandboxUrls))));
    return new Instance(address, view, null);
  }

  private static List<String> strings(Object v) {
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
}
