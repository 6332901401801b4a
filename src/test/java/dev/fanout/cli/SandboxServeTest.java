package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fanout sandbox serve} as its own process, the way a user or another tool runs it. */
class SandboxServeTest {

  @TempDir
  Path dir;

  @Test
  void auditScenarioServesTheNpmPackumentAt1035AndStopsOnSignal() throws Exception {
    Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.fanout.cli.Main",
        "sandbox", "serve", "--dir", dir.resolve("sb").toString(), "--scenario", "audit")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      JsonNode urls = new ObjectMapper().readTree(out.readLine());

      JsonNode packument;
      try (Response r = new OkHttpClient().newCall(new Request.Builder().url(urls.get("npm").asText() + "/contextlite")
          .build()).execute()) {
        assertEquals(200, r.code());
        packument = new ObjectMapper().readTree(r.body().string());
      }

      assertEquals("1.0.35", packument.get("dist-tags").get("latest").asText());
      assertTrue(packument.get("versions").has("1.0.35"));
      assertTrue(urls.has("oci") && urls.has("github") && urls.has("pypi") && urls.has("crates"), urls.toString());
    } finally {
      serve.destroy();
      assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    }
  }
}
