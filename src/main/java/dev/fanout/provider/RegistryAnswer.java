package dev.fanout.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import okhttp3.Response;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

/**
 * The body of a registry's successful answer, read as the document it must be. A 200 that is
 * not that document (a proxy's or captive portal's HTML login page, a truncated answer) means
 * "cannot read", never "absent": every provider reads its answers here, so none of them
 * mistakes a login page for an empty registry and publishes behind it.
 */
public final class RegistryAnswer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int QUOTED = 80;

  private RegistryAnswer() { }

  /** The JSON body of {@code response}; consumes it. */
  public static JsonNode json(String registry, String operation, Response response)
      throws RegistryException, IOException {
    return json(registry, operation, response.code(), response.header("Content-Type"), response.body().bytes());
  }

  /**
   * {@code body} as JSON.
   *
   * @throws RegistryException naming the registry, the operation, the status and the content
   *     type when the body is empty or not JSON
   */
  public static JsonNode json(String registry, String operation, int status, String contentType, byte[] body)
      throws RegistryException {
    try {
      JsonNode node = body == null || body.length == 0 ? null : JSON.readTree(body);
      if (node != null && !node.isMissingNode()) {
        return node;
      }
    } catch (IOException notJson) {
      throw unreadable(registry, operation, status, contentType, body, "JSON", notJson);
    }
    throw unreadable(registry, operation, status, contentType, body, "JSON", null);
  }

  /** The XML body of {@code response}, whose root element must be {@code root}; consumes it. */
  public static Document xml(String registry, String operation, Response response, String root)
      throws RegistryException, IOException {
    return xml(registry, operation, response.code(), response.header("Content-Type"), response.body().bytes(), root);
  }

  /**
   * {@code body} as namespace-aware XML with DOCTYPEs refused (no entity expansion from a
   * registry), whose root element's local name is {@code root}: well-formed XHTML is XML too.
   */
  public static Document xml(String registry, String operation, int status, String contentType, byte[] body,
      String root) throws RegistryException {
    Document doc;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body == null ? new byte[0] : body));
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw unreadable(registry, operation, status, contentType, body, "XML", e);
    }
    if (!root.equals(doc.getDocumentElement().getLocalName())) {
      throw unreadable(registry, operation, status, contentType, body, "XML with a <" + root + "> root", null);
    }
    return doc;
  }

  /**
   * For an answer whose body is not read (a {@code HEAD}, a download): an HTML page where a
   * file was asked for is a proxy's page, not the file.
   */
  public static void refuseHtml(String registry, String operation, Response response) throws RegistryException {
    String type = response.header("Content-Type");
    if (response.isSuccessful() && type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("text/html")) {
      throw unreadable(registry, operation, response.code(), type, null, "the file asked for", null);
    }
  }

  /** The exception for an answer that is not the document expected. */
  public static RegistryException unreadable(String registry, String operation, int status, String contentType,
      byte[] body, String expected, Throwable cause) {
    String start = body == null ? "" : new String(body, 0, Math.min(body.length, QUOTED), StandardCharsets.UTF_8)
        .replaceAll("\\s+", " ").trim();
    String type = contentType == null || contentType.isBlank() ? "no content type" : contentType;
    String message = body == null || body.length == 0 ? "the answer is " + type + " without a body, not " + expected
        : "the answer is " + type + ", not " + expected + " (it starts \"" + start + "\")";
    return new RegistryException(registry, operation, status, message, false,
        "A proxy or captive portal may be answering for the registry; check the registry URL and the network", cause);
  }
}
