package dev.fanout.output;

import java.io.IOException;
import java.io.Writer;

/**
 * A writer that redacts what passes through it. Text is held until a line ends (or the
 * writer is flushed, as before a prompt), so a secret written in two pieces is still seen
 * whole.
 */
public final class RedactingWriter extends Writer {

  private final Writer out;
  private final Redactor redactor;
  private final StringBuilder line = new StringBuilder();

  public RedactingWriter(Writer out, Redactor redactor) {
    super(out);
    this.out = out;
    this.redactor = redactor;
  }

  @Override
  public void write(char[] buf, int off, int len) throws IOException {
    synchronized (lock) {
      for (int i = off; i < off + len; i++) {
        line.append(buf[i]);
        if (buf[i] == '\n') {
          emit();
        }
      }
    }
  }

  private void emit() throws IOException {
    if (line.length() > 0) {
      out.write(redactor.redact(line.toString()));
      line.setLength(0);
    }
  }

  @Override
  public void flush() throws IOException {
    synchronized (lock) {
      emit();
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      emit();
      out.close();
    }
  }
}
