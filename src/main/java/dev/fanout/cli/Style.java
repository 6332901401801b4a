package dev.fanout.cli;

/** ANSI colours, or none when output is not a terminal or --no-color is given. */
record Style(boolean color) {

  static Style plain() {
    return new Style(false);
  }

  String red(String s) {
    return wrap("31", s);
  }

  String green(String s) {
    return wrap("32", s);
  }

  String yellow(String s) {
    return wrap("33", s);
  }

  String cyan(String s) {
    return wrap("36", s);
  }

  String bold(String s) {
    return wrap("1", s);
  }

  String dim(String s) {
    return wrap("2", s);
  }

  private String wrap(String code, String s) {
    return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }
}
