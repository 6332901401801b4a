package dev.fanout.cli;

import dev.fanout.dsl.Reference;
import dev.fanout.provider.Providers;
import dev.fanout.provider.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The reference as Markdown: one page per block type (docs/reference/TYPE.md, and what
 * {@code fanout docs TYPE} prints) and an index. Pure functions of the schemas and the bundled
 * examples, so a test can regenerate the committed pages and compare.
 */
final class ReferencePages {

  /** The example release files bundled in the jar, by the path a reader of the repository knows. */
  static final List<String> EXAMPLES = List.of("contextlite", "java-library", "minimal");

  private ReferencePages() {
  }

  static List<Reference.Page> pages(Providers providers) {
    Map<String, String> examples = new LinkedHashMap<>();
    for (String name : EXAMPLES) {
      try (InputStream in = ReferencePages.class.getResourceAsStream("/reference/examples/" + name + "/release.fanout")) {
        if (in != null) {
          examples.put("examples/" + name + "/release.fanout", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return Reference.pages(providers, examples);
  }

  static String fileName(Reference.Page page) {
    return page.name() + ".md";
  }

  static String markdown(Reference.Page page) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(page.name()).append("\n\n");
    s.append(page.description()).append("\n\n");
    s.append("```hcl\n").append(page.usage()).append("\n```\n\n");
    Schema schema = page.schema();
    if (!schema.attributes().isEmpty()) {
      s.append("## Attributes\n\n");
      for (Schema.Attribute a : schema.attributes().values()) {
        s.append("### `").append(a.name()).append("`\n\n");
        s.append(type(a.type())).append(", ").append(a.required() ? "required" : "optional");
        if (a.sensitive()) {
          s.append(", sensitive (never shown or written; give it with env(\"NAME\"))");
        }
        s.append(": ").append(a.description()).append(".\n");
        for (Schema.Constraint c : a.constraints()) {
          s.append('\n').append(constraint(c)).append('\n');
        }
        s.append('\n');
      }
    }
    for (List<String> group : schema.exactlyOne()) {
      s.append("Set exactly one of ").append(group.stream().map(n -> "`" + n + "`").collect(Collectors.joining(" or ")))
          .append(".\n\n");
    }
    if (!page.common().isEmpty()) {
      s.append("Every publication block also takes ").append(page.common().stream().map(n -> "`" + n + "`")
          .collect(Collectors.joining(", "))).append(" (see [Publication blocks](README.md#publication-blocks)).\n\n");
    }
    s.append("## Example\n\n");
    if (page.exampleSource() != null) {
      s.append("From `").append(page.exampleSource()).append("`:\n\n");
    }
    s.append("```hcl\n").append(page.example()).append("\n```\n");
    return s.toString();
  }

  static String index(List<Reference.Page> pages) {
    StringBuilder s = new StringBuilder("# Release file reference\n\n");
    s.append("Generated from the schemas Fanout checks release files against (`fanout docs --write docs/reference`);\n")
        .append("`fanout docs TYPE` prints a page in the terminal. A test fails when a page here differs from the code.\n\n");
    for (Reference.Kind kind : Reference.Kind.values()) {
      s.append("## ").append(switch (kind) {
        case CORE -> "Core blocks";
        case PROVIDER -> "Provider settings blocks";
        case PUBLICATION -> "Publication blocks";
      }).append("\n\n");
      if (kind == Reference.Kind.PUBLICATION) {
        s.append("Each publishes to one registry. Besides their own attributes they all take `for_each` (one target per\n")
            .append("element, as `each.key` and `each.value`), `depends_on` (explicit dependencies) and `enabled`\n")
            .append("(false leaves the target out).\n\n");
      }
      for (Reference.Page p : pages) {
        if (p.kind() == kind) {
          s.append("- [").append(p.name()).append("](").append(fileName(p)).append("): ")
              .append(firstSentence(p.description())).append('\n');
        }
      }
      s.append('\n');
    }
    return s.toString().stripTrailing() + "\n";
  }

  private static String type(Schema.Type type) {
    return switch (type) {
      case STRING -> "String";
      case NUMBER -> "Number";
      case BOOL -> "Bool";
      case LIST -> "List";
      case MAP -> "Map";
      case ANY -> "Any value";
      case ARTIFACTS -> "Artifacts (`artifact.NAME`, one instance, or a list or map of them)";
    };
  }

  private static String constraint(Schema.Constraint c) {
    if (c instanceof Schema.Constraint.OneOf one) {
      return "Allowed values: " + one.values().stream().map(v -> "`\"" + v + "\"`").collect(Collectors.joining(", ")) + ".";
    }
    if (c instanceof Schema.Constraint.Matches m) {
      return "Must be " + m.description() + " (`" + m.regex() + "`).";
    }
    Schema.Constraint.ExistingPath p = (Schema.Constraint.ExistingPath) c;
    return p.folder()
        ? "A folder relative to the release file that must exist" + (p.holding() == null ? "" : " and hold `" + p.holding() + "`") + "."
        : "A file relative to the release file that must exist.";
  }

  private static String firstSentence(String s) {
    int dot = s.indexOf(". ");
    return dot < 0 ? s : s.substring(0, dot + 1);
  }
}
