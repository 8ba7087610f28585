package io.wsgate.demo;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The workspace's single HTML page, rendered once at startup.
 *
 * <p>CSS and JavaScript are inlined so the page needs no second request: it is the first thing a user
 * sees through the gateway and must look whole even while the workspace is still warming up.
 */
final class DemoPage {

  private static final String BASE = "/io/wsgate/demo/";

  private DemoPage() {
  }

  /**
   * Reads the templates from the classpath and fills in {@code values}; blocking, so call it from a
   * worker thread.
   */
  static Buffer render(Map<String, String> values) {
    String html = resource("index.html")
        .replace("{{style}}", resource("style.css"))
        .replace("{{script}}", resource("app.js"));
    for (Map.Entry<String, String> e : values.entrySet()) {
      html = html.replace("{{" + e.getKey() + "}}", escape(e.getValue()));
    }
    return Buffer.buffer(html, StandardCharsets.UTF_8.name());
  }

  private static String resource(String name) {
    try (InputStream in = DemoPage.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BASE + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
