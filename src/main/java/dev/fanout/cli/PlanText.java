package dev.fanout.cli;

import dev.fanout.output.Text;
import dev.fanout.plan.Action;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlannedChange;
import java.util.List;
import dev.fanout.provider.WithdrawStep;
import java.util.Map;

/** The plan for people, in Terraform's manner: a legend, one entry per target with why, a summary. */
final class PlanText {

  private PlanText() {
  }

  static String render(Plan plan, Style style) {
    StringBuilder out = new StringBuilder();
    render(plan, style, out, () -> { });
    return out.toString();
  }

  /**
   * Prints the plan as it is made, a part at a time: the text of 100,000 targets held whole
   * (and copied as its builder grew) was the largest thing a big plan kept at its end.
   */
  static void print(Plan plan, Style style, java.io.PrintWriter stream) {
    StringBuilder out = new StringBuilder();
    render(plan, style, out, () -> {
      if (out.length() > 1 << 16) {
        stream.print(out);
        out.setLength(0);
      }
    });
    stream.print(out);
  }

  /** Writes to {@code out}, calling {@code written} after each target. */
  private static void render(Plan plan, Style style, StringBuilder out, Runnable written) {
    Map<Action, Integer> counts = plan.summary();
    boolean onlyWithdrawing = counts.get(Action.CREATE) == 0 && counts.get(Action.UPDATE) == 0
        && plan.changes().stream().anyMatch(c -> !c.withdrawals().isEmpty());
    out.append(onlyWithdrawing ? "Fanout will withdraw what the release files withdraw; the release is " : "Fanout will publish ")
        .append(style.bold(Text.terminal(plan.release() + " " + plan.version())))
        .append(" (version from ").append(Text.terminal(plan.versionSource())).append(").\n");
    if (plan.commit() != null) {
      out.append("From git commit ").append(Text.terminal(plan.commit())).append(".\n");
    }
    out.append("Symbols: ").append(style.green("+")).append(" publish  ").append(style.yellow("~")).append(" update  ")
        .append(style.red("-")).append(" withdraw  ")
        .append("= up to date  ").append(style.red("x")).append(" drift  ").append(style.red("!")).append(" blocked  ")
        .append("? unknown\n\n");
    for (String w : plan.warnings()) {
      out.append(style.yellow("Warning: ")).append(Text.terminal(w)).append("\n\n");
    }
    int width = plan.changes().stream().mapToInt(c -> c.address().toString().length()).max().orElse(10);
    for (PlannedChange c : plan.changes()) {
      if (!c.withdrawals().isEmpty() && (c.action() == Action.WITHDRAW || c.action() == Action.NO_OP)) {
        // Withdrawing is said step by step, each with its own symbol, as the registry will see it.
        for (WithdrawStep w : c.withdrawals()) {
          out.append("  ").append(colour(style, w)).append(' ').append(pad(Text.terminal(c.address().toString()), width))
              .append("  ").append(Text.terminal(w.describe())).append('\n');
        }
        written.run();
        continue;
      }
      String symbol = colour(style, c.action(), c.action().symbol());
      out.append("  ").append(symbol).append(' ')
          .append(pad(Text.terminal(c.address().toString()), width)).append("  ")
          .append(Text.terminal(String.join("; ", c.reasons()))).append('\n');
      List<String> notes = c.after() == null ? List.of() : c.after().notes();
      if (c.action() == Action.NO_OP || c.action() == Action.UNKNOWN) {
        // What the release resolved against is detail; a warning is shown even when nothing is written.
        notes.stream().filter(n -> n.startsWith("warning: ")).forEach(n -> note(out, style, n));
        written.run();
        continue;
      }
      for (PlannedChange.ItemChange i : c.items()) {
        String mark = i.before() == null ? style.green("+") : style.yellow("~");
        String after = i.after() == null ? style.dim("(known after build)") : Text.terminal(i.after());
        out.append("      ").append(mark).append(' ').append(Text.terminal(i.item())).append(": ")
            .append(i.before() == null ? after : Text.terminal(i.before()) + " -> " + after).append('\n');
      }
      notes.forEach(n -> note(out, style, n));
      for (WithdrawStep w : c.withdrawals()) {
        out.append("      ").append(colour(style, w)).append(' ').append(Text.terminal(w.describe())).append('\n');
      }
      written.run();
    }
    out.append('\n').append(summary(plan)).append('\n');
  }

  private static void note(StringBuilder out, Style style, String note) {
    out.append("      ").append(note.startsWith("warning: ") ? style.yellow("! " + Text.terminal(note))
        : "= " + Text.terminal(note)).append('\n');
  }

  static String summary(Plan plan) {
    Map<Action, Integer> s = plan.summary();
    long manual = plan.changes().stream().flatMap(c -> c.withdrawals().stream()).filter(WithdrawStep::manual).count();
    boolean withdrawing = plan.changes().stream().anyMatch(c -> !c.withdrawals().isEmpty()
        && c.reasons().stream().anyMatch(r -> r.contains(" withdrawn on ")));
    if (!plan.hasChanges() && s.get(Action.BLOCKED) == 0 && s.get(Action.DRIFT) == 0 && s.get(Action.UNKNOWN) == 0) {
      return withdrawing || manual > 0 ? "No changes. The withdrawals are done as far as each registry allows"
          + (manual == 0 ? "." : "; " + manual + " manual step" + (manual == 1 ? " is" : "s are") + " listed above.")
          : "No changes. Every registry already holds " + plan.release() + " " + plan.version() + ".";
    }
    StringBuilder out = new StringBuilder("Plan: ").append(s.get(Action.CREATE)).append(" to publish, ")
        .append(s.get(Action.UPDATE)).append(" to update, ");
    if (s.get(Action.WITHDRAW) > 0) {
      out.append(s.get(Action.WITHDRAW)).append(" to withdraw from, ");
    }
    if (manual > 0) {
      out.append(manual).append(" manual step").append(manual == 1 ? "" : "s").append(", ");
    }
    out.append(s.get(Action.NO_OP)).append(" up to date, ");
    if (s.get(Action.DRIFT) > 0) {
      out.append(s.get(Action.DRIFT)).append(" drifted, ");
    }
    if (s.get(Action.UNKNOWN) > 0) {
      out.append(s.get(Action.UNKNOWN)).append(" unknown, ");
    }
    return out.append(s.get(Action.BLOCKED)).append(" blocked.").toString();
  }

  private static String colour(Style style, WithdrawStep w) {
    return switch (w.kind().symbol()) {
      case "+" -> style.green(w.kind().symbol());
      case "~" -> style.yellow(w.kind().symbol());
      default -> style.red(w.kind().symbol());
    };
  }

  private static String colour(Style style, Action a, String text) {
    return switch (a) {
      case CREATE -> style.green(text);
      case UPDATE -> style.yellow(text);
      case DRIFT, BLOCKED -> style.red(text);
      default -> text;
    };
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}
