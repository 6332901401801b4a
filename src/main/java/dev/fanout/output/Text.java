package dev.fanout.output;

/**
 * Text from registries (and values from release files) made safe for where it is shown. A
 * registry's answer may hold escape sequences, carriage returns or newlines that would
 * rewrite the terminal or forge a plan line, and Markdown or HTML that would forge a heading
 * in a report; here they are shown as what they are.
 */
public final class Text {

  private Text() {
  }

  /** For a terminal: control characters, escape sequences and direction overrides shown escaped, on one line. */
  public static String terminal(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String escaped = escape(c);
      if (escaped != null && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        out.append(escaped != null ? escaped : String.valueOf(c));
      }
    }
    return out == null ? s : out.toString();
  }

  private static String escape(char c) {
    return switch (c) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f || isBidiControl(c)
          ? String.format("\\u%04x", (int) c) : null;
    };
  }

  /** Right-to-left overrides and isolates make a line read other than it is (CVE-2021-42574). */
  private static boolean isBidiControl(char c) {
    return c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f';
  }

  /**
   * For Markdown (reports, GitHub's step summary), inline: no raw HTML, no emphasis, links,
   * images or table cells from a registry's words, and on one line so nothing starts a heading.
   */
  public static String markdown(String s) {
    if (s == null) {
      return null;
    }
    String one = terminal(s);
    StringBuilder out = new StringBuilder(one.length() + 16);
    for (char c : one.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\\', '`', '*', '_', '[', ']', '|', '~', '#' -> out.append('\\').append(c);
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** For the inside of a Markdown code span: a backtick would end it early. */
  public static String markdownCode(String s) {
    return s == null ? null : terminal(s).replace('`', '\'');
  }
}
