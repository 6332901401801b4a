package dev.fanout.providers.pypi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code multipart/form-data} body, as twine and the provider send to
 * {@code /legacy/}: text fields (some repeated, such as {@code classifiers}) and file parts.
 */
record Multipart(Map<String, List<String>> fields, Map<String, FilePart> files) {

  record FilePart(String filename, byte[] content) { }

  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private static final Pattern NAME = Pattern.compile("\\bname=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("\\bfilename=\"([^\"]*)\"");

  String field(String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Parses the body; throws IllegalArgumentException when it is not well-formed multipart. */
  static Multipart parse(String contentType, byte[] body) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new IllegalArgumentException("expected multipart/form-data, got " + contentType);
    }
    Matcher b = BOUNDARY.matcher(contentType);
    if (!b.find()) {
      throw new IllegalArgumentException("multipart body without a boundary");
    }
    byte[] delimiter = ("--" + b.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    Map<String, List<String>> fields = new LinkedHashMap<>();
    Map<String, FilePart> files = new LinkedHashMap<>();
    int pos = indexOf(body, delimiter, 0);
    if (pos < 0) {
      throw new IllegalArgumentException("multipart boundary not found in the body");
    }
    while (true) {
      int afterDelimiter = pos + delimiter.length;
      if (afterDelimiter + 1 < body.length && body[afterDelimiter] == '-' && body[afterDelimiter + 1] == '-') {
        break;
      }
      int headersStart = afterDelimiter + 2;
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      int next = indexOf(body, delimiter, headersStart);
      if (headersEnd < 0 || next < 0) {
        throw new IllegalArgumentException("truncated multipart body");
      }
      String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      int contentStart = headersEnd + 4;
      int contentEnd = next - 2; // the CRLF before the delimiter belongs to the delimiter
      byte[] content = java.util.Arrays.copyOfRange(body, contentStart, Math.max(contentStart, contentEnd));
      Matcher name = NAME.matcher(headers);
      if (name.find()) {
        Matcher filename = FILENAME.matcher(headers);
        if (filename.find()) {
          files.put(name.group(1), new FilePart(filename.group(1), content));
        } else {
          fields.computeIfAbsent(name.group(1), k -> new ArrayList<>())
              .add(new String(content, StandardCharsets.UTF_8));
        }
      }
      pos = next;
    }
    return new Multipart(fields, files);
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
