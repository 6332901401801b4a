package dev.fanout.providers.npm;

import dev.fanout.model.Publication;
import dev.fanout.provider.Problem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code fanout validate} checks in an {@code npm} or {@code github_packages} block
 * beyond its schema, without the network: a valid package name (scoped and lowercase where
 * the registry wants it), and for a package folder, that package.json names the same package
 * and may be published. The same checks stop a plan, so a file that validates plans.
 */
public final class NpmValidation {

  /** Attributes that say what package.json says for a folder, so only a binaries package takes them. */
  private static final List<String> BINARIES_ONLY = List.of("launcher", "mode", "description", "keywords");

  private NpmValidation() {
  }

  /** @param releaseDir the folder of the release files, which {@code directory} is relative to */
  public static List<Problem> problems(Publication publication, Path releaseDir, NpmProvider.Flavour flavour) {
    List<Problem> out = new ArrayList<>();
    String name = publication.string("package");
    String nameProblem = name == null ? null : nameProblem(name, flavour);
    if (nameProblem != null) {
      out.add(new Problem("package", nameProblem));
    }
    String directory = publication.string("directory");
    if (directory == null) {
      return out;
    }
    for (String attribute : BINARIES_ONLY) {
      if (publication.attributes().get(attribute) != null) {
        out.add(new Problem(attribute, "\"" + attribute + "\" applies to binaries only; with directory, package.json says it"));
      }
    }
    NpmFolder folder;
    try {
      folder = NpmFolder.read(releaseDir.resolve(directory));
    } catch (IOException e) {
      out.add(new Problem("directory", e.getMessage()));
      return out;
    }
    if (name != null && !name.equals(folder.name())) {
      out.add(new Problem("package", "package \"" + name + "\" is not the name in " + directory + "/package.json, "
          + (folder.name() == null ? "which has none" : "\"" + folder.name() + "\"")));
    }
    if (folder.isPrivate()) {
      out.add(new Problem("directory", directory + "/package.json is \"private\": true, which npm refuses to publish"));
    }
    Path root = releaseDir.toAbsolutePath().normalize();
    for (NpmLocalDependencies.Local l : NpmLocalDependencies.of(folder.manifest(), releaseDir.resolve(directory))) {
      if (l.folder() == null) {
        continue;
      }
      if (!l.folder().toAbsolutePath().normalize().startsWith(root)) {
        out.add(new Problem("directory", directory + "/package.json: " + l.key() + " is \"" + l.spec() + "\", a folder"
            + " outside the release; the registry cannot resolve it: publish that package from this release too,"
            + " or depend on a published version"));
      } else {
        try {
          l.packageName();
        } catch (IOException e) {
          out.add(new Problem("directory", directory + "/package.json: " + l.key() + " is \"" + l.spec() + "\", but "
              + e.getMessage()));
        }
      }
    }
    return out;
  }

  /**
   * The packages a folder's local dependencies name ({@code workspace:}, {@code file:},
   * {@code link:}), as identities: the release must publish them, and first.
   */
  public static List<String> needs(Publication publication, Path releaseDir) {
    String directory = publication.string("directory");
    if (directory == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try {
      NpmFolder folder = NpmFolder.read(releaseDir.resolve(directory));
      for (NpmLocalDependencies.Local l : NpmLocalDependencies.of(folder.manifest(), releaseDir.resolve(directory))) {
        if (l.installed()) {
          out.add("package " + l.packageName());
        }
      }
    } catch (IOException e) {
      // Reported by problems() at validate.
    }
    return out;
  }

  /** Why the registry would refuse the package name, or null when it takes it. */
  static String nameProblem(String name, NpmProvider.Flavour flavour) {
    if (!NpmNames.isValid(name)) {
      return "\"" + name + "\" is not a valid npm package name";
    }
    if (flavour.scopedOnly() && (!NpmNames.isScoped(name) || !name.equals(NpmNames.lower(name)))) {
      return flavour.registry() + " holds only lowercase scoped packages (@owner/name); \"" + name + "\" is not one";
    }
    return null;
  }
}
