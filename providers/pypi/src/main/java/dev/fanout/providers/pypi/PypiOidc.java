package dev.fanout.providers.pypi;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.providers.github.TrustedPublishers;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * PyPI's trusted publishing in the sandbox, as warehouse's {@code warehouse/oidc/views.py}
 * does it for GitHub: {@code GET /_/oidc/audience} answers {@code {"audience": "pypi"}};
 * {@code POST /_/oidc/mint-token} with {@code {"token": JWT}} checks the token, first against
 * a pending publisher (which creates the project, once: a project that exists already refuses
 * it), then against the publishers of existing projects, and answers a 15-minute API token
 * scoped to the publisher's projects, used as {@code __token__}. Refusals are 422
 * {@code {"message": "Token request failed", "errors": [{"code", "description"}]}}.
 */
final class PypiOidc {

  static final String AUDIENCE = "pypi";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EmulatorContext ctx;
  private final TrustedPublishers trusted;
  /** Projects whose pending publisher was used: the publisher is now a normal one (kept across restarts). */
  private final Map<String, TrustedPublishers.Publisher> reified = new LinkedHashMap<>();

  PypiOidc(EmulatorContext ctx) throws IOException {
    this.ctx = ctx;
    this.trusted = new TrustedPublishers(ctx, PypiNames::normalise);
    Path file = reifiedFile();
    if (Files.isRegularFile(file)) {
      reified.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, TrustedPublishers.Publisher>>() { }));
    }
  }

  private Path reifiedFile() {
    return ctx.stateDir().resolve("oidc-reified-publishers.json");
  }

  SandboxResponse audience() {
    return SandboxResponse.json(200, Map.of("audience", AUDIENCE));
  }

  /** The mint-token view; {@code exists} says whether a project (normalised name) exists. */
  SandboxResponse mint(String body, Predicate<String> exists) throws IOException {
    String jwt;
    try {
      JsonNode payload = JSON.readTree(body);
      if (payload == null || !payload.path("token").isTextual()) {
        return invalid("invalid-payload", "1 validation error for TokenPayload\ntoken\n  Field required");
      }
      jwt = payload.path("token").asText();
    } catch (IOException e) {
      return invalid("invalid-payload", "1 validation error for TokenPayload\n  Invalid JSON");
    }
    TrustedPublishers.Job job;
    try {
      job = trusted.verify(jwt, AUDIENCE);
    } catch (TrustedPublishers.Refused e) {
      return invalid("invalid-token", "malformed or invalid token");
    }
    for (Map.Entry<String, TrustedPublishers.Publisher> p : pendingPublishers().entrySet()) {
      if (p.getValue().matches(job)) {
        if (exists.test(p.getKey())) {
          return invalid("invalid-pending-publisher", "valid token, but project already exists");
        }
        reified.put(p.getKey(), p.getValue());
        Files.writeString(reifiedFile(), JSON.writeValueAsString(reified));
        break;
      }
    }
    List<String> projects = new ArrayList<>();
    Map<String, TrustedPublishers.Publisher> normal = new LinkedHashMap<>(trusted.publishers());
    normal.putAll(reified);
    normal.forEach((name, publisher) -> {
      if (publisher.matches(job) && (exists.test(name) || reified.containsKey(name))) {
        projects.add(name);
      }
    });
    if (projects.isEmpty()) {
      return invalid("invalid-publisher", "valid token, but no corresponding publisher"
          + " (Publisher with matching claims was not found)");
    }
    String token = trusted.mint("pypi-", String.join(",", new TreeSet<>(projects)), Duration.ofMinutes(15));
    return SandboxResponse.json(200, Map.of("success", true, "token", token));
  }

  private Map<String, TrustedPublishers.Publisher> pendingPublishers() {
    Map<String, TrustedPublishers.Publisher> out = new LinkedHashMap<>();
    for (String name : new TreeSet<>(pendingNames())) {
      if (!reified.containsKey(name)) {
        out.put(name, trusted.pending(name));
      }
    }
    return out;
  }

  private List<String> pendingNames() {
    List<String> out = new ArrayList<>();
    if (ctx.settings().get("pending_publishers") instanceof Map<?, ?> m) {
      m.keySet().forEach(k -> {
        String name = PypiNames.normalise(String.valueOf(k));
        if (trusted.pending(name) != null) {
          out.add(name);
        }
      });
    }
    return out;
  }

  /** Whether a Basic password is a token this emulator minted (live or not). */
  static boolean minted(String password) {
    return TrustedPublishers.looksMinted(password);
  }

  /** Whether a minted token is live and scoped to this project (normalised). */
  boolean allows(String token, String project) {
    String scope = trusted.scopeOf(token);
    return scope != null && List.of(scope.split(",")).contains(project);
  }

  /** Whether a minted token is live at all. */
  boolean live(String token) {
    return trusted.scopeOf(token) != null;
  }

  private static SandboxResponse invalid(String code, String description) {
    return SandboxResponse.json(422, Map.of("message", "Token request failed",
        "errors", List.of(Map.of("code", code, "description", description))));
  }
}
