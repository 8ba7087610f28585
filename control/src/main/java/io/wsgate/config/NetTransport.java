package io.wsgate.config;

import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.transport.Transport;

import java.nio.channels.spi.SelectorProvider;

/**
 * The network I/O the gateway's event loops run on ({@link Setting#TRANSPORT}), resolved once at startup: Linux's
 * epoll through Netty's native transport where it loads, else Java NIO. {@code description} says which and, when
 * {@code auto} fell back, why; the start log and the banner print it. Either is Vert.x's, less the socket options
 * it would set to the value a socket already has ({@link TrimmedTransport}).
 */
public record NetTransport(Transport transport, String description) {

  /** Java NIO: always there. */
  public static final NetTransport NIO = new NetTransport(new TrimmedTransport(Transport.NIO,
      () -> new NioSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET)), "nio");
  private static final NetTransport EPOLL = new NetTransport(new TrimmedTransport(Transport.EPOLL,
      () -> new EpollSocketChannel(SocketProtocolFamily.INET)), "epoll");

  /** What WSGATE_TRANSPORT=auto, the default, resolves to on this machine and JVM. */
  public static NetTransport auto() {
    return resolve(Choice.AUTO, epollUnavailability());
  }

  /** What WSGATE_TRANSPORT may say. */
  enum Choice { AUTO, EPOLL, NIO }

  /**
   * {@code choice} resolved against whether epoll loads here ({@code epollCause} is null when it does): auto takes
   * epoll, else NIO with the reason; epoll without epoll is a configuration problem (null, reported by the caller).
   */
  static NetTransport resolve(Choice choice, Throwable epollCause) {
    return switch (choice) {
      case NIO -> NIO;
      case EPOLL -> epollCause == null ? EPOLL : null;
      case AUTO -> epollCause == null ? EPOLL
          : new NetTransport(NIO.transport(), "nio (epoll unavailable: " + reason(epollCause) + ")");
    };
  }

  /** Why epoll does not load: the innermost cause's message, which names the missing library or system call. */
  static String reason(Throwable cause) {
    Throwable t = cause;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** The cause epoll does not load on this machine and JVM, or null when it does. */
  static Throwable epollUnavailability() {
    if (Transport.EPOLL.available()) {
      return null;
    }
    Throwable cause = Transport.EPOLL.unavailabilityCause();
    return cause == null ? new IllegalStateException("unknown cause") : cause;
  }
}
