package dev.fanout.providers.pypi;

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
 * PyPI's trusted publishing as pypa/gh-action-pypi-publish's {@code oidc-exchange.py} does it:
 * the audience from {@code GET INDEX/_/oidc/audience}, an ID token for it, then
 * {@code POST INDEX/_/oidc/mint-token} with {@code {"token": JWT}}; the answer's token is the
 * upload password for {@code __token__}. A refusal is 422 with warehouse's error codes.
 */
final class PypiTrustedPublishing {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ProviderContext ctx;
  private final TrustedPublishing trusted;

  PypiTrustedPublishing(ProviderContext ctx) {
    this.ctx = ctx;
    this.trusted = new TrustedPublishing(ctx, PypiProvider.REGISTRY, this::audience);
  }

  CredentialCheck check(Publication publication) {
    String project = publication.string("project");
    return trusted.check(project, "the publishing settings of project " + project + " on " + ctx.endpoint("index")
        + " (Publishing → add a GitHub publisher; for a new project, a pending publisher)", this::mint);
  }

  /** The upload password for {@code __token__}: the minted token under trusted publishing, else the configured one. */
  Secret password(Publication publication) throws RegistryException {
    if (!TrustedPublishing.enabled(publication)) {
      return publication.secret("token");
    }
    return trusted.token(publication.string("project"), this::mint);
  }

  private String audience() throws RegistryException {
    return call("trusted-publishing audience", new Request.Builder().url(ctx.endpoint("index") + "/_/oidc/audience").get()
        .build(), "audience");
  }

  private String mint(String idToken) throws RegistryException {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(Map.of("token", idToken));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return call("trusted-publishing mint-token", new Request.Builder().url(ctx.endpoint("index") + "/_/oidc/mint-token")
        .post(RequestBody.create(body, MediaType.get("application/json"))).build(), "token");
  }

  private String call(String operation, Request request, String field) throws RegistryException {
    try (Response res = ctx.http().newCall(request).execute()) {
      String text = res.body() == null ? "" : res.body().string();
      if (!res.isSuccessful()) {
        throw new RegistryException(PypiProvider.REGISTRY, operation, res.code(), TrustedPublishing.reason(text),
            res.code() >= 500 ? "PyPI is failing; try again later" : null);
      }
      JsonNode value = JSON.readTree(text).path(field);
      if (!value.isTextual() || value.asText().isBlank()) {
        throw new RegistryException(PypiProvider.REGISTRY, operation, res.code(), "the answer has no " + field, null);
      }
      return value.asText();
    } catch (IOException e) {
      throw new RegistryException(PypiProvider.REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + ctx.endpoint("index"), e);
    }
  }
}
