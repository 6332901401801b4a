package dev.fanout.model;

import java.util.List;
import java.util.Map;

/**
 * A command that makes artifacts. It runs without a shell unless {@code shell} is true,
 * so interpolated values cannot inject commands.
 *
 * @param command the program and its arguments
 * @param outputs the files it must leave behind, relative to the configuration's directory
 */
public record BuildStep(Address address, List<String> command, Map<String, String> env,
    List<String> outputs, String workdir, boolean shell) {

  public BuildStep {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    outputs = List.copyOf(outputs);
  }
}
