package dev.fanout.providers.aur;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fanout.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AurPackageTest {

  @TempDir
  Path tmp;

  private static AurPackage pkg(String fileSuffix) {
    Map<String, AurPackage.Source> sources = new LinkedHashMap<>();
    sources.put("x86_64", new AurPackage.Source("tool-linux-amd64" + fileSuffix,
        "https://github.com/acme/tool/releases/download/v1.0.35/tool-linux-amd64" + fileSuffix, "a".repeat(64)));
    sources.put("aarch64", new AurPackage.Source("tool-linux-arm64" + fileSuffix,
        "https://github.com/acme/tool/releases/download/v1.0.35/tool-linux-arm64" + fileSuffix, "b".repeat(64)));
    return new AurPackage("tool-bin", "1.0.35", 2, "A tool's   description with 'quotes' and $dollars", "https://example.org",
        List.of("MIT", "Apache-2.0"), List.of("glibc"), List.of("tool"), List.of("tool", "tool-git"), sources, "tool");
  }

  /** makepkg refuses to run as root; -F with a fake key skips that check and nothing else for --printsrcinfo. */
  private String makepkgSrcinfo(AurPackage pkg) throws Exception {
    return makepkgSrcinfo(pkg.pkgbuild());
  }

  private String makepkgSrcinfo(String pkgbuild) throws Exception {
    Tools.require("makepkg", "apt-get install makepkg");
    Path dir = Files.createDirectories(tmp.resolve("pkg"));
    Files.writeString(dir.resolve("PKGBUILD"), pkgbuild, StandardCharsets.UTF_8);
    boolean root = "root".equals(System.getProperty("user.name"));
    Tools.Result r = root
        ? Tools.run(dir, Map.of("PACMAN", "true", "FAKEROOTKEY", "fanout"), "makepkg", "-F", "--printsrcinfo")
        : Tools.run(dir, Map.of("PACMAN", "true"), "makepkg", "--printsrcinfo");
    assertEquals(0, r.exit(), r.output());
    return r.output();
  }

  @Test
  void srcinfoIsByteForByteWhatMakepkgPrintsForBareBinaries() throws Exception {
    AurPackage pkg = pkg("");

    assertEquals(makepkgSrcinfo(pkg), pkg.srcinfo());
  }

  @Test
  void srcinfoIsByteForByteWhatMakepkgPrintsForArchives() throws Exception {
    AurPackage pkg = pkg(".tar.gz");

    assertEquals(makepkgSrcinfo(pkg), pkg.srcinfo());
  }

  @Test
  void sameInputsGiveSameFiles() {
    assertEquals(pkg("").pkgbuild(), pkg("").pkgbuild());
    assertEquals(pkg("").srcinfo(), pkg("").srcinfo());
  }

  @Test
  void itemsLeaveOutPkgrelSoABumpIsNotADifference() {
    assertEquals(pkg("").items(), pkg("").withPkgrel(7).items());
  }

  @Test
  void aWithdrawalsEpochIsWhereMakepkgPrintsItAndPacmanRanksTheOlderVersionAboveTheWithdrawnOne() throws Exception {
    AurPackage older = pkg("");
    String pkgbuild = AurWithdrawal.pkgbuildWithEpoch(older.pkgbuild(), 1);
    Path vercmp = Tools.require("vercmp", "apt-get install makepkg");

    assertEquals(makepkgSrcinfo(pkgbuild), AurWithdrawal.srcinfoWithEpoch(older.srcinfo(), 1));
    assertEquals(older.pkgbuild(), AurWithdrawal.pkgbuildWithEpoch(pkgbuild, 0), "epoch 0 is no epoch line");
    assertEquals(pkgbuild, AurWithdrawal.pkgbuildWithEpoch(AurWithdrawal.pkgbuildWithEpoch(pkgbuild, 3), 1), "replaced, never doubled");
    // pacman's own comparison: 1:1.0.34-1 is newer than 1.0.35-1, and a later 1.0.36 needs the epoch too.
    assertEquals("1", Tools.run(tmp, Map.of(), vercmp.toString(), "1:1.0.34-1", "1.0.35-1").output().trim());
    assertEquals("-1", Tools.run(tmp, Map.of(), vercmp.toString(), "1.0.36-1", "1:1.0.34-1").output().trim());
    assertEquals(1, AurWithdrawal.epochFor("1.0.35", 0, "1.0.34", 0));
    assertEquals(2, AurWithdrawal.epochFor("1.0.35", 1, "1.0.34", 1));
    assertEquals(1, AurWithdrawal.epochFor("1.0.35", 1, "1.0.36", 0), "going up keeps the epoch");
  }
}
