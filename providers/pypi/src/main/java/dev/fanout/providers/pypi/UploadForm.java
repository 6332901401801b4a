package dev.fanout.providers.pypi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The legacy upload's metadata fields for a project's own file, as twine sends them
 * (twine/package.py, {@code metadata_dictionary}): every core metadata header under its field
 * name, multiple-use headers once per value, and the long description as {@code description}.
 */
final class UploadForm {

  /** Headers whose field name is not the header's own (twine/package.py). */
  private static final Map<String, String> RENAMED = Map.of(
      "metadata-version", "metadata_version",
      "classifier", "classifiers",
      "project-url", "project_urls",
      "provides-extra", "provides_extras",
      "home-page", "home_page",
      "download-url", "download_url");

  private UploadForm() {
  }

  static List<Map.Entry<String, String>> of(OwnDistribution d) {
    List<Map.Entry<String, String>> form = new ArrayList<>();
    for (Map.Entry<String, List<String>> h : d.metadata().entrySet()) {
      if (h.getKey().equals("description")) {
        continue;
      }
      String field = RENAMED.getOrDefault(h.getKey(), h.getKey().replace('-', '_'));
      h.getValue().forEach(v -> form.add(Map.entry(field, v)));
    }
    form.add(Map.entry("filetype", d.filetype()));
    form.add(Map.entry("pyversion", d.pyversion()));
    if (d.description() != null && !d.description().isBlank()) {
      form.add(Map.entry("description", d.description()));
    }
    return form;
  }
}
