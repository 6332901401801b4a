package dev.fanout.providers.nix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NixPackageTest {

  @TempDir
  Path tmp;

  private static NixPackage pkg(boolean archive, String description) {
    Map<String, NixPackage.Source> sources = new LinkedHashMap<>();
    sources.put("x86_64-linux", new NixPackage.Source("https://example.org/tool-linux-amd64" + (archive ? ".tar.gz" : ""),
        "a".repeat(64), archive));
    sources.put("aarch64-darwin", new NixPackage.Source("https://example.org/tool-darwin-arm64" + (archive ? ".tar.gz" : ""),
        "b".repeat(64), archive));
    return new NixPackage("tool", "1.0.35", sources, description, "https://example.org", NixPackage.license("Apache-2.0"),
        "tool", "tool");
  }

  private Tools.Result parse(String nix) throws Exception {
    Tools.require("nix-instantiate", "apt-get install nix-bin");
    Path file = tmp.resolve("package.nix");
    Files.writeString(file, nix);
    return Tools.run(tmp, Map.of(), "nix-instantiate", "--parse", file.toString());
  }

  @Test
  void bareBinaryPackageParses() throws Exception {
    Tools.Result r = parse(pkg(false, "A tool").nix());

    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void archivePackageWithQuotesAndInterpolationInDescriptionParses() throws Exception {
    Tools.Result r = parse(pkg(true, "A \"quoted\" ${not interpolated} \\ tool").nix());

    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void hashIsSriOfTheSha256() {
    assertEquals("sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=",
        NixPackage.sri("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
  }

  @Test
  void itemsReadBackFromTheFileEqualTheGeneratedOnes() {
    NixPackage pkg = pkg(false, "A \"quoted\" tool");

    assertEquals(pkg.items(), NixPackage.items(pkg.nix()));
    assertEquals("1.0.35", NixPackage.version(pkg.nix()));
  }

  @Test
  void spdxLicensesMapToLibLicenses() {
    assertEquals("mit", NixPackage.license("MIT"));
    assertEquals("asl20", NixPackage.license("Apache-2.0"));
    assertEquals("unfree", NixPackage.license("LicenseRef-Proprietary"));
    assertTrue(pkg(false, "x").nix().contains("license = lib.licenses.asl20;"));
  }

  @Test
  void pathUsesTheTwoLetterShard() {
    assertEquals("pkgs/by-name/co/contextlite/package.nix", NixPackage.path("contextlite"));
    assertEquals("pkgs/by-name/gi/GitLab-cli/package.nix", NixPackage.path("GitLab-cli"));
  }
}
