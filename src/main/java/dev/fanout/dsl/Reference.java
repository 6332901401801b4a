package dev.fanout.dsl;

import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import dev.fanout.provider.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What each block of a release file takes, from the same schemas the checker uses, so the
 * reference (`fanout docs`, docs/reference/) cannot say something the checker does not do.
 * Examples are the first block of the type in the bundled example release files, so they are
 * files that validate; a block no example holds gets one made of its required attributes.
 */
public final class Reference {

  /** What a page documents. */
  public enum Kind { CORE, PUBLICATION, PROVIDER }

  /**
   * One page of the reference.
   *
   * @param name the page's name and the argument of {@code fanout docs}: {@code npm}, {@code release},
   *     {@code provider.github}
   * @param usage how the block is written: {@code npm "NAME" { ... }}
   * @param common attributes every block of this kind takes besides its schema's
   * @param example a whole block; {@code exampleSource} says which file it comes from, or null
   */
  public record Page(String name, Kind kind, String usage, String description, Schema schema, List<String> common,
      String example, String exampleSource) { }

  private static final Map<String, String> CORE = new LinkedHashMap<>();

  static {
    CORE.put("release", "What is released: its name, its version and what registries show about it. One per release.");
    CORE.put("variable", "A value given from outside: --var NAME=VALUE, --var-file, FANOUT_VAR_NAME, or its default.");
    CORE.put("locals", "Named values computed once and used as local.NAME. Takes any attributes.");
    CORE.put("build", "A command that makes files (binaries, packages) before they are published; run by apply "
        + "and by fanout build.");
    CORE.put("withdraw", "A bad version to take back from every registry, as far as each allows: npm deprecates it and "
        + "moves latest back, crates.io yanks it, moving image tags go back to the previous version, manifests are "
        + "written again at the previous version; what a registry cannot do is a manual step with its URL. Labelled by "
        + "the version; one per version.");
    CORE.put("artifact", "A file to publish: where it comes from (a build's output or a path), and its os and arch.");
  }

  private Reference() {
  }

  /**
   * Every page: the core blocks, then each provider settings block, then each publication type.
   *
   * @param examples release files to take examples from: a name to show (such as
   *     {@code examples/contextlite/release.fanout}) to its text
   */
  public static List<Page> pages(Providers providers, Map<String, String> examples) {
    List<Ast.Block> exampleBlocks = new ArrayList<>();
    Map<Ast.Block, String> sourceOf = new LinkedHashMap<>();
    Map<Ast.Block, String> textOf = new LinkedHashMap<>();
    examples.forEach((name, text) -> {
      Syntax.Result parsed = Syntax.parse(name, text);
      String[] lines = text.split("\n", -1);
      for (Ast.Block b : parsed.file().blocks()) {
        exampleBlocks.add(b);
        sourceOf.put(b, name);
        textOf.put(b, String.join("\n", java.util.Arrays.copyOfRange(lines, b.range().line() - 1,
            Math.min(lines.length, b.range().endLine()))));
      }
    });

    List<Page> pages = new ArrayList<>();
    for (Map.Entry<String, String> core : CORE.entrySet()) {
      String type = core.getKey();
      Schema schema = switch (type) {
        case "release" -> BlockChecks.RELEASE;
        case "variable" -> BlockChecks.VARIABLE;
        case "build" -> BlockChecks.BUILD;
        case "artifact" -> BlockChecks.ARTIFACT;
        case "withdraw" -> BlockChecks.WITHDRAW;
        default -> Schema.builder().build();
      };
      String usage = type.equals("locals") ? "locals { NAME = VALUE ... }"
          : type.equals("withdraw") ? "withdraw \"VERSION\" { reason = \"...\" }" : type + " \"NAME\" { ... }";
      Optional<Ast.Block> found = exampleBlocks.stream().filter(b -> b.type().equals(type)).findFirst();
      pages.add(new Page(type, Kind.CORE, usage, core.getValue(), schema, List.of(),
          found.map(textOf::get).orElse(type.equals("withdraw")
              ? "withdraw \"1.0.35\" {\n  reason = \"corrupts the index on upgrade; use 1.0.36\"\n}"
              : made(type, "example", schema)), found.map(sourceOf::get).orElse(null)));
    }

    Map<String, List<ProviderFactory>> bySettings = new TreeMap<>();
    providers.all().values().forEach(f -> bySettings.computeIfAbsent(f.settingsBlock(), k -> new ArrayList<>()).add(f));
    for (Map.Entry<String, List<ProviderFactory>> e : bySettings.entrySet()) {
      String block = e.getKey();
      Schema schema = e.getValue().stream().map(ProviderFactory::settingsSchema).reduce(BlockChecks::union).orElseThrow();
      List<String> types = e.getValue().stream().map(ProviderFactory::type).sorted().toList();
      Optional<Ast.Block> found = exampleBlocks.stream()
          .filter(b -> b.type().equals("provider") && block.equals(b.label(0))).findFirst();
      pages.add(new Page("provider." + block, Kind.PROVIDER, "provider \"" + block + "\" { ... }",
          "Settings (endpoints and credentials) shared by the " + String.join(", ", types)
              + " blocks. Every attribute is optional; credentials are read with env(\"NAME\").",
          schema, List.of(), found.map(textOf::get).orElse(made("provider", block, schema)),
          found.map(sourceOf::get).orElse(null)));
    }

    for (ProviderFactory f : new TreeMap<>(providers.all()).values()) {
      Optional<Ast.Block> found = exampleBlocks.stream().filter(b -> b.type().equals(f.type())).findFirst();
      pages.add(new Page(f.type(), Kind.PUBLICATION, f.type() + " \"NAME\" { ... }", f.description(), f.schema(),
          BlockChecks.META, found.map(textOf::get).orElse(made(f.type(), "example", f.schema())),
          found.map(sourceOf::get).orElse(null)));
    }
    return pages;
  }

  /** A block of the required attributes, for a type no example holds. */
  private static String made(String type, String label, Schema schema) {
    StringBuilder s = new StringBuilder(type).append(" \"").append(label).append("\" {\n");
    for (Schema.Attribute a : schema.attributes().values()) {
      if (a.required() || a.sensitive()) {
        s.append("  ").append(a.name()).append(" = ").append(sample(a)).append('\n');
      }
    }
    return s.append("}").toString();
  }

  private static String sample(Schema.Attribute a) {
    if (a.sensitive()) {
      return "env(\"" + a.name().toUpperCase(java.util.Locale.ROOT) + "\")";
    }
    for (Schema.Constraint c : a.constraints()) {
      if (c instanceof Schema.Constraint.OneOf one) {
        return "\"" + one.values().get(0) + "\"";
      }
    }
    return switch (a.type()) {
      case NUMBER -> "1";
      case BOOL -> "true";
      case LIST -> "[]";
      case MAP -> "{}";
      case ARTIFACTS -> "artifact.binary";
      default -> "\"...\"";
    };
  }
}
