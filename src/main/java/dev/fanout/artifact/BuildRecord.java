package dev.fanout.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the release's builds made, kept in {@code .fanout/build.json} by {@code fanout build}
 * and by apply: a plan may show the digests of build outputs only while this record still
 * describes them (same version, same commit, same command and inputs, same output bytes).
 * Otherwise the outputs on disk may be an older release's, and the plan says
 * {@code (known after build)} instead of a digest apply would not publish.
 *
 * @param version the release version the builds ran for
 * @param commit the git commit they ran at, or null outside git
 * @param steps by build address ({@code build.binaries["linux-amd64"]})
 */
public record BuildRecord(String version, String commit, Map<String, Step> steps) {

  static final String FILE = "build.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  public BuildRecord {
    steps = java.util.Collections.unmodifiableMap(new TreeMap<>(steps));
  }

  /**
   * One build step as it ran.
   *
   * @param command the program and its arguments, for people
   * @param definition sha256 of the command, environment, working folder and shell flag: the
   *     environment may hold secrets, so only its digest is kept
   * @param inputs file (relative to the release folder) to sha256, read after the builds ran
   * @param outputs each output file to its sha256
   */
  public record Step(List<String> command, String definition, Map<String, String> inputs,
      Map<String, String> outputs) {
    public Step {
      command = List.copyOf(command);
      inputs = java.util.Collections.unmodifiableMap(new TreeMap<>(inputs));
      outputs = java.util.Collections.unmodifiableMap(new TreeMap<>(outputs));
    }
  }

  /** The record in {@code stateDir}; null when there is none, or one this Fanout cannot read (it is made again). */
  static BuildRecord read(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readValue(file.toFile(), BuildRecord.class);
    } catch (IOException e) {
      return null;
    }
  }

  /** Replaces the record, atomically: a plan never reads half of one. */
  void write(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    Path part = Files.createTempFile(stateDir, ".build", ".part");
    JSON.writeValue(part.toFile(), this);
    Files.move(part, stateDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
