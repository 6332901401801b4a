package dev.fanout.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Files Fanout writes for people or for later runs (reports, plans): always redacted. */
public final class Sinks {

  private Sinks() {
  }

  public static void write(Path file, String text, Redactor redactor) throws IOException {
    Files.writeString(file, redactor.redact(text), StandardCharsets.UTF_8);
  }

  public static void append(Path file, String text, Redactor redactor) throws IOException {
    Files.writeString(file, redactor.redact(text), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
