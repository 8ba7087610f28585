package io.wsgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Every meter wsgate exports, by name, and a small typed method per thing that happens, so the rest of the
 * code says {@code meters.launchStarted(...)} and never builds a meter. Names are Micrometer's dotted style
 * in base units (Prometheus turns {@code wsgate.launch.duration} into {@code wsgate_launch_duration_seconds}).
 * Tags are bounded: outcome, status class, direction, profile, source, phase, reason, state, kind, command;
 * never a workspace or user id. Meters on the request path are built up front so recording allocates nothing.
 */
public final class Meters {

  public static final String REQUESTS = "wsgate.requests";
  public static final String PROXY_OVERHEAD = "wsgate.proxy.overhead";
  public static final String UPSTREAM_FIRST_BYTE = "wsgate.upstream.first.byte";
  public static final String BYTES = "wsgate.proxy.bytes";
  public static final String WS_SESSIONS = "wsgate.websocket.sessions";
  public static final String WS_OPEN = "wsgate.websocket.open";
  public static final String LAUNCH_DURATION = "wsgate.launch.duration";
  public static final String LAUNCH_PHASE = "wsgate.launch.phase.duration";
  public static final String LAUNCH_FAILURES = "wsgate.launch.failures";
  public static final String LAUNCHES_ACTIVE = "wsgate.launch.active";
  public static final String HELD = "wsgate.coldstart.held";
  public static final String HOLD_WAIT = "wsgate.coldstart.wait";
  public static final String WAITING_PAGES = "wsgate.coldstart.waiting.pages";
  public static final String POOL_TARGET = "wsgate.pool.target";
  public static final String POOL_READY = "wsgate.pool.ready";
  public static final String POOL_CLAIMED = "wsgate.pool.claimed";
  public static final String POOL_STARTING = "wsgate.pool.starting";
  public static final String POOL_FORECAST = "wsgate.pool.forecast";
  public static final String WORKSPACES = "wsgate.workspaces";
  public static final String REAPED = "wsgate.reaped";
  public static final String LEADER = "wsgate.leader";
  public static final String REDIS_COMMANDS = "wsgate.redis.command.duration";
  public static final String ACTIVITY_FLUSH_BATCH = "wsgate.activity.flush.batch";
  public static final String WORKSPACE_SECONDS = "wsgate.workspace.seconds";
  public static final String TASK_HOUR_PRICE = "wsgate.cost.task.hour.price";

  /** {@code outcome} of a proxied request whose workspace answered (with any status). */
  public static final String OK = "ok";
  /** {@code source} of a launch that started a new workspace / claimed one from the warm pool. */
  public static final String COLD = "cold";
  public static final String WARM = "warm";
  /** {@code kind} of {@link #WORKSPACE_SECONDS}: serving a user, idle in the warm pool, starting. */
  public static final String ASSIGNED = "assigned";
  public static final String WARM_KIND = "warm";
  public static final String STARTING = "starting";
  /** {@code direction}: from the client to the workspace, and back. */
  public static final String IN = "in";
  public static final String OUT = "out";
  public static final String HTTP = "http";
  public static final String WEBSOCKET = "websocket";

  private static final Duration[] OVERHEAD_BUCKETS = durations(TimeUnit.MICROSECONDS, 50, 100, 250, 500, 1_000,
      2_500, 5_000, 10_000, 25_000, 50_000, 100_000);
  private static final Duration[] FIRST_BYTE_BUCKETS = durations(TimeUnit.MILLISECONDS, 1, 5, 10, 25, 50, 100,
      250, 500, 1_000, 2_500, 5_000, 10_000, 30_000);
  private static final Duration[] LAUNCH_BUCKETS = durations(TimeUnit.MILLISECONDS, 250, 500, 1_000, 2_000,
      3_000, 5_000, 8_000, 13_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 180_000, 300_000);
  private static final Duration[] REDIS_BUCKETS = durations(TimeUnit.MICROSECONDS, 250, 500, 1_000, 2_000, 5_000,
      10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000);

