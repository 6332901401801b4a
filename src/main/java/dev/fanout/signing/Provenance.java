package dev.fanout.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.model.BuildStep;
import java.io.IOException;
import java.util.Map;

/**
 * SLSA provenance v1 (slsa.dev/spec/v1.0/provenance) in an in-toto statement v1
 * (in-toto/attestation spec/v1/statement.md): which file, made by which build step's command,
 * from which source repository and commit, by which builder.
 *
 * @param builderId who ran the build: the GitHub Actions workflow when run there, else Fanout on this machine
 * @param invocationId the CI run, or null outside CI
 * @param repository the source repository's URL
 * @param commit the source commit, or null when the release files are not in git
 */
public record Provenance(String builderId, String invocationId, String repository, String commit) {

  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
  /** What Fanout's build definition means: a build step of a release file, run without a shell unless it says so. */
  public static final String BUILD_TYPE = "urn:fanout:build-type:build-step:v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The builder as GitHub's own SLSA generators name it inside Actions (the workflow at its ref,
   * the run as invocation); outside, Fanout on this machine.
   */
  public static Provenance of(Map<String, String> env, String repository, String commit) {
    if ("true".equals(env.get("GITHUB_ACTIONS")) && env.get("GITHUB_WORKFLOW_REF") != null) {
      String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
      String run = server + "/" + env.get("GITHUB_REPOSITORY") + "/actions/runs/" + env.get("GITHUB_RUN_ID")
          + "/attempts/" + env.getOrDefault("GITHUB_RUN_ATTEMPT", "1");
      return new Provenance(server + "/" + env.get("GITHUB_WORKFLOW_REF"), run, repository, commit);
    }
    return new Provenance("urn:fanout:builder:local", null, repository, commit);
  }

  /** The statement for one file: its name and sha256 as subject, the step that built it (null for a file only pointed at). */
  public byte[] statement(String name, String sha256, BuildStep step) throws IOException {
    ObjectNode s = JSON.createObjectNode();
    s.put("_type", STATEMENT_TYPE);
    ObjectNode subject = s.putArray("subject").addObject();
    subject.put("name", name);
    subject.putObject("digest").put("sha256", sha256);
    s.put("predicateType", PREDICATE_TYPE);
    ObjectNode predicate = s.putObject("predicate");
    ObjectNode definition = predicate.putObject("buildDefinition");
    definition.put("buildType", BUILD_TYPE);
    ObjectNode external = definition.putObject("externalParameters");
    ObjectNode source = external.putObject("source");
    source.put("repository", repository);
    if (commit != null) {
      source.put("commit", commit);
    }
    if (step != null) {
      ObjectNode build = external.putObject("build");
      build.put("step", step.address().toString());
      ArrayNode command = build.putArray("command");
      step.command().forEach(command::add);
      build.put("shell", step.shell());
      if (step.workdir() != null) {
        build.put("workdir", step.workdir());
      }
    }
    if (commit != null) {
      ObjectNode dependency = definition.putArray("resolvedDependencies").addObject();
      dependency.put("uri", "git+" + repository + "@" + commit);
      dependency.putObject("digest").put("gitCommit", commit);
    }
    ObjectNode run = predicate.putObject("runDetails");
    run.putObject("builder").put("id", builderId);
    if (invocationId != null) {
      run.putObject("metadata").put("invocationId", invocationId);
    }
    return JSON.writeValueAsBytes(s);
  }

  /** The sha256 digests of a statement's subjects; empty when it is not an in-toto statement. */
  public static java.util.List<String> subjectDigests(byte[] statement) {
    java.util.List<String> out = new java.util.ArrayList<>();
    try {
      JsonNode s = JSON.readTree(statement);
      if (STATEMENT_TYPE.equals(s.path("_type").asText())) {
        s.path("subject").forEach(x -> out.add(x.path("digest").path("sha256").asText()));
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }
}
