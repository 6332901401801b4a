package dev.fanout.plan;

import dev.fanout.provider.DesiredState;
import dev.fanout.target.Target;
import dev.fanout.target.Targets;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Under {@code --sandbox-except}, a target kept on its real registry must not point at the
 * sandbox: a PKGBUILD or formula on a real registry whose download URL is a loopback
 * emulator is broken for everyone else. The sandboxed targets' origins are known, so any of
 * them in what the target would publish blocks it, naming the type to keep real as well.
 */
final class MixedWorlds {

  /**
   * Each sandboxed target's origin ({@code http://127.0.0.1:4873}) and the type to keep real
   * when content points there: one emulator can serve several types (GitHub's serves the
   * release, the tap, the manifests' repositories), and the hub is the one they point at.
   */
  private final Map<String, String> sandboxOrigins = new TreeMap<>();

  MixedWorlds(Targets targets) {
    for (Target t : targets.all()) {
      if (t.sandboxed()) {
        t.endpoints().values().forEach(url -> {
          String origin = origin(url);
          if (origin != null && (t.traits().hub() || !sandboxOrigins.containsKey(origin))) {
            sandboxOrigins.put(origin, t.type());
          }
        });
      }
    }
  }

  /** Why this real target must not run, or null when it names no sandbox. */
  String blocked(Target target, DesiredState desired) {
    if (target.sandboxed() || sandboxOrigins.isEmpty()) {
      return null;
    }
    TreeSet<String> found = new TreeSet<>();
    TreeSet<String> types = new TreeSet<>();
    scan(target.publication().attributes(), found, types);
    if (desired != null) {
      scan(desired.items(), found, types);
      scan(desired.pointers(), found, types);
    }
    if (found.isEmpty()) {
      return null;
    }
    types.add(target.type());
    return "blocked: " + target.type() + " is kept on a real registry by --sandbox-except, but what it would publish"
        + " refers to the sandbox (" + found.size() + (found.size() == 1 ? " URL" : " URLs") + ", such as "
        + found.first() + "), which no one else can reach. Keep its source real too: --sandbox-except "
        + String.join(",", types);
  }

  private void scan(Object value, TreeSet<String> found, TreeSet<String> types) {
    if (value instanceof String s) {
      sandboxOrigins.forEach((origin, type) -> {
        if (s.contains(origin)) {
          found.add(s.length() > 200 ? origin : s);
          types.add(type);
        }
      });
    } else if (value instanceof Map<?, ?> m) {
      m.keySet().forEach(k -> scan(k, found, types));
      m.values().forEach(v -> scan(v, found, types));
    } else if (value instanceof Collection<?> c) {
      c.forEach(v -> scan(v, found, types));
    }
  }

  private static String origin(String url) {
    try {
      URI u = URI.create(url);
      if (u.getScheme() == null || u.getHost() == null) {
        return null;
      }
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    } catch (IllegalArgumentException notAUrl) {
      return null;
    }
  }
}
