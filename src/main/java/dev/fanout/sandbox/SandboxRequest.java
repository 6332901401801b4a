package dev.fanout.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as an emulator sees it: method, decoded path, raw query, headers (names
 * lower-cased) and the whole body.
 *
 * @param path the path without the query, percent-decoded except for {@code %2F}, which
 *     stays encoded so that npm's {@code @scope%2fname} remains one segment
 * @param rawPath the path exactly as sent
 */
public record SandboxRequest(
    String method, String path, String rawPath, String query,
    Map<String, List<String>> headers, byte[] body) {

  public SandboxRequest {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
    query = query == null ? "" : query;
  }

  /** The first value of a header, or null. Names are case-insensitive. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of a query parameter, decoded, or null. */
  public String param(String name) {
    List<String> values = params().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Every query parameter, decoded, in order; {@code arg[]=a&arg[]=b} gives two values. */
  public Map<String, List<String>> params() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The bearer or plain token in {@code Authorization}, without its scheme; null when absent. */
  public String bearerToken() {
    String auth = header("authorization");
    if (auth == null) {
      return null;
    }
    int space = auth.indexOf(' ');
    return space < 0 ? auth.trim() : auth.substring(space + 1).trim();
  }

  static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Decodes a raw path, keeping {@code %2F} (either case) encoded as {@code %2f}. */
  static String decodePath(String raw) {
    String kept = raw.replace("%2F", "\u0000").replace("%2f", "\u0000");
    return decode(kept).replace("\u0000", "%2f");
  }
}
