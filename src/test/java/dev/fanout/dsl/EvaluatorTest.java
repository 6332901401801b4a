package dev.fanout.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Address;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.model.Unknown;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expressions one at a time: operators, references, secrets, unknowns and the errors they give. */
class EvaluatorTest {

  private final Map<String, Object> roots = new LinkedHashMap<>();
  private Evaluator evaluator;

  EvaluatorTest() {
    Map<String, Object> binaries = new LinkedHashMap<>();
    for (String platform : List.of("linux-amd64", "darwin-arm64")) {
      Address a = new Address("artifact", "bin", platform);
      binaries.put(platform, new Instance(a, Map.of("os", platform.split("-")[0], "sha256", Unknown.AFTER_BUILD),
          Set.of("sha256")));
    }
    roots.put("artifact", Map.of("bin", binaries));
    roots.put("var", Map.of("list", List.of("a", "b"), "token", new Secret("variable token", "t0k"),
        "failed", Evaluator.Failed.VALUE));
  }

  private Object eval(String expression) throws EvalException {
    Syntax.Result r = Syntax.parse("t.fanout", "locals {\n  x = " + expression + "\n}\n");
    assertEquals(List.of(), r.diagnostics(), expression);
    evaluator = new Evaluator(new Functions(new Functions.World(Path.of("."), Map.of("HOME_DIR", "/h"), p -> null)));
    return evaluator.evaluate(r.file().blocks().get(0).attributes().get(0).value(), new Evaluator.Scope(roots, null));
  }

  private Diagnostic error(String expression) {
    EvalException e = assertThrows(EvalException.class, () -> eval(expression));
    return e.diagnostic();
  }

  @Test
  void operatorsBindByPrecedenceAndAssociateAsWritten() throws EvalException {
    // Each level against the one below it, and left association where order matters.
    assertEquals(0, new BigDecimal("2").compareTo((BigDecimal) eval("8 - 4 - 2")));
    assertEquals(0, new BigDecimal("1").compareTo((BigDecimal) eval("8 / 4 / 2")));
    assertEquals(0, new BigDecimal("-5").compareTo((BigDecimal) eval("-2 - 3")));
    assertEquals(0, new BigDecimal("14").compareTo((BigDecimal) eval("2 * 3 + 4 * 2")));
    assertEquals(true, eval("1 + 1 < 3 == true"));
    assertEquals(true, eval("false && false || true"));
    assertEquals(false, eval("false && (false || true)"));
    assertEquals(true, eval("!false && true"));
    assertEquals(false, eval("!(false || true)"));
    assertEquals(2L, ((BigDecimal) eval("length(var.list) * 1")).longValue());
    assertEquals("b", eval("var.list[1]"));
    assertEquals("b", eval("var.list.1"));
    // Conditionals associate to the right and take whole expressions in each branch.
    assertEquals("two", eval("1 == 2 ? \"one\" : 2 == 2 ? \"two\" : \"none\""));
    assertEquals(0, new BigDecimal("5").compareTo((BigDecimal) eval("true ? 2 + 3 : 0")));
    // A sign binds tighter than the operators and looser than a suffix.
    assertEquals(0, new BigDecimal("-2").compareTo((BigDecimal) eval("-[1, 2][1]")));
    assertEquals(0, new BigDecimal("1").compareTo((BigDecimal) eval("-length(var.list) + 3")));
  }

  @Test
  void arithmeticAndComparisonsWorkOnNumbers() throws EvalException {
    assertEquals(0, new BigDecimal("7").compareTo((BigDecimal) eval("1 + 2 * 3")));
    assertEquals(0, new BigDecimal("1").compareTo((BigDecimal) eval("7 % 3")));
    assertEquals("2.5", Evaluator.text(eval("5 / 2")));
    assertEquals(true, eval("2.50 == 2.5"));
    assertEquals(false, eval("-1 >= 0"));
  }

