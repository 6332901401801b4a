package dev.fanout.dsl;

import dev.fanout.model.Secret;
import dev.fanout.model.Unknown;
import dev.fanout.provider.Digests;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The functions a release file may call. Each checks its arguments and says what it wanted;
 * {@code env} marks what it reads as sensitive, and unknown arguments give unknown results.
 */
final class Functions {

  /** What functions may see of the world: the configuration's folder and the environment. */
  /** @param gitTags the tags on HEAD of the repository holding a folder; empty or null outside one */
  record World(Path dir, Map<String, String> env, Function<Path, List<String>> gitTags) { }

  /** {@code v} and a semantic version (semver.org's grammar, build metadata included): what git_tag() takes by default. */
  static final String RELEASE_TAG = "^v(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
      + "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$";

  private interface Fn {
    Object apply(List<Object> args, Ast.Call call) throws EvalException;
  }

  private record Spec(int min, int max, String usage, Fn fn) { }

  private final Map<String, Spec> specs = new TreeMap<>();
  private final World world;

  Functions(World world) {
    this.world = world;
    def("env", 1, 2, "env(\"NAME\") or env(\"NAME\", \"default\")", (a, c) -> {
      String name = str(a, 0, c);
      String value = world.env().get(name);
      if (value == null && a.size() > 1) {
        value = str(a, 1, c);
      }
      return new Secret("env " + name, value);
    });
    def("file", 1, 1, "file(\"path\")", (a, c) -> {
      Path p = world.dir().resolve(str(a, 0, c));
      try {
        return Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new EvalException("Cannot read file \"" + str(a, 0, c) + "\"",
            "Looked for " + p.toAbsolutePath().normalize() + ": " + e.getClass().getSimpleName() + ".", c.range());
      }
    });
    def("sha256", 1, 1, "sha256(\"text\")", (a, c) -> Digests.hex("SHA-256", str(a, 0, c).getBytes(StandardCharsets.UTF_8)));
    def("filesha256", 1, 1, "filesha256(\"path\")", (a, c) -> {
      Path p = world.dir().resolve(str(a, 0, c));
      if (!Files.isRegularFile(p)) {
        // The file may be an output of a build step: known once the build has run.
        return Unknown.AFTER_BUILD;
      }
      try {
        return Digests.hex("SHA-256", Files.readAllBytes(p));
      } catch (IOException e) {
        throw new EvalException("Cannot read file \"" + str(a, 0, c) + "\"", e.getMessage(), c.range());
      }
    });
    def("lower", 1, 1, "lower(\"Text\")", (a, c) -> str(a, 0, c).toLowerCase(Locale.ROOT));
    def("upper", 1, 1, "upper(\"text\")", (a, c) -> str(a, 0, c).toUpperCase(Locale.ROOT));
    def("trimspace", 1, 1, "trimspace(\" text \")", (a, c) -> str(a, 0, c).strip());
    def("trimprefix", 2, 2, "trimprefix(\"v1.0\", \"v\")", (a, c) -> {
      String s = str(a, 0, c);
      String p = str(a, 1, c);
      return s.startsWith(p) ? s.substring(p.length()) : s;
    });
    def("trimsuffix", 2, 2, "trimsuffix(\"name.exe\", \".exe\")", (a, c) -> {
      String s = str(a, 0, c);
      String p = str(a, 1, c);
      return s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
    });
    def("startswith", 2, 2, "startswith(\"text\", \"te\")", (a, c) -> str(a, 0, c).startsWith(str(a, 1, c)));
    def("endswith", 2, 2, "endswith(\"text\", \"xt\")", (a, c) -> str(a, 0, c).endsWith(str(a, 1, c)));
    def("replace", 3, 3, "replace(\"text\", \"from\", \"to\")", (a, c) -> str(a, 0, c).replace(str(a, 1, c), str(a, 2, c)));
    def("split", 2, 2, "split(\",\", \"a,b\")", (a, c) -> {
      String sep = str(a, 0, c);
      String s = str(a, 1, c);
      return sep.isEmpty() ? List.of(s) : List.of(s.split(java.util.regex.Pattern.quote(sep), -1));
    });
    def("join", 2, 2, "join(\", \", [\"a\", \"b\"])", (a, c) -> {
      List<String> parts = new ArrayList<>();
      for (Object o : list(a, 1, c)) {
        if (o instanceof List<?> || o instanceof Map<?, ?>) {
          throw new EvalException("join() needs a list of strings", "An element is " + Evaluator.typeName(o) + ".", c.range());
        }
        parts.add(Evaluator.text(o));
      }
      return String.join(str(a, 0, c), parts);
    });
    def("format", 1, Integer.MAX_VALUE, "format(\"%s-%s\", os, arch)", (a, c) -> format(a, c));
    def("concat", 0, Integer.MAX_VALUE, "concat([1], [2])", (a, c) -> {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        out.addAll(list(a, i, c));
      }
      return out;
    });
    def("flatten", 1, 1, "flatten([[1], [2, [3]]])", (a, c) -> {
      List<Object> out = new ArrayList<>();
      flatten(list(a, 0, c), out);
      return out;
    });
    def("distinct", 1, 1, "distinct([1, 1, 2])", (a, c) -> new ArrayList<>(new LinkedHashSet<>(list(a, 0, c))));
    def("keys", 1, 1, "keys({a = 1})", (a, c) -> new ArrayList<Object>(map(a, 0, c).keySet()));
    def("values", 1, 1, "values({a = 1})", (a, c) -> new ArrayList<>(map(a, 0, c).values()));
    def("merge", 0, Integer.MAX_VALUE, "merge({a = 1}, {b = 2})", (a, c) -> {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < a.size(); i++) {
        out.putAll(map(a, i, c));
      }
      return out;
    });
    def("lookup", 2, 3, "lookup(map, \"key\", \"default\")", (a, c) -> {
      Map<String, Object> m = map(a, 0, c);
      String k = str(a, 1, c);
      if (m.containsKey(k)) {
        return m.get(k);
      }
      if (a.size() == 3) {
        return a.get(2);
      }
      throw new EvalException("No key \"" + k + "\"", "Known keys: " + String.join(", ", m.keySet())
          + ". Pass a third argument as the default." + Names.didYouMean(k, m.keySet()), c.range());
    });
    def("length", 1, 1, "length([1, 2])", (a, c) -> {
      Object v = a.get(0);
      if (v instanceof List<?> l) {
        return BigDecimal.valueOf(l.size());
      } else if (v instanceof Map<?, ?> m) {
        return BigDecimal.valueOf(m.size());
      } else if (v instanceof String s) {
        return BigDecimal.valueOf(s.codePointCount(0, s.length()));
      }
      throw new EvalException("length() needs a list, map or string", "It was given " + Evaluator.typeName(v) + ".", c.range());
    });
    def("contains", 2, 2, "contains([\"a\"], \"a\")", (a, c) -> {
      for (Object o : list(a, 0, c)) {
        if (Evaluator.equal(o, a.get(1))) {
          return true;
        }
      }
      return false;
    });
    def("coalesce", 1, Integer.MAX_VALUE, "coalesce(var.a, \"default\")", (a, c) -> {
      for (Object o : a) {
        if (o != null && !"".equals(o) && !(o instanceof Secret s && !s.isSet())) {
          return o;
        }
      }
      return null;
    });
    def("tostring", 1, 1, "tostring(42)", (a, c) -> a.get(0) == null ? null : str(a, 0, c));
    def("tonumber", 1, 1, "tonumber(\"42\")", (a, c) -> {
      try {
        BigDecimal n = a.get(0) instanceof BigDecimal d ? d : new BigDecimal(str(a, 0, c).trim());
        if (Math.abs((long) n.precision() - n.scale()) > 1000 || Math.abs((long) n.scale()) > 1000) {
          throw new EvalException("Number out of range",
              "Numbers may have up to 1000 digits before or after the point.", c.range());
        }
        return n;
      } catch (NumberFormatException e) {
        throw new EvalException("Not a number: \"" + str(a, 0, c) + "\"", "tonumber() needs digits, as in \"42\".", c.range());
      }
    });
    def("base64encode", 1, 1, "base64encode(\"text\")",
        (a, c) -> Base64.getEncoder().encodeToString(str(a, 0, c).getBytes(StandardCharsets.UTF_8)));
    // Data files as values: jsondecode(file("package.json")).version reads the version where the
    // project's own tools keep it.
    def("jsondecode", 1, 1, "jsondecode(file(\"package.json\"))", (a, c) -> decode(JSON, "JSON", a, c));
    def("yamldecode", 1, 1, "yamldecode(file(\"chart.yaml\"))", (a, c) -> decode(YAML, "YAML", a, c));
    def("tomldecode", 1, 1, "tomldecode(file(\"Cargo.toml\"))", (a, c) -> decode(TOML, "TOML", a, c));
    // pom.xml: the root element's children by name (xmldecode(file("pom.xml")).version), as text.
    def("xmldecode", 1, 1, "xmldecode(file(\"pom.xml\"))", (a, c) -> decode(XML, "XML", a, c));
    def("substr", 3, 3, "substr(\"text\", 0, 2)", (a, c) -> {
      String s = str(a, 0, c);
      int from = Math.max(0, Math.min(s.length(), num(a, 1, c)));
      int len = num(a, 2, c);
      int to = len < 0 ? s.length() : (int) Math.min(s.length(), (long) from + len);
      return s.substring(from, to);
    });
    def("git_tag", 0, 1, "git_tag() or git_tag(\"^release-[0-9.]+$\")", (a, c) -> {
      String pattern = a.isEmpty() ? RELEASE_TAG : str(a, 0, c);
      java.util.regex.Pattern tagPattern;
      try {
        tagPattern = java.util.regex.Pattern.compile(pattern);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new EvalException("Invalid tag pattern", "git_tag(\"" + pattern + "\"): " + e.getDescription() + ".",
            c.range());
      }
      List<String> tags = world.gitTags().apply(world.dir());
      tags = tags == null ? List.of() : tags;
      List<String> matching = tags.stream().filter(t -> tagPattern.matcher(t).find()).sorted().toList();
      String which = a.isEmpty() ? "v and a semantic version, such as v1.2.3" : "\"" + pattern + "\"";
      if (matching.size() == 1) {
        return matching.get(0);
      }
      if (matching.isEmpty()) {
        throw new EvalException(tags.isEmpty() ? "No git tag on HEAD" : "No release tag on HEAD",
            "git_tag() reads the tag of the commit being released, matching " + which + "; HEAD has "
            + (tags.isEmpty() ? "none" : "only " + String.join(", ", tags.stream().sorted().toList())) + ". Tag the"
            + " commit and run again: git tag v1.2.3" + (tags.isEmpty() ? "" : "; or give git_tag() the pattern"
            + " your tags follow, such as git_tag(\"^release-[0-9.]+$\")") + ".", c.range());
      }
      throw new EvalException("Several release tags on HEAD",
          "git_tag() needs one tag matching " + which + " on HEAD, and these match: " + String.join(", ", matching)
          + ". Delete the wrong one (git tag -d TAG), or narrow the pattern: git_tag(\"^v[0-9]+\\\\.[0-9]+\\\\.[0-9]+$\").",
          c.range());
    });
  }

  private void def(String name, int min, int max, String usage, Fn fn) {
    specs.put(name, new Spec(min, max, usage, fn));
  }

  java.util.Set<String> names() {
    return specs.keySet();
  }

  Object call(Ast.Call call, List<Object> args) throws EvalException {
    Spec spec = specs.get(call.name());
    if (spec == null) {
      throw new EvalException("Unknown function \"" + call.name() + "\"",
          "There is no function called \"" + call.name() + "\"." + Names.didYouMean(call.name(), specs.keySet()),
          call.nameRange());
    }
    if (args.size() < spec.min() || args.size() > spec.max()) {
      throw new EvalException("Wrong number of arguments to " + call.name() + "()",
          "It takes " + (spec.min() == spec.max() ? String.valueOf(spec.min())
              : spec.max() == Integer.MAX_VALUE ? "at least " + spec.min() : spec.min() + " to " + spec.max())
          + ", and was given " + args.size() + ". Usage: " + spec.usage() + ".", call.range());
    }
    for (Object a : args) {
      if (a instanceof Unknown) {
        return a;
      }
    }
    // A function of a secret is a secret: trimprefix(env("TOKEN"), "x") stays hidden, and so
    // does every string of split(",", env("TOKEN")), or join() would reveal them again.
    List<Object> plain = new ArrayList<>(args);
    if (call.name().equals("env") || call.name().equals("coalesce")) {
      return spec.fn().apply(plain, call);
    }
    Secret[] secret = new Secret[1];
    for (int i = 0; i < plain.size(); i++) {
      plain.set(i, reveal(plain.get(i), secret));
    }
    if (secret[0] != null && !secret[0].isSet()) {
      return secret[0];
    }
    Object result = spec.fn().apply(plain, call);
    return secret[0] == null ? result : hide(result, secret[0].source());
  }

  /** The value with its secrets revealed (inside lists and maps too); the first secret goes into {@code found}. */
  private static Object reveal(Object v, Secret[] found) {
    return deep(v, x -> {
      if (x instanceof Secret s) {
        if (found[0] == null || found[0].isSet() && !s.isSet()) {
          found[0] = s;
        }
        return s.reveal();
      }
      return x;
    });
  }

  /** Every string in the value made a secret again. */
  private static Object hide(Object v, String source) {
    return deep(v, x -> x instanceof String s ? new Secret(source, s) : x);
  }

  /** The value with {@code leaf} applied to everything that is not a list or a map. */
  private static Object deep(Object v, UnaryOperator<Object> leaf) {
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(deep(x, leaf)));
      return out;
    } else if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, deep(x, leaf)));
      return out;
    }
    return leaf.apply(v);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
  private static final com.fasterxml.jackson.databind.ObjectMapper TOML =
      new com.fasterxml.jackson.dataformat.toml.TomlMapper();
  private static final com.fasterxml.jackson.databind.ObjectMapper XML = xmlMapper();

  /** No DTDs and no external entities: a release file's XML never reads other files or URLs. */
  private static com.fasterxml.jackson.databind.ObjectMapper xmlMapper() {
    javax.xml.stream.XMLInputFactory input = javax.xml.stream.XMLInputFactory.newFactory();
    input.setProperty(javax.xml.stream.XMLInputFactory.SUPPORT_DTD, false);
    input.setProperty(javax.xml.stream.XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return new com.fasterxml.jackson.dataformat.xml.XmlMapper(
        com.fasterxml.jackson.dataformat.xml.XmlFactory.builder().xmlInputFactory(input).build());
  }

  private static Object decode(com.fasterxml.jackson.databind.ObjectMapper mapper, String format, List<Object> a,
      Ast.Call c) throws EvalException {
    String text = str(a, 0, c);
    try {
      return plain(mapper.readValue(text, Object.class));
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new EvalException("Invalid " + format, c.name() + "() was given text that is not " + format + ": "
          + (why == null ? "" : why.lines().findFirst().orElse("")) + ".", c.range());
    }
  }

  /** A decoded document in the language's values: numbers as BigDecimal, dates and the like as text. */
  private static Object plain(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    } else if (v instanceof Number n) {
      return new BigDecimal(n.toString());
    } else if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(o -> out.add(plain(o)));
      return out;
    } else if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, o) -> out.put(String.valueOf(k), plain(o)));
      return out;
    }
    return v.toString();
  }

  private static String str(List<Object> a, int i, Ast.Call c) throws EvalException {
    Object v = a.get(i);
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof BigDecimal || v instanceof Boolean) {
      return Evaluator.text(v);
    }
    throw new EvalException("Argument " + (i + 1) + " of " + c.name() + "() must be a string",
        "It is " + Evaluator.typeName(v) + ".", c.args().get(i).range());
  }

  private static int num(List<Object> a, int i, Ast.Call c) throws EvalException {
    if (a.get(i) instanceof BigDecimal n) {
      // Clamped, not wrapped: substr("abc", 0, 4294967296) means "to the end", not "none".
      return n.max(BigDecimal.valueOf(Integer.MIN_VALUE)).min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValue();
    }
    throw new EvalException("Argument " + (i + 1) + " of " + c.name() + "() must be a number",
        "It is " + Evaluator.typeName(a.get(i)) + ".", c.args().get(i).range());
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(List<Object> a, int i, Ast.Call c) throws EvalException {
    if (a.get(i) instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw new EvalException("Argument " + (i + 1) + " of " + c.name() + "() must be a list",
        "It is " + Evaluator.typeName(a.get(i)) + ".", c.args().get(i).range());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(List<Object> a, int i, Ast.Call c) throws EvalException {
    if (a.get(i) instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new EvalException("Argument " + (i + 1) + " of " + c.name() + "() must be a map",
        "It is " + Evaluator.typeName(a.get(i)) + ".", c.args().get(i).range());
  }

  private static void flatten(List<?> in, List<Object> out) {
    for (Object o : in) {
      if (o instanceof List<?> l) {
        flatten(l, out);
      } else {
        out.add(o);
      }
    }
  }

  /** printf-like: %s and %v any value, %d a whole number, %% a percent sign. */
  private static Object format(List<Object> a, Ast.Call c) throws EvalException {
    String f = str(a, 0, c);
    StringBuilder out = new StringBuilder();
    int arg = 1;
    for (int i = 0; i < f.length(); i++) {
      char ch = f.charAt(i);
      if (ch != '%') {
        out.append(ch);
        continue;
      }
      if (i + 1 >= f.length()) {
        throw new EvalException("Bad format string", "It ends with a lone '%'; write %% for a percent sign.", c.range());
      }
      char verb = f.charAt(++i);
      if (verb == '%') {
        out.append('%');
        continue;
      }
      if (arg >= a.size()) {
        throw new EvalException("Too few arguments to format()",
            "The format has more verbs than the " + (a.size() - 1) + " values given.", c.range());
      }
      Object v = a.get(arg++);
      switch (verb) {
        case 's', 'v' -> out.append(v instanceof String s ? s : Evaluator.text(v));
        case 'd' -> {
          if (!(v instanceof BigDecimal n)) {
            throw new EvalException("%d needs a number", "Value " + (arg - 1) + " is " + Evaluator.typeName(v) + ".", c.range());
          }
          out.append(n.toBigInteger());
        }
        default -> throw new EvalException("Unknown format verb %" + verb, "Use %s, %v, %d or %%.", c.range());
      }
    }
    return out.toString();
  }
}
