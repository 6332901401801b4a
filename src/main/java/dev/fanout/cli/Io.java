package dev.fanout.cli;

import dev.fanout.output.Redactor;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Where a command writes and what it may read of its surroundings, passed in so that tests
 * drive the real CLI in-process.
 *
 * @param out stdout, redacted by {@code redactor} as it is written
 * @param err stderr, redacted the same way
 * @param interactive stdin and stdout are a terminal: colours, progress lines and prompts
 * @param redactor the run's secrets: the engine teaches it those of the release files, and
 *     every other sink of the run (journal, reports, plan files) is made with it
 */
record Io(PrintWriter out, PrintWriter err, Map<String, String> env, boolean interactive, java.io.BufferedReader in,
    Redactor redactor) { }
