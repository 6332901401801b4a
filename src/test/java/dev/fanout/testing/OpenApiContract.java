package dev.fanout.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks HTTP exchanges against an OpenAPI 3.0 description (GitHub's {@code @octokit/openapi}):
 * the operation exists (path template and method), required query parameters and JSON body
 * fields are sent, the response status is documented, headers the operation declares for a
 * 201 ({@code Location}) are sent, and the response body matches the documented schema.
 *
 * <p>The schema checker knows {@code $ref} (local), {@code type}, {@code nullable},
 * {@code required}, {@code properties}, {@code items}, {@code enum}, {@code allOf},
 * {@code anyOf} and {@code oneOf} (taken as "at least one matches", as the distinction
 * seldom matters for GitHub's schemas and exactly-one would need every branch to be strict).
 * It does not check {@code format} (date-time, uri), {@code pattern}, lengths, numeric ranges
 * or {@code additionalProperties}; those differences pass.
 */
public final class OpenApiContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** GitHub's path parameters that hold slashes: a file's path, a ref such as {@code heads/main}. */
  private static final java.util.Set<String> GREEDY = java.util.Set.of("{path}", "{ref}");
  private final JsonNode root;
  private final List<Template> templates = new ArrayList<>();

  /** One path of the description, split into segments; {@code {name}} segments are parameters. */
  private record Template(String path, String[] segments, JsonNode item) {
    int literals() {
      int n = 0;
      for (String s : segments) {
        n += s.startsWith("{") ? 0 : 1;
      }
      return n;
    }
  }

  /** An operation found for a request: its id and the template it was found under. */
  public record Operation(String id, String template, JsonNode node, JsonNode pathItem) { }

  public OpenApiContract(Path description) throws IOException {
    this.root = JSON.readTree(description.toFile());
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      templates.add(new Template(e.getKey(), e.getKey().substring(1).split("/"), e.getValue()));
    }
  }

  /**
   * The operation for a method and a path; the template with the most literal segments wins
   * ({@code /releases/latest} before {@code /releases/{release_id}}). A last {@code {path}} or
   * {@code {ref}} may take several segments (a file in a folder, {@code heads/main}).
   */
  public Operation find(String method, String path) {
    String[] segs = path.substring(1).split("/");
    Template best = null;
    for (boolean greedy : new boolean[] {false, true}) {
      for (Template t : templates) {
        if (t.item().has(method.toLowerCase(Locale.ROOT)) && matches(t.segments(), segs, greedy)
            && (best == null || t.literals() > best.literals())) {
          best = t;
        }
      }
      if (best != null) {
        break;
      }
    }
    if (best == null) {
      return null;
    }
    JsonNode op = best.item().get(method.toLowerCase(Locale.ROOT));
    return new Operation(op.path("operationId").asText(), best.path(), op, best.item());
  }

  private static boolean matches(String[] template, String[] segs, boolean greedyLast) {
    if (template.length != segs.length && !(greedyLast && segs.length > template.length
        && GREEDY.contains(template[template.length - 1]))) {
      return false;
    }
    for (int i = 0; i < template.length; i++) {
      if (!template[i].startsWith("{") && !template[i].equals(segs[i])) {
        return false;
      }
      if (template[i].startsWith("{") && segs[i].isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every difference between one exchange and the description, each a sentence naming the
   * operation; empty when the exchange conforms.
   *
   * @param query the request's query parameters
   * @param requestJson the request's JSON body, or null when it sent none (or not JSON)
   * @param headers the response's headers, names lower-cased
   * @param responseJson the response's JSON body, or null when it had none (or not JSON)
   */
  public List<String> check(String method, String path, Map<String, String> query, JsonNode requestJson,
      int status, Map<String, String> headers, JsonNode responseJson) {
    List<String> out = new ArrayList<>();
    Operation op = find(method, path);
    if (op == null) {
      out.add(method + " " + path + ": no such operation in GitHub's OpenAPI description");
      return out;
    }
    String where = op.id() + " (" + method + " " + op.template() + ")";
    List<JsonNode> params = new ArrayList<>();
    op.pathItem().path("parameters").forEach(params::add);
    op.node().path("parameters").forEach(params::add);
    for (JsonNode p : params) {
      JsonNode param = resolve(p);
      if (param.path("in").asText().equals("query") && param.path("required").asBoolean()
          && !query.containsKey(param.path("name").asText())) {
        out.add(where + ": required query parameter '" + param.path("name").asText() + "' not sent");
      }
    }
    JsonNode body = resolve(op.node().path("requestBody"));
    JsonNode bodySchema = body.path("content").path("application/json").path("schema");
    if (!bodySchema.isMissingNode()) {
      if (requestJson == null) {
        if (body.path("required").asBoolean()) {
          out.add(where + ": the request has no JSON body, which is required");
        }
      } else {
        schema(where + " request body", "$", bodySchema, requestJson, out);
      }
    }
    JsonNode response = op.node().path("responses").path(String.valueOf(status));
    if (response.isMissingNode()) {
      out.add(where + ": status " + status + " is not documented (documented: "
          + fieldNames(op.node().path("responses")) + ")");
      return out;
    }
    response = resolve(response);
    if (status == 201 && response.path("headers").has("Location") && !headers.containsKey("location")) {
      out.add(where + ": 201 without the Location header the description declares");
    }
    JsonNode responseSchema = response.path("content").path("application/json").path("schema");
    if (!responseSchema.isMissingNode()) {
      if (responseJson == null) {
        out.add(where + ": status " + status + " documents a JSON body, none was sent");
      } else {
        schema(where + " response " + status, "$", responseSchema, responseJson, out);
      }
    }
    return out;
  }

  private static String fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return String.join(", ", names);
  }

  /** Follows local {@code $ref}s ({@code #/components/...}). */
  JsonNode resolve(JsonNode node) {
    int hops = 0;
    while (node.has("$ref") && hops++ < 20) {
      String ref = node.get("$ref").asText();
      if (!ref.startsWith("#/")) {
        throw new IllegalArgumentException("only local $ref is supported: " + ref);
      }
      node = root.at(ref.substring(1));
    }
    return node;
  }

  /** Checks {@code value} at {@code at} against {@code schema}, adding each difference to {@code out}. */
  void schema(String where, String at, JsonNode schema, JsonNode value, List<String> out) {
    schema = resolve(schema);
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean() && schema.has("type") && !schema.path("type").asText().equals("null")) {
        out.add(where + ": " + at + " is null, the description does not allow null");
      }
      return;
    }
    if (schema.has("allOf")) {
      for (JsonNode part : schema.get("allOf")) {
        schema(where, at, part, value, out);
      }
    }
    for (String any : List.of("anyOf", "oneOf")) {
      if (schema.has(any)) {
        List<String> best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (JsonNode part : schema.get(any)) {
          List<String> tried = new ArrayList<>();
          schema(where, at, part, value, tried);
          // The nearest branch is one of the value's own type: its differences say what is missing.
          String type = resolve(part).path("type").asText("");
          int distance = tried.size() + (type.isEmpty() || typeMatches(type, value) ? 0 : 10_000);
          if (best == null || distance < bestDistance) {
            best = tried;
            bestDistance = distance;
          }
        }
        if (best != null && !best.isEmpty()) {
          out.add(where + ": " + at + " matches none of " + any + "; nearest: " + best.get(0));
        }
      }
    }
    String type = schema.path("type").asText("");
    if (!type.isEmpty() && !typeMatches(type, value)) {
      out.add(where + ": " + at + " is " + kind(value) + ", the description says " + type);
      return;
    }
    if (schema.has("enum") && value.isValueNode()) {
      boolean listed = false;
      for (JsonNode e : schema.get("enum")) {
        listed |= e.equals(value) || e.isNull() && value.isNull();
      }
      if (!listed) {
        out.add(where + ": " + at + " is " + value + ", not one of " + schema.get("enum"));
      }
    }
    if (value.isObject()) {
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          out.add(where + ": " + at + " lacks required property '" + required.asText() + "'");
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        if (value.has(p.getKey())) {
          schema(where, at + "." + p.getKey(), p.getValue(), value.get(p.getKey()), out);
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        schema(where, at + "[" + i + "]", schema.get("items"), value.get(i), out);
      }
    }
  }

  private static boolean typeMatches(String type, JsonNode value) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      case "null" -> value.isNull();
      default -> true;
    };
  }

  private static String kind(JsonNode value) {
    return value.isObject() ? "an object" : value.isArray() ? "an array" : value.isTextual() ? "a string"
        : value.isIntegralNumber() ? "an integer" : value.isNumber() ? "a number" : value.isBoolean() ? "a boolean"
        : "null";
  }
}
