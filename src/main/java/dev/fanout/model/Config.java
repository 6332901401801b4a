package dev.fanout.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A release configuration after parsing, checking and evaluation: everything the later
 * stages need, and nothing of the syntax.
 *
 * @param dir the folder the release files are in; relative paths resolve against it
 * @param files the release files read, in order
 * @param hash a digest of the files and the variables' values; a saved plan records it
 * @param withdrawals the versions the release files withdraw ({@code withdraw} blocks)
 */
public record Config(Path dir, List<Path> files, Release release, Map<Address, BuildStep> builds,
    Map<Address, Artifact> artifacts, Map<Address, Publication> publications, List<Edge> edges, String hash,
    Withdrawal.All withdrawals) {

  public Config {
    files = List.copyOf(files);
    builds = Collections.unmodifiableMap(new LinkedHashMap<>(builds));
    artifacts = Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
    publications = Collections.unmodifiableMap(new LinkedHashMap<>(publications));
    edges = List.copyOf(edges);
    withdrawals = withdrawals == null ? Withdrawal.All.NONE : withdrawals;
  }
}
