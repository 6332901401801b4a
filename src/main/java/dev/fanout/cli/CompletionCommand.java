package dev.fanout.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fanout completion bash|zsh|fish}: a completion script made from the command line's own
 * model (commands, flags), so it cannot fall behind it. {@code --target} completes the target
 * addresses of the release files named on the line (or of the current folder), asked of
 * {@code fanout graph --format list} at completion time.
 */
@Command(name = "completion", description = "Print a shell completion script for bash, zsh or fish.",
    footer = {"", "Examples:", "  source <(fanout completion bash)          (in ~/.bashrc)",
        "  source <(fanout completion zsh)           (in ~/.zshrc)",
        "  fanout completion fish > ~/.config/fish/completions/fanout.fish"})
final class CompletionCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Spec
  CommandSpec spec;

  /** The shells a script is made for. */
  enum Shell { bash, zsh, fish }

  @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish.")
  Shell shell;

  @Override
  public Integer call() {
    Map<String, CommandSpec> commands = new TreeMap<>();
    spec.root().subcommands().forEach((name, line) -> commands.put(name, line.getCommandSpec()));
    root.io.out().print(switch (shell) {
      case bash -> bash(commands);
      case zsh -> "#compdef fanout\nautoload -U +X bashcompinit && bashcompinit\n" + bash(commands);
      case fish -> fish(commands);
    });
    return ExitCode.OK;
  }

  private static List<String> flags(CommandSpec command) {
    return command.options().stream().flatMap(o -> java.util.Arrays.stream(o.names())).sorted().toList();
  }

  private static String valueFlags(CommandSpec command) {
    return command.options().stream().filter(o -> o.arity().max() > 0)
        .flatMap(o -> java.util.Arrays.stream(o.names())).sorted().collect(Collectors.joining("|"));
  }

  static String bash(Map<String, CommandSpec> commands) {
    StringBuilder s = new StringBuilder();
    s.append("# fanout completion for bash (fanout completion bash)\n");
    s.append("_fanout_targets() {\n");
    s.append("  local path=.\n  local w\n");
    s.append("  for w in \"${COMP_WORDS[@]:2}\"; do\n");
    s.append("    if [[ \"$w\" != -* && ( -d \"$w\" || \"$w\" == *.fanout ) ]]; then path=\"$w\"; break; fi\n");
    s.append("  done\n");
    s.append("  fanout graph \"$path\" --format list 2>/dev/null\n");
    s.append("}\n\n");
    s.append("_fanout() {\n");
    s.append("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n");
    s.append("  COMPREPLY=()\n");
    s.append("  if [[ $COMP_CWORD -eq 1 ]]; then\n");
    s.append("    COMPREPLY=( $(compgen -W \"").append(String.join(" ", commands.keySet()))
        .append(" --help --version\" -- \"$cur\") )\n    return 0\n  fi\n");
    s.append("  if [[ \"$prev\" == \"--target\" ]]; then\n");
    s.append("    COMPREPLY=( $(compgen -W \"$(_fanout_targets)\" -- \"$cur\") )\n    return 0\n  fi\n");
    s.append("  local flags=\"\" takes_value=\"\"\n");
    s.append("  case \"${COMP_WORDS[1]}\" in\n");
    commands.forEach((name, command) -> {
      s.append("    ").append(name).append(") flags=\"").append(String.join(" ", flags(command))).append("\"");
      String values = valueFlags(command);
      if (!values.isEmpty()) {
        s.append("; takes_value=\"").append(values.replace("|", " ")).append("\"");
      }
      s.append(" ;;\n");
    });
    s.append("  esac\n");
    s.append("  if [[ \" $takes_value \" == *\" $prev \"* ]]; then\n");
    s.append("    COMPREPLY=( $(compgen -f -- \"$cur\") )\n    return 0\n  fi\n");
    s.append("  if [[ \"$cur\" == -* ]]; then\n");
    s.append("    COMPREPLY=( $(compgen -W \"$flags\" -- \"$cur\") )\n");
    s.append("  else\n");
    s.append("    COMPREPLY=( $(compgen -f -- \"$cur\") )\n");
    s.append("  fi\n");
    s.append("  return 0\n");
    s.append("}\n");
    s.append("complete -o filenames -F _fanout fanout\n");
    return s.toString();
  }

  static String fish(Map<String, CommandSpec> commands) {
    StringBuilder s = new StringBuilder("# fanout completion for fish (fanout completion fish)\n");
    s.append("complete -c fanout -f\n");
    String all = String.join(" ", commands.keySet());
    commands.forEach((name, command) -> s.append("complete -c fanout -n \"not __fish_seen_subcommand_from ")
        .append(all).append("\" -a ").append(name).append(" -d ").append(quote(description(command))).append('\n'));
    commands.forEach((name, command) -> {
      for (OptionSpec o : command.options()) {
        s.append("complete -c fanout -n \"__fish_seen_subcommand_from ").append(name).append('"');
        for (String n : o.names()) {
          s.append(n.startsWith("--") ? " -l " + n.substring(2) : " -s " + n.substring(1));
        }
        if (o.arity().max() > 0) {
          s.append(" -r");
          if (List.of(o.names()).contains("--target")) {
            s.append(" -a \"(fanout graph (commandline -opc)[3] --format list 2>/dev/null)\"");
          } else {
            s.append(" -F");
          }
        }
        String help = o.description().length == 0 ? "" : o.description()[0];
        s.append(" -d ").append(quote(help)).append('\n');
      }
      if (!command.positionalParameters().isEmpty()) {
        s.append("complete -c fanout -n \"__fish_seen_subcommand_from ").append(name).append("\" -F\n");
      }
    });
    return s.toString();
  }

  private static String description(CommandSpec command) {
    String[] d = command.usageMessage().description();
    return d.length == 0 ? "" : d[0];
  }

  /** A fish single-quoted string: only backslash and the quote are special. */
  private static String quote(String s) {
    String one = s.replaceAll("\\$\\{DEFAULT-VALUE}", "").replaceAll("\\s+", " ").trim();
    if (one.length() > 80) {
      one = one.substring(0, 77) + "...";
    }
    return "'" + one.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
