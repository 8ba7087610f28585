package io.wsgate.proxy.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.OnContext;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.config.Profile;
import io.wsgate.metrics.Meters;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.wsgate.proxy.ws.WsFrames.concat;
import static io.wsgate.proxy.ws.WsFrames.frame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames the gateway sends itself go out only between the workspace's frames: a keepalive ping due while a frame is
 * under way is left for the next sweep, and a close waits for the frame to end. A close loses nothing still queued,
 * and a client that takes nothing is cut off after {@link ClientStall#SWEEPS} sweeps. Real TCP connections on both
 * sides of a {@link Tunnel}: a browser socket, and a workspace socket the tunnel connected to.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelBoundaryTest {

  private static final byte[] KEEPALIVE = "wsgate".getBytes(StandardCharsets.US_ASCII);

  Vertx vertx;
  ServerSocket workspaceListener;
  Socket browser;
  Socket workspace;
  Tunnel tunnel;
  Context context;
  Channel upstreamChannel;

  @BeforeEach
  void connect() throws Exception {
    vertx = Vertx.vertx();
    workspaceListener = new ServerSocket();
    workspaceListener.setReceiveBufferSize(4096); // small windows: what the tunnel writes queues up in the gateway
    workspaceListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    Promise<Tunnel> made = Promise.promise();
    NetServer gateway = vertx.createNetServer().connectHandler(client -> {
      client.pause();
      vertx.createNetClient().connect(workspaceListener.getLocalPort(), "127.0.0.1").onSuccess(upstream -> {
        ActivityTracker activity = new ActivityTracker(null, System::currentTimeMillis);
        upstreamChannel = Tunnel.takeOver(((NetSocketInternal) upstream).channelHandlerContext());
        upstreamChannel.config().setOption(ChannelOption.SO_SNDBUF, 4096);
        Channel clientChannel = Tunnel.takeOver(((NetSocketInternal) client).channelHandlerContext());
        clientChannel.config().setOption(ChannelOption.SO_SNDBUF, 4096);
        Tunnel t = new Tunnel(clientChannel, upstreamChannel,
            activity.webSocket(new WorkspaceId("edge"), Profile.ActivityPolicy.DEFAULT), Meters.noop(), 1 << 20,
            KEEPALIVE);
        t.start(Unpooled.EMPTY_BUFFER, () -> { });
        context = vertx.getOrCreateContext();
        made.complete(t);
      }).onFailure(made::fail);
    });
    gateway.listen(0, "127.0.0.1").await();
    browser = new Socket();
    browser.setReceiveBufferSize(4096);
    browser.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.actualPort()));
    browser.setSoTimeout(30_000);
    workspace = workspaceListener.accept();
    workspace.setSoTimeout(30_000);
    tunnel = made.future().await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    browser.close();
    workspace.close();
    workspaceListener.close();
    vertx.close().await();
  }

  private void onLoop(Runnable r) {
    OnContext.call(context, () -> {
      r.run();
      return null;
    });
  }

  private static byte[] read(InputStream in, int n) throws Exception {
    return in.readNBytes(n);
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> c) {
    return OnContext.call(context, c);
  }

  @Test
  void aClientThatHangsUpLosesNothingItSentBefore() throws Exception {
    // less than Netty's high-water mark, so the gateway reads it all, but more than the small windows toward the
    // workspace hold: most of it is still queued in the gateway when the client's end of stream arrives
    byte[] data = frame(true, WsFrames.BINARY, true, 60_000);
    byte[] close = frame(true, WsFrames.CLOSE, true, new byte[] {0x03, (byte) 0xe8});
    browser.getOutputStream().write(concat(data, close));
    browser.shutdownOutput();
    tunnel.closed().await(30, TimeUnit.SECONDS); // the gateway saw the client go
    assertThat(workspace.getInputStream().readAllBytes()).as("everything the client sent, then the end of stream")
        .isEqualTo(concat(data, close));
  }

  @Test
  void aClientThatTakesNothingIsCutOffAfterItsSweeps() throws Exception {
    Thread flood = new Thread(() -> {
      byte[] f = frame(true, WsFrames.BINARY, false, 65_536);
      try {
        while (true) {
          workspace.getOutputStream().write(f);
        }
      } catch (java.io.IOException closed) {
        // the tunnel closed the workspace's connection
      }
    }, "workspace-flood");
    flood.setDaemon(true);
    flood.start();
    Eventually.await(vertx, Duration.ofSeconds(30), "bytes queued for the client", () -> pending() > 0);
    for (int i = 1; i < ClientStall.SWEEPS; i++) {
      onLoop(tunnel::ping);
    }
    // asked on the loop, after the close a sweep may have started (its end is reported by a task of the loop)
    assertThat(onLoop(tunnel::isClosed)).as("not cut off before its sweeps").isFalse();

    long taken = onLoop(tunnel::takenByClient);
    browser.getInputStream().readNBytes(200_000); // the client takes some: the count starts again
    Eventually.await(vertx, Duration.ofSeconds(30), "the gateway wrote on",
        () -> onLoop(tunnel::takenByClient) > taken && pending() > 0);
    for (int i = 0; i < ClientStall.SWEEPS; i++) {
      onLoop(tunnel::ping); // the first sees what the client took
    }
    assertThat(onLoop(tunnel::isClosed)).as("one sweep short after taking something").isFalse();
    onLoop(tunnel::ping);
    tunnel.closed().await(30, TimeUnit.SECONDS);
    flood.join(30_000);
    assertThat(flood.isAlive()).as("the workspace's connection was closed too").isFalse();
  }

  private long pending() {
    return onLoop(tunnel::pendingToClient);
  }


  @Test
  void keepaliveDueInTheMiddleOfAFrameWaitsForTheNextSweep() throws Exception {
    byte[] big = frame(true, WsFrames.BINARY, false, 1000);
    workspace.getOutputStream().write(Arrays.copyOf(big, 300));
    assertThat(read(browser.getInputStream(), 300)).isEqualTo(Arrays.copyOf(big, 300));
    onLoop(tunnel::ping); // mid-frame: must not cut into it
    workspace.getOutputStream().write(Arrays.copyOfRange(big, 300, big.length));
    assertThat(read(browser.getInputStream(), big.length - 300)).isEqualTo(Arrays.copyOfRange(big, 300, big.length));
    onLoop(tunnel::ping); // between frames
    byte[] ping = frame(true, WsFrames.PING, false, KEEPALIVE);
    byte[] next = frame(true, WsFrames.TEXT, false, 5);
    workspace.getOutputStream().write(next);
    assertThat(read(browser.getInputStream(), ping.length + next.length)).as("one ping, then the next frame")
        .isEqualTo(concat(ping, next));
  }

  @Test
  void aWorkspaceThatBreaksTheProtocolMidClientFrameGetsNoFrameInsideIt() throws Exception {
    byte[] big = frame(true, WsFrames.BINARY, true, 1000);
    browser.getOutputStream().write(Arrays.copyOf(big, 300));
    assertThat(read(workspace.getInputStream(), 300)).isEqualTo(Arrays.copyOf(big, 300));
    workspace.getOutputStream().write(frame(true, WsFrames.TEXT, true, 4)); // masked: workspaces must not mask
    assertThat(workspace.getInputStream().readAllBytes()).as("nothing cut into the client's frame, then the end")
        .isEmpty();
    byte[] toBrowser = browser.getInputStream().readAllBytes();
    assertThat(toBrowser[0] & 0xff).as("the browser is told with a close frame").isEqualTo(0x88);
  }

  @Test
  void closeFromTheGatewayWaitsForTheFrameUnderWay() throws Exception {
    byte[] big = frame(true, WsFrames.BINARY, false, 1000);
    workspace.getOutputStream().write(Arrays.copyOf(big, 300));
    assertThat(read(browser.getInputStream(), 300)).hasSize(300);
    onLoop(() -> tunnel.close((short) 1001, "bye"));
    // the workspace is told at once (nothing was under way from the browser)
    byte[] toWorkspace = read(workspace.getInputStream(), 2 + 4 + 5);
    assertThat(toWorkspace[0] & 0xff).isEqualTo(0x88);
    assertThat((((toWorkspace[6] ^ toWorkspace[2]) & 0xff) << 8) | ((toWorkspace[7] ^ toWorkspace[3]) & 0xff))
        .isEqualTo(1001);
    workspace.getOutputStream().write(Arrays.copyOfRange(big, 300, big.length));
    byte[] rest = read(browser.getInputStream(), big.length - 300 + 2 + 5);
    assertThat(Arrays.copyOf(rest, big.length - 300)).as("the frame ends first")
        .isEqualTo(Arrays.copyOfRange(big, 300, big.length));
    assertThat(Arrays.copyOfRange(rest, big.length - 300, rest.length))
        .isEqualTo(frame(true, WsFrames.CLOSE, false, new byte[] {0x03, (byte) 0xe9, 'b', 'y', 'e'}));
  }
}
