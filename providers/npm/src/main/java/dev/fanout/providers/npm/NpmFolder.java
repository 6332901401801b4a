package dev.fanout.providers.npm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A package folder published as it is, the way {@code npm pack} chooses its files
 * (npm-packlist): always {@code package.json}, the README, LICENSE and the {@code main} and
 * {@code bin} files; then either what package.json's {@code files} lists, or everything but
 * what the folder's {@code .npmignore} (else {@code .gitignore}) excludes; never VCS folders,
 * {@code node_modules}, {@code .npmrc}, lock files or editor litter.
 *
 * <p>Not covered, as a documented subset: ignore files in subfolders and in folders above the
 * package (npm reads a workspace root's), and bundled dependencies.
 *
 * @param manifest package.json as read, in its own key order
 * @param packageJson package.json's bytes as they are on disk
 */
record NpmFolder(Path dir, Map<String, Object> manifest, byte[] packageJson) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Excluded even when {@code files} lists them (npm-packlist's strict rules). */
  private static final List<Rule> NEVER = rules(List.of("/.git", "/node_modules", ".npmrc", "/package-lock.json",
      "/yarn.lock", "/pnpm-lock.yaml", "/bun.lockb"));

  /** npm-packlist's defaults: excluded unless required (package.json, README, main, bin...). */
  private static final List<Rule> DEFAULTS = rules(List.of(".npmignore", ".gitignore", ".git", ".svn", ".hg", "CVS",
      "/.lock-wscript", "/.wafpickle-*", "/build/config.gypi", "npm-debug.log", ".*.swp", ".DS_Store", "._*",
      "*.orig", "/archived-packages"));

  private static final Pattern ALWAYS = Pattern.compile("^(package\\.json|(readme|copying|license|licence)(\\.[^/]*[^~$/])?)$",
      Pattern.CASE_INSENSITIVE);

  static NpmFolder read(Path dir) throws IOException {
    Path file = dir.resolve("package.json");
    if (!Files.isRegularFile(file)) {
      throw new IOException(dir + " has no package.json");
    }
    byte[] bytes = Files.readAllBytes(file);
    Map<String, Object> manifest;
    try {
      manifest = JSON.readValue(bytes, new TypeReference<LinkedHashMap<String, Object>>() { });
    } catch (IOException e) {
      throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    return new NpmFolder(dir, manifest, bytes);
  }

  String name() {
    Object v = manifest.get("name");
    return v == null ? null : v.toString();
  }

  String version() {
    Object v = manifest.get("version");
    return v == null ? null : v.toString();
  }

  boolean isPrivate() {
    return Boolean.TRUE.equals(manifest.get("private"));
  }

  /** The files {@code npm pack} would take, by path relative to the folder, sorted. */
  List<String> files() throws IOException {
    List<String> required = required();
    List<Rule> listed = filesRules();
    List<Rule> ignored = listed == null ? ignoreFile() : List.of();
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        // npm packs regular files only: no symlinks, no devices, no empty folders.
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (taken(rel, required, listed, ignored)) {
          out.add(rel);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static boolean taken(String rel, List<String> required, List<Rule> listed, List<Rule> ignored) {
    if (Rule.hits(NEVER, rel)) {
      return false;
    }
    if (required.contains(rel) || ALWAYS.matcher(rel).matches()) {
      return true;
    }
    if (Rule.hits(DEFAULTS, rel)) {
      return false;
    }
    return listed != null ? Rule.hits(listed, rel) : !Rule.hits(ignored, rel);
  }

  /** {@code main} and every {@code bin} file: npm packs them whatever {@code files} says. */
  private List<String> required() {
    List<String> out = new ArrayList<>();
    if (manifest.get("main") instanceof String main) {
      out.add(normal(main));
    }
    Object bin = manifest.get("bin");
    if (bin instanceof String s) {
      out.add(normal(s));
    } else if (bin instanceof Map<?, ?> m) {
      m.values().forEach(v -> out.add(normal(String.valueOf(v))));
    }
    return out;
  }

  private static String normal(String path) {
    String p = path.startsWith("./") ? path.substring(2) : path;
    return p.startsWith("/") ? p.substring(1) : p;
  }

  /** package.json's {@code files} as include rules (a leading {@code !} excludes), or null without one. */
  private List<Rule> filesRules() {
    if (!(manifest.get("files") instanceof List<?> files)) {
      return null;
    }
    List<String> lines = new ArrayList<>();
    for (Object f : files) {
      String entry = String.valueOf(f);
      boolean negate = entry.startsWith("!");
      String path = normal(negate ? entry.substring(1) : entry);
      // Entries are relative to the package root: anchor them as npm does with a leading slash.
      lines.add((negate ? "!" : "") + "/" + path);
    }
    return rules(lines);
  }

  /** The folder's .npmignore, or its .gitignore when there is none, as npm falls back. */
  private List<Rule> ignoreFile() throws IOException {
    for (String name : List.of(".npmignore", ".gitignore")) {
      Path f = dir.resolve(name);
      if (Files.isRegularFile(f)) {
        return rules(Files.readAllLines(f));
      }
    }
    return List.of();
  }

  /** The file's unix mode in the tarball: npm keeps the executable bit and nothing else. */
  int mode(String rel) {
    return Files.isExecutable(dir.resolve(rel)) ? NpmPackageBuilder.EXEC_MODE : NpmPackageBuilder.FILE_MODE;
  }

  /** The files with their content, package.json given for the release's version. */
  Map<String, byte[]> contents(byte[] packageJsonForRelease) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (String rel : files()) {
      out.put(rel, rel.equals("package.json") ? packageJsonForRelease : Files.readAllBytes(dir.resolve(rel)));
    }
    return out;
  }

  private static List<Rule> rules(List<String> lines) {
    List<Rule> out = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        out.add(Rule.parse(line));
      }
    }
    return out;
  }

  /**
   * One line of an ignore file, with gitignore's meaning: a pattern with a slash before its
   * end is anchored at the package root, one without matches a name at any depth, a trailing
   * slash matches folders only, and a match on a folder covers everything in it.
   */
  record Rule(Pattern pattern, boolean negate, boolean dirOnly) {

    static Rule parse(String line) {
      boolean negate = line.startsWith("!");
      String p = negate ? line.substring(1) : line;
      boolean dirOnly = p.endsWith("/");
      if (dirOnly) {
        p = p.substring(0, p.length() - 1);
      }
      boolean anchored = p.contains("/");
      if (p.startsWith("/")) {
        p = p.substring(1);
      }
      String regex = (anchored ? "^" : "^(?:.*/)?") + glob(p) + "$";
      return new Rule(Pattern.compile(regex), negate, dirOnly);
    }

    /** Whether this rule matches the path itself (a file, or a folder when {@code dir}). */
    boolean matches(String path, boolean dir) {
      return (dir || !dirOnly) && pattern.matcher(path).matches();
    }

    /**
     * Whether the last rule that matches the file or one of its folders is a positive one: for
     * an ignore file, the file is excluded; for {@code files}, it is listed.
     */
    static boolean hits(List<Rule> rules, String rel) {
      boolean result = false;
      String[] parts = rel.split("/");
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          prefix.append('/');
        }
        prefix.append(parts[i]);
        boolean dir = i < parts.length - 1;
        for (Rule r : rules) {
          if (r.matches(prefix.toString(), dir)) {
            result = !r.negate;
          }
        }
      }
      return result;
    }

    /** A glob as a regex: {@code **} any depth, {@code *} and {@code ?} within one name, {@code {a,b}} either. */
    static String glob(String g) {
      StringBuilder re = new StringBuilder();
      for (int i = 0; i < g.length(); i++) {
        char c = g.charAt(i);
        if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
          boolean slash = i + 2 < g.length() && g.charAt(i + 2) == '/';
          re.append(slash ? "(?:.*/)?" : ".*");
          i += slash ? 2 : 1;
        } else if (c == '*') {
          re.append("[^/]*");
        } else if (c == '?') {
          re.append("[^/]");
        } else if (c == '{') {
          re.append("(?:");
        } else if (c == '}') {
          re.append(")");
        } else if (c == ',' && g.lastIndexOf('{', i) > g.lastIndexOf('}', i)) {
          re.append("|");
        } else if (c == '[') {
          int end = g.indexOf(']', i);
          if (end < 0) {
            re.append("\\[");
          } else {
            re.append(g, i, end + 1);
            i = end;
          }
        } else {
          re.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return re.toString();
    }
  }

}
