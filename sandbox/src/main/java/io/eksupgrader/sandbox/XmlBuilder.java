package io.eksupgrader.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;

/** Writes the small XML documents of the query protocols, escaping text; null values are left out. */
final class XmlBuilder {

  private final StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  private final Deque<String> open = new ArrayDeque<>();

  XmlBuilder(String root, String namespace) {
    out.append('<').append(root);
    if (namespace != null) {
      out.append(" xmlns=\"").append(escape(namespace)).append('"');
    }
    out.append('>');
    open.push(root);
  }

  XmlBuilder open(String element) {
    out.append('<').append(element).append('>');
    open.push(element);
    return this;
  }

  XmlBuilder close() {
    out.append("</").append(open.pop()).append('>');
    return this;
  }

  XmlBuilder text(String element, Object value) {
    if (value != null) {
      String text = value instanceof Instant t ? t.truncatedTo(ChronoUnit.MILLIS).toString() : value.toString();
      out.append('<').append(element).append('>').append(escape(text)).append("</").append(element).append('>');
    }
    return this;
  }

  XmlBuilder empty(String element) {
    out.append('<').append(element).append("/>");
    return this;
  }

  byte[] toBytes() {
    while (!open.isEmpty()) {
      close();
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
