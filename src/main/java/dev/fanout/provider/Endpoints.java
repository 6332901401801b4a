package dev.fanout.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/** The URLs a provider talks to: its defaults, overridden by its settings, or all pointed at the sandbox. */
public final class Endpoints {

  private Endpoints() {
  }

  /**
   * @param settings the evaluated provider block (endpoint attributes by name)
   * @param sandboxUrls the sandbox's URL map under {@code --sandbox}, else null
   */
  public static Map<String, String> resolve(ProviderFactory f, Map<String, Object> settings, Map<String, String> sandboxUrls) {
    Map<String, String> out = new LinkedHashMap<>(f.endpoints());
    if (sandboxUrls != null) {
      f.sandboxEndpoints().forEach((endpoint, key) -> {
        String url = sandboxUrls.get(key);
        if (url == null) {
          throw new IllegalStateException("the sandbox has no '" + key + "' emulator for " + f.type());
        }
        out.put(endpoint, url);
      });
      return f.derivedEndpoints(settings, out, true);
    }
    for (String name : f.endpoints().keySet()) {
      Object configured = settings.get(name);
      if (configured instanceof String s && !s.isBlank()) {
        out.put(name, s);
      }
    }
    return f.derivedEndpoints(settings, out, false);
  }
}
