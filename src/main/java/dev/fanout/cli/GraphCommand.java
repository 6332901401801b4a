package dev.fanout.cli;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.graph.ReleaseGraph;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fanout graph PATH}: the dependency graph as DOT, Mermaid or JSON. */
@Command(name = "graph", description = "Print the release's dependency graph.",
    footer = {"", "Examples:", "  fanout graph examples/contextlite --format dot | dot -Tsvg > graph.svg",
        "  fanout graph examples/contextlite --format mermaid"})
final class GraphCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  /** Output formats. */
  enum Format { dot, mermaid, json, list }

  @ParentCommand
  Main.Root root;

  @Mixin
  ConfigOptions config;

  @Option(names = "--format", defaultValue = "dot", description = "dot, mermaid, json, or list (the targets' addresses, one a line) (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    ConfigLoader.Result result = config.load(root, true);
    if (result.hasErrors()) {
      return ExitCode.ERROR;
    }
    ReleaseGraph graph = ReleaseGraph.of(result.config());
    root.io.out().print(switch (format) {
      case dot -> graph.toDot();
      case mermaid -> graph.toMermaid();
      case json -> graph.toJson();
      case list -> graph.order().stream().filter(a -> graph.kind(a) == ReleaseGraph.Kind.PUBLICATION)
          .map(a -> a + "\n").sorted().collect(java.util.stream.Collectors.joining());
    });
    return ExitCode.OK;
  }
}
