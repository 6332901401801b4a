package dev.fanout.dsl;

import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import dev.fanout.provider.Schema;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The first look at the parsed files, before anything is evaluated: which blocks they
 * declare, and whether each block's shape fits its schema (known type, one valid name, no
 * unknown, missing or repeated attributes). Values are checked later, by {@link ValueChecks}.
 */
final class BlockChecks {

  /** Attributes every publication block accepts besides its provider's. */
  static final List<String> META = List.of("for_each", "depends_on", "enabled");

  static final Schema RELEASE = Schema.builder()
      .required("version", Schema.Type.STRING, "the version every target publishes")
      .optional("description", Schema.Type.STRING, "one line about the project")
      .optional("homepage", Schema.Type.STRING, "the project's web page")
      .optional("license", Schema.Type.STRING, "an SPDX license identifier")
      .optional("authors", Schema.Type.LIST, "who makes it")
      .optional("repository", Schema.Type.STRING, "the source repository, owner/name")
      .optional("keywords", Schema.Type.LIST, "search words for registries that take them")
      .optional("lock", Schema.Type.STRING, "a git repository URL every runner reaches: apply's lock becomes the ref "
          + "refs/fanout/locks/NAME there instead of .fanout/lock, for releases applied from several machines")
      .optional("lock_username", Schema.Type.STRING, "the user to push the lock ref as; defaults to x-access-token "
          + "(GitHub's name for a token)")
      .sensitive("lock_token", "the credential to push the lock ref, such as env(\"GITHUB_TOKEN\")")
      .optional("latest", Schema.Type.BOOL,
          "move every registry's latest pointer to this version even when a newer one is out (default: a backport leaves it)")
      .build();
  static final Schema VARIABLE = Schema.builder()
      .optional("type", Schema.Type.ANY, "string, number, bool, list(T), map(T), object({...}) or any")
      .optional("default", Schema.Type.ANY, "the value when none is given")
      .optional("description", Schema.Type.STRING, "what it is for")
      .optional("sensitive", Schema.Type.BOOL, "hide the value in output")
      .build();
  static final Schema BUILD = Schema.builder()
      .required("command", Schema.Type.LIST, "the program and its arguments")
      .optional("output", Schema.Type.STRING, "the file it makes")
      .optional("outputs", Schema.Type.LIST, "the files it makes")
      .optional("env", Schema.Type.MAP, "environment variables for the command")
      .optional("workdir", Schema.Type.STRING, "where it runs, relative to the release file")
      .optional("shell", Schema.Type.BOOL, "run the command through sh -c (off: no injection)")
      .optional("for_each", Schema.Type.ANY, "one build per element")
      .optional("depends_on", Schema.Type.LIST, "explicit dependencies")
      .build();
  static final Schema ARTIFACT = Schema.builder()
      .optional("sources", Schema.Type.LIST, "where the file comes from, in order of preference")
      .optional("archive", Schema.Type.STRING, "tar.gz or zip: the file is packed from binary and files instead")
      .oneOf("archive", "tar.gz", "zip")
      .optional("binary", Schema.Type.ARTIFACTS, "an archive's executable: one artifact instance, such as artifact.binary[each.key]")
      .optional("bin", Schema.Type.STRING, "the binary's path in the archive (default: the release's name, .exe on"
          + " windows)")
      .optional("files", Schema.Type.LIST, "an archive's other files (README, LICENSE, completions), relative to the"
          + " release file")
      .existingFile("files")
      .optional("name", Schema.Type.STRING, "the file name it is published under")
      .optional("os", Schema.Type.STRING, "linux, darwin, windows, ... (an archive's default: its binary's)")
      .optional("arch", Schema.Type.STRING, "amd64, arm64, ... (an archive's default: its binary's)")
      .optional("for_each", Schema.Type.ANY, "one artifact per element")
      .optional("depends_on", Schema.Type.LIST, "explicit dependencies")
      .exactlyOne("sources", "archive")
      .build();

  /** The block type that withdraws a version; it is named by the version, not a name, and nothing refers to it. */
  static final String WITHDRAW_TYPE = "withdraw";
  static final Schema WITHDRAW = Schema.builder()
      .required("reason", Schema.Type.STRING, "why the version is withdrawn, as users will read it (npm's deprecation"
          + " message, the GitHub release's title); say what to use instead")
      .optional("unpublish", Schema.Type.BOOL, "remove the version where the registry allows it (npm: within 72 hours,"
          + " or no dependents and few downloads) instead of only deprecating it (default false)")
      .optional("delete_tags", Schema.Type.BOOL, "delete the version's own image tag where the registry allows"
          + " deleting (default false: the tag stays, only latest and the other moving tags go back)")
      .build();

  private final Providers providers;
  private final List<Diagnostic> diagnostics;
  private final Map<String, Declaration> declarations = new LinkedHashMap<>();
  private final Map<String, Ast.Block> withdrawals = new LinkedHashMap<>();

  BlockChecks(Providers providers, List<Diagnostic> diagnostics) {
    this.providers = providers;
    this.diagnostics = diagnostics;
  }

  /** Every declaration of the files by key, in file order; what is malformed is reported and left out. */
  Map<String, Declaration> declarations(List<Ast.File> parsed) {
    Set<String> types = new TreeSet<>(BlockKind.coreBlocks());
    types.add(WITHDRAW_TYPE);
    types.addAll(providers.all().keySet());
    for (Ast.File file : parsed) {
      for (Ast.Attribute a : file.attributes()) {
        diagnostics.add(Diagnostic.error("Attribute outside a block",
            "\"" + a.name() + "\" must be inside a block, such as release \"name\" { ... }.", a.nameRange()));
      }
      for (Ast.Block b : file.blocks()) {
        declare(b, types);
      }
    }
    return declarations;
  }

