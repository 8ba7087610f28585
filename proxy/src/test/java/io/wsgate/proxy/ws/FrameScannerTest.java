package io.wsgate.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.wsgate.proxy.ws.WsFrames.concat;
import static io.wsgate.proxy.ws.WsFrames.frame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tunnel's frame scanner: whatever way a stream is cut into reads, every byte comes out unchanged and in order,
 * each frame is seen once with its length and FIN bit, control frames (also inside a fragmented message) are handed
 * over whole, and a frame that breaks the protocol stops the stream before its first byte is passed on.
 */
class FrameScannerTest {

  /** What a scanner reported, control frames passed on in place as the tunnel does. */
  static final class Recorder implements FrameScanner.Listener {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<String> events = new ArrayList<>();
    Short closeCode;

    @Override
    public void forward(ByteBuf bytes) {
      out.writeBytes(ByteBufUtil.getBytes(bytes));
      bytes.release();
    }

    @Override
    public void dataFrame(long payloadLength, boolean fin) {
      events.add("data " + payloadLength + (fin ? " fin" : ""));
    }

    @Override
    public void control(int opcode, ByteBuf frame) {
      events.add("control " + opcode + " " + frame.readableBytes());
      out.writeBytes(ByteBufUtil.getBytes(frame));
      frame.release();
    }

    @Override
    public void violation(short code, String reason) {
      closeCode = code;
      events.add("violation " + code);
    }
  }

  /** A client's stream: 7-, 16- and 64-bit lengths, a fragmented message with a ping inside, a pong, a close. */
  static byte[] clientStream() {
    byte[] random = new byte[70_000];
    new Random(7).nextBytes(random);
    return concat(
        frame(true, FrameScanner.OP_TEXT, true, 5),
        frame(true, FrameScanner.OP_BINARY, true, 200),
        frame(false, FrameScanner.OP_TEXT, true, 3),
        frame(true, FrameScanner.OP_PING, true, 4),
        frame(false, FrameScanner.OP_CONTINUATION, true, 0),
        frame(true, FrameScanner.OP_CONTINUATION, true, 130),
        frame(true, FrameScanner.OP_PONG, true, 0),
        frame(true, 0, FrameScanner.OP_BINARY, true, random, -1),
        frame(true, FrameScanner.OP_CLOSE, true, new byte[] {0x03, (byte) 0xe8}));
  }

  static final List<String> CLIENT_EVENTS = List.of("data 5 fin", "data 200 fin", "data 3", "control 9 10", "data 0",
      "data 130 fin", "control 10 6", "data 70000 fin", "control 8 8");

  private static Recorder feed(boolean masked, long max, byte[] stream, int... cuts) {
    Recorder r = new Recorder();
    FrameScanner s = new FrameScanner(masked, max, r);
    int from = 0;
    for (int cut : cuts) {
      scan(s, stream, from, cut);
      from = cut;
    }
    scan(s, stream, from, stream.length);
    return r;
  }

  /**
   * Scans {@code stream[from, to)} as a read would hand it over: in a buffer whose readable bytes do not start at
   * index 0. What was forwarded is released by the recorder, so the read's buffer must be back to its one reference.
   */
  private static void scan(FrameScanner s, byte[] stream, int from, int to) {
    ByteBuf read = Unpooled.buffer(3 + to - from).writeBytes(new byte[] {'x', 'y', 'z'})
        .writeBytes(stream, from, to - from);
    read.readerIndex(3);
    s.scan(read);
    assertThat(read.refCnt()).as("references left on the read's buffer").isEqualTo(1);
    read.release();
  }

  @Test
  void wholeStreamInOneReadPassesUnchanged() {
    byte[] stream = clientStream();
    Recorder r = feed(true, 1 << 20, stream);
    assertThat(r.out.toByteArray()).isEqualTo(stream);
    assertThat(r.events).containsExactlyElementsOf(CLIENT_EVENTS);
  }

  @Test
  void everyCutIntoTwoReadsPassesUnchanged() {
    byte[] stream = clientStream();
    // every cut through the small frames' headers and payloads, and through the 64-bit header
    int bigStart = stream.length - 8 - 70_014;
    for (int cut = 1; cut < bigStart + 20; cut++) {
      Recorder r = feed(true, 1 << 20, stream, cut);
      assertThat(r.out.toByteArray()).as("cut at %d", cut).isEqualTo(stream);
      assertThat(r.events).as("cut at %d", cut).containsExactlyElementsOf(CLIENT_EVENTS);
    }
  }

