package dev.fanout.dsl;

import dev.fanout.model.Address;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.Providers;
import dev.fanout.provider.Schema;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The values evaluated so far, under the root names expressions use ({@code var},
 * {@code local}, {@code release}, {@code build}, {@code artifact} and each publication
 * type), and the evaluation of the declarations that have no instances: variables, local
 * values, the release and provider settings.
 */
final class Evaluation {

  /**
   * Every registry takes this shape (semver, PEP 440, OCI tags): a digit first, then runs of
   * letters and digits joined by single separators.
   */
  static final String VERSION_SHAPE = "[0-9][0-9A-Za-z]*([.+_-][0-9A-Za-z]+)*";

  private final Providers providers;
  private final BlockChecks blocks;
  private final ValueChecks checks;
  private final Functions functions;
  private final List<Diagnostic> diagnostics;

  private final Map<String, Object> variables = new LinkedHashMap<>();
  private final Map<String, Object> locals = new LinkedHashMap<>();
  private final Map<String, Object> releaseValue = new LinkedHashMap<>();
  private final Map<String, Map<String, Object>> blocksByType = new TreeMap<>();
  private final Map<String, Map<String, Object>> settings = new TreeMap<>();
  private final Set<Address> disabled = new TreeSet<>();
  private Release release;

  Evaluation(Providers providers, BlockChecks blocks, ValueChecks checks, Functions functions,
      List<Diagnostic> diagnostics) {
    this.providers = providers;
    this.blocks = blocks;
    this.checks = checks;
    this.functions = functions;
    this.diagnostics = diagnostics;
  }

  /** The variables by name; a value that failed is {@link Evaluator.Failed#VALUE}. */
  Map<String, Object> variables() {
    return variables;
  }

  /** The release, or null before its block is evaluated or when it failed. */
  Release release() {
    return release;
  }

  /** The provider blocks' settings by provider name. */
  Map<String, Object> settings(String settingsBlock) {
    return settings.getOrDefault(settingsBlock, Map.of());
  }

  /** Instances with {@code enabled = false}: they have no value and take no part. */
  Set<Address> disabled() {
    return disabled;
  }

  /** The values of one block type's instances by name, such as every {@code npm} block. */
  Map<String, Object> blocksOfType(String type) {
    return blocksByType.computeIfAbsent(type, k -> new TreeMap<>());
  }

  Functions functions() {
    return functions;
  }

  /** What expressions see: every value evaluated so far. */
  Evaluator.Scope scope() {
    Map<String, Object> roots = new LinkedHashMap<>();
    roots.put("var", variables);
    roots.put("local", locals);
    roots.put("release", releaseValue);
    roots.put("build", blocksOfType("build"));
    roots.put("artifact", blocksOfType("artifact"));
    for (String type : providers.all().keySet()) {
      roots.put(type, blocksOfType(type));
    }
    return new Evaluator.Scope(roots, null);
  }

  /** The expression's value, or {@link Evaluator.Failed#VALUE} with the problem reported. */
  Object eval(Evaluator ev, Ast.Expr expr, Evaluator.Scope scope) {
    try {
      return ev.evaluate(expr, scope);
    } catch (EvalException ex) {
      if (ex.diagnostic() != null) {
        diagnostics.add(ex.diagnostic());
      }
      return Evaluator.Failed.VALUE;
    }
  }

