package io.wsgate.config;

import java.util.Locale;

/**
 * Every gateway-wide setting: its environment variable, its flag, its default and what it means.
 * The README's configuration table is checked against this list by a test, so the two never drift.
 * Per-profile settings are described by {@link ProfileSetting}.
 */
public enum Setting {
  LISTEN_HOST("0.0.0.0", "Address the gateway listens on."),
  PORT("8080", "Port for workspace traffic (HTTP and WebSocket)."),
  BASE_DOMAIN("localhost", "Workspaces are served at ws-<id>.<base domain>."),
  PUBLIC_URL("", "How users reach the gateway, for printed links (default: http://<base domain>:<port>)."),
  REDIS_URL("", "Redis connection string (redis://[:password@]host:port[/db], rediss:// for TLS). "
      + "Empty: start an embedded Redis on a free loopback port, stopped with the gateway."),
  PROVIDER("local", "Where workspaces run: local (processes on this machine) or ecs (AWS ECS Fargate)."),
  PROFILES("demo", "Comma-separated workspace profile names; each is configured by WSGATE_PROFILE_<NAME>_*."),
  DEFAULT_PROFILE("demo", "Profile used for a workspace launched without one."),
  LAUNCH_TIMEOUT("120s", "Longest a launch may take from start to ready before it fails and is stopped."),
  HOLD_TIMEOUT("30s", "Longest a non-browser request or WebSocket upgrade is held while its workspace starts; "
      + "then 503 with Retry-After."),
  LAUNCH_RETRY_BACKOFF("5s", "Wait after a failed launch before the next try; doubles per failure up to 5 minutes."),
  UPSTREAM_CONNECT_TIMEOUT("5s", "Longest to connect to a workspace before 502."),
  UPSTREAM_RESPONSE_TIMEOUT("60s", "Longest a workspace may take to begin its response (status and headers) before 504; a body under way stalls for IDLE_TIMEOUT at most."),
  ROUTE_CACHE_TTL("30s", "Longest a replica trusts a cached route without re-reading Redis "
      + "(changes arrive at once over pub/sub; this is the safety net)."),
  REDIS_TIMEOUT("2s", "Longest any Redis command may take."),
  STATE_DIR(".wsgate", "Local state: process registry, logs and the embedded Redis's data."),
  DATA_DIR(".wsgate/data", "Root of the per-workspace data directories (local provider; on ECS the EFS path)."),
  STOP_GRACE("10s", "Time between SIGTERM and SIGKILL when the local provider stops a workspace."),
  STOP_WORKSPACES_ON_EXIT("on", "local: on stops the workspaces when the gateway stops (data kept); off leaves them "
      + "running for the next gateway started with the same state dir to adopt (restart or upgrade under open "
      + "tabs). The ecs provider never stops tasks on exit."),
  EVENT_LOOPS("0", "Gateway verticle instances (event loops serving traffic); 0 means one per CPU core."),
  WARMUP("10s", "Before it listens, the gateway sends this long of its own traffic (GET requests, WebSocket "
      + "handshakes and messages) through a private copy of its request path to an origin inside it, so the JIT has "
      + "compiled the hot path before the first student's request; its meters, activity and routes are private, "
      + "nothing reaches Redis; 0s: off."),
  TRANSPORT("auto", "Network I/O of the event loops: auto (Linux's epoll, through Netty's native transport, where it "
      + "loads; else Java NIO; the start log and the banner say which, and why not epoll), epoll (the start fails "
      + "without it, saying why) or nio."),
  MAX_RUNNING("0", "Most workspaces running at once (assigned, starting and warm), all profiles together; 0 = no cap."),
  POOL_TIME_ZONE("UTC", "Time zone of the warm pool schedules, e.g. Europe/Berlin."),
  LEADER_LEASE("10s", "Lease of the control leader in Redis; a dead leader is replaced within this time."),
  CONTROL_INTERVAL("5s", "How often the leader tops up warm pools and reaps idle workspaces."),
  RECONCILE_INTERVAL("60s", "How often the leader compares what the provider runs with what Redis knows."),
  REAP_CONCURRENCY("4", "Most workspaces the reaper stops at the same time."),
  ACTIVITY_FLUSH_INTERVAL("1s", "How often a replica writes its coalesced activity marks to Redis (one pipelined batch)."),
  DRAIN_WINDOW("10s", "On SIGTERM, the replica hands over the control lease at once, refuses new WebSocket upgrades "
      + "and closes its open WebSockets with 1001 spread over up to this window (at least 100 a second), so tabs "
      + "reconnect to the other replicas a few at a time; keep it well inside the container's stop timeout."),
  TASK_METADATA_URI("", "ECS task metadata endpoint (v4) of the gateway's own task; empty means "
      + "ECS_CONTAINER_METADATA_URI_V4, which ECS sets in every container, 'off' turns it off. The replica reads it "
      + "every 2 s and starts its drain (control lease handed over, WebSockets closed with 1001 over DRAIN_WINDOW) "
      + "as soon as ECS marks the task to stop, while the load balancer still drains it, not only at SIGTERM."),
  UNHEALTHY_WINDOW("30s", "How long a running workspace's port must refuse connections, probed several times, before "
      + "it counts as dead and is restarted; resets, timeouts and slow answers never count (a busy workspace)."),
  ECS_CLUSTER("", "ecs: name or ARN of the cluster workspace tasks run in (required for ecs)."),
  ECS_SUBNETS("", "ecs: comma-separated private subnet ids for workspace tasks (required for ecs)."),
  ECS_SECURITY_GROUPS("", "ecs: comma-separated security group ids for workspace tasks (required for ecs)."),
  ECS_REGION("", "ecs: AWS region; empty uses the SDK's default chain (AWS_REGION, the task's region)."),
  ECS_ENDPOINT("", "ecs: endpoint override for the ECS API (VPC endpoint, or a local fake in tests)."),
  ECS_STARTED_BY("wsgate", "ecs: startedBy value marking tasks as this gateway fleet's (at most 36 characters)."),
  ADMIN_HOST("127.0.0.1", "Address of the admin server (metrics, health, status page); 0.0.0.0 to let Prometheus "
      + "scrape from another host (then set WSGATE_ADMIN_TOKEN)."),
  ADMIN_PORT("9090", "Port of the admin server, never routed by the load balancer; 0 picks a free port."),
  ADMIN_TOKEN("", "Bearer token the admin server requires (except on /healthz); empty: no token."),
  COST_PER_TASK_HOUR("0", "Price of one workspace task for an hour (any currency), exported as "
      + "wsgate.cost.task.hour.price to turn workspace-seconds into cost."),
  METRICS_SAMPLE_INTERVAL("15s", "How often workspace counts and the cost counters are sampled from Redis."),
  // Security (see SecuritySettings and the README's Security section)
  AUTH("on", "on: every workspace request needs an LMS login token or a session; off: anyone who reaches the "
      + "gateway opens and launches any workspace (a warning is logged on every start)."),
  AUTH_KEYS("", "Comma-separated kid:secret pairs (secrets of at least 32 characters) shared with the LMS for HS256 "
      + "tokens; the first signs what `wsgate token` mints, all verify. Empty with the local provider: one key is "
      + "generated and kept in <state dir>/auth-keys (mode 0600)."),
  TOKEN_MAX_TTL("5m", "Longest lifetime (exp minus now) a login token may have; tokens that live longer are refused."),
  TOKEN_LEEWAY("30s", "Clock skew allowed when checking a login token's exp."),
  SESSION_TTL("12h", "Session cookie lifetime; it slides with use (a fresh cookie once more than half has passed)."),
  LOGIN_URL("", "LMS page a visitor without a session is redirected to, with return=<the URL they asked for>; "
      + "empty: a 401 page."),
  USER_CONCURRENT_LAUNCHES("2", "Workspaces one user may have starting at the same time (all replicas)."),
  USER_LAUNCH_RATE("10", "Launches one user may cause per minute (all replicas)."),
  GLOBAL_CONCURRENT_LAUNCHES("20", "Workspaces starting at the same time across all replicas."),
  MAX_REQUEST_LINE("8KiB", "Longest request line; longer gets 414."),
  MAX_HEADER_SIZE("16KiB", "Largest request header block; larger gets 431."),
  MAX_HEADERS("100", "Most request header fields; more gets 431."),
  HEADER_TIMEOUT("10s", "Longest a client may take to send a request's headers (slowloris); then the connection is closed."),
  BODY_IDLE_TIMEOUT("30s", "Longest a request body may stall while the gateway is reading it; then the connection is closed."),
  IDLE_TIMEOUT("120s", "A client connection with nothing read or written for this long is closed (within a quarter more); keep it above the load balancer's (ALB: 60 s)."),
  WEBSOCKET_MAX_MESSAGE("16MiB", "Largest WebSocket frame and message relayed (code-server sends multi-megabyte ones)."),
  TRUSTED_PROXIES("", "Comma-separated CIDRs of proxies (the ALB's subnets) whose X-Forwarded-For/-Proto are kept; "
      + "anyone else's are replaced.");

  private final String defaultValue;
  private final String description;

  Setting(String defaultValue, String description) {
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The environment variable, e.g. {@code WSGATE_LAUNCH_TIMEOUT}. */
  public String env() {
    return "WSGATE_" + name();
  }

  /** The command-line flag, e.g. {@code --launch-timeout}. */
  public String flag() {
    return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