  private void declare(Ast.Block b, Set<String> types) {
    String type = b.type();
    if (!types.contains(type)) {
      String hint = Names.didYouMean(type, types);
      diagnostics.add(Diagnostic.error("Unknown block type \"" + type + "\"",
          (hint.isEmpty() ? "Blocks are release, variable, locals, build, artifact, provider, withdraw, or a publication: "
              + String.join(", ", providers.all().keySet()) + "." : hint.trim()), b.typeRange()));
      return;
    }
    for (Ast.Block nested : b.blocks()) {
      diagnostics.add(Diagnostic.error("Unexpected block \"" + nested.type() + "\" inside " + type,
          "Blocks do not nest here; use an attribute: " + nested.type() + " = { ... }.", nested.typeRange()));
    }
    duplicateAttributes(b);
    if (type.equals(WITHDRAW_TYPE)) {
      withdraw(b);
      return;
    }
    BlockKind kind = BlockKind.of(type);
    if (kind == BlockKind.LOCAL) {
      if (!b.labels().isEmpty()) {
        diagnostics.add(Diagnostic.error("locals takes no name", "Write: locals { name = value }.", b.typeRange()));
      }
      for (Ast.Attribute a : b.attributes()) {
        add(new Declaration(kind.key(type, a.name()), kind, type, null, a), a.range(),
            "local value \"" + a.name() + "\"");
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
    if (kind == BlockKind.RELEASE && declarations.containsKey("release")) {
      diagnostics.add(Diagnostic.error("More than one release block",
          "A configuration describes one release; the first is at " + declarations.get("release").range() + ".",
          b.typeRange()));
      return;
    }
    if (kind == BlockKind.PROVIDER && !providers.settingsBlocks().contains(name)) {
      diagnostics.add(Diagnostic.error("Unknown provider \"" + name + "\"",
          "Provider blocks are: " + String.join(", ", providers.settingsBlocks()) + "."
          + Names.didYouMean(name, providers.settingsBlocks()), b.range()));
      return;
    }
    Declaration declaration = new Declaration(kind.key(type, name), kind, type, b, null);
    add(declaration, b.range(), type + " \"" + name + "\"");
    checkAttributes(b, schemaOf(declaration), type);
  }

  /** The {@code withdraw} blocks by version, in file order; each checked against {@link #WITHDRAW}. */
  Map<String, Ast.Block> withdrawals() {
    return withdrawals;
  }

  private void withdraw(Ast.Block b) {
    if (b.labels().size() != 1) {
      diagnostics.add(Diagnostic.error((b.labels().isEmpty() ? "Missing version for " : "Too many labels for ")
          + "withdraw block", "Write: withdraw \"1.0.35\" { reason = \"...\" }: the label is the version withdrawn.",
          b.typeRange()));
      return;
    }
    String version = b.label(0);
    if (!version.matches(Evaluation.VERSION_SHAPE)) {
      diagnostics.add(Diagnostic.error("Invalid version \"" + version + "\" to withdraw",
          "A version starts with a digit and holds letters and digits joined by single . + _ - (such as 1.0.35)."
              + (version.startsWith("v") ? " Did you mean \"" + version.substring(1) + "\"?" : ""), b.typeRange()));
      return;
    }
    Ast.Block first = withdrawals.putIfAbsent(version, b);
    if (first != null) {
      diagnostics.add(Diagnostic.error("Version " + version + " is withdrawn twice",
          "It is already withdrawn at " + first.range() + "; keep one withdraw block per version.", b.typeRange()));
      return;
    }
    checkAttributes(b, WITHDRAW, WITHDRAW_TYPE);
  }

  private void add(Declaration d, SourceRange range, String what) {
    Declaration previous = declarations.putIfAbsent(d.key(), d);
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

  /** The schema a declared block is checked against. */
  Schema schemaOf(Declaration d) {
    return switch (d.kind()) {
      case RELEASE -> RELEASE;
      case VARIABLE -> VARIABLE;
      case BUILD -> BUILD;
      case ARTIFACT -> ARTIFACT;
      case PROVIDER -> providers.all().values().stream().filter(f -> f.settingsBlock().equals(d.name()))
          .map(ProviderFactory::settingsSchema).reduce(BlockChecks::union).orElse(Schema.builder().build());
      case PUBLICATION -> providers.get(d.type()).schema();
      case LOCAL -> throw new IllegalArgumentException("a local value has no schema: " + d.key());
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
            (hint.isEmpty() ? "" : hint.trim() + " ") + "Known attributes: " + String.join(", ", allowed) + ". "
                + "Each is described by `fanout docs " + docsName(b, type) + "` (docs/reference/" + docsName(b, type) + ".md).",
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

  /** The reference page of a block: its type, or provider.NAME for a provider settings block. */
  private static String docsName(Ast.Block b, String type) {
    return type.equals("provider") ? "provider." + b.label(0) : type;
  }

  static Schema union(Schema a, Schema b) {
    Map<String, Schema.Attribute> all = new LinkedHashMap<>(a.attributes());
    b.attributes().forEach(all::putIfAbsent);
    return new Schema(all);
  }
}
