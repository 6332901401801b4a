package dev.fanout.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Top-level items become the AST as the parser finishes each one (so a large file's parse
 * tree never lives whole): the file's blocks and attributes keep their order, nested blocks
 * stay whole, and the builder's own diagnostics still follow every syntax error.
 */
class SyntaxItemsTest {

  @Test
  void keepsEveryTopLevelItemInOrderWithItsNestedBlocks() {
    Syntax.Result r = Syntax.parse("t.fanout", """
        answer = 42
        release "r" {
          version = "1.0.0"
        }
        npm "a" {
          package = "a"
          inner {
            x = 1
          }
        }
        pypi "b" {
          project = "b"
        }
        """);

    assertEquals(List.of(), r.diagnostics());
    assertEquals(List.of("release", "npm", "pypi"), r.file().blocks().stream().map(Ast.Block::type).toList());
    assertEquals(List.of("answer"), r.file().attributes().stream().map(Ast.Attribute::name).toList());
    assertEquals(List.of("inner"), r.file().blocks().get(1).blocks().stream().map(Ast.Block::type).toList());
  }

  @Test
  void reportsSyntaxErrorsBeforeTheBuildersOwnAndKeepsTheItemsAround() {
    Syntax.Result r = Syntax.parse("t.fanout", """
        npm "a" {
          package = "\\q"
        }
        npm "b" {
          package = = "b"
        }
        pypi "c" {
          project = "c"
        }
        """);

    List<String> summaries = r.diagnostics().stream().map(Diagnostic::summary).toList();
    assertTrue(summaries.size() >= 2, summaries.toString());
    assertEquals("Invalid escape in string", summaries.get(summaries.size() - 1), summaries.toString());
    assertEquals(List.of("a", "c"), r.file().blocks().stream().map(b -> b.labels().get(0))
        .filter(l -> !l.equals("b")).toList());
  }
}
