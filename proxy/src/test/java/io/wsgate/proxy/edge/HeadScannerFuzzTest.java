package io.wsgate.proxy.edge;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wsgate.proxy.routing.ReservedPathsProperty;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes as a request head: the scanner never throws, and every head it accepts is unambiguous: CRLF line
 * endings only, no folding, exactly one Host, never both Content-Length and Transfer-Encoding, at most one
 * Content-Length of digits, Transfer-Encoding only a lone chunked; and no accepted head whose path the gateway
 * would forward reaches the assign hook on any workspace stack ({@link ReservedPathsProperty}).
 */
class HeadScannerFuzzTest {

  private static final HeadScanner.Limits LIMITS = new HeadScanner.Limits(8192, 16384, 100);

  @FuzzTest(maxDuration = "10s")
  void acceptedHeadsAreUnambiguous(byte[] head) {
    HeadScanner.Refusal refusal = HeadScanner.scan(head, head.length, LIMITS);
    if (refusal != null) {
      assertThat(refusal.status()).isIn(400, 414, 431, 505);
      return;
    }
    String text = new String(head, StandardCharsets.ISO_8859_1);
    assertThat(text).endsWith("\r\n\r\n");
    assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    String[] lines = text.substring(0, text.length() - 4).replaceFirst("^(\r\n)+", "").split("\r\n");
    String[] requestLine = lines[0].split(" ", -1);
    assertThat(requestLine).hasSize(3);
    ReservedPathsProperty.check(requestLine[1]);
    int hosts = 0;
    int lengths = 0;
    int encodings = 0;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      assertThat(line).doesNotStartWith(" ").doesNotStartWith("\t").contains(":");
      String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT);
      String value = line.substring(line.indexOf(':') + 1).strip();
      assertThat(name).matches("[!#$%&'*+.^_`|~0-9a-z-]+");
      switch (name) {
        case "host" -> hosts++;
        case "content-length" -> {
          lengths++;
          assertThat(value).matches("\\d{1,18}");
        }
        case "transfer-encoding" -> {
          encodings++;
          assertThat(value).isEqualToIgnoringCase("chunked");
        }
        default -> {
        }
      }
    }
    assertThat(hosts).isEqualTo(1);
    assertThat(lengths).isLessThanOrEqualTo(1);
    assertThat(lengths + encodings).isLessThanOrEqualTo(1);
  }
}
