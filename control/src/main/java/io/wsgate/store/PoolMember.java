package io.wsgate.store;

import io.wsgate.workspace.Endpoint;

/**
 * A ready, unassigned warm pool member. Stored as one sorted-set member {@code launchId|ref|host|port} so the
 * claim is a single atomic pop.
 */
public record PoolMember(String launchId, String ref, Endpoint endpoint) {

  String wire() {
    return launchId + "|" + ref + "|" + endpoint.host() + "|" + endpoint.port();
  }

  static PoolMember parse(String s) {
    String[] p = s.split("\\|", 4);
    return new PoolMember(p[0], p[1], new Endpoint(p[2], Integer.parseInt(p[3])));
  }
}
