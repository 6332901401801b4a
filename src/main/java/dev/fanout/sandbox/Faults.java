package dev.fanout.sandbox;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The faults in {@code DIR/faults.json}, read again at every request so that a test can
 * change them while a run goes on. The file holds a list of rules:
 *
 * <pre>{@code
 * [{"registry": "npm", "operation": "write", "path": "^/contextlite$",
 *   "status": 503, "times": 2},
 *  {"registry": "*", "operation": "any", "latency_ms": 200},
 *  {"registry": "crates", "operation": "read", "status": 429, "retry_after": 1},
 *  {"registry": "oci", "operation": "write", "drop": "after"}]
 * }</pre>
 *
 * A rule matches a registry ({@code *} for all), an operation ({@code read}, {@code write},
 * {@code any}) and optionally a path regex (searched, not anchored). Effects:
 * {@code latency_ms} (added; several latency rules add up), {@code status} with optional
 * {@code body} (sent as JSON when it is a JSON object, unless {@code content_type} says otherwise:
 * {@code text/html} with a 200 is a proxy's login page), {@code retry_after} (seconds, sent as
 * {@code Retry-After}) and {@code headers} (more response headers, such as GitHub's
 * {@code x-ratelimit-remaining} and {@code x-ratelimit-reset}), {@code drop}
 * ({@code before}: the connection closes and the registry never sees the request;
 * {@code after}: the registry handles it, then the connection closes before the response),
 * {@code slow_body_bps} (the response body trickles at that many bytes a second),
 * {@code malformed} (the body is replaced by broken JSON), {@code redirect_to} (a 307 to
 * that base URL, keeping the path). {@code visibility_delay_ms} is no answer but the
 * registry's lag: a write it accepts stays out of its lagging reads that long (see
 * {@link EmulatorContext#visibilityDelay}). {@code times} limits how many matching requests a rule
 * hits; {@code every} hits only every Nth matching request (every 5th: one in five); without
 * either the rule hits every one.
 */
final class Faults {

  /** One effect chosen for a request; fields are null when not set. */
  record Effect(long latencyMs, Integer status, String body, String contentType, Integer retryAfter, String drop,
      Long slowBodyBps, boolean malformed, String redirectTo, String description, Map<String, String> headers) {

    static final Effect NONE = new Effect(0, null, null, null, null, null, null, false, null, null, Map.of());

    Effect {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    boolean isNone() {
      return this.equals(NONE);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  Faults(Path file) {
    this.file = file;
  }

  Effect match(String registry, boolean write, String path) {
    List<Map<String, Object>> rules = rules();
    long latency = 0;
    Effect chosen = null;
    List<String> described = new ArrayList<>();
    for (Map<String, Object> rule : rules) {
      if (rule.containsKey("visibility_delay_ms") || !matches(rule, registry, write, path) || !take(rule)) {
        continue;
      }
      described.add(rule.toString());
      latency += number(rule.get("latency_ms"));
      if (chosen == null && (rule.containsKey("status") || rule.containsKey("drop")
          || rule.containsKey("slow_body_bps") || rule.containsKey("malformed")
          || rule.containsKey("redirect_to"))) {
        chosen = new Effect(0,
            rule.containsKey("status") ? (int) number(rule.get("status")) : null,
            (String) rule.get("body"),
            (String) rule.get("content_type"),
            rule.containsKey("retry_after") ? (int) number(rule.get("retry_after")) : null,
            (String) rule.get("drop"),
            rule.containsKey("slow_body_bps") ? number(rule.get("slow_body_bps")) : null,
            Boolean.TRUE.equals(rule.get("malformed")),
            (String) rule.get("redirect_to"),
            null,
            headers(rule.get("headers")));
      }
    }
    if (described.isEmpty()) {
      return Effect.NONE;
    }
    Effect base = chosen == null ? Effect.NONE : chosen;
    return new Effect(latency, base.status(), base.body(), base.contentType(), base.retryAfter(), base.drop(),
        base.slowBodyBps(), base.malformed(), base.redirectTo(), String.join("; ", described), base.headers());
  }

  private static Map<String, String> headers(Object value) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  /** The lag the first rule for {@code registry} with {@code visibility_delay_ms} sets, or null. */
  java.time.Duration visibilityDelay(String registry) {
    for (Map<String, Object> rule : rules()) {
      String reg = String.valueOf(rule.getOrDefault("registry", "*"));
      if ((reg.equals("*") || reg.equals(registry)) && rule.containsKey("visibility_delay_ms")) {
        return java.time.Duration.ofMillis(number(rule.get("visibility_delay_ms")));
      }
    }
    return null;
  }

  private List<Map<String, Object>> rules() {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<List<Map<String, Object>>>() { });
    } catch (IOException e) {
      // A half-written file while a test rewrites it: no faults for this request.
      return List.of();
    }
  }

  private static boolean matches(Map<String, Object> rule, String registry, boolean write, String path) {
    String reg = String.valueOf(rule.getOrDefault("registry", "*"));
    if (!reg.equals("*") && !reg.equals(registry)) {
      return false;
    }
    String op = String.valueOf(rule.getOrDefault("operation", "any"));
    if (op.equals("read") && write || op.equals("write") && !write) {
      return false;
    }
    Object pattern = rule.get("path");
    return pattern == null || Pattern.compile(pattern.toString()).matcher(path).find();
  }

  private boolean take(Map<String, Object> rule) {
    Object every = rule.get("every");
    if (every != null) {
      AtomicInteger seen = hits.computeIfAbsent("every:" + rule, k -> new AtomicInteger());
      if (seen.incrementAndGet() % Math.max(1, number(every)) != 0) {
        return false;
      }
    }
    Object times = rule.get("times");
    if (times == null) {
      return true;
    }
    AtomicInteger count = hits.computeIfAbsent(rule.toString(), k -> new AtomicInteger());
    return count.incrementAndGet() <= number(times);
  }

  private static long number(Object o) {
    return o instanceof Number n ? n.longValue() : o == null ? 0 : Long.parseLong(o.toString());
  }
}
