package io.wsgate.proxy.edge;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.wsgate.config.Cidr;
import io.wsgate.proxy.http.HeaderNames;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which forwarded headers to believe. Only a peer inside a configured trusted CIDR (the load balancer) may tell
 * us who the client is; from anyone else {@code Forwarded} and {@code X-Forwarded-*} are dropped before the
 * request goes anywhere. The client address (for limits and logs) is the rightmost address in
 * {@code X-Forwarded-For} + peer that is not a trusted proxy.
 */
public final class ClientAddress {

  private final List<Cidr> trusted;

  public ClientAddress(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** Removes forwarded headers a client may not set, in place: all of them unless the peer is trusted. */
  public void sanitize(HttpServerRequest req) {
    MultiMap h = req.headers();
    h.remove(HeaderNames.FORWARDED); // we never read it, so nobody may pass it on
    h.remove(HeaderNames.X_FORWARDED_HOST);
    h.remove(HeaderNames.X_FORWARDED_PREFIX);
    // without trusted proxies no peer is one: the peer's address is not even looked at (every request passes here)
    if (trusted.isEmpty() || !isTrusted(peer(req))) {
      h.remove(HeaderNames.X_FORWARDED_FOR);
      h.remove(HeaderNames.X_FORWARDED_PROTO);
      h.remove(HeaderNames.X_FORWARDED_PORT);
    }
  }

  /** The client's address: the rightmost untrusted hop of X-Forwarded-For plus the peer. */
  public String of(HttpServerRequest req) {
    return rightmostUntrusted(peer(req), req.headers().getAll(HeaderNames.X_FORWARDED_FOR));
  }

  /** The rightmost address of {@code forwardedFor} + {@code peer} that is not a trusted proxy. */
  String rightmostUntrusted(String peer, List<String> forwardedFor) {
    if (!isTrusted(peer)) {
      return peer;
    }
    List<String> chain = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        if (!hop.isBlank()) {
          chain.add(hop.trim());
        }
      }
    }
    for (int i = chain.size() - 1; i >= 0; i--) {
      if (!isTrusted(chain.get(i))) {
        return chain.get(i);
      }
    }
    return chain.isEmpty() ? peer : chain.get(0);
  }

  boolean isTrusted(String address) {
    if (trusted.isEmpty() || address == null) {
      return false;
    }
    Cidr parsed = Cidr.parse(address);
    if (parsed == null) {
      return false;
    }
    byte[] bytes = parsed.network();
    for (Cidr c : trusted) {
      if (c.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  private static String peer(HttpServerRequest req) {
    SocketAddress a = req.remoteAddress();
    if (a == null || a.hostAddress() == null) {
      return "unknown";
    }
    if (!Cidr.looksLikeIpLiteral(a.hostAddress())) {
      return a.hostAddress();
    }
    try {
      // normalise (e.g. IPv4-mapped IPv6) so CIDR checks and rate-limit keys agree
      return InetAddress.getByName(a.hostAddress()).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return a.hostAddress();
    }
  }
}
