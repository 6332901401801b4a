package dev.fanout.dsl;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean ...?" suggestions: the closest name within a small edit distance. */
public final class Names {

  private Names() {
  }

  /** The closest candidate to {@code wrong}, or null when none is close enough. */
  public static String closest(String wrong, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String w = wrong.toLowerCase(Locale.ROOT);
    for (String candidate : candidates) {
      int d = distance(w, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance || d == bestDistance && best != null && candidate.compareTo(best) < 0) {
        best = candidate;
        bestDistance = d;
      }
    }
    // As Terraform: a suggestion only when it is a near miss, scaled for long names.
    int limit = Math.max(2, Math.min(3, wrong.length() / 3));
    return best != null && bestDistance <= limit && bestDistance < wrong.length() ? best : null;
  }

  /** " Did you mean \"x\"?" or an empty string. */
  public static String didYouMean(String wrong, Collection<String> candidates) {
    String c = closest(wrong, candidates);
    return c == null ? "" : " Did you mean \"" + c + "\"?";
  }

  /** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters costs one. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
