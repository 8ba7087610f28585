package io.wsgate.demo;

import io.vertx.core.http.ServerWebSocket;

/**
 * Echoes every WebSocket message back as it came: text as text, binary as binary, same payload.
 *
 * <p>The client's close code is sent back by Vert.x itself, which answers a close frame with the
 * status it received. Reading pauses while the write queue is full so that a fast sender cannot make
 * the echo buffer messages without bound on a small heap.
 */
final class EchoSocket {

  private EchoSocket() {
  }

  static void attach(ServerWebSocket ws) {
    ws.textMessageHandler(text -> {
      ws.writeTextMessage(text);
      applyBackpressure(ws);
    });
    ws.binaryMessageHandler(data -> {
      ws.writeBinaryMessage(data);
      applyBackpressure(ws);
    });
    ws.exceptionHandler(err -> ws.close());
  }

  private static void applyBackpressure(ServerWebSocket ws) {
    if (ws.writeQueueFull()) {
      ws.pause();
      ws.drainHandler(v -> ws.resume());
    }
  }
}
