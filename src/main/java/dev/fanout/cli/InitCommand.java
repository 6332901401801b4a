package dev.fanout.cli;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.dsl.Formatter;
import dev.fanout.output.Text;
import dev.fanout.starter.GoreleaserImport;
import dev.fanout.starter.ProjectScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fanout init [DIR]}: a starter release file from what the project holds. */
@Command(name = "init", description = "Write a starter release file from what the project holds (package.json"
    + " workspaces, Cargo.toml, pom.xml, go.mod, a GoReleaser configuration), and list what it could not set up.",
    footer = {"", "Examples:", "  fanout init", "  fanout init path/to/project",
        "  fanout init --from-goreleaser .goreleaser.yaml"})
final class InitCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Parameters(arity = "0..1", paramLabel = "DIR", defaultValue = ".", description = "The project folder (default: the current folder).")
  Path dir;

  @Option(names = "--from-goreleaser", paramLabel = "FILE", description = "Convert this GoReleaser configuration.")
  Path goreleaser;

  @Option(names = "--force", description = "Replace an existing release.fanout.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new UserError(dir + " is not a folder.");
    }
    Path target = dir.resolve("release.fanout");
    if (Files.exists(target) && !force) {
      throw new UserError(target + " exists already; run with --force to replace it.");
    }
    String repository = GitWorkTree.githubRepository(dir);
    ProjectScan.Result result;
    try {
      result = goreleaser != null ? GoreleaserImport.convert(goreleaser, repository, dir.toAbsolutePath().normalize()
          .getFileName().toString()) : new ProjectScan(dir, repository).scan();
    } catch (IOException e) {
      throw new UserError("Cannot read the project: " + e.getMessage());
    }
    var out = root.io.out();
    result.starter().found().forEach((file, what) -> out.println("Found " + Text.terminal(file) + ": " + Text.terminal(what)));
    if (result.starter().isEmpty()) {
      out.println("Nothing here that Fanout can publish yet; no file written.");
      result.starter().notConverted().forEach(n -> out.println("  - " + Text.terminal(n)));
      return ExitCode.ERROR;
    }
    Formatter.Result formatted = Formatter.format("release.fanout", result.text());
    String text = formatted.text() == null ? result.text() : formatted.text();
    try {
      Files.writeString(target, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("Cannot write " + target + ": " + e.getClass().getSimpleName() + " " + e.getMessage() + ".");
    }
    out.println("Wrote " + target);
    if (!result.starter().notConverted().isEmpty()) {
      out.println("Not set up (add these by hand):");
      result.starter().notConverted().forEach(n -> out.println("  - " + Text.terminal(n)));
    }
    ConfigLoader.Result loaded = new ConfigLoader(root.providers(), Map.of(), root.io.env(), GitWorkTree::tagsAtHead)
        .load(target);
    if (loaded.hasErrors()) {
      root.io.err().print(DiagnosticView.text(loaded.diagnostics(), loaded.sources(), root.style()));
      out.println("The starter does not validate as written (see above): fix it with `fanout validate " + dir + "`.");
      return ExitCode.ERROR;
    }
    out.println("It validates. Next: fanout plan " + dir + " --sandbox");
    return ExitCode.OK;
  }
}
