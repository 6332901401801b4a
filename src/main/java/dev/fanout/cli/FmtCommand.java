package dev.fanout.cli;

import dev.fanout.dsl.Formatter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fanout fmt PATH}: rewrite release files in the canonical layout. */
@Command(name = "fmt", description = "Rewrite release files in the canonical layout (comments are kept).",
    footer = {"", "Examples:", "  fanout fmt examples/", "  fanout fmt --check --diff release.fanout"})
final class FmtCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Parameters(index = "0", paramLabel = "PATH", defaultValue = ".",
      description = "A release file, or a folder searched for *.fanout files (default: the current folder).")
  Path path;

  @Option(names = "--check", description = "Change nothing; exit 2 when a file is not formatted.")
  boolean check;

  @Option(names = "--diff", description = "Show what would change.")
  boolean diff;

  @Override
  public Integer call() throws IOException {
    List<Path> files = files();
    int unformatted = 0;
    boolean errors = false;
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (java.nio.charset.MalformedInputException e) {
        root.io.err().println("Error: " + f + " is not UTF-8 text");
        errors = true;
        continue;
      }
      Formatter.Result r = Formatter.format(f.toString(), text.startsWith("\uFEFF") ? text.substring(1) : text);
      if (r.text() == null) {
        root.io.err().print(DiagnosticView.text(r.diagnostics(), Map.of(f.toString(), text), root.style()));
        errors = true;
        continue;
      }
      String normalised = text.replace("\r\n", "\n");
      if (r.text().equals(text)) {
        continue;
      }
      unformatted++;
      root.io.out().println(f);
      if (diff) {
        root.io.out().print(unifiedDiff(f.toString(), normalised, r.text()));
      }
      if (!check) {
        Files.writeString(f, r.text(), StandardCharsets.UTF_8);
      }
    }
    if (errors) {
      return ExitCode.ERROR;
    }
    return check && unformatted > 0 ? ExitCode.CHANGES : ExitCode.OK;
  }

  private List<Path> files() throws IOException {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new UserError("no such file or folder: " + path);
    }
    try (Stream<Path> s = Files.walk(path)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".fanout") && Files.isRegularFile(p)).sorted().toList();
    }
  }

  /** A small unified diff (longest common subsequence of lines); release files are short. */
  static String unifiedDiff(String name, String before, String after) {
    String[] a = before.split("\n", -1);
    String[] b = after.split("\n", -1);
    int[][] lcs = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    out.add("--- " + name);
    out.add("+++ " + name + " (formatted)");
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        i++;
        j++;
      } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.add("@@ line " + (i + 1) + " @@ +" + b[j]);
        j++;
      } else {
        out.add("@@ line " + (i + 1) + " @@ -" + a[i]);
        i++;
      }
    }
    return String.join("\n", out) + "\n";
  }
}
