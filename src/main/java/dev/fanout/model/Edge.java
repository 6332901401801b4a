package dev.fanout.model;

/**
 * A dependency: {@code from} needs {@code to} first. Kept with its reason so a blocked
 * target can say why ("blocked: github_release.main failed").
 *
 * @param reason {@code references github_release.main.assets}, {@code depends_on}
 * @param where the file, line and column of the reference
 */
public record Edge(Address from, Address to, String reason, String where) { }
