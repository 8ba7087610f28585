package io.wsgate.simulate;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.wsgate.time.Deadline;
import io.wsgate.time.ManualClock;
import io.wsgate.config.ConfigLoader;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.control.FleetControl;
import io.wsgate.control.LeaderLease;
import io.wsgate.control.Reaper;
import io.wsgate.control.Reconciler;
import io.wsgate.control.WarmPool;
import io.wsgate.launch.Launcher;
import io.wsgate.launch.ReadinessProbe;
import io.wsgate.metrics.Meters;
import io.wsgate.store.ActivityStore;
import io.wsgate.store.EmbeddedRedis;
import io.wsgate.store.FleetStore;
import io.wsgate.store.MemoryRedis;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvents;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Replays a scenario's sessions through wsgate's own control loop and launcher in virtual time: the real
 * {@link FleetControl} (lease, {@link WarmPool}, {@link Reaper}, {@link Reconciler}) and {@link Launcher} with
 * wsgate's store classes, against {@link MemoryRedis} (by default) or a real Redis (embedded, with the real Lua
 * scripts; see {@link Store}), a {@link ManualClock} and a {@link SimProvider}.
 *
 * <p>A discrete-event loop: the next event (a control tick every control interval, a student arriving, a
 * launch becoming healthy, a session ending) moves the clock, then its work runs on the Vert.x context until it
 * is settled (every Redis reply and probe in, or blocked on a later virtual event) before the clock moves again,
 * so a run depends on the seed alone, never on how fast the machine is. The simulator only does what the
 * world outside wsgate does: students arrive and work (their activity is written with the same
 * {@link ActivityStore} batch the gateway's activity tracker flushes), containers take their time to start, and
 * the control verticle ticks on its timer and when a pool member is claimed.
 */
public final class Simulation {

  /**
   * How the world behaves: cold starts, warm claims, the control interval, the idle timeout, the share of
   * sessions that end with the browser tab closed (the others leave it open until the workspace stops), the seed.
   */
  public record World(Spread coldStart, Spread warmClaim, Duration controlInterval, String idleTimeout,
                      double tabsClosed, long seed) {
    public World(Spread coldStart, Spread warmClaim, Duration controlInterval, String idleTimeout, long seed) {
      this(coldStart, warmClaim, controlInterval, idleTimeout, 0.5, seed);
    }
  }

  /**
   * Where the fleet's shared state lives: {@link #MEMORY}, wsgate's Redis commands and scripts answered in the JVM
   * ({@link MemoryRedis}, proved to decide as Redis does), or {@link #REDIS}, a real redis-server started for the
   * run (every command a round trip: about ten times slower).
   */
  public enum Store { MEMORY, REDIS }

  private enum Kind { TICK, EXTRA_TICK, READY, ARRIVE }

  private record Event(long time, long seq, Kind kind, Object subject) {
  }

  private static final class Student {
    SimTask task;
    long busyUntil;
    long flushed;
    boolean launching;
    boolean closesTab;
    int tabsFlushed = -1;
  }

  private record Pending(Session session, long arrivedAt, Future<Route> route) {
  }

  private final Scenario scenario;
  private final Policy policy;
  private final World world;
  private final Store storeKind;
  /** Every decision, as "virtual-ms what", when asked for ({@link #recordDecisions()}); null otherwise. */
  private List<String> decisions;
  private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
      ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private final Map<String, Student> students = new HashMap<>();
  /**
   * The students whose activity a tick may still have to write: given a workspace, and not yet both stopped and
   * flushed to their last moment (nothing more is written for those until they get a workspace again).
   */
  private final Map<String, Student> active = new LinkedHashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();
  private final Map<String, Outcome> outcomes = new LinkedHashMap<>();
  private final SplittableRandom warmRandom;
  private final SplittableRandom tabRandom;
  private long seq;
  private ManualClock clock;
  private Context context;
  private Vertx vertx;
  private SimProvider provider;
  private Launcher launcher;
  private FleetControl control;
  private WarmPool pool;
  private ActivityStore activity;
  private FleetStore fleet;
  private GatewayConfig config;

  public Simulation(Scenario scenario, Policy policy, World world) {
    this(scenario, policy, world, Store.MEMORY);
  }

  public Simulation(Scenario scenario, Policy policy, World world, Store store) {
    this.scenario = scenario;
    this.policy = policy;
    this.world = world;
    this.storeKind = store;
    this.warmRandom = new SplittableRandom(world.seed() ^ 0x5DEECE66DL);
    this.tabRandom = new SplittableRandom(world.seed() ^ 0x2545F4914F6CDD1DL);
    for (String p : scenario.profiles()) {
      outcomes.put(p, new Outcome(policy.name(), p));
    }
  }

  /**
   * Keeps a log of every decision the run makes, in virtual-time order: each launch (pool member or cold, with
   * its workspace and when it will be healthy), assignment and stop (with its reason) as the provider is asked
   * for it, what each arrival got (warm, cold, resumed, merged, failed, with its wait), and the pool's target and
   * counts at every control tick. For comparing two runs decision by decision.
   */
  Simulation recordDecisions() {
    decisions = new ArrayList<>();
    return this;
  }

  /** The decision log, if {@link #recordDecisions()} was called. */
  List<String> decisions() {
    return decisions;
  }

  private void note(String what) {
    if (decisions != null) {
      decisions.add(clock.millis() + " " + what);
    }
  }

  /** Runs the whole scenario; one outcome per profile. */
  public Map<String, Outcome> run() throws IOException {
    Path tmp = Files.createTempDirectory("wsgate-simulate");
    EmbeddedRedis redis = storeKind == Store.REDIS ? startRedis() : null;
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      context = vertx.getOrCreateContext();
      HttpServer server = on(() -> vertx.createHttpServer()
          .requestHandler(req -> req.response().end("ok")).listen(0, "127.0.0.1")).await();
      clock = new ManualClock(java.time.Instant.ofEpochMilli(scenario.warmUpFrom()));
      config = ConfigLoader.load(SimulatedSettings.env(tmp, scenario, policy, world));
      provider = new SimProvider(clock, world.coldStart(), new SplittableRandom(world.seed()),
          new Endpoint("127.0.0.1", server.actualPort()), (t, task) -> schedule(t, Kind.READY, task));
      provider.decisions(decisions == null ? null : this::note);
      Redis client;
      Redis events;
      if (redis == null) {
        client = new MemoryRedis(vertx);
        events = client;
      } else {
        RedisOptions options = new RedisOptions().setConnectionString(redis.url()).setMaxPoolSize(4)
            .setMaxPoolWaiting(4096).setMaxWaitingHandlers(16384);
        client = Redis.createClient(vertx, options);
        events = Redis.createClient(vertx, options);
      }
      RedisStore store = new RedisStore(client, Duration.ofSeconds(30));
      fleet = new FleetStore(store);
      activity = new ActivityStore(store);
      HttpClient probes = new SimWorkspacesClient(vertx);
      Meters meters = Meters.noop();
      launcher = new Launcher(vertx, config, store, provider, probes,
          new RouteEvents(vertx, events), clock, meters);
      pool = new WarmPool(config, fleet, provider, new ReadinessProbe(vertx, probes), meters);
      control = new FleetControl(config, new LeaderLease(fleet, "simulator", config.fleet().leaderLease()), pool,
          new Reaper(config, store, activity, provider, meters), new Reconciler(config, store, provider, meters), clock,
          store.reachability());
      on(this::loop).await();
      settle();
      return outcomes;
    } finally {
      vertx.close().await();
      if (redis != null) {
        redis.close();
      }
      deleteQuietly(tmp);
    }
  }

  /**
   * One redis-server at a time: the library copies its binary out before each start, and policies starting theirs
   * at once failed with "Text file busy" (one copying over the file another was executing).
   */
  private static synchronized EmbeddedRedis startRedis() throws IOException {
    return EmbeddedRedis.start(null);
  }

  /**
   * Runs on the context, one event at a time: each event's work settles before the clock moves to the next, which
   * starts in a turn of its own (so no chain of futures grows). The whole run stays on the one event loop thread:
   * handing each event over from another thread and waiting for it there cost 16% more CPU (414 against 358
   * CPU-seconds for the 30-day seeds-1000 run).
   */
  private Future<Void> loop() {
    scenario.sessions().forEach(s -> schedule(s.start(), Kind.ARRIVE, s));
    schedule(scenario.warmUpFrom(), Kind.TICK, null);
    Promise<Void> done = Promise.promise();
    next(done);
    return done.future();
  }

  private void next(Promise<Void> done) {
    Event e;
    synchronized (queue) {
      e = queue.poll();
    }
    if (e == null || e.time() > scenario.to()) {
      done.complete();
      return;
    }
    clock.moveTo(e.time());
    Future<Void> work;
    try {
      work = switch (e.kind()) {
        case TICK -> tick(true);
        case EXTRA_TICK -> tick(false);
        case ARRIVE -> arrive((Session) e.subject());
        case READY -> ready((SimTask) e.subject());
      };
    } catch (RuntimeException err) {
      done.fail(err);
      return;
    }
    work.onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else {
        context.runOnContext(v -> next(done));
      }
    });
  }

  private void schedule(long time, Kind kind, Object subject) {
    synchronized (queue) {
      queue.add(new Event(time, ++seq, kind, subject));
    }
  }

  /**
   * The control verticle's timer (and its tick on a pool claim). First the activity of the students: those at
   * work now, and the last moment of those who stopped since, as the gateway's activity tracker would have
   * flushed it.
   */
  private Future<Void> tick(boolean regular) {
    long now = clock.millis();
    Map<String, Long> times = new LinkedHashMap<>();
    Map<String, String> reasons = new LinkedHashMap<>();
    Map<String, Integer> tabs = new LinkedHashMap<>();
    for (var it = active.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      String user = e.getKey();
      Student st = e.getValue();
      if (st.launching || st.task == null) {
        continue;
      }
      long last = Math.min(now, st.busyUntil);
      if (last > st.flushed) {
        times.put(user, last);
        reasons.put(user, "simulated work");
        st.flushed = last;
      }
      int open = st.task.stopped() || (st.busyUntil <= now && st.closesTab) ? 0 : 1;
      if (open != st.tabsFlushed && !st.task.stopped()) {
        tabs.put(user, open);
        st.tabsFlushed = open;
      }
      if (st.task.stopped() && st.busyUntil <= st.flushed) {
        it.remove();
      }
    }
    return (times.isEmpty() && tabs.isEmpty() ? Future.<Void>succeededFuture()
        : activity.write(times, reasons, tabs, "simulator")).compose(v -> control.tick())
        .map(tick -> {
          ticked(tick, regular, now);
          return null;
        });
  }

  private void ticked(FleetControl.Tick tick, boolean regular, long now) {
    if (regular) {
      if (decisions != null && tick.pool() != null) {
        tick.pool().profiles().forEach((name, s) -> note("pool " + name + " target " + s.target() + " ready "
            + s.ready() + " starting " + s.starting() + " forecast "
            + this.pool.decision(name).map(d -> String.format(java.util.Locale.ROOT, "%.4f", d.forecast())).orElse("-")));
      }
      if (now >= scenario.from() && tick.pool() != null) {
        sample(now, tick.pool());
      }
      schedule(now + world.controlInterval().toMillis(), Kind.TICK, null);
    }
  }

  private void sample(long now, WarmPool.Result pool) {
    Map<String, int[]> running = new HashMap<>();
    for (SimTask t : provider.running()) {
      running.computeIfAbsent(t.profile, k -> new int[1])[0]++;
    }
    Map<String, int[]> working = new HashMap<>();
    active.forEach((user, st) -> {
      if (st.busyUntil > now && st.task != null) {
        working.computeIfAbsent(st.task.profile, k -> new int[1])[0]++;
      }
    });
    outcomes.forEach((name, o) -> {
      WarmPool.ProfileState s = pool.profiles().get(name);
      long forecast = this.pool.decision(name).map(d -> Math.round(d.forecast() * 100)).orElse(-1L);
      o.samples.add(new long[] {now, running.getOrDefault(name, new int[1])[0], s == null ? 0 : s.ready(),
          s == null ? 0 : s.starting(), s == null ? 0 : s.target(), working.getOrDefault(name, new int[1])[0],
          forecast});
    });
  }

  private Future<Void> arrive(Session s) {
    long now = clock.millis();
    Student st = students.computeIfAbsent(s.user(), k -> new Student());
    Outcome o = outcomes.get(s.profile());
    boolean measured = now >= scenario.from();
    if (st.launching || st.busyUntil > now) {
      if (measured) {
        o.merged++;
      }
      note("arrive " + s.user() + " merged");
      return Future.succeededFuture();
    }
    boolean wasRunning = st.task != null && !st.task.stopped();
    WorkspaceId id = new WorkspaceId(s.user());
    Profile profile = config.profile(s.profile());
    Future<SimTask> wanted = provider.coldLaunchOf(s.user());
    Future<Route> route = launcher.ensureRunning(id, profile);
    route.onComplete(ar -> provider.forgetColdLaunch(s.user()));
    return firstOf(route, wanted).compose(v -> {
      SimTask cold = wanted.isComplete() ? wanted.result() : null;
      if (cold != null && !route.isComplete()) {
        st.launching = true;
        pending.put(cold.ref, new Pending(s, now, route));
        return Future.succeededFuture();
      }
      return completion(route).map(done -> {
        served(s, st, o, route, wasRunning, now, measured);
        return null;
      });
    });
  }

  /** What an arrival got at once: a failure, its own workspace still running, or a pool member. */
  private void served(Session s, Student st, Outcome o, Future<Route> route, boolean wasRunning, long now,
                      boolean measured) {
    if (route.failed()) {
      if (measured) {
        o.launches++;
        o.failed++;
      }
      note("arrive " + s.user() + " failed");
      return;
    }
    SimTask task = provider.task(route.result().providerRef());
    if (wasRunning && task == st.task) {
      if (measured) {
        o.resumed++;
      }
      note("arrive " + s.user() + " resumed " + task.label());
      work(st, s, task, now);
      return;
    }
    long wait = world.warmClaim().draw(warmRandom);
    if (measured) {
      o.launches++;
      o.warm++;
      o.waits.add(wait);
    }
    note("arrive " + s.user() + " warm " + task.label() + " wait " + wait);
    work(st, s, task, now + wait);
    schedule(now, Kind.EXTRA_TICK, null); // the control verticle ticks at once on a pool claim
  }

  private Future<Void> ready(SimTask task) {
    if (task.stopped()) {
      return Future.succeededFuture();
    }
    Pending p = task.pool ? null : pending.remove(task.ref);
    provider.complete(task);
    Future<Void> settled = task.pool ? promoted(task) : p == null ? Future.succeededFuture() : completion(p.route());
    return settled.map(v -> {
      if (p != null) {
        started(task, p);
      }
      return null;
    });
  }

  /** A fresh launch a student waited for is healthy, and the launcher has served it (or failed). */
  private void started(SimTask task, Pending p) {
    Student st = students.get(p.session().user());
    st.launching = false;
    Outcome o = outcomes.get(p.session().profile());
    boolean measured = p.arrivedAt() >= scenario.from();
    if (measured) {
      o.launches++;
    }
    if (p.route().failed()) {
      if (measured) {
        o.failed++;
      }
      note("arrive " + p.session().user() + " failed");
      return;
    }
    long now = clock.millis();
    note("arrive " + p.session().user() + " cold " + task.label() + " wait " + (now - p.arrivedAt()));
    if (measured) {
      o.cold++;
      o.waits.add(now - p.arrivedAt());
    }
    work(st, p.session(), task, now);
  }

  /**
   * A healthy pool member is probed and listed as ready by the real pool (or stopped if it is surplus by then);
   * completes once Redis no longer counts it as starting. The pool's probe passes before it lists the member, so
   * the look at Redis waits for the provider to hear of that ({@link SimProvider#confirmEndpoint}) or of a stop;
   * after it the listing is one Redis write away. Each further look is a fresh turn of the context a millisecond
   * later, so no chain of futures grows and no loop spins, however long a busy machine takes.
   */
  private Future<Void> promoted(SimTask task) {
    Promise<Void> done = Promise.promise();
    task.probed.future().onComplete(ar -> look(task, done, Deadline.after(PROMOTION_WAIT), 0));
    return done.future();
  }

  /** Looks at once, each a turn of its own, before looking a millisecond apart: the listing is a write or two away. */
  private static final int QUICK_LOOKS = 100;

  /** How long (wall time) the simulator waits for the real pool to list a healthy member before giving up. */
  private static final Duration PROMOTION_WAIT = Duration.ofMinutes(5);

  private void look(SimTask task, Promise<Void> done, Deadline deadline, int looks) {
    fleet.starting(task.profile).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else if (!ar.result().contains(task.launchId)) {
        done.complete();
      } else if (deadline.passed()) {
        done.fail("pool member " + task.ref + " was not listed within " + PROMOTION_WAIT);
      } else if (looks < QUICK_LOOKS) {
        context.runOnContext(v -> look(task, done, deadline, looks + 1));
      } else {
        vertx.setTimer(1, t -> look(task, done, deadline, looks + 1));
      }
    });
  }

  private void work(Student st, Session s, SimTask task, long from) {
    if (st.task != task) {
      st.tabsFlushed = -1; // a new workspace: its tab count starts unknown
    }
    st.task = task;
    active.put(s.user(), st);
    st.closesTab = tabRandom.nextDouble() < world.tabsClosed();
    st.busyUntil = from + s.lengthMillis();
    task.usedMillis += clip(from, st.busyUntil);
  }

  /** Bills every task's time inside the measured period to what it was for. */
  private void settle() {
    for (SimTask t : provider.tasks()) {
      Outcome o = outcomes.get(t.profile);
      long stop = t.stopped() ? t.stoppedAt : scenario.to();
      o.startingMs += clip(t.launchedAt, Math.min(t.readyAt, stop));
      if (t.pool) {
        o.warmMs += clip(t.readyAt, t.assignedAt >= 0 ? Math.min(t.assignedAt, stop) : stop);
      }
      if (t.assignedAt >= 0 && t.assignedAt < stop) {
        long assigned = clip(t.assignedAt, stop);
        o.usedMs += Math.min(t.usedMillis, assigned);
        o.idleMs += Math.max(0, assigned - t.usedMillis);
      }
    }
  }

  private long clip(long from, long to) {
    long a = Math.max(from, scenario.from());
    long b = Math.min(to, scenario.to());
    return Math.max(0, b - a);
  }

  private <T> Future<T> on(Supplier<Future<T>> op) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        op.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** Completes (never fails) when {@code f} completes either way. */
  private static Future<Void> completion(Future<?> f) {
    return f.transform(ar -> Future.succeededFuture());
  }

  /** Completes when either future completes, whichever way. */
  private static Future<Void> firstOf(Future<?> a, Future<?> b) {
    Promise<Void> p = Promise.promise();
    a.onComplete(ar -> p.tryComplete());
    b.onComplete(ar -> p.tryComplete());
    return p.future();
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
