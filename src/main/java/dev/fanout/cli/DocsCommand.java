package dev.fanout.cli;

import dev.fanout.dsl.Names;
import dev.fanout.dsl.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fanout docs [TYPE]}: the reference page of a block type, from the schemas. */
@Command(name = "docs", description = "Print what a block type takes: every attribute, its type, whether it is "
    + "required, its allowed values and an example.",
    footer = {"", "Examples:", "  fanout docs            (every block type)", "  fanout docs npm",
        "  fanout docs provider.github", "  fanout docs --write docs/reference"})
final class DocsCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Parameters(arity = "0..1", paramLabel = "TYPE", description = "A block type (npm, release, provider.github, ...).")
  String type;

  @Option(names = "--write", paramLabel = "DIR", description = "Write every page and an index (README.md) into DIR.")
  Path write;

  @Override
  public Integer call() throws IOException {
    List<Reference.Page> pages = ReferencePages.pages(root.providers());
    if (write != null) {
      try {
        Files.createDirectories(write);
        for (Reference.Page p : pages) {
          Files.writeString(write.resolve(ReferencePages.fileName(p)), ReferencePages.markdown(p), StandardCharsets.UTF_8);
        }
        Files.writeString(write.resolve("README.md"), ReferencePages.index(pages), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UserError("Cannot write the reference into " + write + ": " + e.getClass().getSimpleName() + " "
            + e.getMessage() + ". Give a folder you can write to.");
      }
      root.io.err().println("Wrote " + (pages.size() + 1) + " pages to " + write);
      return ExitCode.OK;
    }
    if (type == null) {
      root.io.out().print(ReferencePages.index(pages));
      return ExitCode.OK;
    }
    String wanted = type.startsWith("provider ") ? "provider." + type.substring(9).replace("\"", "").trim() : type;
    for (Reference.Page p : pages) {
      if (p.name().equals(wanted)) {
        root.io.out().print(ReferencePages.markdown(p));
        return ExitCode.OK;
      }
    }
    List<String> names = pages.stream().map(Reference.Page::name).toList();
    throw new UserError("No block type \"" + type + "\"." + Names.didYouMean(type, names)
        + " Block types: " + String.join(", ", names) + ".");
  }
}
