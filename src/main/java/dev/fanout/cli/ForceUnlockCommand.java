package dev.fanout.cli;

import dev.fanout.apply.Lock;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fanout force-unlock PATH}: release a lock left by an apply that is gone. */
@Command(name = "force-unlock", description = "Remove the apply lock of a release, when the apply holding it is gone."
    + " Only do this when no apply runs: two applies at once can publish twice.",
    footer = {"", "Example:", "  fanout force-unlock examples/contextlite"})
final class ForceUnlockCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Parameters(index = "0", paramLabel = "PATH", defaultValue = ".", description = "The release file or folder.")
  Path path;

  @Override
  public Integer call() throws Exception {
    // A release that keeps its lock as a git ref names it in its files; any other uses .fanout/lock.
    dev.fanout.dsl.ConfigLoader.Result loaded = new dev.fanout.dsl.ConfigLoader(root.providers(), java.util.Map.of(),
        root.io.env(), GitWorkTree::tagsAtHead).load(path);
    Lock.GitRef ref = loaded.config() == null ? null : dev.fanout.engine.Engine.lockRef(loaded.config());
    String held = ref != null ? Lock.forceUnlock(ref) : Lock.forceUnlock(RunOptions.configDir(path).resolve(".fanout"));
    root.io.out().println(held == null ? "No lock to remove." : "Removed the lock held by " + held + ".");
    return ExitCode.OK;
  }
}
