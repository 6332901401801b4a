package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Variables from files (.fanoutvars, --var-file in HCL-style lines or JSON) and data from the
 * project's own files (jsondecode, yamldecode, tomldecode), in Terraform's order of precedence.
 */
class VarFilesTest {

  @TempDir
  Path temp;

  private FanoutRun f;

  @BeforeEach
  void release() throws IOException {
    f = FanoutRun.minimal(temp);
    Path file = f.dir.resolve("release.fanout");
    Files.writeString(file, "variable \"version\" {\n  type = string\n}\n\nvariable \"keywords\" {\n"
        + "  type    = list(string)\n  default = []\n}\n\n"
        + Files.readString(file).replace("version     = \"0.1.0\"", "version     = var.version\n  keywords    = var.keywords"));
  }

  private String plannedVersion(String... flags) {
    String[] args = new String[flags.length + 1];
    args[0] = "--json";
    System.arraycopy(flags, 0, args, 1, flags.length);
    FanoutRun.Result plan = f.sandboxed("plan", args);
    assertTrue(plan.exit() == 0 || plan.exit() == 2, plan.all());
    return plan.json().path("version").asText();
  }

  @Test
  void fanoutvarsIsReadAndVarFilesAndVarWinInOrder() throws IOException {
    Files.writeString(f.dir.resolve(".fanoutvars"), "version  = \"0.2.0\"\nkeywords = [\"cli\", \"hello\"]\n");
    Files.writeString(temp.resolve("ci.vars"), "version = \"0.3.0\"\n");
    Files.writeString(temp.resolve("ci.json"), "{\"version\": \"0.4.0\"}");

    assertEquals("0.2.0", plannedVersion());
    assertEquals("0.3.0", plannedVersion("--var-file", temp.resolve("ci.vars").toString()));
    assertEquals("0.4.0", plannedVersion("--var-file", temp.resolve("ci.vars").toString(),
        "--var-file", temp.resolve("ci.json").toString()));
    assertEquals("0.5.0", plannedVersion("--var-file", temp.resolve("ci.json").toString(), "--var", "version=0.5.0"));
    f.env.put("FANOUT_VAR_version", "0.6.0");
    assertEquals("0.2.0", plannedVersion(), "a file wins over the environment, as in Terraform");
  }

  @Test
  void aBadVarFileNamesTheFileLineAndColumn() throws IOException {
    Files.writeString(f.dir.resolve(".fanoutvars"), "version = \"0.2.0\"\nkeywords = \"not a list\"\nverison = \"1\"\n");

    FanoutRun.Result r = f.run("validate", f.dir.toString());

    assertEquals(1, r.exit(), r.all());
    assertTrue(r.err().contains("Invalid value for variable \"keywords\"") && r.err().contains(".fanoutvars")
        && r.err().contains("line 2"), r.err());
    assertTrue(r.err().contains("Value for undeclared variable \"verison\"") && r.err().contains("Did you mean \"version\"?"),
        r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  @Test
  void aSavedPlanReadsItsVarFilesAgainAndIsStaleWhenOneChanged() throws IOException {
    Path vars = temp.resolve("release.vars");
    Files.writeString(vars, "version = \"0.3.0\"\n");
    Path plan = temp.resolve("p.plan");
    FanoutRun.Result made = f.sandboxed("plan", "--var-file", vars.toString(), "--out", plan.toString());
    assertEquals(0, made.exit(), made.all());

    Files.writeString(vars, "version = \"0.9.0\"\n");
    FanoutRun.Result stale = f.run("apply", plan.toString(), "--auto-approve");
    assertEquals(1, stale.exit(), stale.all());
    assertTrue(stale.err().contains("stale") || stale.err().contains("changed"), stale.all());

    Files.writeString(vars, "version = \"0.3.0\"\n");
    FanoutRun.Result applied = f.run("apply", plan.toString(), "--auto-approve");
    assertEquals(0, applied.exit(), applied.all());
    assertTrue(applied.all().contains("0.3.0"), applied.all());
  }

  @Test
  void theVersionCanComeFromTheProjectsOwnFiles() throws IOException {
    Files.writeString(f.dir.resolve("package.json"), "{\"name\": \"hello\", \"version\": \"1.2.3\"}");
    Files.writeString(f.dir.resolve("Cargo.toml"), "[package]\nname = \"hello\"\nversion = \"1.2.4\"\n");
    Files.writeString(f.dir.resolve("chart.yaml"), "name: hello\nversion: 1.2.5\n");
    Files.writeString(f.dir.resolve("pom.xml"), "<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
        + "<parent><version>9.9.9</version></parent><artifactId>hello</artifactId><version>1.2.6</version>"
        + "<build><plugins><plugin><version>3.1</version></plugin></plugins></build></project>\n");
    Path file = f.dir.resolve("release.fanout");
    String text = Files.readString(file);
    for (String[] c : new String[][] {{"jsondecode(file(\"package.json\")).version", "1.2.3"},
        {"tomldecode(file(\"Cargo.toml\")).package.version", "1.2.4"}, {"yamldecode(file(\"chart.yaml\")).version", "1.2.5"},
        {"xmldecode(file(\"pom.xml\")).version", "1.2.6"}}) {
      Files.writeString(file, text.replace("version     = var.version", "version     = " + c[0]));
      Files.writeString(f.dir.resolve(".fanoutvars"), "version = \"0.0.1\"\n");
      assertEquals(c[1], plannedVersion(), c[0]);
    }
    Files.writeString(f.dir.resolve("package.json"), "{\"version\": ");
    Files.writeString(file, text.replace("version     = var.version", "version     = jsondecode(file(\"package.json\")).version"));
    FanoutRun.Result broken = f.run("validate", f.dir.toString());
    assertEquals(1, broken.exit());
    assertTrue(broken.err().contains("Invalid JSON") && broken.err().contains("jsondecode()"), broken.err());
    // A DTD is refused, so an entity cannot read another file into the release.
    Files.writeString(f.dir.resolve("pom.xml"), "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        + "<project><version>&e;</version></project>");
    Files.writeString(file, text.replace("version     = var.version", "version     = xmldecode(file(\"pom.xml\")).version"));
    FanoutRun.Result entity = f.run("validate", f.dir.toString());
    assertEquals(1, entity.exit(), entity.all());
    assertTrue(entity.err().contains("Invalid XML") && !entity.all().contains("root:"), entity.all());
  }
}
