package dev.fanout.providers.pypi;

import dev.fanout.model.Publication;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import dev.fanout.model.Release;
import dev.fanout.provider.Problem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code pypi "NAME" {...}}: on PyPI, platform wheels that carry the release's binaries, or the
 * project's own wheels and sdists.
 */
public final class PypiProviderFactory implements ProviderFactory {

  /** What a launcher wheel is made from; a project's own file carries it in its metadata. */
  private static final List<String> LAUNCHER_ONLY = List.of("summary", "entry_point", "sdist");

  @Override
  public String type() {
    return "pypi";
  }

  @Override
  public String description() {
    return "Python Package Index: the project's own wheels and sdists, or one wheel per platform wrapping the binary";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("project", Schema.Type.STRING, "the PyPI project name")
        .optional("binaries", Schema.Type.ARTIFACTS, "the binaries to wrap, one wheel per platform")
        .optional("files", Schema.Type.LIST, "the project's own wheels and sdists: paths or globs relative to the"
            + " release file (\"dist/*\"), or artifacts such as a build step's outputs; each is checked as twine"
            + " check --strict does")
        .optional("summary", Schema.Type.STRING, "one-line summary; defaults to the release description")
        .optional("entry_point", Schema.Type.STRING, "console script name; defaults to the project name")
        .optional("sdist", Schema.Type.BOOL, "also upload a source distribution (a launcher without a binary); default false")
        .exactlyOne("binaries", "files")
        .build();
  }

  /** The project's own files are checked before the plan: their metadata, tags and description. */
  @Override
  public List<Problem> validate(Publication publication, Path releaseDir, Release release) {
    if (publication.attributes().get("files") == null) {
      return List.of();
    }
    List<Problem> out = new ArrayList<>();
    for (String attribute : LAUNCHER_ONLY) {
      if (publication.attributes().get(attribute) != null) {
        out.add(new Problem(attribute, "\"" + attribute + "\" applies to binaries only; with files, each file's"
            + " metadata says it"));
      }
    }
    List<OwnFiles.Named> files;
    try {
      // An artifact is checked once it is built: at plan time, by the provider.
      files = OwnFiles.of(publication, releaseDir, a -> null);
    } catch (IOException e) {
      out.add(new Problem("files", e.getMessage()));
      return out;
    }
    for (OwnFiles.Named f : files) {
      if (f.path() == null) {
        continue;
      }
      try {
        OwnDistribution d = OwnDistribution.read(f.path());
        d.problems(publication.string("project"), release == null ? null : release.version())
            .forEach(p -> out.add(new Problem("files", p)));
      } catch (IOException e) {
        out.add(new Problem("files", e.getMessage()));
      }
    }
    return out;
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("repository", Schema.Type.STRING, "upload URL (legacy API); default https://upload.pypi.org/legacy/")
        .optional("index", Schema.Type.STRING, "index URL serving the JSON API; default https://pypi.org")
        .sensitive("token", "PyPI API token (starts with pypi-)")
        .optional("trusted_publishing", Schema.Type.BOOL, "true: inside GitHub Actions (permissions: id-token: write),"
            + " mint a 15-minute upload token from the job's ID token instead of using a token; the project's trusted"
            + " publisher (or, for a new project, a pending publisher) on PyPI must name this repository and workflow")
        .build();
  }

  @Override
  public Map<String, String> endpoints() {
    return Map.of("repository", "https://upload.pypi.org/legacy/", "index", "https://pypi.org");
  }

  @Override
  public Map<String, String> sandboxEndpoints() {
    // The emulator takes uploads at its root as well as at /legacy/, so one base URL serves both.
    return Map.of("repository", "pypi", "index", "pypi");
  }

  @Override
  public Traits traits() {
    // The JSON API is cached behind a CDN (Cache-Control: max-age=900).
    return Traits.immutable().withVisibility(Duration.ofMinutes(15));
  }

  @Override
  public String identity(Publication publication) {
    // PEP 503: names differing only in case and runs of -, _ and . are one project.
    String project = publication.string("project");
    return project == null ? null : "project " + project.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-");
  }

  @Override
  public Provider create(ProviderContext context) {
    return new PypiProvider(context);
  }
}
