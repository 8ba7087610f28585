package io.wsgate.testing;

import io.vertx.core.Vertx;
import io.wsgate.config.NetTransport;

/** Vert.x for the gateway fixtures, on the transport the gateway runs on by default here (epoll on Linux). */
public final class TestVertx {

  private TestVertx() {
  }

  public static Vertx create() {
    return Vertx.builder().withTransport(NetTransport.auto().transport()).build();
  }
}