  private final MeterRegistry registry;
  private final Counter[] okByStatusClass = new Counter[6];
  private final BoundedFamily<Counter> requests;
  private final Timer overheadRequest;
  private final Timer overheadResponse;
  private final Timer upstreamFirstByte;
  private final Counter httpBytesIn;
  private final Counter httpBytesOut;
  private final Counter wsBytesIn;
  private final Counter wsBytesOut;
  private final BoundedFamily<Counter> wsSessions;
  private final AtomicInteger wsOpen = new AtomicInteger();
  final BoundedFamily<Timer> launchDuration;
  final BoundedFamily<Timer> launchPhase;
  final BoundedFamily<Counter> launchFailures;
  final AtomicInteger launchesActive = new AtomicInteger();
  private final AtomicInteger held = new AtomicInteger();
  private final BoundedFamily<Timer> holdWait;
  private final Counter waitingPages;
  private final BoundedFamily<Counter> reaped;
  private final BoundedFamily<Timer> redisCommands;
  private final DistributionSummary flushBatch;
  private final BoundedFamily<Counter> workspaceSeconds;
  private final BoundedFamily<AtomicLong> workspaces;
  private final AtomicReference<PoolStats> pool = new AtomicReference<>(PoolStats.NONE);
  private final AtomicReference<BooleanSupplier> leader = new AtomicReference<>(() -> true);
  final List<Consumer<LaunchRecord>> launchListeners = new CopyOnWriteArrayList<>();