  /** The block's attributes by name, without the meta-attributes, each evaluated. */
  Map<String, Object> attributes(Evaluator ev, Ast.Block b, Evaluator.Scope scope) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Ast.Attribute a : b.attributes()) {
      if (BlockChecks.META.contains(a.name())) {
        continue;
      }
      out.put(a.name(), eval(ev, a.value(), scope));
    }
    return out;
  }

  /**
   * Every variable's value: from {@code --var}, else a variable file, else {@code FANOUT_VAR_name},
   * else its default (Terraform's order).
   *
   * @param given values from {@code --var name=value}
   * @param fromFiles values from {@code .fanoutvars} and {@code --var-file}, later files already applied
   */
  void variables(Collection<Declaration> declarations, Map<String, String> given, Map<String, VarFiles.Given> fromFiles,
      Map<String, String> env) {
    Set<String> declared = new TreeSet<>();
    for (Declaration e : declarations) {
      if (e.kind() != BlockKind.VARIABLE) {
        continue;
      }
      String name = e.name();
      declared.add(name);
      int before = diagnostics.size();
      Ast.Attribute typeAttr = e.block().attribute("type");
      VarType type = typeAttr == null ? VarType.ANY : VarType.of(typeAttr.value(), diagnostics);
      Object value;
      VarFiles.Given file = given.containsKey(name) ? null : fromFiles.get(name);
      String text = given.containsKey(name) ? given.get(name) : file != null ? null : env.get("FANOUT_VAR_" + name);
      boolean sensitive = isTrue(e.block().attribute("sensitive"));
      if (text != null) {
        value = type.parse(text, name, e.block().range(), diagnostics);
      } else if (file != null) {
        value = type.coerce(file.value(), name, file.range(), diagnostics);
      } else if (e.block().attribute("default") != null) {
        value = constant(e.block().attribute("default"));
        if (value != null && !type.accepts(value)) {
          diagnostics.add(Diagnostic.error("Default of variable \"" + name + "\" is not " + type.describe(),
              "It is " + Evaluator.typeName(value) + ".", e.block().attribute("default").value().range()));
        }
      } else {
        diagnostics.add(Diagnostic.error("No value for variable \"" + name + "\"",
            "Set it with --var " + name + "=VALUE, a line " + name + " = VALUE in .fanoutvars or a --var-file,"
            + " or the environment variable FANOUT_VAR_" + name + ", or give it a default.", e.block().typeRange()));
        value = null;
      }
      if (diagnostics.size() > before) {
        value = Evaluator.Failed.VALUE;
      }
      variables.put(name, sensitive && value != null && value != Evaluator.Failed.VALUE
          ? new Secret("variable " + name, Evaluator.text(value)) : value);
    }
    fromFiles.forEach((name, file) -> {
      if (!declared.contains(name)) {
        diagnostics.add(Diagnostic.warning("Value for undeclared variable \"" + name + "\"",
            "The release files declare " + (declared.isEmpty() ? "no variables" : String.join(", ", declared)) + "."
            + Names.didYouMean(name, declared) + " The value is not used.", file.range()));
      }
    });
    for (String name : given.keySet()) {
      if (!declared.contains(name)) {
        diagnostics.add(Diagnostic.error("--var " + name + " names no variable",
            "Declared variables: " + (declared.isEmpty() ? "none" : String.join(", ", declared)) + "."
            + Names.didYouMean(name, declared), null));
      }
    }
  }

  private static boolean isTrue(Ast.Attribute a) {
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

  void local(Ast.Attribute a) {
    Object v = eval(new Evaluator(functions), a.value(), scope());
    locals.put(a.name(), v);
  }

  /**
   * What failed stays visible as failed, so its users stay silent instead of adding
   * "unknown attribute" errors for a block that does exist.
   */
  void keepFailedVisible(Declaration e) {
    switch (e.kind()) {
      case LOCAL -> locals.putIfAbsent(e.local().name(), Evaluator.Failed.VALUE);
      case RELEASE -> {
        if (release == null) {
          releaseValue.putIfAbsent("name", e.name());
          e.block().attributes().forEach(a -> releaseValue.putIfAbsent(a.name(), Evaluator.Failed.VALUE));
          BlockChecks.RELEASE.names().forEach(n -> releaseValue.putIfAbsent(n, Evaluator.Failed.VALUE));
        }
      }
      case PROVIDER, VARIABLE -> { }
      case BUILD, ARTIFACT, PUBLICATION -> {
        Address whole = new Address(e.type(), e.name(), null);
        if (!disabled.contains(whole)) {
          blocksOfType(e.type()).putIfAbsent(e.name(), Evaluator.Failed.VALUE);
        }
      }
    }
  }

  void release(Ast.Block b) {
    Evaluator ev = new Evaluator(functions);
    Map<String, Object> attrs = attributes(ev, b, scope());
    Object version = attrs.get("version");
    String versionSource = describeVersionSource(b.attribute("version"));
    if (version instanceof Secret) {
      diagnostics.add(Diagnostic.error("The version cannot be sensitive",
          "It comes from env(), which Fanout hides; use a variable (--var version=...) instead.",
          b.attribute("version").range()));
      return;
    }
    if (version == Evaluator.Failed.VALUE || attrs.containsValue(Evaluator.Failed.VALUE)
        || !checks.types(b, BlockChecks.RELEASE, attrs)) {
      return;
    }
    if (!(version instanceof String v) || v.isBlank()) {
      if (b.attribute("version") != null) {
        diagnostics.add(Diagnostic.error("The version must be a non-empty string",
            "It is " + Evaluator.typeName(version) + ".", b.attribute("version").value().range()));
      }
      return;
    }
    if (!v.matches(VERSION_SHAPE)) {
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

  /** A {@code withdraw} block's values, or null when one failed (reported). */
  dev.fanout.model.Withdrawal withdrawal(Ast.Block b) {
    Map<String, Object> attrs = attributes(new Evaluator(functions), b, scope());
    if (attrs.containsValue(Evaluator.Failed.VALUE) || !checks.types(b, BlockChecks.WITHDRAW, attrs)) {
      return null;
    }
    Object reason = attrs.get("reason");
    if (!(reason instanceof String r) || r.isBlank()) {
      if (b.attribute("reason") != null) {
        diagnostics.add(Diagnostic.error("The reason must be a non-empty string",
            "Users read it (npm shows it on install): say what is wrong and what to use instead.",
            b.attribute("reason").value().range()));
      }
      return null;
    }
    return new dev.fanout.model.Withdrawal(b.label(0), r.strip(), Boolean.TRUE.equals(attrs.get("unpublish")),
        Boolean.TRUE.equals(attrs.get("delete_tags")), b.range().toString());
  }

  /** How the version is found, for the plan's first line: literal, variable NAME, git tag, file, expression. */
  private static String describeVersionSource(Ast.Attribute a) {
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

  private static boolean calls(Ast.Expr e, String function) {
    if (e instanceof Ast.Call c) {
      return c.name().equals(function) || c.args().stream().anyMatch(x -> calls(x, function));
    } else if (e instanceof Ast.Template t) {
      return t.parts().stream().anyMatch(p -> p instanceof Ast.Expr x && calls(x, function));
    } else if (e instanceof Ast.Conditional c) {
      return calls(c.then(), function) || calls(c.otherwise(), function);
    }
    return false;
  }

  void provider(Declaration d) {
    Ast.Block b = d.block();
    Evaluator ev = new Evaluator(functions);
    Map<String, Object> attrs = attributes(ev, b, scope());
    Schema schema = blocks.schemaOf(d);
    if (attrs.containsValue(Evaluator.Failed.VALUE) || !checks.types(b, schema, attrs)) {
      return;
    }
    checks.constraints(b, "provider \"" + b.label(0) + "\"", schema, attrs);
    for (Schema.Attribute s : schema.attributes().values()) {
      Object v = attrs.get(s.name());
      if (s.sensitive() && v instanceof String literal) {
        diagnostics.add(Diagnostic.warning("Credential written into the release file",
            "provider \"" + b.label(0) + "\" sets " + s.name() + " to a literal. Read it from the environment instead: "
            + s.name() + " = env(\"" + b.label(0).toUpperCase(Locale.ROOT) + "_TOKEN\").", b.attribute(s.name()).range()));
        attrs.put(s.name(), new Secret("provider " + b.label(0) + " " + s.name(), literal));
      }
    }
    settings.put(b.label(0), attrs);
  }

  /** A value as text for the model, with a secret revealed; null for none or a failed one. */
  static String str(Object o) {
    return o == null || o == Evaluator.Failed.VALUE ? null : o instanceof Secret s ? s.reveal() : Evaluator.text(o);
  }
}
