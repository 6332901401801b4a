package dev.fanout.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan as JSON: {@code {format_version, release, version, changes: [{address, provider,
 * action, reasons, before, after}], summary: {create, update, no_op, drift, blocked, unknown}}}.
 */
public final class PlanJson {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanJson() {
  }

  public static String render(Plan plan) {
    try {
      return JSON.writeValueAsString(document(plan, false)) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The same text written to {@code out} as it is made: the plan of 100,000 targets as one
   * string did not fit in the 512 MB beside the plan itself.
   */
  public static void write(Plan plan, java.io.Writer out) {
    try {
      JSON.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .writeValue(out, document(plan, false));
      out.write("\n");
      out.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The document; {@code forFile} adds what a saved plan needs to be checked at apply. */
  static Map<String, Object> document(Plan plan, boolean forFile) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format_version", Plan.FORMAT_VERSION);
    doc.put("release", plan.release());
    doc.put("version", plan.version());
    doc.put("version_source", plan.versionSource());
    doc.put("commit", plan.commit());
    if (forFile) {
      doc.put("config_hash", plan.configHash());
      doc.put("config_path", plan.configPath());
    }
    doc.put("partial", plan.partial());
    doc.put("warnings", plan.warnings());
    List<Map<String, Object>> changes = new ArrayList<>();
    for (PlannedChange c : plan.changes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("address", c.address().toString());
      m.put("provider", c.provider());
      m.put("action", c.action().jsonName());
      m.put("reasons", c.reasons());
      m.put("location", c.location());
      m.put("credentials", c.credentials() == null ? null : c.credentials().describe());
      if (forFile && c.credentials() != null) {
        m.put("credential_status", c.credentials().status().name());
        m.put("credential_detail", c.credentials().detail());
      }
      List<Map<String, Object>> items = new ArrayList<>();
      for (PlannedChange.ItemChange i : c.items()) {
        Map<String, Object> im = new LinkedHashMap<>();
        im.put("item", i.item());
        im.put("before", i.before());
        im.put("after", i.after());
        items.add(im);
      }
      m.put("items", items);
      if (!c.withdrawals().isEmpty()) {
        m.put("withdrawals", c.withdrawals().stream().map(PlanJson::withdrawal).toList());
      }
      m.put("before", before(c.before()));
      m.put("after", after(c.after()));
      if (forFile) {
        m.put("fingerprint", c.fingerprint());
      }
      changes.add(m);
    }
    doc.put("changes", changes);
    doc.put("artifacts", plan.artifactDigests());
    Map<String, Object> summary = new LinkedHashMap<>();
    plan.summary().forEach((a, n) -> summary.put(a.jsonName().replace('-', '_'), n));
    doc.put("summary", summary);
    return doc;
  }

  static Map<String, Object> withdrawal(WithdrawStep w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", w.kind().word());
    m.put("subject", w.subject());
    m.put("from", w.from());
    m.put("to", w.to());
    m.put("detail", w.detail());
    m.put("url", w.url());
    m.put("text", w.describe());
    return m;
  }

  /** What a registry holds, as the plan shows it; empty when it could not be read. */
  static Map<String, Object> before(RegistryState s) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (s != null) {
      m.put("exists", s.packageExists());
      m.put("version", s.currentVersion());
      m.put("versions", s.versions());
      m.put("items", s.items());
      m.put("pointers", s.pointers());
      if (s.refusal() != null) {
        m.put("refusal", s.refusal());
      }
      if (s.inProgress() != null) {
        m.put("in_progress", s.inProgress());
      }
    }
    return m;
  }

  static Map<String, Object> after(DesiredState d) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (d != null) {
      m.put("version", d.version());
      m.put("items", d.items());
      m.put("pointers", d.pointers());
      m.put("notes", d.notes());
    }
    return m;
  }
}
