package dev.fanout.providers.pypi;

import dev.fanout.model.Publication;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import dev.fanout.provider.Traits;
import java.time.Duration;
import java.util.Map;

/** {@code pypi "NAME" {...}}: platform wheels that carry the release's binaries, on PyPI. */
public final class PypiProviderFactory implements ProviderFactory {

  @Override
  public String type() {
    return "pypi";
  }

  @Override
  public String description() {
    return "Python Package Index: one wheel per platform wrapping the binary, installable with pip";
  }

  @Override
  public Schema schema() {
    return Schema.builder()
        .required("project", Schema.Type.STRING, "the PyPI project name")
        .required("binaries", Schema.Type.ARTIFACTS, "the binaries to wrap, one wheel per platform")
        .optional("summary", Schema.Type.STRING, "one-line summary; defaults to the release description")
        .optional("entry_point", Schema.Type.STRING, "console script name; defaults to the project name")
        .optional("sdist", Schema.Type.BOOL, "also upload a source distribution (a launcher without a binary); default false")
        .build();
  }

  @Override
  public Schema settingsSchema() {
    return Schema.builder()
        .optional("repository", Schema.Type.STRING, "upload URL (legacy API); default https://upload.pypi.org/legacy/")
        .optional("index", Schema.Type.STRING, "index URL serving the JSON API; default https://pypi.org")
        .sensitive("token", "PyPI API token (starts with pypi-)")
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