  /**
   * @param taskHourPrice the configured price of one workspace task for an hour, exported so dashboards can
   *                      turn workspace-seconds into money
   */
  public Meters(MeterRegistry registry, double taskHourPrice) {
    this.registry = registry;
    for (int i = 1; i <= 5; i++) {
      okByStatusClass[i] = requestCounter(OK, i + "xx");
    }
    requests = new BoundedFamily<>(List.of("outcome", "status_class"), t -> Counter.builder(REQUESTS)
        .description("HTTP requests for workspaces, by outcome (ok: the workspace answered) and status class")
        .tags(t).register(registry));
    overheadRequest = overhead("request");
    overheadResponse = overhead("response");
    upstreamFirstByte = Timer.builder(UPSTREAM_FIRST_BYTE)
        .description("The workspace's own time: request sent upstream until its response head arrived")
        .serviceLevelObjectives(FIRST_BYTE_BUCKETS).register(registry);
    httpBytesIn = bytes(HTTP, IN);
    httpBytesOut = bytes(HTTP, OUT);
    wsBytesIn = bytes(WEBSOCKET, IN);
    wsBytesOut = bytes(WEBSOCKET, OUT);
    wsSessions = new BoundedFamily<>(List.of("outcome"), t -> Counter.builder(WS_SESSIONS)
        .description("WebSocket upgrades for workspaces, by outcome (opened, rejected by the workspace, or the"
            + " upstream failure)").tags(t).register(registry));
    Gauge.builder(WS_OPEN, wsOpen, AtomicInteger::get).description("WebSockets relayed right now")
        .register(registry);
    launchDuration = new BoundedFamily<>(List.of("profile", "source"), t -> Timer.builder(LAUNCH_DURATION)
        .description("Successful launches, first request to route published, by profile and source")
        .serviceLevelObjectives(LAUNCH_BUCKETS).tags(t).register(registry));
    launchPhase = new BoundedFamily<>(List.of("profile", "source", "phase"), t -> Timer.builder(LAUNCH_PHASE)
        .description("Time in each launch phase: claim, provider_start, readiness")
        .serviceLevelObjectives(LAUNCH_BUCKETS).tags(t).register(registry));
    launchFailures = new BoundedFamily<>(List.of("profile", "source", "reason", "phase"),
        t -> Counter.builder(LAUNCH_FAILURES).description("Failed launches by reason and the phase they failed in")
            .tags(t).register(registry));
    Gauge.builder(LAUNCHES_ACTIVE, launchesActive, AtomicInteger::get)
        .description("Launches this replica is running now").register(registry);
    Gauge.builder(HELD, held, AtomicInteger::get)
        .description("Requests held until their workspace is ready").register(registry);
    holdWait = new BoundedFamily<>(List.of("outcome"), t -> Timer.builder(HOLD_WAIT)
        .description("How long held requests waited, by outcome (ready, launch_failed, hold_timeout)")
        .serviceLevelObjectives(LAUNCH_BUCKETS).tags(t).register(registry));
    waitingPages = Counter.builder(WAITING_PAGES).description("Waiting pages sent to browsers")
        .register(registry);
    reaped = new BoundedFamily<>(List.of("profile", "reason"), t -> Counter.builder(REAPED)
        .description("Workspaces stopped by the reaper, by reason").tags(t).register(registry));
    Gauge.builder(LEADER, this, m -> m.isLeader() ? 1 : 0)
        .description("1 on the replica that holds the leader lease, else 0").register(registry);
    redisCommands = new BoundedFamily<>(List.of("command", "outcome"), t -> Timer.builder(REDIS_COMMANDS)
        .description("Redis commands by command and outcome (ok, error, timeout)")
        .serviceLevelObjectives(REDIS_BUCKETS).tags(t).register(registry));
    flushBatch = DistributionSummary.builder(ACTIVITY_FLUSH_BATCH).baseUnit("workspaces")
        .description("Workspaces written per activity flush").serviceLevelObjectives(1, 10, 100, 1_000, 10_000)
        .register(registry);
    workspaceSeconds = new BoundedFamily<>(List.of("profile", "kind"), t -> Counter.builder(WORKSPACE_SECONDS)
        .baseUnit("seconds").description("Workspace task time by profile and kind (assigned, warm, starting);"
            + " times the task-hour price / 3600 is cost").tags(t).register(registry));
    workspaces = new BoundedFamily<>(List.of("profile", "state"), t -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder(WORKSPACES, v, AtomicLong::get).description("Workspaces in Redis by profile and state")
          .tags(t).register(registry);
      return v;
    });
    Gauge.builder(TASK_HOUR_PRICE, () -> taskHourPrice)
        .description("Configured price of one workspace task for an hour (WSGATE_COST_PER_TASK_HOUR)")
        .register(registry);
  }

  /** Meters that record nothing, for code run without a registry. */
  public static Meters noop() {
    return new Meters(new CompositeMeterRegistry(), 0);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Creates the per-profile series (pool gauges, workspace counts) so they exist before anything happens. */
  public void registerProfiles(Collection<String> profiles) {
    for (String p : profiles) {
      Gauge.builder(POOL_TARGET, () -> pool.get().counts(p).target()).tag("profile", p)
          .description("Warm workspaces the pool schedule asks for").register(registry);
      Gauge.builder(POOL_READY, () -> pool.get().counts(p).ready()).tag("profile", p)
          .description("Warm workspaces ready to be claimed").register(registry);
      Gauge.builder(POOL_CLAIMED, () -> pool.get().counts(p).claimed()).tag("profile", p)
          .description("Pool workspaces claimed by users").register(registry);
      Gauge.builder(POOL_STARTING, () -> pool.get().counts(p).starting()).tag("profile", p)
          .description("Warm workspaces starting").register(registry);
      Gauge.builder(POOL_FORECAST, () -> pool.get().counts(p).forecast()).tag("profile", p)
          .description("Adaptive pool: launches expected within one cold start (-1 under a schedule)")
          .register(registry);
      for (String state : List.of("starting", "running")) {
        workspaces.get(p, state);
      }
      for (String kind : List.of(ASSIGNED, WARM_KIND, STARTING)) {
        workspaceSeconds.get(p, kind);
      }
    }
  }

  // --- proxying: called per request, allocation-free on the success path

  /** A request the gateway answered for a workspace: {@link #OK} if the workspace answered, else the error tag. */
  public void requestFinished(String outcome, int status) {
    int statusClass = status / 100;
    if (OK.equals(outcome) && statusClass >= 1 && statusClass <= 5) {
      okByStatusClass[statusClass].increment();
    } else {
      requests.get(outcome, statusClass >= 1 && statusClass <= 5 ? statusClass + "xx" : "other").increment();
    }
  }

  /** Time wsgate spent between receiving a request and handing it to the workspace connection. */
  public void overheadRequest(long nanos) {
    overheadRequest.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Time wsgate spent between the workspace's response head arriving and writing it to the client. */
  public void overheadResponse(long nanos) {
    overheadResponse.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void upstreamFirstByte(long nanos) {
    upstreamFirstByte.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void httpBytes(long in, long out) {
    httpBytesIn.increment(in);
    httpBytesOut.increment(out);
  }

  /** One WebSocket frame's payload, {@code toWorkspace} or back. */
  public void webSocketBytes(boolean toWorkspace, int bytes) {
    (toWorkspace ? wsBytesIn : wsBytesOut).increment(bytes);
  }

  /** The upgrade's outcome: {@code opened}, {@code rejected}, {@code client_failed} or an upstream error tag. */
  public void webSocketSession(String outcome) {
    wsSessions.get(outcome).increment();
  }

  public void webSocketOpened() {
    wsOpen.incrementAndGet();
  }

  public void webSocketClosed() {
    wsOpen.decrementAndGet();
  }

  // --- launches and cold start

  /**
   * A launch began; the returned observation times its phases and records how it ended.
   *
   * @param workspace only for {@link #onLaunch launch listeners}; never a tag
   * @param source    {@link #COLD} or {@link #WARM}
   * @param startedAtMillis when it began on the gateway's injected clock (the launch log shows it beside that
   *                  clock's "now"); its durations are measured on the monotonic clock
   */
  public LaunchObservation launchStarted(String workspace, String profile, String source, long startedAtMillis) {
    return launchStarted(workspace, profile, source, startedAtMillis, 0);
  }

  /**
   * A launch that began {@code elapsedNanos} ago (on the monotonic clock) and is observed only now, once it is known
   * to be warm or cold: its duration and its first phase count from when it began.
   */
  public LaunchObservation launchStarted(String workspace, String profile, String source, long startedAtMillis,
                                         long elapsedNanos) {
    return new LaunchObservation(this, workspace, profile, source, startedAtMillis, System.nanoTime() - elapsedNanos);
  }

  /** Tells {@code listener} about every finished launch (on the thread that finished it; must not block). */
  public void onLaunch(Consumer<LaunchRecord> listener) {
    launchListeners.add(listener);
  }

  public void waitingPageSent() {
    waitingPages.increment();
  }

  /** A request is being held until its workspace is ready; call {@link #heldFinished} exactly once after. */
  public long heldStarted() {
    held.incrementAndGet();
    return System.nanoTime();
  }

  /** @param outcome {@code ready}, or the error tag the held request was answered with */
  public void heldFinished(long startedNanos, String outcome) {
    held.decrementAndGet();
    holdWait.get(outcome).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  // --- control plane: reaper, pool, leader, activity, Redis, cost

  /** The reaper stopped a workspace; {@code reason} is a bounded tag such as {@code idle}. */
  public void reaped(String profile, String reason) {
    reaped.get(profile, reason).increment();
  }

  /** Where the {@code wsgate.pool.*} gauges read from; the warm pool calls this once it runs. */
  public void poolStats(PoolStats stats) {
    pool.set(stats == null ? PoolStats.NONE : stats);
  }

  public PoolStats.Counts pool(String profile) {
    return pool.get().counts(profile);
  }

  /** Whether this replica leads; the leader lease calls this once it runs. Until then every replica leads. */
  public void leaderStatus(BooleanSupplier isLeader) {
    leader.set(isLeader);
  }

  public boolean isLeader() {
    return leader.get().getAsBoolean();
  }

  public void activityFlushed(int batchSize) {
    flushBatch.record(batchSize);
  }

  /** Times one Redis command and counts its outcome; returns {@code reply} unchanged. */
  public <T> Future<T> redisCommand(String command, Future<T> reply) {
    long t0 = System.nanoTime();
    String name = command.toLowerCase(java.util.Locale.ROOT);
    return reply.andThen((r, err) -> redisCommands.get(name, err == null ? "ok"
        : err instanceof java.util.concurrent.TimeoutException || err.getClass().getSimpleName().contains("Timeout")
        ? "timeout" : "error").record(System.nanoTime() - t0, TimeUnit.NANOSECONDS));
  }

  /** The latest count of workspaces in Redis with this profile and state. */
  public void workspaces(String profile, String state, long count) {
    workspaces.get(profile, state).set(count);
  }

  /** Advances the cost counter: {@code seconds} of workspace task time of this kind. */
  public void workspaceSeconds(String profile, String kind, double seconds) {
    if (seconds > 0) {
      workspaceSeconds.get(profile, kind).increment(seconds);
    }
  }

  private Counter requestCounter(String outcome, String statusClass) {
    return Counter.builder(REQUESTS).tag("outcome", outcome).tag("status_class", statusClass)
        .description("HTTP requests for workspaces, by outcome (ok: the workspace answered) and status class")
        .register(registry);
  }

  private Timer overhead(String leg) {
    return Timer.builder(PROXY_OVERHEAD).tag("leg", leg)
        .description("Latency wsgate adds: request received until sent upstream (leg=request), response head"
            + " received until written to the client (leg=response)")
        .serviceLevelObjectives(OVERHEAD_BUCKETS).register(registry);
  }

  private Counter bytes(String protocol, String direction) {
    return Counter.builder(BYTES).baseUnit("bytes").tag("protocol", protocol).tag("direction", direction)
        .description("Body and WebSocket payload bytes relayed, in: client to workspace, out: back")
        .register(registry);
  }

  private static Duration[] durations(TimeUnit unit, long... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos(unit.toNanos(values[i]));
    }
    return out;
  }
}
