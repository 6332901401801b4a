package dev.fanout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fanout sandbox serve}: the registry emulators as a standalone server. */
@Command(name = "sandbox", description = "The built-in registry emulators.",
    subcommands = SandboxCommand.Serve.class,
    footer = {"", "Example:", "  fanout sandbox serve --dir /tmp/sandbox --scenario audit"})
final class SandboxCommand implements Runnable {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "Missing command: serve");
  }

  /** Starts every emulator and prints their URLs as one JSON line, then serves until stopped. */
  @Command(name = "serve", description = "Start every registry emulator on loopback and serve until Ctrl-C. The first"
      + " line of output is a JSON object mapping each registry to its base URL.",
      footer = {"", "Example:", "  fanout sandbox serve --dir .fanout/sandbox --scenario audit",
          "  curl -s $(fanout ... | jq -r .npm)/contextlite"})
  static final class Serve implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @ParentCommand
    SandboxCommand parent;

    @Option(names = "--dir", defaultValue = ".fanout/sandbox", description = "Where the registries keep their state (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--scenario", defaultValue = "empty", description = "The state a new sandbox starts from: empty, audit or trusted-publishing (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Override
    public Integer call() throws Exception {
      Main.Root root = parent.root;
      Sandbox sandbox;
      try {
        sandbox = Sandbox.start(dir, scenario);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage() + "; scenarios: empty, audit");
      }
      CountDownLatch stop = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        try {
          sandbox.close();
        } catch (Exception ignored) {
          // Stopping anyway.
        }
        stop.countDown();
      });
      Runtime.getRuntime().addShutdownHook(hook);
      SandboxSeeder.seedIfNeeded(sandbox, root.io.env(), root.providers());
      sandbox.announce();   // plan and apply --sandbox=DIR now use this server
      root.io.out().println(new ObjectMapper().writeValueAsString(sandbox.urls()));
      root.io.out().flush();
      root.io.err().println("Serving the sandbox from " + dir.toAbsolutePath() + " (scenario " + scenario
          + "). Requests are logged to " + dir.resolve("requests.jsonl") + ". Ctrl-C stops it.");
      stop.await();
      return ExitCode.OK;
    }
  }
}
