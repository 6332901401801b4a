package dev.fanout.provider;

import java.math.BigInteger;
import java.util.Comparator;

/** Orders versions the way people read them: 1.0.10 after 1.0.9, 1.0.0-rc.1 before 1.0.0. */
public final class Versions {

  public static final Comparator<String> ORDER = Versions::compare;

  private Versions() {
  }

  /** Whether a name is a version at all: a registry's tags also hold words such as latest. */
  public static boolean isVersion(String s) {
    return s != null && s.matches("v?\\d+(\\.\\d+)*([-+].*)?");
  }

  public static int compare(String a, String b) {
    String[] pa = a.split("[-+]", 2);
    String[] pb = b.split("[-+]", 2);
    int c = compareDotted(pa[0], pb[0]);
    if (c != 0) {
      return c;
    }
    boolean preA = pa.length > 1 && a.charAt(pa[0].length()) == '-';
    boolean preB = pb.length > 1 && b.charAt(pb[0].length()) == '-';
    if (preA != preB) {
      return preA ? -1 : 1;
    }
    return preA ? compareDotted(pa[1], pb[1]) : 0;
  }

  private static int compareDotted(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String p = i < x.length ? x[i] : "0";
      String q = i < y.length ? y[i] : "0";
      boolean np = p.matches("\\d+");
      boolean nq = q.matches("\\d+");
      int c = np && nq ? new BigInteger(p).compareTo(new BigInteger(q)) : np ? -1 : nq ? 1 : p.compareTo(q);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
