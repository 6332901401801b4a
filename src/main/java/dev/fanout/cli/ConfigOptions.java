package dev.fanout.cli;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.dsl.Diagnostic;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The release files to read and the variables to read them with; shared by every command that loads them. */
final class ConfigOptions {

  @Parameters(index = "0", paramLabel = "PATH", defaultValue = ".",
      description = "A release file, or a folder of *.fanout files (default: the current folder).")
  Path path;

  @Option(names = "--var", paramLabel = "NAME=VALUE", description = "Set a variable (repeatable).")
  List<String> vars = List.of();

  @Option(names = "--var-file", paramLabel = "FILE", description = "Read variables from FILE: name = value lines, or"
      + " a JSON object when it ends in .json (repeatable; .fanoutvars beside the release files is read first).")
  List<Path> varFiles = List.of();

  Map<String, String> vars() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String v : vars) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new UserError("--var takes NAME=VALUE, as in --var version=1.2.3; got \"" + v + "\"");
      }
      out.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return out;
  }

  /** Loads and checks the configuration, printing diagnostics to stderr. */
  ConfigLoader.Result load(Main.Root root, boolean printDiagnostics) {
    return load(root, printDiagnostics, null, java.util.Set.of());
  }

  /**
   * @param sandboxUrls under {@code --sandbox}, the emulators' URLs (exports such as asset URLs
   *     name them), else null
   * @param realTypes the types {@code --sandbox-except} keeps on their real registries
   */
  ConfigLoader.Result load(Main.Root root, boolean printDiagnostics, java.util.Map<String, String> sandboxUrls,
      java.util.Set<String> realTypes) {
    ConfigLoader loader = new ConfigLoader(root.providers(), vars(), root.io.env(), GitWorkTree::tagsAtHead)
        .withVarFiles(varFiles);
    if (sandboxUrls != null) {
      loader.withSandbox(sandboxUrls, realTypes);
    }
    ConfigLoader.Result result = loader.load(path);
    if (printDiagnostics && !result.diagnostics().isEmpty()) {
      root.io.err().print(DiagnosticView.text(result.diagnostics(), result.sources(), root.style()));
      root.io.err().flush();
    }
    return result;
  }

  static long errors(List<Diagnostic> diagnostics) {
    return diagnostics.stream().filter(Diagnostic::isError).count();
  }
}
