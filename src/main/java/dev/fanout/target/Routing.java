package dev.fanout.target;

import dev.fanout.model.Publication;
import dev.fanout.provider.Endpoints;
import dev.fanout.provider.ProviderFactory;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where each publication goes: to the registry its release file names (the default), or,
 * under {@code --sandbox}, to an emulator with the sandbox's credential (see the sandbox's
 * own routing).
 */
public interface Routing {

  /**
   * @param publication the publication as it will be sent (its credential may be replaced)
   * @param endpoints the URLs in effect, by setting name
   * @param location where the registry is, for people
   */
  record Route(Publication publication, Map<String, String> endpoints, String location, boolean sandboxed) { }

  Route route(Publication publication, ProviderFactory factory);

  /** Every publication to the registry its settings name. */
  static Routing direct() {
    return (p, f) -> {
      Map<String, String> urls = Endpoints.resolve(f, p.settings(), null);
      return new Route(p, urls, host(urls), false);
    };
  }

  /** The first URL endpoint's host, for people; a setting such as the AUR's rpc = "none" names no host. */
  static String host(Map<String, String> endpoints) {
    String url = endpoints.values().stream().filter(u -> u.contains("://")).findFirst().orElse("");
    return Hosts.PATH.matcher(Hosts.SCHEME_AND_USER.matcher(url).replaceFirst("")).replaceFirst("");
  }

  /** Patterns compiled once: locations are worked out for every target of a run. */
  final class Hosts {
    private static final Pattern SCHEME_AND_USER = Pattern.compile("^[a-z+]+://([^@/]*@)?");
    private static final Pattern PATH = Pattern.compile("/.*$");

    private Hosts() {
    }
  }
}
