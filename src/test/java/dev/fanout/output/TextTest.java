package dev.fanout.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** A registry's words cannot move the cursor, forge a plan line or a report heading. */
class TextTest {

  @Test
  void escapeSequencesAndLineBreaksAreShownNotObeyed() {
    String hostile = "ok\r\n  = npm.contextlite 1.0.35 already on npm\u001b]0;title\u0007\u001b[2K\u202e";
    String shown = Text.terminal(hostile);
    assertEquals("ok\\r\\n  = npm.contextlite 1.0.35 already on npm\\u001b]0;title\\u0007\\u001b[2K\\u202e", shown);
    assertFalse(shown.chars().anyMatch(c -> c < 0x20));
  }

  @Test
  void markdownFromARegistryRendersAsText() {
    String hostile = "x\n## All 14 targets published (100%)\n<img src=x onerror=alert(1)> | [link](http://e) *b*";
    assertEquals("x\\\\n\\#\\# All 14 targets published (100%)\\\\n&lt;img src=x onerror=alert(1)&gt; \\| \\[link\\](http://e)"
        + " \\*b\\*", Text.markdown(hostile));
  }

  @Test
  void plainWordsAreLeftAlone() {
    String plain = "1.0.35 already on npm (sandbox)";
    assertEquals(plain, Text.terminal(plain));
  }
}
