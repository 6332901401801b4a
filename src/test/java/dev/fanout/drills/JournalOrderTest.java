package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drills' journal check orders events by their instants: the journal writes
 * {@code Instant.toString()}, whose text drops trailing zeros, so as strings
 * {@code 45.852Z} sorts after {@code 45.852260986Z}, which is 260986 ns later.
 */
class JournalOrderTest {

  private static final String MILLIS = "2025-06-01T10:15:45.852Z";
  private static final String NANOS = "2025-06-01T10:15:45.852260986Z";

  @TempDir
  Path dir;

  @Test
  void aTimeWithFewerDigitsBeforeALaterOneWithMoreIsInOrder() throws IOException {
    Path journal = journal(MILLIS, NANOS);

    List<String> problems = Drills.journalProblems(journal, Set.of());

    assertEquals(List.of(), problems);
  }

  @Test
  void aTimeEarlierThanTheOneBeforeItIsOutOfOrder() throws IOException {
    Path journal = journal(NANOS, MILLIS);

    List<String> problems = Drills.journalProblems(journal, Set.of());

    assertEquals(List.of("r1: events out of order at {run=r1, event=apply_end, time=" + MILLIS + "}"), problems);
  }

  private Path journal(String start, String end) throws IOException {
    Path journal = dir.resolve("journal.jsonl");
    Files.writeString(journal, line("apply_start", start) + line("apply_end", end));
    return journal;
  }

  private static String line(String event, String time) {
    return "{\"run\":\"r1\",\"event\":\"" + event + "\",\"time\":\"" + time + "\"}\n";
  }
}
