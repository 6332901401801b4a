package dev.fanout.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} for every command. Not picocli's standard mixin inherited from the root:
 * that also brings {@code -V, --version}, which drift uses for the release version to check.
 */
final class HelpOption {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;
}
