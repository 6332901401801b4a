package dev.fanout.providers.pypi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fanout.model.Publication;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What warehouse's upload endpoint ({@code forklift/legacy.py}) refuses before it stores a file. */
class PypiUploadRulesTest {

  @TempDir
  Path dir;
  private final PypiEmulator pypi = new PypiEmulator();
  private ProviderHarness harness;

  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, pypi);
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"})
  void theMetadataVersionsWarehouseKnowsAreTaken(String metadataVersion) throws IOException {
    assertEquals("200 OK", upload(metadataVersion, "1.0.38", "demo-1.0.38-py3-none-any.whl"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.0", "2.6", "1.3"})
  void otherMetadataVersionsAreRefused(String metadataVersion) throws IOException {
    assertEquals("400 '" + metadataVersion + "' is an invalid value for Metadata-Version. Error: Use a known metadata"
        + " version. See https://packaging.python.org/specifications/core-metadata for more information.",
        upload(metadataVersion, "1.0.38", "demo-1.0.38-py3-none-any.whl"));
  }

  @Test
  void aLocalVersionIsRefused() throws IOException {
    assertEquals("400 '1.0.38+build.5' is an invalid value for Version. Error: Can't use PEP 440 local versions."
        + " See https://packaging.python.org/specifications/core-metadata for more information.",
        upload("2.1", "1.0.38+build.5", "demo-1.0.38+build.5-py3-none-any.whl"));
  }

  @Test
  void aDeletedFilesNameCannotBeUsedAgain() throws IOException {
    upload("2.1", "1.0.38", "demo-1.0.38-py3-none-any.whl");
    pypi.delete("demo-1.0.38-py3-none-any.whl");

    assertEquals("400 This filename has already been used, use a different version. See"
        + " https://pypi.org/help/#file-name-reuse for more information.",
        upload("2.1", "1.0.38", "demo-1.0.38-py3-none-any.whl"));
  }

  @Test
  void theProviderReadsALocalVersionAsRefusedBeforeUploading() throws Exception {
    harness.release(ProviderHarness.release("contextlite", "1.0.38+build.5", "desc"));
    Publication pub = ProviderHarness.publication("pypi", "contextlite").attribute("project", "contextlite")
        .attribute("binaries", harness.refs()).token("PYPI_TOKEN", TokenPolicy.SANDBOX_TOKEN).build();
    PypiProviderFactory factory = new PypiProviderFactory();
    dev.fanout.provider.Provider provider = factory.create(harness.context(factory, harness.artifacts(), true));

    RegistryState state = provider.read(pub);

    assertEquals("PyPI takes no PEP 440 local version and answers 400 \"'1.0.38+build.5' is an invalid value for"
        + " Version. Error: Can't use PEP 440 local versions.\"; release a version without the '+build.5' part",
        state.refusal());
  }

  /** One wheel upload as twine sends it; the status and the reason phrase, where warehouse puts its message. */
  private String upload(String metadataVersion, String version, String filename) throws IOException {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart(":action", "file_upload").addFormDataPart("protocol_version", "1")
        .addFormDataPart("metadata_version", metadataVersion).addFormDataPart("name", "demo")
        .addFormDataPart("version", version).addFormDataPart("filetype", "bdist_wheel")
        .addFormDataPart("pyversion", "py3")
        .addFormDataPart("content", filename, RequestBody.create("wheel bytes".getBytes(StandardCharsets.UTF_8),
            MediaType.get("application/octet-stream")))
        .build();
    Request request = new Request.Builder().url(harness.url("pypi") + "/legacy/")
        .header("Authorization", Credentials.basic("__token__", TokenPolicy.SANDBOX_TOKEN)).post(body).build();
    try (Response r = ProviderHarness.client().newCall(request).execute()) {
      return r.code() + " " + r.message();
    }
  }
}
