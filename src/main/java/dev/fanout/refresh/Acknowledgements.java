package dev.fanout.refresh;

import dev.fanout.target.Target;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.provider.RegistryState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code .fanout/acknowledged.json}: the writes a registry acknowledged, by target, kept so
 * that no run sends one again while the registry's reads lag behind it (Maven Central's
 * repository behind the Portal, PyPI's cached JSON, the crates.io index). A read that does
 * not show an acknowledged version yet is "in progress", not missing.
 *
 * <p>An acknowledgement is trusted for {@link #TRUST}: a registry that still does not show the
 * version a day later lost it or took it down, and a person should look, so the plan offers to
 * publish again and says when the registry acknowledged it.
 *
 * <p>Each is kept with where it was written (the origins of the target's endpoints): a write
 * that one sandbox, or one registry, acknowledged says nothing about another the same release
 * is pointed at later.
 */
public final class Acknowledgements {

  /** How long an acknowledged write counts as in progress. */
  public static final Duration TRUST = Duration.ofDays(1);

  /**
   * One acknowledged write.
   *
   * @param at when, as ISO-8601 ({@link Instant#toString()})
   * @param detail the registry's acknowledgement, for people: a deployment id, the files written
   * @param where the origins the write went to; null in files written before it was kept
   */
  public record Acknowledged(String version, String at, String detail, String where) { }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Clock clock;

  public Acknowledgements(Path stateDir, Clock clock) {
    this.file = stateDir.resolve("acknowledged.json");
    this.clock = clock;
  }

  /** Keeps the registry's acknowledgement of {@code version} for {@code target}; forced to disk before returning. */
  public synchronized Acknowledged record(Target target, String version, String detail) {
    Map<String, Acknowledged> all = load();
    Acknowledged ack = new Acknowledged(version, clock.instant().toString(), detail, where(target));
    all.put(target.address().toString(), ack);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the acknowledged write in " + file, e);
    }
    return ack;
  }

  /**
   * {@code state} as the registry will show it: when it lacks {@code version} and that write
   * was acknowledged within {@link #TRUST}, the same state with the write in progress.
   */
  public RegistryState overlay(Target target, String version, RegistryState state) {
    if (state == null || state.holds(version) || state.inProgress() != null) {
      return state;
    }
    Acknowledged ack = load().get(target.address().toString());
    if (ack == null || !ack.version().equals(version) || Instant.parse(ack.at()).plus(TRUST).isBefore(clock.instant())
        || ack.where() != null && !ack.where().equals(where(target))) {
      return state;
    }
    return new RegistryState(state.packageExists(), state.versions(), state.currentVersion(), state.items(),
        state.pointers(), describe(ack), state.location(), state.refusal());
  }

  /** The origins of the target's endpoints, sorted: where its writes go. */
  static String where(Target target) {
    java.util.Set<String> origins = new java.util.TreeSet<>();
    for (String url : target.endpoints().values()) {
      String origin = dev.fanout.http.Http.origin(url);
      origins.add(origin == null ? url : origin);
    }
    return String.join(" ", origins);
  }

  /** How the plan and the report say it. */
  public static String describe(Acknowledged ack) {
    return "acknowledged at " + ack.at() + (ack.detail() == null || ack.detail().isBlank() ? "" : " (" + ack.detail() + ")")
        + ", not visible yet";
  }

  private synchronized Map<String, Acknowledged> load() {
    if (!Files.isRegularFile(file)) {
      return new TreeMap<>();
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, Acknowledged>>() { });
    } catch (IOException e) {
      // A damaged file must not hide the registry's own answer: read as if nothing was acknowledged.
      return new TreeMap<>();
    }
  }
}
