package dev.fanout.cli;

import dev.fanout.output.RedactingWriter;
import dev.fanout.output.Redactor;
import dev.fanout.output.Text;
import dev.fanout.provider.Providers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code fanout} command line. Results go to stdout, messages to stderr. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    boolean tty = System.console() != null;
    int code = run(System.out, System.err, System.getenv(), tty,
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), args);
    System.exit(code);
  }

  /** Runs the CLI with the given streams and environment, and returns the exit code. */
  public static int run(OutputStream stdout, OutputStream stderr, Map<String, String> env, boolean interactive,
      BufferedReader stdin, String... args) {
    // Both streams redact by construction: whatever a command or an error message prints,
    // a secret the run has learnt cannot reach the terminal or a CI log.
    Redactor redactor = Redactor.none();
    PrintWriter out = new PrintWriter(new RedactingWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), redactor),
        true);
    PrintWriter err = new PrintWriter(new RedactingWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), redactor),
        true);
    Io io = new Io(out, err, Map.copyOf(env), interactive, stdin, redactor);
    CommandLine cli = commandLine(io, args);
    cli.setOut(out);
    cli.setErr(err);
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Every command, in the order the help lists them. */
  private static final Map<String, java.util.function.Supplier<Object>> COMMANDS = commands();

  private static Map<String, java.util.function.Supplier<Object>> commands() {
    Map<String, java.util.function.Supplier<Object>> all = new java.util.LinkedHashMap<>();
    all.put("version", VersionCommand::new);
    all.put("validate", ValidateCommand::new);
    all.put("fmt", FmtCommand::new);
    all.put("graph", GraphCommand::new);
    all.put("build", BuildCommand::new);
    all.put("ci", CiCommand::new);
    all.put("plan", PlanCommand::new);
    all.put("apply", ApplyCommand::new);
    all.put("drift", DriftCommand::new);
    all.put("show", ShowCommand::new);
    all.put("force-unlock", ForceUnlockCommand::new);
    all.put("sandbox", SandboxCommand::new);
    all.put("docs", DocsCommand::new);
    all.put("completion", CompletionCommand::new);
    all.put("init", InitCommand::new);
    return java.util.Collections.unmodifiableMap(all);
  }

  /** The whole command line, every command in it: for help, completion and the reference pages. */
  static CommandLine commandLine(Io io) {
    return commandLine(io, new String[0]);
  }

  /**
   * The command line for {@code args}. A run that names a command gets that command alone:
   * picocli reads every command's annotations when it is added, a third of a second of
   * start-up for commands the run never uses. Anything else (help, a mistyped command,
   * completion, which lists every command) gets them all.
   */
  static CommandLine commandLine(Io io, String[] args) {
    Root root = new Root(io);
    CommandLine cli = new CommandLine(root);
    String named = commandNamed(args);
    if (named != null) {
      cli.addSubcommand(COMMANDS.get(named).get());
    } else {
      COMMANDS.values().forEach(c -> cli.addSubcommand(c.get()));
    }
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(Main::badUsage);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean debug = root.debug;
      PrintWriter err = commandLine.getErr();
      if (e instanceof UserError u) {
        err.println("Error: " + Text.terminal(u.getMessage()));
      } else {
        err.println("Error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
            + Text.terminal(e.getMessage())));
        if (!debug) {
          err.println("This is a bug in Fanout; run again with --debug for the details and report it.");
        }
      }
      if (debug) {
        e.printStackTrace(err);
      }
      return ExitCode.ERROR;
    });
    return cli;
  }

  /**
   * The command {@code args} run, when it is one that needs no other command: the first
   * argument that is not one of the root's flags. Null for help and completion, and for
   * anything unknown (so the error can suggest a command).
   */
  private static String commandNamed(String[] args) {
    for (String a : args) {
      if (a.equals("--debug") || a.equals("--no-color")) {
        continue;
      }
      return COMMANDS.containsKey(a) && !a.equals("completion") ? a : null;
    }
    return null;
  }

  /** A bad flag or argument: the message, then the command's usage line, exit 1. */
  private static int badUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("Error: " + e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      for (String s : u.getSuggestions()) {
        err.println("  Did you mean: " + cmd.getCommandName() + " " + s + "?");
        break;
      }
    }
    err.println(cmd.getHelp().synopsis(0).trim().replace("\n", " ").replaceAll("\\s+", " "));
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for more.");
    return ExitCode.ERROR;
  }

  /** The root command: holds what every subcommand shares. */
  @Command(name = "fanout", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
      description = {"Plan and apply software releases across every registry.", ""},
      footer = {"", "Examples:", "  fanout validate examples/contextlite",
          "  fanout plan examples/contextlite --sandbox",
          "  fanout apply examples/contextlite --sandbox --auto-approve"},
      commandListHeading = "%nCommands:%n", synopsisSubcommandLabel = "COMMAND")
  static final class Root implements Runnable {
    final Io io;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces for unexpected errors.")
    boolean debug;

    @Option(names = "--no-color", scope = CommandLine.ScopeType.INHERIT, description = "No colours in the output.")
    boolean noColor;

    private Providers providers;

    Root(Io io) {
      this.io = io;
    }

    /** Every provider on the class path, found once per command. */
    synchronized Providers providers() {
      if (providers == null) {
        providers = Providers.load();
      }
      return providers;
    }

    Style style() {
      return new Style(!noColor && io.interactive() && !io.env().containsKey("NO_COLOR"));
    }

    @Override
    public void run() {
      throw new CommandLine.ParameterException(new CommandLine(this), "Missing command");
    }
  }
}
