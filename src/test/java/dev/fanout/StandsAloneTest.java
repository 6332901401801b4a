package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The repository stands alone: no tracked file points a reader at documents that live
 * outside it (the team's shared notes), because a reader of a clone cannot follow them.
 * A comment says the fact itself or cites a public source.
 */
class StandsAloneTest {

  /** Written in pieces so this file does not name them itself. */
  private static final List<String> OUTSIDE_DOCUMENTS = List.of("shared" + "/", "registries" + ".md",
      "anchors" + ".md", "style" + ".md", "deployment" + "-audit");

  private static final Path REPO = Path.of(System.getProperty("fanout.repo", ".")).toAbsolutePath().normalize();

  @Test
  void noTrackedFileMentionsADocumentOutsideTheRepository() throws IOException, InterruptedException {
    List<String> files = trackedFiles();

    List<String> mentions = new ArrayList<>();
    for (String file : files) {
      Path path = REPO.resolve(file);
      if (!Files.isRegularFile(path)) {
        continue;
      }
      String[] lines = new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].toLowerCase(Locale.ROOT);
        for (String document : OUTSIDE_DOCUMENTS) {
          if (line.contains(document)) {
            mentions.add(file + ":" + (i + 1) + ": " + lines[i].strip());
          }
        }
      }
    }

    assertTrue(files.size() > 100, "git lists the tracked files: " + files.size());
    assertEquals(List.of(), mentions);
  }

  private static List<String> trackedFiles() throws IOException, InterruptedException {
    Process git = new ProcessBuilder("git", "ls-files", "-z").directory(REPO.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, git.waitFor(), "git ls-files in " + REPO);
    return List.of(out.split("\0"));
  }
}
