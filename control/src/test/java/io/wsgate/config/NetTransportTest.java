package io.wsgate.config;

import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** WSGATE_TRANSPORT, and the epoll transport that the default picks. */
class NetTransportTest {

  /**
   * The gateway ships Netty's epoll library for Linux at a release of its own (the root pom's netty.epoll.version):
   * on this Linux machine it must load, or every gateway would quietly run on NIO.
   */
  @Test
  void autoRunsOnEpollHere() {
    assertThat(Transport.EPOLL.unavailabilityCause()).as("epoll should load on this Linux machine").isNull();
    NetTransport t = ConfigLoader.load(Map.of()).transport();
    assertThat(t.transport().name()).isEqualTo("epoll");
    assertThat(t.transport().implementation().getClass()).isEqualTo(TrimmedTransport.Implementation.class);
    assertThat(t.description()).isEqualTo("epoll");
    assertThat(ConfigLoader.load(Map.of("WSGATE_TRANSPORT", "epoll")).transport().transport().name())
        .isEqualTo("epoll");
  }

  /**
   * The epoll channels the gateway runs on are wsgate-netty-epoll's, with fewer system calls per connection: its
   * classes must come before Netty's own on the classpath (control's pom lists it first; the shaded jar has no
   * other copy).
   */
  @Test
  void theEpollChannelsAreThePatchedOnes() throws Exception {
    for (String name : new String[] {"io.netty.channel.epoll.AbstractEpollChannel",
        "io.netty.channel.epoll.EpollSocketChannel", "io.netty.channel.epoll.EpollSocketChannelConfig",
        "io.netty.channel.epoll.EpollServerSocketChannel", "io.netty.channel.epoll.LinuxSocket",
        "io.netty.channel.unix.Socket"}) {
      String from = Class.forName(name).getProtectionDomain().getCodeSource().getLocation().getPath();
      assertThat(from).as(name).contains("netty-epoll").doesNotContain("netty-transport");
    }
  }

  @Test
  void nioWhenAskedFor() {
    NetTransport t = ConfigLoader.load(Map.of(), "--transport", "NIO").transport();
    assertThat(t).isSameAs(NetTransport.NIO);
    assertThat(t.transport().name()).isEqualTo("nio");
    assertThat(t.description()).isEqualTo("nio");
  }

  @Test
  void anythingElseIsRefusedWithTheChoices() {
    assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Map.of(
        "WSGATE_TRANSPORT", "io_uring"))).getMessage())
        .contains("WSGATE_TRANSPORT").contains("'io_uring'").contains("expected one of auto, epoll, nio");
  }

  /** Where epoll does not load (another OS, a container that forbids it): auto says why; epoll is refused. */
  @Test
  void withoutEpollAutoFallsBackToNioAndSaysWhy() {
    Throwable cause = new IllegalStateException("failed to load the required native library",
        new UnsatisfiedLinkError("no netty_transport_native_epoll_x86_64 in java.library.path"));
    NetTransport auto = NetTransport.resolve(NetTransport.Choice.AUTO, cause);
    assertThat(auto.transport()).isSameAs(NetTransport.NIO.transport());
    assertThat(auto.description())
        .isEqualTo("nio (epoll unavailable: no netty_transport_native_epoll_x86_64 in java.library.path)");
    assertThat(NetTransport.resolve(NetTransport.Choice.EPOLL, cause)).isNull();
    assertThat(NetTransport.resolve(NetTransport.Choice.NIO, cause)).isSameAs(NetTransport.NIO);
  }
}
