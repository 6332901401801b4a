package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testing.Tools;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply --report report.html}: one page with the graph, the timeline, the statuses and the
 * failures, rendered by headless Chromium (Debian's package) to check that both pictures are
 * drawn; the screenshot stays in target/html-report.png.
 */
class HtmlReportTest {

  @TempDir
  Path temp;

  @Test
  void theHtmlReportDrawsTheGraphAndTheTimelineInChromium() throws Exception {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    f.faults("[{\"registry\": \"oci\", \"operation\": \"write\", \"status\": 500}]");
    Path report = temp.resolve("report.html");

    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve", "--report", report.toString());

    assertEquals(1, apply.exit(), apply.all());
    String html = Files.readString(report);
    FanoutRun.Result graph = f.run("graph", f.dir.toString(), "--format", "json");
    int nodes = graph.json().path("nodes").size();
    assertEquals(nodes, count(html, "<g class=\"node\">"), "one box per node of fanout graph");
    assertEquals(graph.json().path("edges").size(), count(html, "<path class=\"edge\""), "one line per edge");
    assertTrue(count(html, "<rect class=\"bar ") >= 14, "a timeline bar per target");
    assertTrue(html.contains("<rect class=\"bar failed\""), "docker's bar is red");
    assertTrue(html.contains("<code>docker.image</code> failed at <strong>"), html);
    assertTrue(html.contains("13/14 published or up to date"), html);
    assertFalse(html.contains("<script"), "the page runs no script");

    Tools.require("chromium", "apt-get install chromium");
    Path png = Path.of("target", "html-report.png").toAbsolutePath();
    Files.deleteIfExists(png);
    Path profile = Files.createDirectories(temp.resolve("chromium-profile"));
    List<String> flags = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1300,2000");
    Tools.Result dom = Tools.run(temp, Map.of(), concat(flags, "--dump-dom", report.toUri().toString()));
    assertEquals(0, dom.exit(), dom.output());
    assertEquals(nodes, count(dom.output(), "class=\"node\""), "Chromium parsed every node of the graph");
    Tools.Result shot = Tools.run(temp, Map.of(), concat(flags, "--screenshot=" + png, report.toUri().toString()));
    assertEquals(0, shot.exit(), shot.output());

    BufferedImage image = ImageIO.read(png.toFile());
    int green = pixels(image, 0x2da44e);
    int red = pixels(image, 0xcf222e);
    assertTrue(green > 5_000, "the published targets are drawn green: " + green + " pixels");
    assertTrue(red > 500, "the failed target is drawn red: " + red + " pixels");
  }

  private static String[] concat(List<String> flags, String... more) {
    java.util.ArrayList<String> all = new java.util.ArrayList<>(List.of("chromium"));
    all.addAll(flags);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static int pixels(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y) & 0xFFFFFF;
        if (Math.abs(((p >> 16) & 0xFF) - ((rgb >> 16) & 0xFF)) < 12 && Math.abs(((p >> 8) & 0xFF) - ((rgb >> 8) & 0xFF)) < 12
            && Math.abs((p & 0xFF) - (rgb & 0xFF)) < 12) {
          n++;
        }
      }
    }
    return n;
  }
}
