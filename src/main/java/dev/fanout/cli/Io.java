package dev.fanout.cli;

import java.io.PrintWriter;
import java.util.Map;

/**
 * Where a command writes and what it may read of its surroundings, passed in so that tests
 * drive the real CLI in-process.
 *
 * @param interactive stdin and stdout are a terminal: colours, progress lines and prompts
 */
record Io(PrintWriter out, PrintWriter err, Map<String, String> env, boolean interactive, java.io.BufferedReader in) { }
