package io.wsgate.workspace;

import java.util.Objects;

/** Where a running workspace listens: an IP address (or loopback name) and a port. */
public record Endpoint(String host, int port) {

  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
