package dev.fanout.providers.maven_central;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What Central requires of a pom (https://central.sonatype.org/publish/requirements/: name,
 * description, url, licenses, developers, scm), checked on the pom as it will be uploaded,
 * before the plan, so that a module's pom that lacks one fails {@code fanout validate}
 * instead of the Portal's validation minutes after the upload.
 */
final class CentralPom {

  private CentralPom() {
  }

  /** Each element Central needs that {@code pom} lacks, as {@code <licenses><license>}; empty when it has them all. */
  static List<String> missing(byte[] pom) throws java.io.IOException {
    Element project = project(pom);
    List<String> out = new ArrayList<>();
    for (String element : List.of("name", "description", "url")) {
      if (text(child(project, element)) == null) {
        out.add("<" + element + ">");
      }
    }
    if (child(child(project, "licenses"), "license") == null) {
      out.add("<licenses><license>");
    }
    if (child(child(project, "developers"), "developer") == null) {
      out.add("<developers><developer>");
    }
    if (text(child(child(project, "scm"), "url")) == null) {
      out.add("<scm><url>");
    }
    return out;
  }

  /** The pom's own {@code groupId} (or its parent's) and {@code artifactId}, as "group:artifact". */
  static String coordinates(byte[] pom) throws java.io.IOException {
    Element project = project(pom);
    String group = text(child(project, "groupId"));
    return (group != null ? group : text(child(child(project, "parent"), "groupId"))) + ":"
        + text(child(project, "artifactId"));
  }

  private static Element project(byte[] pom) throws java.io.IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Element root = f.newDocumentBuilder().parse(new ByteArrayInputStream(pom)).getDocumentElement();
      if (!root.getLocalName().equals("project")) {
        throw new java.io.IOException("its root element is <" + root.getLocalName() + ">, not <project>");
      }
      return root;
    } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
      throw new java.io.IOException("it is not XML: " + e.getMessage(), e);
    }
  }

  /** The first child element named {@code name}, or null (also when {@code parent} is null). */
  static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element e) {
    return e == null || e.getTextContent().isBlank() ? null : e.getTextContent().trim();
  }
}
