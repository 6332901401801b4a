package dev.fanout.providers.github;

import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GitHub's paging of every list: {@code per_page} (30 when absent, at most 100), {@code page}
 * from 1, and an RFC 8288 {@code Link} header with {@code next}, {@code last}, {@code first}
 * and {@code prev} as they apply. A client that reads one page sees at most 100 items, as on
 * GitHub (https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 */
final class Pages {

  static final int DEFAULT_PER_PAGE = 30;
  static final int MAX_PER_PAGE = 100;

  private Pages() {
  }

  /** One page of {@code all}, already in GitHub's order, with its {@code Link} header. */
  static SandboxResponse of(SandboxRequest req, String baseUrl, List<?> all) {
    int perPage = Math.min(MAX_PER_PAGE, Math.max(1, number(req.param("per_page"), DEFAULT_PER_PAGE)));
    int page = Math.max(1, number(req.param("page"), 1));
    int last = Math.max(1, (all.size() + perPage - 1) / perPage);
    int from = Math.min(all.size(), (page - 1) * perPage);
    SandboxResponse out = SandboxResponse.json(200, new ArrayList<>(all.subList(from, Math.min(all.size(), from + perPage))));
    List<String> links = new ArrayList<>();
    if (page < last) {
      links.add(link(req, baseUrl, page + 1, "next"));
      links.add(link(req, baseUrl, last, "last"));
    }
    if (page > 1) {
      links.add(link(req, baseUrl, 1, "first"));
      links.add(link(req, baseUrl, Math.min(page - 1, last), "prev"));
    }
    return links.isEmpty() ? out : out.withHeader("Link", String.join(", ", links));
  }

  private static String link(SandboxRequest req, String baseUrl, int page, String rel) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, List<String>> p : req.params().entrySet()) {
      if (p.getKey().equals("page")) {
        continue;
      }
      for (String v : p.getValue()) {
        query.append(query.length() == 0 ? "" : "&").append(encode(p.getKey())).append('=').append(encode(v));
      }
    }
    query.append(query.length() == 0 ? "" : "&").append("page=").append(page);
    return "<" + baseUrl + req.rawPath() + "?" + query + ">; rel=\"" + rel + "\"";
  }

  private static int number(String value, int otherwise) {
    try {
      return value == null ? otherwise : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
