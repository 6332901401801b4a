package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.testing.Octokit;
import dev.fanout.testing.OpenApiContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitHub's official OpenAPI description ({@code @octokit/openapi}, pinned) checks every request
 * the providers send to the sandbox's GitHub and every answer it gives, during an apply of the
 * example and the plan after it. The providers and the emulator were written together, so a
 * mistake they share passes every other test; this one holds both to GitHub's own contract.
 */
class GithubOpenApiContractTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path temp;

  @Test
  void everyGithubRequestAndAnswerOfAnApplyAndAPlanMatchesGithubsOpenApiDescription() throws Exception {
    OpenApiContract contract = new OpenApiContract(Octokit.openApi());
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Files.createDirectories(f.sandbox);
    Files.createFile(f.sandbox.resolve("exchanges.jsonl"));

    // Forks whose git data takes 2 s: the 409 "Git Repository is empty." answers are checked too.
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--scenario", "slow-forks");
    FanoutRun.Result plan = f.sandboxed("plan", "--detailed-exitcode", "--scenario", "slow-forks");

    assertEquals(0, apply.exit(), apply.all());
    assertEquals(0, plan.exit(), plan.all());
    List<String> differences = new ArrayList<>();
    Set<String> operations = new TreeSet<>();
    int checked = 0;
    Set<Integer> statuses = new TreeSet<>();
    for (String line : Files.readAllLines(f.sandbox.resolve("exchanges.jsonl"))) {
      JsonNode x = JSON.readTree(line);
      String path = apiPath(x.path("request").path("path").asText());
      if (!x.path("registry").asText().equals("github") || path == null || x.has("fault")) {
        continue;
      }
      checked++;
      String method = x.path("request").path("method").asText();
      statuses.add(x.path("response").path("status").asInt());
      JsonNode res = x.path("response");
      Map<String, String> headers = new HashMap<>();
      res.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
      Map<String, String> query = new HashMap<>();
      x.path("request").path("query").fields().forEachRemaining(q -> query.put(q.getKey(), q.getValue().asText()));
      OpenApiContract.Operation op = contract.find(method, path);
      if (op != null) {
        operations.add(op.id());
      }
      for (String d : contract.check(method, path, query, x.path("request").get("json"),
          res.path("status").asInt(), headers, res.get("json"))) {
        differences.add(d.replaceAll("\\[\\d+\\]", "[]"));
      }
      // Sent with every API answer (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api,
      // .../troubleshooting-the-rest-api: "X-GitHub-Request-Id").
      for (String header : List.of("x-github-request-id", "x-ratelimit-used", "x-ratelimit-remaining")) {
        if (!headers.containsKey(header)) {
          differences.add((op == null ? method + " " + path : op.id()) + ": no " + header + " header");
        }
      }
    }

    assertTrue(operations.containsAll(List.of("repos/create-release", "repos/upload-release-asset",
        "repos/update-release", "repos/create-fork", "pulls/create", "repos/create-or-update-file-contents",
        "repos/get-content", "pulls/list", "repos/list-releases", "git/create-ref")),
        "the run is not representative; it used " + operations);
    assertTrue(statuses.containsAll(List.of(200, 201, 202, 404, 409)), "statuses seen: " + statuses);
    assertTrue(differences.isEmpty(), checked + " exchanges checked, " + differences.size() + " differences:\n"
        + String.join("\n", new LinkedHashSet<>(differences)));
  }

  /**
   * The API path of a sandbox path, or null for what is not the REST API: release downloads
   * (a browser URL) and git smart HTTP. The uploads host sits under {@code /uploads} here, and
   * an Enterprise-style API under {@code /api/v3} or {@code /api/uploads}.
   */
  static String apiPath(String path) {
    if (path.startsWith("/download/") || path.startsWith("/git/") || path.contains("/releases/download/")) {
      return null;
    }
    for (String prefix : List.of("/api/v3", "/api/uploads", "/uploads")) {
      if (path.startsWith(prefix + "/")) {
        return path.substring(prefix.length());
      }
    }
    return path;
  }
}
