package dev.fanout.providers.snap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Secret;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The store login a publisher exports ({@code snapcraft export-login}, read from
 * {@code SNAPCRAFT_STORE_CREDENTIALS}): base64 of {@code {"t": "u1-macaroon", "v": {"r": ROOT,
 * "d": DISCHARGE}}} (craft-store's {@code creds.py}). Every request carries the root and the
 * discharge bound to it (craft-store's {@code UbuntuOneStoreClient._get_authorization_header});
 * when the store answers {@code macaroon-needs-refresh}, the discharge is refreshed at Ubuntu
 * SSO and kept for the rest of the run (the exported text itself is never rewritten).
 */
final class StoreLogin {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REGISTRY = "snap";

  private final Secret secret;
  private final String root;
  private volatile String discharge;

  private StoreLogin(Secret secret, String root, String discharge) {
    this.secret = secret;
    this.root = root;
    this.discharge = discharge;
  }

  /** The exported login in {@code secret}, or null when it holds something else (a plain token). */
  static StoreLogin parse(Secret secret) {
    if (!secret.isSet()) {
      return null;
    }
    try {
      JsonNode login = JSON.readTree(Base64.getDecoder().decode(secret.reveal().trim()));
      JsonNode v = login.path("v");
      if (v.hasNonNull("r") && v.hasNonNull("d")) {
        Macaroons.deserialize(v.path("r").asText());
        Macaroons.deserialize(v.path("d").asText());
        return new StoreLogin(secret, v.path("r").asText(), v.path("d").asText());
      }
    } catch (IOException | IllegalArgumentException notExported) {
      // Not an exported login.
    }
    return null;
  }

  /** {@code Macaroon root=ROOT, discharge=BOUND}, as craft-store sends it (no quotes). */
  String authorization() {
    Macaroons.Macaroon r = Macaroons.deserialize(root);
    String bound = Macaroons.serialize(r.bind(Macaroons.deserialize(discharge)));
    return "Macaroon root=" + root + ", discharge=" + bound;
  }

  /**
   * Whether the store asks for a fresh discharge: 401 with {@code WWW-Authenticate: Macaroon
   * needs_refresh=1} or the {@code macaroon-needs-refresh} error code.
   */
  static boolean needsRefresh(Response response) throws IOException {
    if (response.code() != 401) {
      return false;
    }
    String challenge = response.header("WWW-Authenticate");
    return (challenge != null && challenge.contains("needs_refresh=1"))
        || response.peekBody(65536).string().contains("\"macaroon-needs-refresh\"");
  }

  /** {@code POST /api/v2/tokens/refresh} at Ubuntu SSO with the unbound discharge; keeps the new one. */
  synchronized void refresh(OkHttpClient http, String sso) throws RegistryException {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(Map.of("discharge_macaroon", discharge));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Request request = new Request.Builder().url(sso + "/api/v2/tokens/refresh").header("Accept", "application/json")
        .post(RequestBody.create(body, MediaType.get("application/json"))).build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        String answer = response.body().string();
        throw new RegistryException(REGISTRY, "refresh the store login at " + request.url().host(), response.code(),
            answer.length() > 300 ? answer.substring(0, 300) : answer,
            "the login in " + secret.source() + " can no longer be refreshed: export a new one with snapcraft export-login");
      }
      String fresh = RegistryAnswer.json(REGISTRY, "refresh the store login", response).path("discharge_macaroon").asText("");
      Macaroons.deserialize(fresh);
      discharge = fresh;
    } catch (IllegalArgumentException e) {
      throw new RegistryException(REGISTRY, "refresh the store login", 200, "the answer holds no discharge macaroon",
          "export a new login with snapcraft export-login");
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "refresh the store login", 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + sso, e);
    }
  }
}
