package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.providers.npm.NpmCli;
import dev.fanout.providers.npm.NpmEmulator;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/node-monorepo: three packages joined by {@code workspace:} dependencies, published
 * to npm and GitHub Packages in dependency order; a re-run writes nothing, and the real npm
 * installs the top package from the sandbox's npm with its two siblings.
 */
class NodeMonorepoExampleTest {

  @TempDir
  Path temp;

  @Test
  void theThreePackagesArePublishedInOrderOnceAndNpmInstallsTheTopOneWithItsSiblings() throws Exception {
    FanoutRun f = new FanoutRun(temp, "node-monorepo");
    f.env.put("NPM_TOKEN", "fanout-sandbox-token");
    f.env.put("GITHUB_TOKEN", "fanout-sandbox-token");

    FanoutRun.Result plan = f.sandboxed("plan", "--json");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");
    long afterFirst = f.writes();
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve");

    List<String> order = new ArrayList<>();
    plan.json().get("changes").forEach(c -> order.add(c.get("address").asText()));
    for (String type : List.of("npm", "github_packages")) {
      int core = order.indexOf(type + ".package[\"slugs-core\"]");
      int format = order.indexOf(type + ".package[\"slugs-format\"]");
      int cli = order.indexOf(type + ".package[\"slugs\"]");
      assertTrue(core >= 0 && core < format && format < cli, order.toString());
    }
    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("published or up to date (100%)"), apply.out());
    assertTrue(apply.out().contains("@example/slugs-format workspace:^ -> ^0.4.0, @example/slugs-core workspace:* -> 0.4.0"),
        apply.out());
    assertTrue(f.writes("npm") >= 3, f.requests().toString());
    assertTrue(f.writes("github_packages") >= 3, f.requests().toString());
    assertEquals(0, again.exit(), again.all());
    assertEquals(afterFirst, f.writes(), "the second apply wrote again: " + again.out());

    try (Sandbox npmjs = Sandbox.start(f.sandbox, "empty", List.of(new NpmEmulator()))) {
      NpmCli npm = new NpmCli(temp.resolve("npm-home"), npmjs.url("npm"), null);
      Path consumer = temp.resolve("consumer");
      Files.createDirectories(consumer);
      Files.writeString(consumer.resolve("package.json"), "{\"name\": \"consumer\", \"version\": \"1.0.0\"}");
      Tools.Result install = npm.run(consumer, "install", "@example/slugs@0.4.0");
      assertEquals(0, install.exit(), install.output());
      Tools.Result ran = Tools.run(consumer, Map.of(), consumer.resolve("node_modules/.bin/slugs").toString(),
          "Hello, World!", "Fanout 0.4");
      assertEquals("hello-world\nfanout-0-4", ran.output().strip(), ran.output());
      assertTrue(Files.readString(consumer.resolve("node_modules/@example/slugs-core/package.json")).contains("\"0.4.0\""));
    }
  }
}
