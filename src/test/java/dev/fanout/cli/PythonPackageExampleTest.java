package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.providers.pypi.PypiEmulator;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/python-package: the project's own wheel and sdist go to PyPI and to a GitHub
 * release; a second apply writes nothing; pip installs what PyPI holds and its command runs.
 */
class PythonPackageExampleTest {

  @TempDir
  Path temp;

  @Test
  void theWheelAndSdistArePublishedOnceAndPipInstallsTheWheelFromTheIndex() throws Exception {
    FanoutRun f = new FanoutRun(temp, "python-package");

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");
    long afterFirst = f.writes();
    FanoutRun.Result plan = f.sandboxed("plan", "--json");
    FanoutRun.Result again = f.sandboxed("apply", "--auto-approve", "--visibility-wait", "1s");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("published or up to date (100%)"), apply.out());
    assertEquals(2, f.writes("pypi"), "one upload per file: " + f.requests());
    assertTrue(f.writes("github") > 0, "the GitHub release was not written");
    assertEquals("no-op", FanoutRun.actions(plan).get("pypi.greetings-cli"), plan.out());
    assertEquals("no-op", FanoutRun.actions(plan).get("github_release.main"), plan.out());
    assertEquals(0, again.exit(), again.all());
    assertEquals(afterFirst, f.writes(), "the second apply wrote again");

    Path python = Tools.require("python3", "apt-get install python3-pip");
    Map<String, String> env = Map.of("PIP_DISABLE_PIP_VERSION_CHECK", "1", "PIP_NO_CACHE_DIR", "1",
        "PIP_CONFIG_FILE", "/dev/null");
    Path site = temp.resolve("site");
    try (Sandbox pypi = Sandbox.start(f.sandbox, "empty", List.of(new PypiEmulator()))) {
      Tools.Result install = Tools.run(temp, env, python.toString(), "-m", "pip", "install", "--no-deps",
          "--index-url", pypi.url("pypi") + "/simple/", "--target", site.toString(), "greetings-cli==0.3.0");
      assertEquals(0, install.exit(), install.output());
    }
    Tools.Result run = Tools.run(temp, Map.of("PYTHONPATH", site.toString()), python.toString(), "-c",
        "import greetings, sys; sys.argv = ['greetings', 'Ada']; greetings.main()");
    assertEquals("hello, Ada\n", run.output());
    assertTrue(Files.isRegularFile(site.resolve("greetings_cli-0.3.0.dist-info/METADATA")));
  }

  @Test
  void aWheelBuiltAtAnotherVersionFailsValidateNamingTheFileAndBothVersions() throws Exception {
    FanoutRun f = new FanoutRun(temp, "python-package");

    FanoutRun.Result validate = f.run("validate", f.dir.toString(), "--var", "version=0.4.0");

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.all().contains("greetings_cli-0.3.0-py3-none-any.whl: its metadata names version 0.3.0,"
        + " the release is 0.4.0"), validate.all());
    assertTrue(validate.all().contains("greetings-cli-0.3.0.tar.gz: its metadata names version 0.3.0"), validate.all());
  }

  @Test
  void aPypiBlockNeedsExactlyOneOfBinariesAndFiles() throws Exception {
    FanoutRun f = new FanoutRun(temp, "python-package");
    Path file = f.dir.resolve("release.fanout");
    String files = "  files   = [\"prebuilt/*.whl\", \"prebuilt/*.tar.gz\"]\n";
    assertTrue(Files.readString(file).contains(files));
    Files.writeString(file, Files.readString(file).replace(files, ""));

    FanoutRun.Result validate = f.run("validate", f.dir.toString());

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.all().contains("Set exactly one of \"binaries\" or \"files\""), validate.all());
  }
}
