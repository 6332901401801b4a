package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A proxy in front of a registry answers 200 with its HTML login page: for every provider
 * that is "cannot read" (plan {@code unknown}), never "absent", and apply writes nothing.
 */
class LoginPageReadTest {

  static final String LOGIN_PAGE = "[{\"registry\": \"*\", \"operation\": \"read\", \"status\": 200,"
      + " \"content_type\": \"text/html; charset=utf-8\","
      + " \"body\": \"<!DOCTYPE html><html><body><form action=/login>Sign in</form></body></html>\"}]";

  @TempDir
  Path temp;

  @ParameterizedTest
  @ValueSource(strings = {"contextlite", "java-library"})
  void aLoginPageAnsweringReadsIsUnknownForEveryTargetAndApplyWritesNothing(String example) throws Exception {
    FanoutRun f = new FanoutRun(temp, example);
    f.faults(LOGIN_PAGE);

    FanoutRun.Result plan = f.sandboxed("plan", "--json");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");

    Map<String, String> notUnknown = new TreeMap<>();
    Map<String, String> unexplained = new TreeMap<>();
    FanoutRun.actions(plan).forEach((address, action) -> {
      String reason = FanoutRun.change(plan, address).get("reasons").toString();
      if (!action.equals("unknown")) {
        notUnknown.put(address, action);
      } else if (!reason.contains("HTTP 200") || !reason.contains("text/html")) {
        unexplained.put(address, reason);
      }
    });
    assertEquals(Map.of(), notUnknown, plan.out());
    assertEquals(Map.of(), unexplained, "the reason names the status and the content type");
    assertTrue(FanoutRun.actions(plan).size() > 0, plan.all());
    assertEquals(0, f.writes(), "apply wrote behind a login page: " + apply.all());
  }
}
