package dev.fanout.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trusted publishing for one provider and one run: inside GitHub Actions, an ID token for the
 * registry's audience is exchanged for a short-lived publish token, once per package, and kept
 * in memory only (never in a plan, journal, report or log). The plan's credential check makes
 * the exchange, so a trusted publisher that does not match this job shows in the plan with the
 * registry's own reason; the publish reuses the token.
 */
public final class TrustedPublishing {

  /** The provider setting that turns it on: {@code trusted_publishing = true}. */
  public static final String SETTING = "trusted_publishing";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The registry side of the exchange: the ID token in, the short-lived token out. */
  @FunctionalInterface
  public interface Exchange {
    /** The registry's token for this ID token; a refusal is a {@link RegistryException} with its status. */
    String run(String idToken) throws RegistryException;
  }

  /** Where the audience comes from: fixed, or asked of the registry (PyPI's {@code /_/oidc/audience}). */
  @FunctionalInterface
  public interface Audience {
    String get() throws RegistryException;
  }

  /**
   * Who the job is, as its ID token says: what a registry's trusted-publisher settings must name.
   *
   * @param environment the deployment environment, or null when the job has none
   */
  public record Identity(String repository, String workflow, String environment) {

    /** Reads the claims of our own ID token (not verified here: the registry verifies it). */
    static Identity of(String jwt) {
      String[] parts = jwt.split("\\.");
      if (parts.length < 2) {
        return new Identity("?", "?", null);
      }
      try {
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        String ref = claims.path("workflow_ref").asText("");
        String file = ref.contains("/.github/workflows/") ? ref.substring(ref.indexOf("/.github/workflows/") + 19) : ref;
        file = file.contains("@") ? file.substring(0, file.indexOf('@')) : file;
        String env = claims.path("environment").asText("");
        return new Identity(claims.path("repository").asText("?"), file, env.isEmpty() ? null : env);
      } catch (IOException | IllegalArgumentException e) {
        return new Identity("?", "?", null);
      }
    }

    public String describe() {
      return "repository " + repository + ", workflow " + workflow + ", environment "
          + (environment == null ? "(none)" : environment);
    }
  }

  private final ProviderContext ctx;
  private final String registry;
  private final Audience audience;
  private final Map<String, Secret> tokens = new ConcurrentHashMap<>();
  private final Map<String, Identity> identities = new ConcurrentHashMap<>();

  /**
   * @param registry the registry's name in messages
   * @param audience the audience the registry expects in the ID token
   */
  public TrustedPublishing(ProviderContext ctx, String registry, String audience) {
    this(ctx, registry, () -> audience);
  }

  public TrustedPublishing(ProviderContext ctx, String registry, Audience audience) {
    this.ctx = ctx;
    this.registry = registry;
    this.audience = audience;
  }

  public static boolean enabled(Publication p) {
    Object v = p.settings().get(SETTING);
    return Boolean.TRUE.equals(v) || "true".equals(v);
  }

  /** Whether this run can use it: inside GitHub Actions with {@code id-token: write}, or under --sandbox. */
  public boolean available() {
    return ctx.idTokens() != null;
  }

  /**
   * The short-lived token for {@code key} (a package), exchanged on first use; one ID token
   * and one exchange per package and run.
   */
  public Secret token(String key, Exchange exchange) throws RegistryException {
    Secret known = tokens.get(key);
    if (known != null) {
      return known;
    }
    synchronized (this) {
      known = tokens.get(key);
      if (known != null) {
        return known;
      }
      if (!available()) {
        throw new RegistryException(registry, "trusted publishing", 0, unavailable(null), false, null, null);
      }
      String idToken = ctx.idTokens().fetch(ctx.http(), registry, audience.get());
      identities.put(key, Identity.of(idToken));
      Secret got = new Secret(registry + " trusted publishing", exchange.run(idToken));
      tokens.put(key, got);
      return got;
    }
  }

  /** The tokens this run holds, by package, so a registry that can revoke them does at the end. */
  public Map<String, Secret> held() {
    return Map.copyOf(tokens);
  }

  /** Forgets a token (after it was revoked). */
  public void forget(String key) {
    tokens.remove(key);
  }

  /**
   * The plan's preflight: the exchange itself (it writes nothing that publishing would not),
   * and the identity the registry accepted, or its refusal with what to change.
   *
   * @param settingsPage where the registry's trusted-publisher settings for this package are
   */
  public CredentialCheck check(String key, String settingsPage, Exchange exchange) {
    if (!available()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING, unavailable(settingsPage));
    }
    try {
      token(key, exchange);
      return CredentialCheck.okNamed("trusted publishing: ok for " + identities.get(key).describe());
    } catch (RegistryException e) {
      Identity id = identities.get(key);
      if (e.isTransient() || id == null) {
        return new CredentialCheck(CredentialCheck.Status.ERROR, e.getMessage());
      }
      String why = e.getMessage().endsWith(".") ? e.getMessage().substring(0, e.getMessage().length() - 1) : e.getMessage();
      return new CredentialCheck(CredentialCheck.Status.NO_WRITE, why + ". In " + settingsPage + ", the trusted publisher must"
          + " allow this job: " + id.describe() + "; or publish with a token instead of trusted_publishing");
    }
  }

  private String unavailable(String settingsPage) {
    return "trusted publishing cannot be used here: it needs a GitHub Actions job with `permissions: id-token: write`"
        + " (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). Outside Actions, drop"
        + " trusted_publishing and set the provider's token to a " + registry + " API token"
        + (settingsPage == null ? "" : " (the trusted publisher is configured in " + settingsPage + ")");
  }

  /** The message of a refused exchange: the registry's own words from its JSON error body. */
  public static String reason(String body) {
    try {
      JsonNode doc = JSON.readTree(body == null ? "" : body);
      if (doc.path("errors").isArray() && !doc.path("errors").isEmpty()) {
        StringBuilder out = new StringBuilder();
        for (JsonNode e : doc.path("errors")) {
          String code = e.path("code").asText("");
          String text = e.path("description").asText(e.path("detail").asText(""));
          out.append(out.isEmpty() ? "" : "; ").append(code.isEmpty() ? "" : code + ": ").append(text);
        }
        return out.toString();
      }
      if (doc.path("message").isTextual()) {
        return doc.path("message").asText();
      }
    } catch (IOException e) {
      // Not JSON: the text itself, trimmed.
    }
    String text = body == null ? "" : body.strip();
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
