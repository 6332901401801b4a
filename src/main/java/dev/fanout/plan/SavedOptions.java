package dev.fanout.plan;

import java.util.List;
import java.util.Map;

/**
 * How a saved plan was made, so that {@code apply PLANFILE} runs it the same way without
 * flags. Sealed with the plan; it holds no secret: a variable declared {@code sensitive} is
 * named in {@code unsavedVariables} and its value must be given again at apply.
 *
 * @param sandbox the sandbox folder, absolute; null when the plan read the real registries
 * @param variables the {@code --var} values that are not sensitive
 * @param httpTimeout as written, such as {@code 60s}
 * @param varFiles the {@code --var-file} paths, absolute; apply reads them again (their values are
 *     in the plan's digest, so a file changed since makes the plan stale)
 */
public record SavedOptions(String sandbox, List<String> sandboxExcept, String scenario, Map<String, String> variables,
    List<String> unsavedVariables, List<String> targets, int parallelism, String httpTimeout, boolean allowDirty,
    List<String> varFiles) {

  public SavedOptions {
    sandboxExcept = List.copyOf(sandboxExcept);
    variables = Map.copyOf(variables);
    unsavedVariables = List.copyOf(unsavedVariables);
    targets = List.copyOf(targets);
    varFiles = List.copyOf(varFiles);
  }
}
