package dev.fanout.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParentCommand;

/** {@code fanout version}. */
@Command(name = "version", description = "Print Fanout's version.", footer = {"", "Example:", "  fanout version"})
final class VersionCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Override
  public Integer call() {
    root.io.out().println("fanout " + version() + " (Java " + System.getProperty("java.version") + ")");
    return ExitCode.OK;
  }

  static String version() {
    try (InputStream in = VersionCommand.class.getResourceAsStream("/fanout-version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }

  /** For {@code fanout --version}. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fanout " + version()};
    }
  }
}
