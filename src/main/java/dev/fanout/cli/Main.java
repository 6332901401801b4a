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
    CommandLine cli = commandLine(io);
    cli.setOut(out);
    cli.setErr(err);
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  static CommandLine commandLine(Io io) {
    Root root = new Root(io);
    CommandLine cli = new CommandLine(root);
    cli.addSubcommand(new VersionCommand());
    cli.addSubcommand(new ValidateCommand());
    cli.addSubcommand(new FmtCommand());
    cli.addSubcommand(new GraphCommand());
    cli.addSubcommand(new BuildCommand());
    cli.addSubcommand(new CiCommand());
    cli.addSubcommand(new PlanCommand());
    cli.addSubcommand(new ApplyCommand());
    cli.addSubcommand(new DriftCommand());
    cli.addSubcommand(new ShowCommand());
    cli.addSubcommand(new ForceUnlockCommand());
    cli.addSubcommand(new SandboxCommand());
    cli.addSubcommand(new DocsCommand());
    cli.addSubcommand(new CompletionCommand());
    cli.addSubcommand(new InitCommand());
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
