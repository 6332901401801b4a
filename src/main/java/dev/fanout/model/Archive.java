package dev.fanout.model;

import java.util.List;

/**
 * How an artifact is made by packing others, as GoReleaser's archives are: the binary under
 * the name it is run by, beside the project's README, LICENSE and completions.
 *
 * @param format {@code tar.gz} or {@code zip}
 * @param binary the artifact whose file is the archive's executable
 * @param bin the binary's path inside the archive, such as {@code tool} or {@code tool.exe}:
 *     what Homebrew's {@code bin.install}, Scoop's {@code bin} and WinGet's
 *     {@code NestedInstallerFiles} name
 * @param files other files, relative to the release file's folder, kept under their own names
 */
public record Archive(String format, Address binary, String bin, List<String> files) {

  public Archive {
    files = List.copyOf(files);
  }
}