  @Test
  void oneByteAtATimePassesUnchanged() {
    byte[] stream = clientStream();
    int[] cuts = new int[stream.length - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    Recorder r = feed(true, 1 << 20, stream, cuts);
    assertThat(r.out.toByteArray()).isEqualTo(stream);
    assertThat(r.events).containsExactlyElementsOf(CLIENT_EVENTS);
  }

  @Test
  void workspaceFramesAreUnmasked() {
    byte[] stream = concat(frame(true, FrameScanner.OP_TEXT, false, 300), frame(true, FrameScanner.OP_CLOSE, false,
        new byte[] {0x03, (byte) 0xe8}));
    Recorder r = feed(false, 1 << 20, stream, 3);
    assertThat(r.out.toByteArray()).isEqualTo(stream);
    assertThat(r.events).containsExactly("data 300 fin", "control 8 4");
  }

  @Test
  void boundaryIsKnownWhileAPayloadIsUnderWay() {
    Recorder r = new Recorder();
    FrameScanner s = new FrameScanner(false, 1 << 20, r);
    byte[] f = frame(true, FrameScanner.OP_BINARY, false, 1000);
    assertThat(s.atBoundary()).isTrue();
    s.scan(Unpooled.wrappedBuffer(java.util.Arrays.copyOfRange(f, 0, 1)));
    assertThat(s.atBoundary()).as("half a header: nothing of it forwarded").isTrue();
    assertThat(r.out.size()).isZero();
    s.scan(Unpooled.wrappedBuffer(java.util.Arrays.copyOfRange(f, 1, 500)));
    assertThat(s.atBoundary()).as("in the middle of a payload").isFalse();
    s.scan(Unpooled.wrappedBuffer(java.util.Arrays.copyOfRange(f, 500, f.length)));
    assertThat(s.atBoundary()).isTrue();
    assertThat(r.out.toByteArray()).isEqualTo(f);
  }

  private static void refused(boolean masked, long max, byte[] good, byte[] bad, int code) {
    byte[] stream = concat(good, bad, frame(true, FrameScanner.OP_TEXT, masked, 1));
    for (int cut = 1; cut < stream.length; cut++) {
      Recorder r = feed(masked, max, stream, cut);
      assertThat(r.closeCode).as("close code, cut at %d", cut).isEqualTo((short) code);
      assertThat(r.out.toByteArray()).as("only the frames before the bad one, cut at %d", cut).isEqualTo(good);
    }
  }

  @Test
  void rsvBitsAreRefusedWith1002() {
    byte[] good = frame(true, FrameScanner.OP_TEXT, true, 10);
    for (int rsv = 1; rsv < 8; rsv++) {
      refused(true, 1000, good, frame(true, rsv, FrameScanner.OP_TEXT, true, new byte[10], -1), 1002);
    }
  }

  @Test
  void maskBitMustMatchTheDirection() {
    refused(true, 1000, frame(true, FrameScanner.OP_TEXT, true, 4), frame(true, FrameScanner.OP_TEXT, false, 4), 1002);
    refused(false, 1000, frame(true, FrameScanner.OP_TEXT, false, 4), frame(true, FrameScanner.OP_TEXT, true, 4), 1002);
  }

  @Test
  void brokenFramingIsRefusedWith1002() {
    byte[] good = frame(true, FrameScanner.OP_BINARY, true, 3);
    refused(true, 1000, good, frame(true, FrameScanner.OP_CONTINUATION, true, 3), 1002);
    refused(true, 1000, concat(good, frame(false, FrameScanner.OP_TEXT, true, 3)),
        frame(true, FrameScanner.OP_TEXT, true, 3), 1002);
    refused(true, 1000, good, frame(false, FrameScanner.OP_PING, true, 3), 1002);
    refused(true, 1000, good, frame(true, FrameScanner.OP_PING, true, 126), 1002);
    refused(true, 1000, good, frame(true, 0, 3, true, new byte[1], -1), 1002);
    refused(true, 1000, good, frame(true, 0, 0xB, true, new byte[1], -1), 1002);
    refused(true, 1000, good, frame(true, 0, FrameScanner.OP_TEXT, true, new byte[100], 2), 1002);
    refused(true, 1 << 20, good, frame(true, 0, FrameScanner.OP_TEXT, true, new byte[1000], 8), 1002);
    byte[] msb = frame(true, 0, FrameScanner.OP_BINARY, true, new byte[0], 8);
    msb[2] = (byte) 0x80;
    refused(true, Long.MAX_VALUE, good, msb, 1002);
  }

  @Test
  void invalidCloseFramesAreRefusedWith1002() {
    byte[] good = frame(true, FrameScanner.OP_TEXT, true, 3);
    refused(true, 1000, good, frame(true, FrameScanner.OP_CLOSE, true, new byte[] {0x03}), 1002);
    refused(true, 1000, good, frame(true, FrameScanner.OP_CLOSE, true, new byte[] {0x03, (byte) 0xed}), 1002); // 1005
    refused(true, 1000, good, frame(true, FrameScanner.OP_CLOSE, true, new byte[] {0x03, (byte) 0xe8, (byte) 0xff}),
        1002);
    refused(false, 1000, frame(true, FrameScanner.OP_TEXT, false, 3),
        frame(true, FrameScanner.OP_CLOSE, false, new byte[] {0x00, 0x10}), 1002);
    byte[] ok = frame(true, FrameScanner.OP_CLOSE, true, concat(new byte[] {0x0f, (byte) 0xa0},
        "bye \u00e9".getBytes(StandardCharsets.UTF_8)));
    Recorder r = feed(true, 1000, concat(ok, frame(true, FrameScanner.OP_CLOSE, true, 0)));
    assertThat(r.closeCode).isNull();
    assertThat(r.out.toByteArray()).isEqualTo(concat(ok, frame(true, FrameScanner.OP_CLOSE, true, 0)));
  }

  @Test
  void oversizedMessageIsRefusedWith1009() {
    byte[] good = frame(true, FrameScanner.OP_BINARY, true, 100);
    refused(true, 100, good, frame(true, FrameScanner.OP_BINARY, true, 101), 1009);
    // fragments add up: 60 + 60 is over 100, and the first fragment has already gone
    refused(true, 100, concat(good, frame(false, FrameScanner.OP_BINARY, true, 60)),
        frame(true, FrameScanner.OP_CONTINUATION, true, 60), 1009);
    // control frames inside the message do not count toward it
    Recorder r = feed(true, 100, concat(frame(false, FrameScanner.OP_TEXT, true, 50),
        frame(true, FrameScanner.OP_PING, true, 100), frame(true, FrameScanner.OP_CONTINUATION, true, 50)));
    assertThat(r.closeCode).isNull();
    assertThat(r.events).containsExactly("data 50", "control 9 106", "data 50 fin");
  }
}
