package io.wsgate.proxy.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The Date header for responses whose workspace sent none, formatted at most once a second. */
final class HttpDate {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private record Formatted(long second, String text) {
  }

  private static volatile Formatted last = new Formatted(-1, "");

  private HttpDate() {
  }

  static String now() {
    long ms = System.currentTimeMillis();
    Formatted f = last;
    if (f.second() != ms / 1000) {
      f = new Formatted(ms / 1000, IMF_FIXDATE.format(Instant.ofEpochMilli(ms)));
      last = f;
    }
    return f.text();
  }
}
