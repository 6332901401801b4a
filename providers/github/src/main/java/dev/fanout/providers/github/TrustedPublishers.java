package dev.fanout.providers.github;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.fanout.sandbox.EmulatorContext;
import java.net.MalformedURLException;
import java.net.URI;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry emulator's side of trusted publishing: the trusted publishers configured per
 * package (from the scenario's settings, {@code "trusted_publishers": {"NAME": {"repository":
 * "o/r", "workflow": "release.yml", "environment": "release"}}}), the check of a GitHub Actions
 * ID token (signature against the sandbox issuer's JWKS, issuer, audience, expiry, not-before,
 * one use per {@code jti}) and the short-lived tokens the registry mints for it. Only the
 * sandbox's own Actions issuer is trusted, as a registry trusts only
 * {@code https://token.actions.githubusercontent.com}.
 */
public final class TrustedPublishers {

  /** A trusted publisher as a registry stores it: who may publish a package. */
  public record Publisher(String repository, String workflow, String environment) {

    /** Whether a verified job is this publisher (repository case-insensitive, as GitHub names are). */
    public boolean matches(Job job) {
      return repository.equalsIgnoreCase(job.repository()) && workflow.equals(job.workflow())
          && (environment == null || environment.equalsIgnoreCase(job.environment() == null ? "" : job.environment()));
    }
  }

  /** The job a verified ID token describes. */
  public record Job(String repository, String workflow, String environment, JWTClaimsSet claims) { }

  /** Why an ID token was refused, in words close to the registries' own. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private record Minted(String scope, Instant expires) { }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final EmulatorContext ctx;
  private final Map<String, Publisher> publishers;
  private final Map<String, Publisher> pending;
  private final Map<String, Minted> minted = new ConcurrentHashMap<>();
  private final Set<String> usedJtis = ConcurrentHashMap.newKeySet();
  private final Map<String, JWKSource<SecurityContext>> keys = new ConcurrentHashMap<>();

  /**
   * @param normalise how the registry compares package names (PyPI's PEP 503, npm's exact name)
   */
  public TrustedPublishers(EmulatorContext ctx, java.util.function.UnaryOperator<String> normalise) {
    this.ctx = ctx;
    this.publishers = read(ctx.settings().get("trusted_publishers"), normalise);
    this.pending = read(ctx.settings().get("pending_publishers"), normalise);
  }

  private static Map<String, Publisher> read(Object setting, java.util.function.UnaryOperator<String> normalise) {
    Map<String, Publisher> out = new LinkedHashMap<>();
    if (setting instanceof Map<?, ?> all) {
      all.forEach((name, spec) -> {
        if (spec instanceof Map<?, ?> m && m.get("repository") != null && m.get("workflow") != null) {
          Object env = m.get("environment");
          out.put(normalise.apply(String.valueOf(name)), new Publisher(String.valueOf(m.get("repository")),
              String.valueOf(m.get("workflow")), env == null || String.valueOf(env).isEmpty() ? null : String.valueOf(env)));
        }
      });
    }
    return out;
  }

  /** The publisher configured for a package (already normalised), or null. */
  public Publisher publisher(String name) {
    return publishers.get(name);
  }

  /** The pending publisher (PyPI: may create the project on first use) for a package, or null. */
  public Publisher pending(String name) {
    return pending.get(name);
  }

  /** Every configured publisher, by package. */
  public Map<String, Publisher> publishers() {
    return Map.copyOf(publishers);
  }

  /**
   * Verifies an ID token as the registries do: RS256 signature by a key of the sandbox
   * issuer's JWKS, {@code iss} exactly that issuer, {@code aud} the registry's audience,
   * {@code exp} and {@code nbf}, the claims a publisher is matched on, and a {@code jti} not
   * seen before (crates.io and PyPI refuse a reused token).
   */
  public Job verify(String jwt, String audience) throws Refused {
    String issuer = ctx.peer("actions");
    if (issuer == null) {
      throw new Refused("no trusted OIDC issuer in this sandbox");
    }
    SignedJWT parsed;
    try {
      parsed = SignedJWT.parse(jwt == null ? "" : jwt.trim());
    } catch (ParseException e) {
      throw new Refused("malformed token");
    }
    String claimedIssuer;
    try {
      claimedIssuer = parsed.getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      throw new Refused("malformed token");
    }
    if (!issuer.equals(claimedIssuer)) {
      throw new Refused("unsupported issuer: " + claimedIssuer);
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys(issuer)));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
        new JWTClaimsSet.Builder().issuer(issuer).build(),
        Set.of("sub", "exp", "iat", "jti", "repository", "repository_owner_id", "workflow_ref", "job_workflow_ref")));
    JWTClaimsSet claims;
    try {
      claims = processor.process(parsed, null);
    } catch (BadJOSEException | com.nimbusds.jose.JOSEException e) {
      throw new Refused(e.getMessage());
    }
    if (!usedJtis.add(claims.getJWTID())) {
      throw new Refused("JWT has already been used");
    }
    try {
      String ref = claims.getStringClaim("workflow_ref");
      int at = ref.indexOf("/.github/workflows/");
      String file = at < 0 ? "" : ref.substring(at + "/.github/workflows/".length()).replaceAll("@.*$", "");
      return new Job(claims.getStringClaim("repository"), file, claims.getStringClaim("environment"), claims);
    } catch (ParseException e) {
      throw new Refused("malformed claims");
    }
  }

  private JWKSource<SecurityContext> keys(String issuer) {
    return keys.computeIfAbsent(issuer, i -> {
      try {
        // Cached, and fetched again for a key id it does not know (a new sandbox, a new key).
        return JWKSourceBuilder.create(URI.create(i + "/.well-known/jwks").toURL()).retrying(false).build();
      } catch (MalformedURLException e) {
        throw new IllegalStateException("the sandbox issuer's URL is not a URL: " + i, e);
      }
    });
  }

  /** A new short-lived token for {@code scope} (a package), with the registry's prefix, living {@code life}. */
  public String mint(String prefix, String scope, Duration life) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    // Recognisable in a scan for leaks (the secrets drill), random like the registries' own.
    String token = prefix + "fanout-sandbox-oidc-" + HexFormat.of().formatHex(bytes);
    minted.put(token, new Minted(scope, Instant.now().plus(life)));
    return token;
  }

  /** The scope of a live minted token, or null when it is unknown, expired or revoked. */
  public String scopeOf(String token) {
    Minted m = token == null ? null : minted.get(token.trim());
    if (m == null) {
      return null;
    }
    if (Instant.now().isAfter(m.expires())) {
      minted.remove(token.trim());
      return null;
    }
    return m.scope();
  }

  /** Whether the value looks like a token this emulator mints (live or not). */
  public static boolean looksMinted(String token) {
    return token != null && token.toLowerCase(Locale.ROOT).contains("fanout-sandbox-oidc-");
  }

  /** Revokes a minted token; false when it was not one. */
  public boolean revoke(String token) {
    return token != null && minted.remove(token.trim()) != null;
  }
}
