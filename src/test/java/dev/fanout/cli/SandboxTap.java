package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.provider.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What the sandbox's GitHub holds after an apply, read as a user of a tap or bucket would: a
 * manifest's file, the archive at the URL it gives (checked against the sha256 it pins), and
 * the sections and fields of a Homebrew formula.
 */
final class SandboxTap {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "fanout-sandbox-token";
  private final OkHttpClient http = new OkHttpClient();
  private final String github;

  SandboxTap(String github) {
    this.github = github;
  }

  /** A file of a repository, through the contents API. */
  String file(String repo, String path) throws Exception {
    String body = get(github + "/repos/" + repo + "/contents/" + path);
    return new String(Base64.getMimeDecoder().decode(JSON.readTree(body).get("content").asText()), StandardCharsets.UTF_8);
  }

  String get(String url) throws Exception {
    Request request = new Request.Builder().url(url).header("Authorization", "Bearer " + TOKEN).build();
    try (Response r = http.newCall(request).execute()) {
      String body = r.body().string();
      assertEquals(200, r.code(), url + ": " + body);
      return body;
    }
  }

  /** Downloads the asset and checks it is the file the manifest pins. */
  Path download(String url, String sha256, Path to) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      assertEquals(200, r.code(), url);
      Files.write(to, r.body().bytes());
    }
    assertEquals(sha256.toLowerCase(java.util.Locale.ROOT), Digests.sha256Hex(to), url);
    return to;
  }

  /** The text of {@code on_linux do ... end} at two spaces of indent. */
  static String section(String formula, String block) {
    int start = formula.indexOf("  " + block + " do\n");
    assertTrue(start >= 0, formula);
    return formula.substring(start, formula.indexOf("\n  end\n", start));
  }

  static String field(String section, String name) {
    Matcher m = Pattern.compile(name + " \"([^\"]+)\"").matcher(section);
    assertTrue(m.find(), section);
    return m.group(1);
  }

  /** The file {@code bin.install} takes from the unpacked archive. */
  static String installed(String section) {
    Matcher m = Pattern.compile("bin\\.install \"([^\"]+)\"").matcher(section);
    assertTrue(m.find(), section);
    return m.group(1);
  }
}
