package dev.fanout.plan;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.model.Address;
import dev.fanout.output.Redactor;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.RegistryState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A saved plan ({@code plan --out FILE}): the actions, the configuration's hash and each
 * target's state fingerprint, sealed with an HMAC whose key stays in the workspace's
 * {@code .fanout/plan.key}, so a plan edited by hand is refused. It holds the options it was
 * made with ({@link SavedOptions}) and no secret.
 */
public final class PlanFile {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanFile() {
  }

  /** Writes the plan, redacted: a registry's answer quoted in a reason may echo a credential. */
  public static void write(Plan plan, SavedOptions options, Path file, Path stateDir, Redactor redactor)
      throws IOException {
    Map<String, Object> doc = PlanJson.document(plan, true);
    doc.put("options", options(options));
    doc.put("config_path", portable(plan.configPath()));
    Map<String, Object> body = JSON.readValue(redactor.redact(JSON.writeValueAsString(doc)),
        new TypeReference<LinkedHashMap<String, Object>>() { });
    String content = JSON.writeValueAsString(body);
    Map<String, Object> sealed = new LinkedHashMap<>(body);
    sealed.put("integrity", "hmac-sha256:" + hmac(key(stateDir), content));
    Files.writeString(file, JSON.writeValueAsString(sealed) + "\n", StandardCharsets.UTF_8);
  }

  /**
   * The release folder as the plan file keeps it: relative to the working folder when it is
   * inside it, so that a plan made at a repository's root applies on every runner that checks
   * the repository out, wherever that is (/home/runner/work/.. on Linux, /Users/runner/.. on
   * macOS, a folder per job), each with its own {@code .fanout}.
   */
  static String portable(String configPath) {
    Path cwd = Path.of("").toAbsolutePath().normalize();
    Path dir = Path.of(configPath).toAbsolutePath().normalize();
    if (!dir.startsWith(cwd)) {
      return configPath;
    }
    String relative = cwd.relativize(dir).toString();
    return relative.isEmpty() ? "." : relative;
  }

