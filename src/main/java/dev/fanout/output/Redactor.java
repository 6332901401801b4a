package dev.fanout.output;

import dev.fanout.model.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The run's secrets, and the one place that takes them out of text. Every sink (the
 * terminal writers, the journal, reports, plan files, JSON streams) is built with the run's
 * redactor and passes everything it writes through it, so no caller has to remember to.
 *
 * <p>It starts empty and learns secrets as the release files are loaded; a secret is
 * replaced by {@code (sensitive)} in every form it is likely to take on the wire and in
 * echoes: as is, base64 and base64url, URL-encoded and JSON-escaped.
 */
public final class Redactor {

  /** Shorter values would take out ordinary words; no real credential is that short. */
  private static final int SHORTEST = 4;
  static final String MASK = "(sensitive)";

  /** Every form of every secret, longest first so a form that contains another goes whole. */
  private final List<String> forms = new CopyOnWriteArrayList<>();
  /** Each secret and its base64 with a line break anywhere inside, as a registry may wrap it. */
  private final List<Broken> broken = new CopyOnWriteArrayList<>();

  /**
   * A form that may be broken by up to two line breaks: then one of its thirds still stands
   * whole in the text, which is checked before the (slower) pattern runs.
   */
  private record Broken(Pattern pattern, List<String> thirds) {
    boolean mayBeIn(String text) {
      return thirds.stream().anyMatch(text::contains);
    }
  }
  /** A raw line break, or one written as an escape ({@code \n}, {@code \\n}) by JSON or a view. */
  private static final String BREAK = "(?:\\r?\\n|\\r|(?:\\\\)+[rn]){0,2}";

  public static Redactor none() {
    return new Redactor();
  }

  /** A redactor that knows every secret found in the given values (maps and lists are searched). */
  public static Redactor of(Collection<?> sources) {
    Redactor r = new Redactor();
    r.learn(sources);
    return r;
  }

  /** Adds the secrets found in these values. */
  public synchronized void learn(Collection<?> sources) {
    Set<String> found = new TreeSet<>(forms);
    Set<String> secrets = new TreeSet<>();
    for (Object o : sources) {
      collect(o, secrets);
    }
    for (String secret : secrets) {
      found.addAll(forms(secret));
      for (String wrapped : List.of(secret, Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))) {
        broken.add(brokenAnywhere(wrapped));
      }
    }
    List<String> sorted = found.stream().sorted((a, b) -> b.length() - a.length()).toList();
    forms.clear();
    forms.addAll(sorted);
  }

  private static void collect(Object o, Set<String> out) {
    if (o instanceof Secret s && s.isSet() && s.reveal().length() >= SHORTEST) {
      out.add(s.reveal());
    } else if (o instanceof Map<?, ?> m) {
      m.values().forEach(v -> collect(v, out));
    } else if (o instanceof Collection<?> c) {
      c.forEach(v -> collect(v, out));
    }
  }

  private static Broken brokenAnywhere(String form) {
    int third = form.length() / 3;
    List<String> thirds = List.of(form.substring(0, third), form.substring(third, 2 * third), form.substring(2 * third));
    return new Broken(patternBrokenAnywhere(form), thirds);
  }

  private static Pattern patternBrokenAnywhere(String form) {
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < form.length(); i++) {
      if (i > 0) {
        p.append(BREAK);
      }
      p.append(Pattern.quote(String.valueOf(form.charAt(i))));
    }
    return Pattern.compile(p.toString());
  }

  /** The forms a secret takes when a registry or a URL encodes it. */
  static Set<String> forms(String secret) {
    Set<String> out = new TreeSet<>();
    out.add(secret);
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    out.add(Base64.getEncoder().encodeToString(bytes));
    out.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
    out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
      out.addAll(embedded(bytes, encoder.withoutPadding()));
    }
    out.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    out.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
    out.add(jsonEscaped(secret));
    out.removeIf(f -> f.length() < SHORTEST);
    return out;
  }

  /**
   * The base64 of a secret inside a longer value, such as {@code user:secret} in a Basic
   * header: whatever stands before it, the secret's bytes start at one of three offsets in a
   * three-byte group, and the characters that encode only its bytes are the same at each.
   */
  private static List<String> embedded(byte[] secret, Base64.Encoder encoder) {
    List<String> out = new java.util.ArrayList<>();
    for (int offset = 0; offset < 3; offset++) {
      byte[] shifted = new byte[offset + secret.length];
      System.arraycopy(secret, 0, shifted, offset, secret.length);
      String encoded = encoder.encodeToString(shifted);
      // Characters that mix in the bytes before the secret, or after it, are left out.
      int first = (offset * 8 + 5) / 6;
      int last = (offset + secret.length) * 8 / 6;
      if (last - first >= 8) {
        out.add(encoded.substring(first, last));
      }
    }
    return out;
  }

  private static String jsonEscaped(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '/' -> b.append("\\/");
        default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b.toString();
  }

  public String redact(String text) {
    if (text == null || forms.isEmpty()) {
      return text;
    }
    String out = text;
    for (String v : forms) {
      if (out.contains(v)) {
        out = out.replace(v, MASK);
      }
    }
    if (out.indexOf('\n') >= 0 || out.indexOf('\r') >= 0 || out.indexOf('\\') >= 0) {
      for (Broken b : broken) {
        if (b.mayBeIn(out)) {
          out = b.pattern().matcher(out).replaceAll(MASK);
        }
      }
    }
    return out;
  }
}
