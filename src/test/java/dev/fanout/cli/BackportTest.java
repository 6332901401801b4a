package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release older than what the registries hold (2.0.1 after 2.1.0) is published, but no
 * registry's latest moves back to it, and the plan says so.
 */
class BackportTest {

  @TempDir
  Path temp;

  private static final String MARK = "(backport: latest stays at 2.1.0)";

  private static String reasons(FanoutRun.Result plan, String address) {
    return FanoutRun.change(plan, address).get("reasons").toString();
  }

  private static String[] scoped(String... args) {
    java.util.List<String> out = new java.util.ArrayList<>(java.util.List.of(args));
    for (String t : new String[] {"npm.contextlite", "docker.image", "github_release.main", "homebrew.contextlite",
        "scoop.contextlite", "aur.contextlite"}) {
      out.add("--target");
      out.add(t);
    }
    return out.toArray(String[]::new);
  }

  @Test
  void backportIsPublishedWhileEveryLatestPointerStaysOnTheNewerVersion() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    FanoutRun.Result newer = f.sandboxed("apply", "--auto-approve", "--var", "version=2.1.0");
    assertEquals(0, newer.exit(), newer.all());

    FanoutRun.Result plan = f.sandboxed("plan", "--json", "--var", "version=2.0.1");
    FanoutRun.Result text = f.sandboxed("plan", "--var", "version=2.0.1");

    Map<String, String> actions = FanoutRun.actions(plan);
    for (String immutable : new String[] {"npm.contextlite", "docker.image", "github_release.main"}) {
      assertEquals("create", actions.get(immutable), immutable + ": " + plan.out());
      assertTrue(reasons(plan, immutable).contains(MARK), reasons(plan, immutable));
    }
    JsonNode docker = FanoutRun.change(plan, "docker.image");
    assertTrue(!docker.get("items").toString().contains("tag:latest"), docker.toString());
    for (String manifest : new String[] {"homebrew.contextlite", "scoop.contextlite", "aur.contextlite"}) {
      assertEquals("no-op", actions.get(manifest), manifest + ": " + plan.out());
      assertTrue(reasons(plan, manifest).contains("stays at 2.1.0, not rewritten to 2.0.1 " + MARK),
          reasons(plan, manifest));
    }
    assertTrue(text.out().contains(MARK), text.out());

    // (Chocolatey holds 2.1.0 in moderation and refuses any other version: left out.)
    FanoutRun.Result backport = f.sandboxed("apply", scoped("--auto-approve", "--var", "version=2.0.1"));
    assertEquals(0, backport.exit(), backport.all());

    // Nothing moved back: the newer release is still complete and latest everywhere (built, so
    // that the image's latest digest is compared too).
    assertEquals(0, f.run("build", f.dir.toString(), "--var", "version=2.1.0").exit());
    FanoutRun.Result after = f.sandboxed("plan", scoped("--detailed-exitcode", "--var", "version=2.1.0"));
    assertEquals(0, after.exit(), after.all());
    // The backport is there, and drift knows a manifest left on 2.1.0 is no lag.
    FanoutRun.Result again = f.sandboxed("plan", scoped("--detailed-exitcode", "--var", "version=2.0.1"));
    assertEquals(0, again.exit(), again.all());
    FanoutRun.Result drift = f.sandboxed("drift", scoped("--json", "--var", "version=2.0.1"));
    for (JsonNode finding : drift.json().get("findings")) {
      String kind = finding.get("kind").asText();
      assertTrue(!kind.equals("missing_version") && !kind.equals("version_lag") && !kind.equals("pointer"),
          finding.toString());
    }
  }

  @Test
  void aReleaseThatAsksForLatestMovesItBack() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    assertEquals(0, f.sandboxed("apply", "--auto-approve", "--var", "version=2.1.0", "--target", "npm.contextlite")
        .exit());
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release).replace("  version     = var.version\n",
        "  version     = var.version\n  latest      = true\n"));

    FanoutRun.Result plan = f.sandboxed("plan", "--json", "--var", "version=2.0.1", "--target", "npm.contextlite");

    assertEquals("create", FanoutRun.actions(plan).get("npm.contextlite"), plan.out());
    assertTrue(!reasons(plan, "npm.contextlite").contains("backport"), plan.out());
    assertEquals(0, f.sandboxed("apply", "--auto-approve", "--var", "version=2.0.1", "--target", "npm.contextlite")
        .exit());
    // latest moved back to 2.0.1 as asked: 2.1.0's plan wants it forward again.
    FanoutRun.Result newer = f.sandboxed("plan", "--json", "--var", "version=2.1.0", "--target", "npm.contextlite");
    assertEquals("update", FanoutRun.actions(newer).get("npm.contextlite"), newer.out());
    assertTrue(reasons(newer, "npm.contextlite").contains("latest points at 2.0.1, not 2.1.0"), newer.out());
  }
}
