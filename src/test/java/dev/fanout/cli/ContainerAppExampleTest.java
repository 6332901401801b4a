package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/container-app: an OCI layout folder pushed as it is, and binaries layered on alpine:3.20, in the sandbox. */
class ContainerAppExampleTest {

  @TempDir
  Path temp;

  @Test
  void bothImagesApplyIntoAnEmptySandboxAndARerunWritesNothing() throws Exception {
    FanoutRun fanout = new FanoutRun(temp, "container-app");
    fanout.env.put("DOCKER_TOKEN", "fanout-sandbox-token");

    FanoutRun.Result validate = fanout.run("validate", fanout.dir.toString());
    FanoutRun.Result plan = fanout.sandboxed("plan", "--json");
    FanoutRun.Result apply = fanout.sandboxed("apply", "--auto-approve");
    long firstWrites = fanout.writes("oci");
    FanoutRun.Result again = fanout.sandboxed("apply", "--auto-approve");

    assertEquals(0, validate.exit(), validate.all());
    assertEquals(0, plan.exit(), plan.all());
    // The prebuilt image's digest is the one skopeo wrote in image/index.json, shown in the plan.
    assertTrue(FanoutRun.change(plan, "docker.prebuilt").toString()
        .contains("sha256:02d32666f60bdd459bfde30a2a0c18b4af0cdd72595bf81018424316e781fac7"), plan.out());
    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("pushed example/greeter-prebuilt"), apply.out());
    assertTrue(apply.out().contains("pushed example/greeter "), apply.out());
    assertTrue(firstWrites > 0, "the first apply wrote nothing");
    assertEquals(0, again.exit(), again.all());
    assertEquals(firstWrites, fanout.writes("oci"), "the re-run wrote: " + again.out());
    inspectedBySkopeo(fanout);
  }

  /**
   * skopeo, an independent client, reads both images back from the sandbox's registry: the
   * release's tags, two platforms, and the prebuilt image under the digest its own tool gave it.
   */
  private static void inspectedBySkopeo(FanoutRun fanout) throws Exception {
    dev.fanout.testing.Tools.require("skopeo", "apt-get install skopeo");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try (dev.fanout.sandbox.Sandbox sandbox = dev.fanout.sandbox.Sandbox.start(fanout.sandbox, "empty")) {
      String host = sandbox.url("oci").substring("http://".length());
      for (String repository : java.util.List.of("example/greeter-prebuilt", "example/greeter")) {
        String image = "docker://" + host + "/" + repository + ":1.0.0";
        String creds = "user:" + dev.fanout.sandbox.TokenPolicy.SANDBOX_TOKEN;
        dev.fanout.testing.Tools.Result inspect = dev.fanout.testing.Tools.run(fanout.dir, java.util.Map.of(),
            "skopeo", "inspect", "--tls-verify=false", "--creds", creds, image);
        assertEquals(0, inspect.exit(), inspect.output());
        com.fasterxml.jackson.databind.JsonNode info = json.readTree(inspect.output());
        assertEquals("[\"1.0.0\",\"latest\"]", info.path("RepoTags").toString(), repository);
        dev.fanout.testing.Tools.Result raw = dev.fanout.testing.Tools.run(fanout.dir, java.util.Map.of(),
            "skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", creds, image);
        assertEquals(2, json.readTree(raw.output()).path("manifests").size(), repository + ": " + raw.output());
        if (repository.endsWith("prebuilt")) {
          assertEquals("sha256:02d32666f60bdd459bfde30a2a0c18b4af0cdd72595bf81018424316e781fac7",
              info.path("Digest").asText());
        }
      }
    }
  }

  @Test
  void thePlanShowsTheBaseByDigestOnItsOwnLineAndWarnsOfAScriptOnABaseWithoutAShell() throws Exception {
    FanoutRun fanout = new FanoutRun(temp, "container-app");
    fanout.env.put("DOCKER_TOKEN", "fanout-sandbox-token");
    java.nio.file.Path release = fanout.dir.resolve("release.fanout");

    FanoutRun.Result onAlpine = fanout.sandboxed("plan");
    java.nio.file.Files.writeString(release, java.nio.file.Files.readString(release)
        .replace("base          = \"alpine:3.20\"", "base          = \"distroless/static\""));
    FanoutRun.Result onStatic = fanout.sandboxed("plan");
    FanoutRun.Result json = fanout.sandboxed("plan", "--json");

    assertEquals(0, onAlpine.exit(), onAlpine.all());
    assertTrue(onAlpine.out().matches("(?s).*\\n      = base alpine:3\\.20: library/alpine@sha256:[0-9a-f]{64}\\n.*"),
        onAlpine.out());
    assertTrue(!onAlpine.out().contains("warning"), onAlpine.out());
    assertTrue(onStatic.out().contains("      ! warning: greeter is a script (#!/bin/sh) and the base image has no /bin/sh:"
        + " it will not run; use a base with a shell, such as alpine:3.20"), onStatic.out());
    assertTrue(FanoutRun.change(json, "docker.greeter").get("after").get("notes").toString()
        .contains("warning: greeter is a script"), json.out());
  }
}
