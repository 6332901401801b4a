package dev.fanout.providers.crates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.providers.github.TrustedPublishers;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * crates.io's trusted publishing in the sandbox, as rust-lang/crates.io's
 * {@code src/controllers/trustpub/tokens/} does it: {@code POST /api/v1/trusted_publishing/tokens}
 * with {@code {"jwt": ...}} checks the GitHub Actions ID token (audience {@code crates.io}) and
 * the Trusted Publishing configs of existing crates (repository, then workflow file, then
 * environment), each mismatch a 400 with crates.io's own text; the token it answers publishes
 * the matching crates for 30 minutes. {@code DELETE} on the same URL revokes the token given as
 * {@code Authorization: Bearer TOKEN} (204).
 */
final class CratesTrustpub {

  static final String PATH = "/api/v1/trusted_publishing/tokens";
  static final String AUDIENCE = "crates.io";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrustedPublishers trusted;

  CratesTrustpub(EmulatorContext ctx) {
    this.trusted = new TrustedPublishers(ctx, name -> name.toLowerCase(Locale.ROOT));
  }

  /** The exchange; {@code exists} says whether a crate (lowercase) exists. */
  SandboxResponse exchange(String body, Predicate<String> exists) {
    String jwt;
    try {
      JsonNode doc = JSON.readTree(body);
      jwt = doc == null ? null : doc.path("jwt").asText(null);
    } catch (IOException e) {
      jwt = null;
    }
    if (jwt == null) {
      return bad("Failed to deserialize the JSON body into the target type: missing field `jwt`");
    }
    TrustedPublishers.Job job;
    try {
      job = trusted.verify(jwt, AUDIENCE);
    } catch (TrustedPublishers.Refused e) {
      String why = e.getMessage();
      return bad(why.startsWith("unsupported issuer: ") ? "Unsupported JWT issuer: " + why.substring(20)
          : why.equals("JWT has already been used") ? why : "Failed to decode JWT");
    }
    String repo = job.repository();
    // A config belongs to a crate, so there are none for crates that do not exist.
    List<Map.Entry<String, TrustedPublishers.Publisher>> configs = new ArrayList<>();
    trusted.publishers().forEach((crate, p) -> {
      if (exists.test(crate) && p.repository().equalsIgnoreCase(repo)) {
        configs.add(Map.entry(crate, p));
      }
    });
    if (configs.isEmpty()) {
      return bad("No Trusted Publishing config found for repository `" + repo + "`.");
    }
    List<String> workflows = configs.stream().map(c -> "`" + c.getValue().workflow() + "`").toList();
    configs.removeIf(c -> !c.getValue().workflow().equals(job.workflow()));
    if (configs.isEmpty()) {
      return bad("The Trusted Publishing config for repository `" + repo + "` does not match the workflow filename `"
          + job.workflow() + "` in the JWT. Expected workflow filenames: " + String.join(", ", workflows));
    }
    List<String> environments = configs.stream().filter(c -> c.getValue().environment() != null)
        .map(c -> "`" + c.getValue().environment() + "`").toList();
    configs.removeIf(c -> !c.getValue().matches(job));
    if (configs.isEmpty()) {
      return bad(job.environment() != null
          ? "The Trusted Publishing config for repository `" + repo + "` does not match the environment `"
              + job.environment() + "` in the JWT. Expected environments: " + String.join(", ", environments)
          : "The Trusted Publishing config for repository `" + repo + "` requires an environment, but the JWT"
              + " does not specify one. Expected environments: " + String.join(", ", environments));
    }
    String scope = String.join(",", configs.stream().map(Map.Entry::getKey).toList());
    return SandboxResponse.json(200, Map.of("token", trusted.mint("cio_", scope, Duration.ofMinutes(30))));
  }

  /** Revokes the bearer token: 204 whether or not it was live, as crates.io deletes by hash. */
  SandboxResponse revoke(String authorization) {
    if (authorization == null) {
      return SandboxResponse.json(401, Map.of("errors", List.of(Map.of("detail", "Missing authorization header"))));
    }
    if (!authorization.startsWith("Bearer ") || !TrustedPublishers.looksMinted(authorization)) {
      return SandboxResponse.json(401, Map.of("errors", List.of(Map.of("detail", "Invalid authorization header"))));
    }
    trusted.revoke(authorization.substring(7));
    return SandboxResponse.empty(204);
  }

  /** Whether an Authorization header holds a minted token (live or not). */
  static boolean minted(String authorization) {
    return TrustedPublishers.looksMinted(authorization);
  }

  /** The crates a minted token may publish, or null when it is expired, revoked or unknown. */
  List<String> crates(String authorization) {
    String token = authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization;
    String scope = trusted.scopeOf(token);
    return scope == null ? null : List.of(scope.split(","));
  }

  private static SandboxResponse bad(String detail) {
    return SandboxResponse.json(400, Map.of("errors", List.of(Map.of("detail", detail))));
  }
}
