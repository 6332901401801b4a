package dev.fanout.providers.github;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * github.com or a GitHub Enterprise Server: the {@code host} setting of the {@code github}
 * provider block derives every URL, as GitHub Enterprise Server lays them out
 * (https://docs.github.com/enterprise-server@latest/rest/quickstart): the REST API at
 * {@code https://HOST/api/v3}, uploads at {@code https://HOST/api/uploads}, and release
 * downloads at {@code https://HOST/OWNER/REPO/releases/download/TAG/NAME}. An explicit
 * {@code api_url} or {@code uploads_url} still wins. Under {@code --sandbox} the same
 * prefixes are served by the sandbox's GitHub, so a release file for an Enterprise host
 * is tried with Enterprise URLs.
 */
public final class GithubHost {

  public static final String API_PREFIX = "/api/v3";
  public static final String UPLOADS_PREFIX = "/api/uploads";

  private GithubHost() {
  }

  /** The endpoints with the {@code host} setting applied; unchanged without one or for github.com. */
  public static Map<String, String> derive(Map<String, Object> settings, Map<String, String> resolved, boolean sandbox) {
    String root = root(settings.get("host"));
    if (root == null) {
      return resolved;
    }
    Map<String, String> out = new LinkedHashMap<>(resolved);
    if (sandbox) {
      root = trim(resolved.get("api_url"));
    }
    if (sandbox || !(settings.get("api_url") instanceof String s) || s.isBlank()) {
      out.put("api_url", root + API_PREFIX);
    }
    if (out.containsKey("uploads_url") && (sandbox || !(settings.get("uploads_url") instanceof String u) || u.isBlank())) {
      out.put("uploads_url", root + UPLOADS_PREFIX);
    }
    return out;
  }

  /**
   * {@code https://HOST} from a host setting ({@code ghe.example.com}, or with a scheme); null
   * for none or github.com.
   */
  public static String root(Object host) {
    if (!(host instanceof String h) || h.isBlank()) {
      return null;
    }
    String root = trim(h.contains("://") ? h.trim() : "https://" + h.trim());
    return root.equals("https://github.com") || root.equals("https://api.github.com") ? null : root;
  }

  /**
   * Where people download a release asset: github.com's download URL for github.com's API,
   * the Enterprise host's for an API under {@code /api/v3}, and otherwise (the sandbox
   * standing in for github.com) that API's {@code /download} path.
   */
  public static String downloadUrl(String apiUrl, String repository, String tag, String name) {
    String api = trim(apiUrl);
    if (api.equals(GithubApi.DEFAULT_URL)) {
      return "https://github.com/" + repository + "/releases/download/" + tag + "/" + name;
    }
    if (api.endsWith(API_PREFIX)) {
      return api.substring(0, api.length() - API_PREFIX.length()) + "/" + repository + "/releases/download/" + tag + "/" + name;
    }
    return api + "/download/" + repository + "/" + tag + "/" + name;
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
