package dev.fanout.providers.github;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the sandbox GitHub keeps what is not git: releases, assets and pull requests as JSON
 * files and blobs beside the repositories, read from disk at every request; and GitHub's
 * error bodies.
 */
final class GithubStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DOCS = "https://docs.github.com/rest";

  private final Path meta;
  private final Path stateDir;

  GithubStore(Path stateDir) {
    this.stateDir = stateDir;
    this.meta = stateDir.resolve("meta");
  }

  Path repoMeta(String owner, String repo) {
    return meta.resolve(owner.toLowerCase(Locale.ROOT)).resolve(repo.toLowerCase(Locale.ROOT));
  }

  Path blob(String owner, String repo, long assetId) {
    return repoMeta(owner, repo).resolve("assets").resolve(Long.toString(assetId));
  }

  List<Map<String, Object>> load(String owner, String repo, String kind) throws IOException {
    Path f = repoMeta(owner, repo).resolve(kind + ".json");
    if (!Files.isRegularFile(f)) {
      return new ArrayList<>();
    }
    return JSON.readValue(f.toFile(), new TypeReference<List<Map<String, Object>>>() { });
  }

  void save(String owner, String repo, String kind, List<Map<String, Object>> value) throws IOException {
    writeAtomically(repoMeta(owner, repo).resolve(kind + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
  }

  static void writeAtomically(Path f, byte[] content) throws IOException {
    Files.createDirectories(f.getParent());
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Release, asset and pull-request ids come from one counter that survives restarts. */
  long nextId() throws IOException {
    Path f = stateDir.resolve("next-id");
    long id = Files.isRegularFile(f) ? Long.parseLong(Files.readString(f).trim()) : 1000;
    writeAtomically(f, Long.toString(id + 1).getBytes(StandardCharsets.US_ASCII));
    return id;
  }

  static Map<String, Object> byId(List<Map<String, Object>> list, long id) {
    for (Map<String, Object> m : list) {
      if (m.get("id") instanceof Number n && n.longValue() == id) {
        return m;
      }
    }
    return null;
  }

  static Map<String, Object> body(SandboxRequest req) {
    if (req.body().length == 0) {
      return Map.of();
    }
    try {
      return JSON.readValue(req.body(), new TypeReference<Map<String, Object>>() { });
    } catch (IOException e) {
      return Map.of();
    }
  }

  static SandboxResponse error(int status, String message) {
    return SandboxResponse.json(status, Map.of("message", message, "documentation_url", DOCS, "status", String.valueOf(status)));
  }

  static SandboxResponse notFound() {
    return error(404, "Not Found");
  }

  static SandboxResponse validation(String resource, String code, String field) {
    return SandboxResponse.json(422, Map.of("message", "Validation Failed",
        "errors", List.of(Map.of("resource", resource, "code", code, "field", field)),
        "documentation_url", DOCS, "status", "422"));
  }}
