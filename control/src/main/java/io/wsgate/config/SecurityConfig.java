package io.wsgate.config;

import io.wsgate.auth.KeyRing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the gateway and what traffic it accepts: authentication, launch guards and HTTP edge limits.
 * Part of {@link GatewayConfig}; loaded by {@link SecuritySettings}. See the security {@link Setting}s.
 *
 * @param keys       null when auth is off
 * @param assignKeys the keys warm pool members' assign secrets are derived from
 *                   ({@link io.wsgate.auth.AssignSignature}): {@code keys} with auth on; with it off, the local
 *                   default's generated {@code <state dir>/assign-keys}, or else a key of this process only (then
 *                   a replica can claim only the members it started itself)
 */
public record SecurityConfig(
    boolean authEnabled,
    KeyRing keys,
    Duration tokenMaxTtl,
    Duration tokenLeeway,
    Duration sessionTtl,
    Optional<String> loginUrl,
    int userConcurrentLaunches,
    int userLaunchRate,
    int globalConcurrentLaunches,
    int maxRequestLine,
    int maxHeaderSize,
    int maxHeaders,
    Duration headerTimeout,
    Duration bodyIdleTimeout,
    Duration idleTimeout,
    int webSocketMaxMessage,
    List<Cidr> trustedProxies,
    KeyRing assignKeys) {

  public SecurityConfig {
    trustedProxies = List.copyOf(trustedProxies);
  }
}
