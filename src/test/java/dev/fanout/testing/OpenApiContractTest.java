package dev.fanout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checker behind the GitHub contract test finds each kind of difference it claims to. */
class OpenApiContractTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static OpenApiContract github;

  @BeforeAll
  static void load() throws Exception {
    github = new OpenApiContract(Octokit.openApi());
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void operationsAreFoundByTemplateLiteralSegmentsFirstAndAGreedyLastParameter() {
    assertEquals("repos/get-latest-release", github.find("GET", "/repos/o/r/releases/latest").id());
    assertEquals("repos/get-release", github.find("GET", "/repos/o/r/releases/12").id());
    assertEquals("repos/get-content", github.find("GET", "/repos/o/r/contents/Formula/tool.rb").id());
    assertEquals("git/get-ref", github.find("GET", "/repos/o/r/git/ref/heads/main").id());
    assertNull(github.find("GET", "/repos/o/r/no-such-thing/1/2/3"));
  }

  @Test
  void eachKindOfDifferenceIsNamedWithTheOperation() throws Exception {
    List<String> unknown = github.check("GET", "/nope", Map.of(), null, 200, Map.of(), null);
    List<String> missingName = github.check("POST", "/repos/o/r/releases/1/assets", Map.of(), null, 201,
        Map.of(), null);
    List<String> noTag = github.check("POST", "/repos/o/r/releases", Map.of(), json("{\"name\": \"x\"}"), 404,
        Map.of(), json("{\"message\": \"Not Found\", \"documentation_url\": \"d\"}"));
    List<String> undocumented = github.check("GET", "/repos/o/r/releases/1", Map.of(), null, 418, Map.of(), null);
    List<String> noLocation = github.check("POST", "/repos/o/r/git/refs", Map.of(),
        json("{\"ref\": \"refs/heads/x\", \"sha\": \"abc\"}"), 201, Map.of(),
        json("{\"ref\": \"refs/heads/x\", \"node_id\": \"n\", \"url\": \"u\", \"object\": {\"type\": \"commit\","
            + " \"sha\": \"abc\", \"url\": \"u\"}}"));
    List<String> wrongType = github.check("GET", "/repos/o/r/git/ref/heads/x", Map.of(), null, 200, Map.of(),
        json("{\"ref\": \"refs/heads/x\", \"node_id\": 5, \"url\": \"u\", \"object\": {\"type\": \"commit\","
            + " \"sha\": null, \"url\": \"u\"}}"));

    assertEquals(List.of("GET /nope: no such operation in GitHub's OpenAPI description"), unknown);
    assertTrue(missingName.get(0).startsWith("repos/upload-release-asset") && missingName.get(0).contains("'name'"),
        missingName.toString());
    assertTrue(noTag.toString().contains("repos/create-release (POST /repos/{owner}/{repo}/releases) request body: $"
        + " lacks required property 'tag_name'"), noTag.toString());
    assertTrue(undocumented.get(0).contains("status 418 is not documented"), undocumented.toString());
    assertEquals(List.of("git/create-ref (POST /repos/{owner}/{repo}/git/refs): 201 without the Location header"
        + " the description declares"), noLocation);
    assertTrue(wrongType.contains("git/get-ref (GET /repos/{owner}/{repo}/git/ref/{ref}) response 200: $.node_id is"
        + " an integer, the description says string"), wrongType.toString());
    assertTrue(wrongType.contains("git/get-ref (GET /repos/{owner}/{repo}/git/ref/{ref}) response 200: $.object.sha is"
        + " null, the description does not allow null"), wrongType.toString());
  }
}