  @Test
  void andAndOrStopAtTheFirstAnswer() throws EvalException {
    assertEquals(false, eval("false && 1 / 0 == 1"));
    assertEquals(true, eval("true || lower(1, 2)"));
  }

  @Test
  void aConditionalEvaluatesOnlyTheBranchItTakes() throws EvalException {
    assertEquals("yes", eval("1 < 2 ? \"yes\" : 1 / 0"));
  }

  @Test
  void splatsAndForExpressionsReadInstancesFacts() throws EvalException {
    assertEquals(List.of("linux", "darwin"), eval("artifact.bin.*.os"));
    assertEquals(List.of("linux-amd64"), eval("[for k, b in artifact.bin : k if b.os == \"linux\"]"));
    assertEquals(List.of(), evaluator.dependencies(), "reading os is not a dependency");
  }

  @Test
  void usingAnInstanceOrItsOutputsIsADependency() throws EvalException {
    Object whole = eval("artifact.bin[\"linux-amd64\"]");
    assertEquals(new Ref(new Address("artifact", "bin", "linux-amd64")), whole);

    assertEquals(Unknown.AFTER_BUILD, eval("\"sum ${artifact.bin[\"darwin-arm64\"].sha256}\""));
    assertEquals(List.of(new Address("artifact", "bin", "darwin-arm64")),
        evaluator.dependencies().stream().map(Evaluator.Dependency::target).toList());
  }

  @Test
  void secretsStayHiddenThroughTemplatesFunctionsAndConditionals() throws EvalException {
    Secret templated = assertInstanceOf(Secret.class, eval("\"Bearer ${var.token}\""));
    Secret called = assertInstanceOf(Secret.class, eval("upper(var.token)"));
    Secret chosen = assertInstanceOf(Secret.class, eval("true ? var.token : \"x\""));
    Secret env = assertInstanceOf(Secret.class, eval("env(\"HOME_DIR\")"));

    assertEquals("Bearer t0k", templated.reveal());
    assertEquals("T0K", called.reveal());
    assertEquals("t0k", chosen.reveal());
    assertEquals("/h", env.reveal());
    assertEquals("(sensitive)", templated.toString());
    assertEquals("[(sensitive)]", eval("[join(\"\", [var.token])]").toString());
  }

  @Test
  void aSecretNeverAppearsInAnErrorMessage() {
    Diagnostic d = error("{ a = 1 }[var.token]");

    assertFalse(d.summary().contains("t0k") || d.detail().contains("t0k"), d.toString());
  }

  @Test
  void errorsSayWhatWasWrongAndPointAtIt() {
    Diagnostic plus = error("\"a\" + 1");
    Diagnostic not = error("!3");
    Diagnostic index = error("var.list[2]");
    Diagnostic key = error("artifact.bin[\"linux-arm64\"]");

    assertEquals("'+' needs numbers", plus.summary());
    assertEquals(2, plus.range().line());
    assertEquals("'!' needs a boolean", not.summary());
    assertEquals("Index 2 is out of range", index.summary());
    assertEquals(16, index.range().column());
    assertEquals("No key \"linux-arm64\"", key.summary());
    assertTrue(key.detail().contains("Did you mean \"linux-amd64\"?"), key.detail());
  }

  @Test
  void hugeNumbersAreComparedNotWrappedAround() throws EvalException {
    Diagnostic index = error("var.list[4294967296]");

    assertEquals("Index 4294967296 is out of range", index.summary());
    assertEquals("bc", eval("substr(\"abc\", 1, 4294967296)"));
    assertEquals("Number out of range", error("tonumber(\"1e999999999\")").summary());
    assertEquals(0, new BigDecimal("1e999").compareTo((BigDecimal) eval("1e999 + 1")), "rounded to 34 digits");
  }

  @Test
  void aValueThatFailedBeforeStopsSilently() {
    EvalException e = assertThrows(EvalException.class, () -> eval("\"x${var.failed}\""));

    assertEquals(null, e.diagnostic());
  }
}
