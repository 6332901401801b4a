package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion scripts run in the shells they are for, and complete commands, flags and target addresses. */
class CompletionTest {

  @TempDir
  Path temp;

  @Test
  void bashSourcesTheScriptAndCompletesCommandsFlagsAndTargets() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    Path script = temp.resolve("fanout.bash");
    FanoutRun.Result made = f.run("completion", "bash");
    assertEquals(0, made.exit(), made.err());
    Files.writeString(script, made.out());
    Path bin = launcher();

    assertEquals("plan", complete(bin, script, "fanout pl", 1));
    assertEquals("--target", complete(bin, script, "fanout plan " + f.dir + " --targ", 3));
    assertTrue(complete(bin, script, "fanout apply --auto", 2).contains("--auto-approve"));
    assertEquals("npm.hello", complete(bin, script, "fanout plan " + f.dir + " --target n", 4));
  }

  @Test
  void zshAndFishParseTheirScripts() throws Exception {
    Tools.require("zsh", "apt-get install zsh");
    Tools.require("fish", "apt-get install fish");
    for (String shell : new String[] {"zsh", "fish"}) {
      HelpAndUsageTest.Run made = HelpAndUsageTest.run("completion", shell);
      Path script = temp.resolve("fanout." + shell);
      Files.writeString(script, made.out());
      Tools.Result parsed = Tools.run(temp, Map.of(), shell, "-n", script.toString());
      assertEquals(0, parsed.exit(), shell + ": " + parsed.output());
      assertTrue(made.out().contains("plan"), made.out());
    }
    Tools.Result fish = Tools.run(temp, Map.of(), "fish", "-c",
        "source " + temp.resolve("fanout.fish") + "; complete -C 'fanout apply --auto'");
    assertTrue(fish.output().contains("--auto-approve"), fish.output());
  }

  /** The words of {@code line} completed at word {@code index}, one candidate a line. */
  private String complete(Path bin, Path script, String line, int index) throws Exception {
    Path run = temp.resolve("complete.sh");
    String[] words = line.split(" ");
    StringBuilder array = new StringBuilder();
    for (String w : words) {
      array.append('\'').append(w).append("' ");
    }
    if (line.endsWith(" ")) {
      array.append("''");
    }
    Files.writeString(run, "source " + script + "\nCOMP_WORDS=(" + array + ")\nCOMP_CWORD=" + index
        + "\n_fanout\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n");
    Tools.Result r = Tools.run(temp, Map.of("PATH", bin + ":" + System.getenv("PATH")), "bash", run.toString());
    assertEquals(0, r.exit(), r.output());
    return r.output().strip();
  }

  /** A {@code fanout} on PATH that runs this build's classes, as the installed command would. */
  private Path launcher() throws IOException {
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Path fanout = bin.resolve("fanout");
    Files.writeString(fanout, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "' -cp '" + System.getProperty("java.class.path") + "' dev.fanout.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(fanout, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }
}
