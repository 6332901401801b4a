package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers --help with its own usage, and a bad flag with the usage line. */
class HelpAndUsageTest {

  record Run(int code, String out, String err) { }

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(out, err, Map.of(), false, new BufferedReader(new StringReader("")), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"validate", "fmt", "graph", "plan", "apply", "drift", "show", "force-unlock", "version", "docs", "completion", "init"})
  void helpOfEachCommandPrintsItsUsageAndSucceeds(String command) {
    Run r = run(command, "--help");

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Usage: fanout " + command), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"plan", "apply", "drift"})
  void unknownFlagPrintsTheUsageLineNotAStackTrace(String command) {
    Run r = run(command, "--paralelism", "3", "examples/minimal");

    assertEquals(1, r.code(), r.out());
    assertTrue(r.err().contains("Unknown option") && r.err().contains("'--paralelism'"), r.err());
    assertTrue(r.err().contains("fanout " + command + " ["), r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }
}
