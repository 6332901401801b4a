package dev.fanout.providers.npm;

import java.util.Locale;
import java.util.regex.Pattern;

/** npm's package-name rules: how a name travels in a URL and what its tarball is called. */
public final class NpmNames {

  // npm's validate-npm-package-name, the parts that matter for a publish: URL-safe
  // characters, an optional @scope/, at most 214 characters.
  private static final Pattern VALID = Pattern.compile("^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$",
      Pattern.CASE_INSENSITIVE);

  private NpmNames() {
  }

  public static boolean isValid(String name) {
    return name != null && name.length() <= 214 && VALID.matcher(name).matches();
  }

  public static boolean isScoped(String name) {
    return name.startsWith("@") && name.indexOf('/') > 1;
  }

  /** The name as one URL path segment: {@code @scope/pkg} becomes {@code @scope%2fpkg}, the {@code @} kept. */
  public static String urlSegment(String name) {
    return name.replace("/", "%2f");
  }

  /** The name without its scope: npm names tarballs after it. */
  public static String bareName(String name) {
    int slash = name.indexOf('/');
    return isScoped(name) ? name.substring(slash + 1) : name;
  }

  /** {@code pkg-1.0.0.tgz}, also for {@code @scope/pkg}, as npm names it. */
  public static String tarballFile(String name, String version) {
    return bareName(name) + "-" + version + ".tgz";
  }

  /** The tarball URL npm writes into {@code dist.tarball}: {@code {registry}/@scope/pkg/-/pkg-1.0.0.tgz}. */
  public static String tarballUrl(String registry, String name, String version) {
    return registry + "/" + name + "/-/" + tarballFile(name, version);
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