  /** The configuration folder a saved plan names, read before its seal can be checked. */
  public static Path configPath(Path file) throws IOException {
    try {
      Object path = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { }).get("config_path");
      if (path instanceof String s) {
        return Path.of(s);
      }
    } catch (IOException e) {
      // Reported below as not a saved plan.
    }
    throw new IOException(file + " is not a saved plan (make one with fanout plan --out FILE)");
  }

  /** Reads a saved plan; refuses one whose content does not match its seal. */
  public static Plan read(Path file, Path stateDir) throws IOException {
    return fromDocument(unsealed(file, stateDir));
  }

  /** The options a saved plan was made with; refuses a file whose content does not match its seal. */
  @SuppressWarnings("unchecked")
  public static SavedOptions options(Path file, Path stateDir) throws IOException {
    Object o = unsealed(file, stateDir).get("options");
    if (!(o instanceof Map<?, ?> m)) {
      throw new IOException(file + " was saved by an older Fanout and does not hold its run options."
          + " Make a new plan with fanout plan --out.");
    }
    Map<String, Object> opts = (Map<String, Object>) m;
    return new SavedOptions((String) opts.get("sandbox"), (List<String>) opts.get("sandbox_except"),
        (String) opts.get("scenario"), (Map<String, String>) opts.get("variables"),
        (List<String>) opts.get("unsaved_variables"), (List<String>) opts.get("targets"),
        ((Number) opts.get("parallelism")).intValue(), (String) opts.get("http_timeout"),
        Boolean.TRUE.equals(opts.get("allow_dirty")),
        opts.get("var_files") == null ? List.of() : (List<String>) opts.get("var_files"));
  }

  private static Map<String, Object> options(SavedOptions o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sandbox", o.sandbox());
    m.put("sandbox_except", o.sandboxExcept());
    m.put("scenario", o.scenario());
    m.put("variables", new java.util.TreeMap<>(o.variables()));
    m.put("unsaved_variables", o.unsavedVariables());
    m.put("targets", o.targets());
    m.put("parallelism", o.parallelism());
    m.put("http_timeout", o.httpTimeout());
    m.put("allow_dirty", o.allowDirty());
    m.put("var_files", o.varFiles());
    return m;
  }

  private static Map<String, Object> unsealed(Path file, Path stateDir) throws IOException {
    Map<String, Object> sealed;
    try {
      sealed = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
    } catch (IOException e) {
      throw new IOException(file + " is not a saved plan (" + e.getClass().getSimpleName() + ")");
    }
    Object integrity = sealed.remove("integrity");
    String content = JSON.writeValueAsString(sealed);
    Path keyFile = stateDir.resolve("plan.key");
    if (!(integrity instanceof String seal) || !Files.exists(keyFile)
        || !seal.equals("hmac-sha256:" + hmac(key(stateDir), content))) {
      throw new IOException(file + " was changed after it was saved, or was saved in another workspace: its"
          + " integrity check fails. Make a new plan with fanout plan --out.");
    }
    return sealed;
  }

  private static List<dev.fanout.provider.WithdrawStep> withdrawals(List<Map<String, Object>> saved) {
    return saved.stream().map(w -> new dev.fanout.provider.WithdrawStep(
        dev.fanout.provider.WithdrawStep.Kind.valueOf(((String) w.get("kind")).replace('-', '_').toUpperCase(
            java.util.Locale.ROOT)), (String) w.get("subject"), (String) w.get("from"), (String) w.get("to"),
        (String) w.get("detail"), (String) w.get("url"))).toList();
  }

  @SuppressWarnings("unchecked")
  private static Plan fromDocument(Map<String, Object> doc) {
    List<PlannedChange> changes = new ArrayList<>();
    for (Map<String, Object> c : (List<Map<String, Object>>) doc.get("changes")) {
      List<PlannedChange.ItemChange> items = new ArrayList<>();
      for (Map<String, Object> i : (List<Map<String, Object>>) c.getOrDefault("items", List.of())) {
        items.add(new PlannedChange.ItemChange((String) i.get("item"), (String) i.get("before"), (String) i.get("after")));
      }
      String location = (String) c.get("location");
      changes.add(new PlannedChange(Address.parse((String) c.get("address")), (String) c.get("provider"),
          action((String) c.get("action")), (List<String>) c.get("reasons"), location, items,
          registryState((Map<String, Object>) c.get("before"), location),
          desiredState((Map<String, Object>) c.get("after")), (String) c.get("fingerprint"),
          credentials((String) c.get("credential_status"), (String) c.get("credential_detail")),
          withdrawals((List<Map<String, Object>>) c.getOrDefault("withdrawals", List.of()))));
    }
    return new Plan((String) doc.get("release"), (String) doc.get("version"), (String) doc.get("version_source"),
        (String) doc.get("config_hash"), (String) doc.get("config_path"), changes,
        (List<String>) doc.getOrDefault("warnings", List.of()), Boolean.TRUE.equals(doc.get("partial")),
        (Map<String, String>) doc.getOrDefault("artifacts", Map.of()), (String) doc.get("commit"));
  }

  /** The inverse of {@link PlanJson#before}: an empty map is a registry that could not be read. */
  @SuppressWarnings("unchecked")
  private static RegistryState registryState(Map<String, Object> m, String location) {
    if (m == null || m.isEmpty()) {
      return null;
    }
    return new RegistryState(Boolean.TRUE.equals(m.get("exists")), (List<String>) m.getOrDefault("versions", List.of()),
        (String) m.get("version"), (Map<String, String>) m.getOrDefault("items", Map.of()),
        (Map<String, String>) m.getOrDefault("pointers", Map.of()), (String) m.get("in_progress"), location,
        (String) m.get("refusal"));
  }

  @SuppressWarnings("unchecked")
  private static DesiredState desiredState(Map<String, Object> m) {
    if (m == null || m.isEmpty()) {
      return null;
    }
    return new DesiredState((String) m.get("version"), (Map<String, String>) m.getOrDefault("items", Map.of()),
        (Map<String, String>) m.getOrDefault("pointers", Map.of()), (List<String>) m.getOrDefault("notes", List.of()));
  }

  private static CredentialCheck credentials(String status, String detail) {
    return status == null ? null : new CredentialCheck(CredentialCheck.Status.valueOf(status), detail);
  }

  private static Action action(String json) {
    for (Action a : Action.values()) {
      if (a.jsonName().equals(json)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown action " + json);
  }

  private static byte[] key(Path stateDir) throws IOException {
    Path keyFile = stateDir.resolve("plan.key");
    if (Files.exists(keyFile)) {
      return HexFormat.of().parseHex(Files.readString(keyFile).trim());
    }
    Files.createDirectories(stateDir);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path tmp = Files.createTempFile(stateDir, "plan", ".key");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the folder's own permissions apply.
    }
    Files.writeString(tmp, HexFormat.of().formatHex(key));
    try {
      Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      Files.delete(tmp);
    }
    return HexFormat.of().parseHex(Files.readString(keyFile).trim());
  }

  private static String hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
