package dev.fanout.providers.crates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.TrustedPublishing;
import java.io.IOException;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * crates.io's trusted publishing as rust-lang/crates-io-auth-action does it: an ID token for
 * the audience {@code crates.io}, {@code POST API/api/v1/trusted_publishing/tokens} with
 * {@code {"jwt": ...}} answering a 30-minute publish token (used as cargo uses a token: the
 * {@code Authorization} header itself), and at the end of the run {@code DELETE} on the same
 * URL with {@code Authorization: Bearer TOKEN} to revoke it. The crate must exist already:
 * its first version needs an API token.
 */
final class CratesTrustedPublishing {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/api/v1/trusted_publishing/tokens";

  private final ProviderContext ctx;
  private final TrustedPublishing trusted;

  CratesTrustedPublishing(ProviderContext ctx) {
    this.ctx = ctx;
    this.trusted = new TrustedPublishing(ctx, CratesProvider.REGISTRY, "crates.io");
  }

  CredentialCheck check(Publication publication) {
    String crate = publication.string("crate");
    return trusted.check(crate, "the settings of crate " + crate + " on " + ctx.endpoint("api")
        + " (Settings → Trusted Publishing; the crate must exist, its first version needs an API token)", this::exchange);
  }

  /** The {@code Authorization} value that publishes: the exchanged token under trusted publishing, else the configured one. */
  Secret token(Publication publication) throws RegistryException {
    if (!TrustedPublishing.enabled(publication)) {
      return publication.secret("token");
    }
    return trusted.token(publication.string("crate"), this::exchange);
  }

  private String exchange(String idToken) throws RegistryException {
    String operation = "trusted-publishing token exchange";
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(Map.of("jwt", idToken));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Request request = new Request.Builder().url(ctx.endpoint("api") + PATH).header("Accept", "application/json")
        .post(RequestBody.create(body, MediaType.get("application/json"))).build();
    try (Response res = ctx.http().newCall(request).execute()) {
      String text = res.body() == null ? "" : res.body().string();
      if (!res.isSuccessful()) {
        throw new RegistryException(CratesProvider.REGISTRY, operation, res.code(), TrustedPublishing.reason(text),
            res.code() >= 500 ? "crates.io is failing; try again later" : null);
      }
      JsonNode token = JSON.readTree(text).path("token");
      if (!token.isTextual() || token.asText().isBlank()) {
        throw new RegistryException(CratesProvider.REGISTRY, operation, res.code(), "the answer has no token", null);
      }
      return token.asText();
    } catch (IOException e) {
      throw new RegistryException(CratesProvider.REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + ctx.endpoint("api"), e);
    }
  }

  /** Revokes every token this run holds; a failure leaves a token that expires within 30 minutes. */
  void revokeAll() {
    trusted.held().forEach((crate, token) -> {
      Request request = new Request.Builder().url(ctx.endpoint("api") + PATH)
          .header("Authorization", "Bearer " + token.reveal()).delete().build();
      try (Response res = ctx.http().newCall(request).execute()) {
        if (res.isSuccessful()) {
          trusted.forget(crate);
        }
      } catch (IOException e) {
        // Nothing to do but let it expire.
      }
    });
  }
}
