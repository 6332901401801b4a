package dev.fanout.providers.snap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@code snapcraft export-login} against the sandbox, as craft-store's UbuntuOneStoreClient
 * does it: a root macaroon from the dashboard's {@code /dev/api/acl/}, its SSO caveat
 * discharged at {@code /api/v2/tokens/discharge}, both written as base64 JSON.
 */
final class SnapLogins {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SnapLogins() { }

  record Login(String root, String discharge, String exported) { }

  static Login export(OkHttpClient http, String base, String password, List<String> permissions) throws IOException {
    String root = post(http, base + "/dev/api/acl/", Map.of("permissions", permissions, "description", "fanout test"))
        .path("macaroon").asText();
    Macaroons.Caveat sso = Macaroons.deserialize(root).thirdPartyAt(URI.create(base).getAuthority());
    String discharge = post(http, base + "/api/v2/tokens/discharge",
        Map.of("email", "dev@example.org", "password", password, "caveat_id", sso.cid())).path("discharge_macaroon").asText();
    String json = JSON.writeValueAsString(Map.of("t", "u1-macaroon", "v", Map.of("r", root, "d", discharge)));
    return new Login(root, discharge, Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonNode post(OkHttpClient http, String url, Object body) throws IOException {
    Request request = new Request.Builder().url(url)
        .post(RequestBody.create(JSON.writeValueAsBytes(body), MediaType.get("application/json"))).build();
    try (Response r = http.newCall(request).execute()) {
      if (!r.isSuccessful()) {
        throw new IOException(url + " answered " + r.code() + ": " + r.body().string());
      }
      return JSON.readTree(r.body().bytes());
    }
  }
}
