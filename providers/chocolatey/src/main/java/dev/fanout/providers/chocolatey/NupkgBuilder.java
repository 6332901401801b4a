package dev.fanout.providers.chocolatey;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a Chocolatey {@code .nupkg}: a zip (OPC package) holding {@code {id}.nuspec} at the
 * root, {@code tools/chocolateyInstall.ps1} that downloads the Windows asset and checks its
 * sha256, and the OPC parts NuGet expects. The same inputs give the same bytes: entries in
 * sorted order, one fixed local timestamp, a fixed compression level.
 */
final class NupkgBuilder {

  /** What goes into the nuspec's metadata. Optional fields may be null. */
  record Spec(String id, String version, String authors, String description, String projectUrl,
      String packageSourceUrl, String licenseUrl, String tags) { }

  /**
   * One download the install script fetches.
   *
   * @param bits 64 or 32: which of Chocolatey's {@code Url}/{@code Url64bit} pairs it fills
   */
  record Download(String name, String url, String sha256, int bits) { }

  // A local date keeps the bytes independent of the time zone (and 1980-01-01 would add an extra field).
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private NupkgBuilder() {
  }

  static String fileName(Spec spec) {
    return spec.id() + "." + spec.version() + ".nupkg";
  }

  static byte[] build(Spec spec, List<Download> downloads) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    entries.put(spec.id() + ".nuspec", utf8(nuspec(spec)));
    entries.put("tools/chocolateyInstall.ps1", utf8(installScript(spec.id(), downloads)));
    entries.put("[Content_Types].xml", utf8(contentTypes()));
    entries.put("_rels/.rels", utf8(rels(spec.id())));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(Deflater.DEFAULT_COMPRESSION);
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setTimeLocal(FIXED_TIME);
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  static String nuspec(Spec spec) {
    // The 2010/07 schema: choco accepts it, and so does NuGet 2.8 (which refuses the 2015/06 one).
    StringBuilder x = new StringBuilder();
    x.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.append("<package xmlns=\"http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd\">\n");
    x.append("  <metadata>\n");
    element(x, "id", spec.id());
    element(x, "version", spec.version());
    element(x, "title", spec.id());
    element(x, "authors", spec.authors());
    element(x, "projectUrl", spec.projectUrl());
    element(x, "packageSourceUrl", spec.packageSourceUrl());
    element(x, "licenseUrl", spec.licenseUrl());
    element(x, "requireLicenseAcceptance", "false");
    element(x, "tags", spec.tags());
    element(x, "description", spec.description());
    x.append("  </metadata>\n");
    x.append("  <files>\n    <file src=\"tools\\**\" target=\"tools\" />\n  </files>\n");
    x.append("</package>\n");
    return x.toString();
  }

  /**
   * A zip asset is unpacked into the package's tools folder (Chocolatey shims the exes it
   * finds there); any other file is downloaded there as is.
   */
  static String installScript(String id, List<Download> downloads) {
    StringBuilder ps = new StringBuilder();
    ps.append("$ErrorActionPreference = 'Stop'\n");
    ps.append("$toolsDir = \"$(Split-Path -Parent $MyInvocation.MyCommand.Definition)\"\n\n");
    ps.append("$packageArgs = @{\n");
    arg(ps, "PackageName", "'" + ps(id) + "'");
    Download first = downloads.isEmpty() ? null : downloads.get(0);
    for (Download d : downloads) {
      String suffix = d.bits() == 64 ? "64" : "";
      arg(ps, d.bits() == 64 ? "Url64bit" : "Url", "'" + ps(d.url()) + "'");
      arg(ps, "Checksum" + suffix, "'" + d.sha256() + "'");
      arg(ps, "ChecksumType" + suffix, "'sha256'");
    }
    boolean zip = first != null && first.name().toLowerCase(java.util.Locale.ROOT).endsWith(".zip");
    if (zip) {
      arg(ps, "UnzipLocation", "$toolsDir");
      ps.append("}\n\n");
      ps.append("Install-ChocolateyZipPackage @packageArgs\n");
    } else {
      String target = first == null ? id + ".exe" : first.name();
      arg(ps, "FileFullPath", "(Join-Path $toolsDir '" + ps(target) + "')");
      ps.append("}\n\n");
      ps.append("Get-ChocolateyWebFile @packageArgs\n");
    }
    return ps.toString();
  }

  private static String contentTypes() {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\" />"
        + "<Default Extension=\"nuspec\" ContentType=\"application/octet\" />"
        + "<Default Extension=\"ps1\" ContentType=\"application/octet\" />"
        + "</Types>\n";
  }

  private static String rels(String id) {
    // The relationship id must be stable for reproducible bytes; NuGet only reads the target.
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Type=\"http://schemas.microsoft.com/packaging/2010/07/manifest\" Target=\"/"
        + xml(id) + ".nuspec\" Id=\"R0000000000000001\" />"
        + "</Relationships>\n";
  }

  private static void element(StringBuilder x, String name, String value) {
    if (value != null && !value.isBlank()) {
      x.append("    <").append(name).append('>').append(xml(value)).append("</").append(name).append(">\n");
    }
  }

  static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** A PowerShell single-quoted string doubles its quotes. */
  private static String ps(String s) {
    return s.replace("'", "''");
  }

  private static void arg(StringBuilder ps, String name, String value) {
    ps.append("  ").append(name).append(" ".repeat(Math.max(1, 15 - name.length()))).append("= ").append(value).append('\n');
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
