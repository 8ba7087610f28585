package io.wsgate.proxy.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The live status page: one static HTML file (inline CSS, script and SVG; no CDN, no framework) that polls
 * {@code /api/status} every few seconds and redraws. Loaded once from the classpath.
 */
final class StatusPage {

  private static final String HTML = load();

  private StatusPage() {
  }

  static String html() {
    return HTML;
  }

  private static String load() {
    try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
      if (in == null) {
        throw new IllegalStateException("status.html missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
