package dev.fanout.apply;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.output.Redactor;
import dev.fanout.model.Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code .fanout/journal.jsonl}: every step of every apply (planned, started, writing, wrote,
 * verified, up_to_date, failed, blocked, retry), appended and forced to disk before the next
 * step, so a killed run leaves a true history. It never holds a secret: every line passes
 * through the run's {@link Redactor}. Recovery does not trust it alone: the next apply reads
 * the registries again.
 */
public final class Journal implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final FileChannel channel;
  private final String run;
  private final Redactor redactor;
  private volatile Observer observer = (address, event, detail) -> { };

  /** Hears each event as it is recorded, redacted: the run's live view shows retries from here. */
  @FunctionalInterface
  public interface Observer {
    void recorded(Address address, String event, String detail);
  }

  public Journal(Path file, String run, Redactor redactor) throws IOException {
    Files.createDirectories(file.getParent());
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    this.run = run;
    this.redactor = redactor;
  }

  public synchronized void record(Address address, String event, String detail) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.now().toString());
    line.put("run", run);
    line.put("address", address == null ? null : address.toString());
    line.put("event", event);
    String shown = detail == null ? null : redactor.redact(detail);
    if (shown != null) {
      line.put("detail", shown);
    }
    try {
      byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the journal", e);
    }
    observer.recorded(address, event, shown);
  }

  public void observe(Observer o) {
    this.observer = o;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
