package dev.fanout.providers.pypi;

import java.util.List;
import java.util.Locale;

/**
 * The form of a simple index page a client gets (PEP 691, "Version + Format Selection"): the
 * media type with the highest {@code q} among those warehouse serves (the first listed on a
 * tie), {@code text/html} when the client sends no {@code Accept}; {@code ?format=} overrides
 * the header.
 */
record SimpleFormat(String contentType, boolean json) {

  static final String JSON = "application/vnd.pypi.simple.v1+json";
  static final String HTML = "application/vnd.pypi.simple.v1+html";

  /** Served media types in warehouse's order of preference. */
  private static final List<SimpleFormat> SERVED = List.of(new SimpleFormat(JSON, true), new SimpleFormat(HTML, false),
      new SimpleFormat("text/html", false));

  /** The form to answer in, or null when the client accepts none (406). */
  static SimpleFormat choose(String formatParam, String accept) {
    if (formatParam != null && !formatParam.isBlank()) {
      return pick(formatParam.trim().toLowerCase(Locale.ROOT));
    }
    if (accept == null || accept.isBlank()) {
      return SERVED.get(2);
    }
    SimpleFormat best = null;
    double bestQ = 0;
    for (String part : accept.split(",")) {
      String[] params = part.split(";");
      String type = params[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < params.length; i++) {
        String kv = params[i].trim();
        if (kv.startsWith("q=")) {
          try {
            q = Double.parseDouble(kv.substring(2));
          } catch (NumberFormatException ignored) {
            q = 0;
          }
        }
      }
      SimpleFormat f = pick(type);
      if (f != null && q > bestQ) {
        best = f;
        bestQ = q;
      }
    }
    return best;
  }

  private static SimpleFormat pick(String type) {
    return switch (type) {
      case JSON, "application/vnd.pypi.simple.latest+json" -> SERVED.get(0);
      case HTML, "application/vnd.pypi.simple.latest+html" -> SERVED.get(1);
      case "text/html", "text/*", "*/*" -> SERVED.get(2);
      default -> null;
    };
  }
}
