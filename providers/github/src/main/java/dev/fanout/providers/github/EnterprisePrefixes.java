package dev.fanout.providers.github;

import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GitHub Enterprise Server's layout beside github.com's: the REST API under {@code /api/v3},
 * uploads under {@code /api/uploads}, and downloads at
 * {@code /OWNER/REPO/releases/download/TAG/NAME} on the host itself
 * (https://docs.github.com/enterprise-server@latest/rest/quickstart#using-curl-in-the-command-line:
 * "http(s)://HOSTNAME/api/v3"; the upload URL comes from the release's {@code upload_url}).
 * A request under an Enterprise prefix is served as github.com's, and the URLs in its answer
 * are given in the Enterprise form, so that a client following {@code upload_url} or
 * {@code browser_download_url} stays on the Enterprise host.
 */
final class EnterprisePrefixes {

  static final String API = "/api/v3";
  static final String UPLOADS = "/api/uploads";

  private EnterprisePrefixes() {
  }

  /** The github.com form of an Enterprise request, or null when the request has no Enterprise prefix. */
  static SandboxRequest unprefixed(SandboxRequest req) {
    String path = req.path();
    String inner;
    if (path.startsWith(API + "/")) {
      inner = path.substring(API.length());
    } else if (path.startsWith(UPLOADS + "/")) {
      inner = "/uploads" + path.substring(UPLOADS.length());
    } else {
      return null;
    }
    // rawPath keeps the prefix: Link headers built from it point back at the Enterprise API.
    return new SandboxRequest(req.method(), inner, req.rawPath(), req.query(), req.headers(), req.body());
  }

  /** The answer with its API, uploads and download URLs in the Enterprise form. */
  static SandboxResponse prefixed(SandboxResponse response, String baseUrl) {
    String type = response.headers().getOrDefault("Content-Type", "");
    if (!type.startsWith("application/json") || response.body().length == 0) {
      return response;
    }
    String text = new String(response.body(), StandardCharsets.UTF_8);
    text = text.replace(baseUrl + "/repos/", baseUrl + API + "/repos/")
        .replace(baseUrl + "/uploads/", baseUrl + UPLOADS + "/")
        .replaceAll(java.util.regex.Pattern.quote(baseUrl) + "/download/([^/\"]+)/([^/\"]+)/",
            java.util.regex.Matcher.quoteReplacement(baseUrl) + "/$1/$2/releases/download/");
    Map<String, String> headers = new LinkedHashMap<>(response.headers());
    return new SandboxResponse(response.status(), response.reason(), headers, text.getBytes(StandardCharsets.UTF_8));
  }
}
