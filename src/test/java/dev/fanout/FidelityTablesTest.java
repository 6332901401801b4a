package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of a provider's FIDELITY.md names its source and at least one test, and every test
 * it names exists: a class under a test folder, and the method in it when the row names one.
 */
class FidelityTablesTest {

  private static final Path REPO = Path.of(System.getProperty("fanout.repo", "."));
  private static final Pattern NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)(?:\\.([a-z][A-Za-z0-9]*))?`");

  @ParameterizedTest
  @ValueSource(strings = {"npm", "docker", "pypi", "crates", "chocolatey", "snap", "aur", "maven_central", "github"})
  void everyRowNamesATestThatExists(String provider) throws IOException {
    List<String> rows = Files.readAllLines(REPO.resolve("providers").resolve(provider).resolve("FIDELITY.md")).stream()
        .filter(l -> l.startsWith("| ") && !l.startsWith("| Behaviour") && !l.startsWith("| ---")).toList();
    List<String> problems = new ArrayList<>();
    for (String row : rows) {
      String[] cells = row.split("(?<!\\\\)\\|");
      String test = cells[cells.length - 1].isBlank() && cells.length > 1 ? cells[cells.length - 2] : cells[cells.length - 1];
      Matcher m = NAME.matcher(test);
      int named = 0;
      while (m.find()) {
        named++;
        String problem = missing(m.group(1), m.group(2));
        if (problem != null) {
          problems.add(problem + " in: " + row);
        }
      }
      if (named == 0) {
        problems.add("no test named in: " + row);
      }
      assertTrue(cells.length >= 4 && !cells[2].isBlank(), "no source in: " + row);
    }
    assertTrue(rows.size() > 3, provider + " has " + rows.size() + " rows");
    assertEquals(List.of(), problems);
  }

  /** Why {@code cls.method} is not a test of this repository, or null when it is. */
  private static String missing(String cls, String method) throws IOException {
    List<Path> roots = new ArrayList<>(List.of(REPO.resolve("src/test/java")));
    try (Stream<Path> providers = Files.list(REPO.resolve("providers"))) {
      providers.map(p -> p.resolve("src/test/java")).filter(Files::isDirectory).forEach(roots::add);
    }
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.getFileName().toString().equals(cls + ".java")).toList()) {
          if (method == null || Files.readString(f).contains(" void " + method + "(")) {
            return null;
          }
          return cls + " has no test " + method;
        }
      }
    }
    return "no test class " + cls;
  }
}
