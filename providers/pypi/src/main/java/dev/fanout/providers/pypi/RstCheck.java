package dev.fanout.providers.pypi;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reStructuredText mistake PyPI's renderer refuses most often, found without docutils: a
 * section title whose underline is shorter than the title. readme_renderer runs docutils with
 * {@code halt_level} WARNING (readme_renderer/rst.py), and docutils reports that as the
 * WARNING "Title underline too short.", so twine check fails and PyPI shows no description.
 * Other docutils warnings are not detected: this is a limit, written in FIDELITY.md.
 */
final class RstCheck {

  /** A line of one repeated punctuation character, as docutils takes for a section adornment. */
  private static final Pattern ADORNMENT = Pattern.compile("^([!-/:-@\\[-`{-~])\\1{3,}\\s*$");

  private RstCheck() {
  }

  static List<String> problems(String filename, String rst) {
    List<String> out = new ArrayList<>();
    String[] lines = rst.replace("\r\n", "\n").split("\n", -1);
    for (int i = 1; i < lines.length; i++) {
      String title = lines[i - 1];
      String under = lines[i];
      if (ADORNMENT.matcher(under).matches() && !title.isBlank() && !ADORNMENT.matcher(title).matches()
          && !title.startsWith(" ") && under.strip().length() < title.strip().length()) {
        out.add(filename + ": its reStructuredText long description does not render: line " + (i + 1)
            + ", \"Title underline too short.\" under \"" + title.strip() + "\"");
      }
    }
    return out;
  }
}
