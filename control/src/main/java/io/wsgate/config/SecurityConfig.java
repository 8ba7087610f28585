package io.wsgate.config;

import io.wsgate.auth.KeyRing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the gateway and what traffic it accepts: authentication, launch guards and HTTP edge limits.
 * Part of {@link GatewayConfig}; loaded by {@link SecuritySettings}. See the security {@link Setting}s.
 *
 * @param keys null when auth is off
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
    List<Cidr> trustedProxies) {

  public SecurityConfig {
    trustedProxies = List.copyOf(trustedProxies);
  }
}
