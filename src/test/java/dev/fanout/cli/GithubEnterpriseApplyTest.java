package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release file for a GitHub Enterprise Server ({@code host} in the {@code github} provider
 * block) applies in the sandbox, which serves Enterprise's {@code /api/v3} and
 * {@code /api/uploads}, and every manifest written points at the Enterprise host's download URL.
 */
class GithubEnterpriseApplyTest {

  private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]+");

  @TempDir
  Path temp;

  @Test
  void enterpriseHostAppliesAndEveryManifestDownloadsFromTheEnterpriseHost() throws Exception {
    Tools.require("git", "apt-get install git");
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path release = f.dir.resolve("release.fanout");
    String text = Files.readString(release);
    assertTrue(text.contains("provider \"github\" {"), "the example configures GitHub in one block");
    Files.writeString(release, text.replace("provider \"github\" {", "provider \"github\" {\n  host = \"ghe.example.com\""));

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");

    assertEquals(0, apply.exit(), apply.all());
    assertTrue(apply.out().contains("14/14 published or up to date (100%)"), apply.out());
    List<String> paths = f.requests().stream().filter(r -> r.path("registry").asText().equals("github"))
        .map(r -> r.path("path").asText()).filter(p -> !p.startsWith("/git/")).toList();
    assertFalse(paths.isEmpty());
    for (String p : paths) {
      assertTrue(p.startsWith("/api/v3/") || p.startsWith("/api/uploads/") || p.contains("/releases/download/"),
          "a request outside the Enterprise layout: " + p);
    }
    TreeSet<String> downloads = new TreeSet<>();
    for (String content : manifests(f.sandbox)) {
      Matcher m = URL.matcher(content);
      while (m.find()) {
        if (m.group().contains("download")) {
          downloads.add(m.group());
        }
      }
    }
    assertTrue(downloads.size() >= 4, "manifests with download URLs: " + downloads);
    for (String url : downloads) {
      assertTrue(url.matches("http://127\\.0\\.0\\.1:[0-9]+/[^/]+/contextlite/releases/download/v[^/]+/.+"),
          "not the Enterprise download form: " + url);
      assertFalse(url.contains("github.com") || url.contains("/api/"), url);
    }
  }

  /** Every file of every branch of every repository the sandbox's GitHub holds, as text. */
  private static List<String> manifests(Path sandbox) throws Exception {
    List<Path> repos;
    try (Stream<Path> walk = Files.walk(sandbox)) {
      repos = walk.filter(p -> p.getFileName().toString().endsWith(".git") && Files.isDirectory(p.resolve("objects"))).toList();
    }
    List<String> out = new ArrayList<>();
    for (Path repo : repos) {
      Tools.Result log = Tools.run(repo, Map.of("HOME", sandbox.toString()), "git", "log", "--all", "-p", "--format=");
      out.add(log.output());
    }
    return out;
  }
}
