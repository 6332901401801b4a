package dev.fanout.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Withdrawal;
import dev.fanout.provider.Providers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code withdraw "VERSION" { ... }}: what the checker takes, and what it says of a mistake. */
class WithdrawBlockTest {

  private static final Providers PROVIDERS = Providers.load();
  private static final String RELEASE = """
      release "demo" {
        version = "1.0.36"
      }
      variable "fix" {
        default = "1.0.36"
      }
      """;

  @TempDir
  Path dir;

  private ConfigLoader.Result load(String text) throws IOException {
    Files.writeString(dir.resolve("release.fanout"), RELEASE + text);
    return new ConfigLoader(PROVIDERS, Map.of(), Map.of(), p -> null).load(dir);
  }

  @Test
  void severalWithdrawalsAreKeptInFileOrderWithTheirEvaluatedReasonsAndFlags() throws IOException {
    ConfigLoader.Result r = load("""
        withdraw "1.0.35" {
          reason = "corrupts the index on upgrade; use ${var.fix}"
        }
        withdraw "1.0.34" {
          reason      = "bad"
          unpublish   = true
          delete_tags = true
        }
        """);

    assertFalse(r.hasErrors(), r.diagnostics().toString());
    List<Withdrawal> all = r.config().withdrawals().list();
    assertEquals(List.of("1.0.35", "1.0.34"), all.stream().map(Withdrawal::version).toList());
    assertEquals("corrupts the index on upgrade; use 1.0.36", all.get(0).reason());
    assertFalse(all.get(0).unpublish() || all.get(0).deleteTags());
    assertTrue(all.get(1).unpublish() && all.get(1).deleteTags());
    assertTrue(r.config().withdrawals().withdrawn("1.0.34"));
    assertFalse(r.config().withdrawals().withdrawn("1.0.36"));
  }

  @Test
  void aLabelThatIsNotAVersionIsAnErrorAtTheBlockWithAHint() throws IOException {
    Diagnostic d = only(load("withdraw \"v1.0.35\" {\n  reason = \"bad\"\n}\n"));

    assertEquals("Invalid version \"v1.0.35\" to withdraw", d.summary());
    assertTrue(d.detail().contains("Did you mean \"1.0.35\"?"), d.detail());
    assertEquals(7, d.range().line());
  }

  @Test
  void aMissingReasonAnUnknownAttributeAndATwiceWithdrawnVersionAreEachNamed() throws IOException {
    assertEquals("Missing required attribute \"reason\"", only(load("withdraw \"1.0.35\" {\n}\n")).summary());
    Diagnostic unknown = only(load("withdraw \"1.0.35\" {\n  reason = \"x\"\n  unpublished = true\n}\n"));
    assertEquals("Unknown attribute \"unpublished\" in withdraw \"1.0.35\"", unknown.summary());
    assertTrue(unknown.detail().contains("Did you mean \"unpublish\"?"), unknown.detail());
    Diagnostic twice = only(load("withdraw \"1.0.35\" {\n  reason = \"x\"\n}\nwithdraw \"1.0.35\" {\n  reason = \"y\"\n}\n"));
    assertEquals("Version 1.0.35 is withdrawn twice", twice.summary());
    assertEquals(10, twice.range().line());
  }

  @Test
  void aReasonOfTheWrongTypeOrEmptyIsAnErrorAtTheValue() throws IOException {
    assertEquals("Wrong type for \"unpublish\"",
        only(load("withdraw \"1.0.35\" {\n  reason = \"x\"\n  unpublish = \"yes\"\n}\n")).summary());
    assertEquals("The reason must be a non-empty string", only(load("withdraw \"1.0.35\" {\n  reason = \" \"\n}\n")).summary());
  }

  @Test
  void aMisspeltBlockTypeSuggestsWithdraw() throws IOException {
    Diagnostic d = only(load("withdrw \"1.0.35\" {\n  reason = \"x\"\n}\n"));
    assertTrue(d.detail().contains("withdraw"), d.detail());
  }

  private static Diagnostic only(ConfigLoader.Result r) {
    List<Diagnostic> errors = r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
    assertEquals(1, errors.size(), errors.toString());
    return errors.get(0);
  }
}
