package io.wsgate.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's whole configuration: one immutable value, built and validated once at startup by
 * {@link ConfigLoader}. See {@link Setting} for what each field means, its variable, flag and default.
 */
public record GatewayConfig(
    String listenHost,
    int port,
    String baseDomain,
    String publicUrl,
    Optional<String> redisUrl,
    ProviderKind provider,
    Map<String, Profile> profiles,
    String defaultProfile,
    Duration launchTimeout,
    Duration holdTimeout,
    Duration launchRetryBackoff,
    Duration upstreamConnectTimeout,
    Duration upstreamResponseTimeout,
    Duration routeCacheTtl,
    Duration redisTimeout,
    Path stateDir,
    Path dataDir,
    Duration stopGrace,
    boolean stopWorkspacesOnExit,
    int eventLoops,
    Duration warmup,
    NetTransport transport,
    FleetControl fleet,
    Ecs ecs,
    Admin admin,
    SecurityConfig security) {

  /**
   * How the control leader runs the fleet (see the MAX_RUNNING, POOL_TIME_ZONE, LEADER_LEASE, *_INTERVAL,
   * REAP_CONCURRENCY, UNHEALTHY_WINDOW, DRAIN_WINDOW and TASK_METADATA_URI {@link Setting}s).
   */
  public record FleetControl(int maxRunning, ZoneId poolTimeZone, Duration leaderLease, Duration controlInterval,
                             Duration reconcileInterval, int reapConcurrency, Duration activityFlushInterval,
                             Duration unhealthyWindow, Duration drainWindow, Optional<URI> taskMetadata) {
  }

  /** Where workspaces run. */
  public enum ProviderKind { LOCAL, ECS }

  /** Settings of the ecs provider (see the ECS_* {@link Setting}s); validated only when it is used. */
  public record Ecs(String cluster, List<String> subnets, List<String> securityGroups, Optional<String> region,
                    Optional<URI> endpoint, String startedBy) {
    public Ecs {
      subnets = List.copyOf(subnets);
      securityGroups = List.copyOf(securityGroups);
    }
  }

  /** Settings of the admin server and metrics (the ADMIN_*, COST_* and METRICS_* {@link Setting}s). */
  public record Admin(String host, int port, Optional<String> token, double costPerTaskHour, Duration sampleInterval) {
  }

  public GatewayConfig {
    profiles = Map.copyOf(profiles);
  }

  public Profile profile(String name) {
    Profile p = profiles.get(name);
    if (p == null) {
      throw new IllegalArgumentException("unknown profile: " + name + " (expected one of " + profiles.keySet() + ")");
    }
    return p;
  }

  /** The URL a user opens for workspace {@code id}. */
  public String workspaceUrl(String id) {
    int schemeEnd = publicUrl.indexOf("://");
    return publicUrl.substring(0, schemeEnd + 3) + "ws-" + id + "." + publicUrl.substring(schemeEnd + 3) + "/";
  }

  /** Whether users reach the gateway over HTTPS (then cookies are {@code Secure}, origins {@code https://}). */
  public boolean publicHttps() {
    return publicUrl.startsWith("https://");
  }

  /** A copy with other settings; for tests and tools that start several gateways. */
  public GatewayConfig withPort(int newPort) {
    return new GatewayConfig(listenHost, newPort, baseDomain, publicUrl, redisUrl, provider, profiles,
        defaultProfile, launchTimeout, holdTimeout, launchRetryBackoff, upstreamConnectTimeout,
        upstreamResponseTimeout, routeCacheTtl, redisTimeout, stateDir, dataDir, stopGrace, stopWorkspacesOnExit, eventLoops, warmup, transport, fleet, ecs, admin,
        security);
  }
}
