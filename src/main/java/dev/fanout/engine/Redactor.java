package dev.fanout.engine;

import dev.fanout.model.Secret;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last line of defence for secrets: every text Fanout writes (plan, journal, report,
 * messages) passes through here, and any credential value of the run is replaced by
 * {@code (sensitive)}, even inside a registry's error message that echoed it back.
 */
public final class Redactor {

  private final List<String> values;

  private Redactor(Set<String> values) {
    // Longest first, so a secret that contains another is replaced whole.
    this.values = values.stream().sorted((a, b) -> b.length() - a.length()).toList();
  }

  /** Collects every secret found in the given values (maps and lists are searched). */
  public static Redactor of(Collection<?> sources) {
    Set<String> found = new TreeSet<>();
    for (Object o : sources) {
      collect(o, found);
    }
    return new Redactor(found);
  }

  private static void collect(Object o, Set<String> out) {
    if (o instanceof Secret s && s.isSet() && s.reveal().length() >= 4) {
      out.add(s.reveal());
    } else if (o instanceof Map<?, ?> m) {
      m.values().forEach(v -> collect(v, out));
    } else if (o instanceof Collection<?> c) {
      c.forEach(v -> collect(v, out));
    }
  }

  public String redact(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String out = text;
    for (String v : values) {
      out = out.replace(v, "(sensitive)");
    }
    return out;
  }
}
