package dev.fanout.providers.npm;

import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real npm client, pointed at one registry with one token, isolated from the machine's
 * own npm configuration and cache. Public so that GitHub Packages' tests drive it too.
 */
public final class NpmCli {

  private final Path npm;
  private final Path home;
  private final String registry;

  /** Writes an .npmrc for {@code registry} with {@code token} (none when null) under {@code home}. */
  public NpmCli(Path home, String registry, String token) throws IOException {
    this.npm = Tools.require("npm", "apt-get install npm");
    this.home = home;
    this.registry = registry.endsWith("/") ? registry : registry + "/";
    Files.createDirectories(home);
    String hostPath = this.registry.replaceFirst("^https?:", "");
    String rc = "registry=" + this.registry + "\n" + (token == null ? "" : hostPath + ":_authToken=" + token + "\n");
    Files.writeString(home.resolve(".npmrc"), rc);
  }

  /** Runs {@code npm args...} in {@code dir}; never throws on a failing exit code. */
  public Tools.Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(npm.toString());
    command.addAll(List.of(args));
    command.add("--registry=" + registry);
    return Tools.run(dir, env(), command.toArray(String[]::new));
  }

  public Map<String, String> env() {
    return Map.of(
        "npm_config_userconfig", home.resolve(".npmrc").toString(),
        "npm_config_cache", home.resolve("cache").toString(),
        "npm_config_prefer_online", "true",
        "npm_config_audit", "false",
        "npm_config_fund", "false",
        "npm_config_update_notifier", "false",
        "npm_config_loglevel", "warn");
  }

  /** A minimal project to publish: package.json and one bin script that prints {@code greeting}. */
  public static Path project(Path dir, String name, String version, String greeting) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("package.json"), """
        {"name": "%s", "version": "%s", "description": "a test package",
         "license": "MIT", "bin": {"hello": "hello.js"}}
        """.formatted(name, version));
    Files.writeString(dir.resolve("hello.js"), "#!/usr/bin/env node\nconsole.log(" + quote(greeting) + ");\n");
    return dir;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
