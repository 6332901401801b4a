package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fanout init on real-shaped projects: the starter validates and plans; GoReleaser configurations convert. */
class InitCommandTest {

  @TempDir
  Path temp;

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void aWorkspaceMonorepoWithAPythonPackageGetsAStarterThatValidatesAndPlans() throws IOException {
    FanoutRun f = FanoutRun.minimal(temp);
    Path project = temp.resolve("tally");
    write(project.resolve("package.json"), "{\"name\": \"tally-root\", \"version\": \"0.4.1\", \"private\": true,"
        + " \"workspaces\": [\"packages/*\"]}");
    write(project.resolve("packages/core/package.json"), "{\"name\": \"@tally/core\", \"version\": \"0.4.1\"}");
    write(project.resolve("packages/cli/package.json"), "{\"name\": \"tally-cli\", \"version\": \"0.4.1\","
        + " \"bin\": {\"tally\": \"cli.js\"}, \"dependencies\": {\"@tally/core\": \"^0.4.1\"}}");
    write(project.resolve("packages/cli/cli.js"), "#!/usr/bin/env node\nconsole.log('tally')\n");
    write(project.resolve("packages/docs/package.json"), "{\"name\": \"tally-docs\", \"private\": true}");
    write(project.resolve("pyproject.toml"), "[project]\nname = \"tally\"\nversion = \"0.4.1\"\n");

    FanoutRun.Result init = f.run("init", project.toString());

    assertEquals(0, init.exit(), init.all());
    assertTrue(init.out().contains("Found package.json: 2 npm packages in workspaces packages/*"), init.out());
    assertTrue(init.out().contains("Found pyproject.toml: Python project tally"), init.out());
    String file = Files.readString(project.resolve("release.fanout"));
    assertTrue(file.contains("version = jsondecode(file(\"package.json\")).version"), file);
    assertTrue(file.contains("package   = \"@tally/core\"") && file.contains("directory = \"packages/core\""), file);
    assertTrue(!file.contains("tally-docs"), "a private package is not published");

    FanoutRun.Result validate = f.run("validate", project.toString());
    assertEquals(0, validate.exit(), validate.all());
    FanoutRun.Result plan = f.run("plan", project.toString(), "--sandbox=" + temp.resolve("sandbox"), "--detailed-exitcode",
        "--allow-dirty");
    assertEquals(2, plan.exit(), plan.all());
    assertTrue(plan.out().contains("npm.tally-core") && plan.out().contains("npm.tally-cli"), plan.out());
    assertTrue(plan.out().contains("pypi.tally") && file.contains("files   = [artifact.wheel, artifact.sdist]"), plan.out());

    FanoutRun.Result again = f.run("init", project.toString());
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("exists already; run with --force"), again.err());
  }

  /** GoReleaser's own starter (goreleaser init, version 2) with a tap, a bucket, an image and nfpms. */
  @Test
  void aGoreleaserConfigurationConvertsAndListsWhatItCannot() throws Exception {
    FanoutRun f = FanoutRun.minimal(temp);
    Path project = temp.resolve("gopher");
    write(project.resolve("go.mod"), "module github.com/acme/gopher\n\ngo 1.22\n");
    write(project.resolve("README.md"), "# gopher\n");
    write(project.resolve("LICENSE"), "MIT\n");
    write(project.resolve(".goreleaser.yaml"), """
        # yaml-language-server: $schema=https://goreleaser.com/static/schema.json
        version: 2
        project_name: gopher
        before:
          hooks:
            - go mod tidy
            - go generate ./...
        builds:
          - env:
              - CGO_ENABLED=0
            goos:
              - linux
              - windows
              - darwin
            ldflags:
              - -s -w -X main.version={{.Version}} -X main.commit={{.Commit}}
        archives:
          - formats: [tar.gz]
            name_template: >-
              {{ .ProjectName }}_
              {{- title .Os }}_
              {{- if eq .Arch "amd64" }}x86_64
              {{- else if eq .Arch "386" }}i386
              {{- else }}{{ .Arch }}{{ end }}
            format_overrides:
              - goos: windows
                formats: [zip]
        checksum:
          name_template: 'checksums.txt'
        changelog:
          sort: asc
        release:
          github:
            owner: acme
            name: gopher
        brews:
          - repository:
              owner: acme
              name: homebrew-tap
            homepage: https://acme.example/gopher
            description: Digs holes
            license: MIT
        scoops:
          - repository:
              owner: acme
              name: scoop-bucket
        dockers:
          - image_templates:
              - "acme/gopher:{{ .Version }}"
              - "acme/gopher:latest"
        nfpms:
          - formats: [deb, rpm]
        """);
    tagged(project);

    FanoutRun.Result init = f.run("init", project.toString());

    assertEquals(0, init.exit(), init.all());
    String file = Files.readString(project.resolve("release.fanout"));
    assertEquals(8, file.split("\\{ os = \"").length - 1, "3 goos x 3 default goarch without darwin/386: " + file);
    assertTrue(file.contains("-X main.version=${release.version}") && !file.contains("{{"), file);
    assertTrue(file.contains("repository = \"acme/gopher\"") && file.contains("checksums  = \"checksums.txt\""), file);
    assertTrue(file.contains("repository = \"acme/homebrew-tap\"") && file.contains("repository = \"acme/scoop-bucket\""), file);
    assertTrue(file.contains("tags       = [\"${release.version}\", \"latest\"]"), file);
    assertTrue(file.contains("license     = \"MIT\"") || file.contains("license = \"MIT\""), file);
    for (String missing : new String[] {"nfpms: not supported", "builds.ldflags", "{{.Commit}}", "before.hooks"}) {
      assertTrue(init.out().contains(missing), missing + " not listed: " + init.out());
    }
    assertTrue(!init.out().contains("archives"), init.out());
    assertTrue(file.contains("  archive  = each.os == \"windows\" ? \"zip\" : \"tar.gz\"\n"), file);
    assertTrue(file.contains("  files    = [\"LICENSE\", \"README.md\"]\n"), file);
    assertTrue(file.contains("  assets     = artifact.archive\n"), file);
    FanoutRun.Result validate = f.run("validate", project.toString());
    assertEquals(0, validate.exit(), validate.all());
    // The name template, evaluated per platform: GoReleaser's own starter names.
    FanoutRun.Result plan = f.run("plan", project.toString(), "--sandbox=" + temp.resolve("sandbox"), "--json",
        "--allow-dirty");
    String assets = FanoutRun.change(plan, "github_release.main").get("after").get("items").toString();
    for (String archive : new String[] {"gopher_Linux_x86_64.tar.gz", "gopher_Windows_i386.zip", "gopher_Darwin_arm64.tar.gz",
        "gopher_Windows_arm64.zip", "gopher_Linux_i386.tar.gz"}) {
      assertTrue(assets.contains("\"" + archive + "\""), archive + " not in " + assets);
    }
    assertTrue(!assets.contains("Darwin_i386"), assets);
  }

  /** GoReleaser releases the tag on HEAD, and so does the converted file: a tagged repository. */
  private static void tagged(Path project) throws Exception {
    java.util.Map<String, String> env = java.util.Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.org",
        "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.org", "PATH", System.getenv("PATH"));
    for (String[] c : new String[][] {{"git", "init", "-q"}, {"git", "add", "-A"}, {"git", "commit", "-qm", "first"},
        {"git", "tag", "v0.3.0"}}) {
      dev.fanout.testing.Tools.Result r = dev.fanout.testing.Tools.run(project, env, c);
      assertEquals(0, r.exit(), r.output());
    }
  }
}
