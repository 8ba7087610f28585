package io.wsgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The decoded head of an echoed text frame always ends on a character boundary. */
class EchoTextHeadTest {

  private static final Buffer MIXED = Buffer.buffer("aü✓𝄞"); // 1 + 2 + 3 + 4 bytes

  @Test
  void wholeFrameWhenItsLastCharacterIsComplete() {
    assertThat(EchoSocket.textHeadLength(MIXED, 100)).isEqualTo(10);
  }

  @Test
  void fragmentEndingInsideACharacterStopsBeforeIt() {
    assertThat(EchoSocket.textHeadLength(MIXED.getBuffer(0, 9), 100)).isEqualTo(6); // inside 𝄞
    assertThat(EchoSocket.textHeadLength(MIXED.getBuffer(0, 5), 100)).isEqualTo(3); // inside ✓
    assertThat(EchoSocket.textHeadLength(MIXED.getBuffer(0, 2), 100)).isEqualTo(1); // inside ü
  }

  @Test
  void limitFallingInsideACharacterMovesBackToItsStart() {
    assertThat(EchoSocket.textHeadLength(MIXED, 8)).isEqualTo(6);
    assertThat(EchoSocket.textHeadLength(MIXED, 6)).isEqualTo(6);
    assertThat(EchoSocket.textHeadLength(MIXED, 4)).isEqualTo(3);
    assertThat(EchoSocket.textHeadLength(MIXED, 2)).isEqualTo(1);
  }
}
