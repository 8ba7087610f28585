import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket load for the benchmarks (wrk speaks no WebSocket). One Vert.x event loop, meant to run pinned to the
 * load core; run with the shipped jar on the classpath: {@code java -cp proxy/target/wsgate.jar bench/WsLoad.java
 * MODE --target 127.0.0.1:PORT --host ws-bench.localhost [--cookie 'wsgate_session=…'] …}.
 *
 * <ul>
 *   <li>{@code check}: one socket; a text and a binary message must come back unchanged; exit 1 otherwise.</li>
 *   <li>{@code echo --sockets 100 --size 32 --warmup 2 --seconds 10}: each socket sends a text message, waits for its echo,
 *   sends the next (ping-pong); one operation is one round trip.</li>
 *   <li>{@code handshake --concurrency 16 --warmup 2 --seconds 10}: each loop opens a socket and closes it (close handshake
 *   until the connection is closed); one operation is one open plus close.</li>
 *   <li>{@code hold --sockets 10000 --active 1000 --seconds 60}: opens the sockets and keeps them, each sending a
 *   ping every {@code --keepalive} seconds; prints {@code open N}; when {@code --go-file} exists (or after
 *   {@code --idle} seconds without one) {@code --active} of them each send one message a second, as typing
 *   students do, for {@code --seconds}; one operation is one echoed message.</li>
 * </ul>
 *
 * <p>Prints one line {@code result ops=… seconds=… rate=… p50_ms=… p99_ms=… max_ms=… errors=…}, plus
 * {@code cpu_ticks=…} (user+system clock ticks the processes of {@code --pids} used in the measured window, read from
 * {@code /proc/<pid>/stat}) and {@code core_ticks=…} (busy ticks of CPU {@code --core}, from {@code /proc/stat}), so
 * the caller can divide the proxy's CPU time by the operations of exactly that window; {@code load_ticks=…} is this
 * program's own plus that of {@code --load-pids} (the origin), to see what the load side costs per operation.
 */
public final class WsLoad {

  private final Vertx vertx;
  private final WebSocketClient client;
  private final Map<String, String> opts;
  private final String host;
  private final int port;
  private final String hostHeader;
  private final String cookie;
  private final String path;
  private final Latencies latencies = new Latencies();
  private long errors;
  private String firstError;

  private WsLoad(Map<String, String> opts, int maxConnections) {
    this.opts = opts;
    String target = opts.getOrDefault("target", "127.0.0.1:8080");
    this.host = target.substring(0, target.lastIndexOf(':'));
    this.port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
    this.hostHeader = opts.getOrDefault("host", "ws-bench.localhost");
    this.cookie = opts.get("cookie");
    this.path = opts.getOrDefault("path", "/");
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(maxConnections)
        .setConnectTimeout(30_000).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: WsLoad check|echo|handshake|hold --target HOST:PORT --host HOST [--cookie C] ...");
      System.exit(2);
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("WsLoad: expected --name value, got " + args[i]);
        System.exit(2);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    int sockets = Integer.parseInt(opts.getOrDefault("sockets", "100"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "16"));
    WsLoad load = new WsLoad(opts, Math.max(sockets, concurrency) + 16);
    int code;
    try {
      code = switch (args[0]) {
        case "check" -> load.check();
        case "echo" -> load.echo(sockets);
        case "handshake" -> load.handshake(concurrency);
        case "hold" -> load.hold(sockets);
        default -> {
          System.err.println("WsLoad: unknown mode " + args[0]);
          yield 2;
        }
      };
    } finally {
      load.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(code);
  }

  private WebSocketConnectOptions connectOptions() {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(path)
        .setAllowOriginHeader(true).addHeader("host", hostHeader).addHeader("origin", "http://" + hostHeader);
    return cookie == null ? o : o.addHeader("cookie", cookie);
  }

  private Future<WebSocket> connect() {
    return client.connect(connectOptions());
  }

  private double seconds() {
    return Double.parseDouble(opts.getOrDefault("seconds", "10"));
  }

  private double warmup() {
    return Double.parseDouble(opts.getOrDefault("warmup", "0"));
  }

  /**
   * The measured window, opened {@code --warmup} seconds from now on the event loop: what was recorded until then
   * is dropped, so the load generator's own first seconds (its JIT) are not in the figures.
   */
  private Future<Window> windowAfterWarmup() {
    Promise<Window> window = Promise.promise();
    vertx.setTimer(Math.max(1, (long) (warmup() * 1000)), t -> {
      latencies.clear();
      errors = 0;
      firstError = null;
      window.complete(new Window(opts));
    });
    return window.future();
  }

  private int check() throws Exception {
    WebSocket ws = await(connect(), 30);
    String text = "check " + Long.toHexString(System.nanoTime()) + " ünïcødé";
    Buffer binary = Buffer.buffer(new byte[] {0, 1, 2, (byte) 0xff, 3});
    Promise<String> gotText = Promise.promise();
    Promise<Buffer> gotBinary = Promise.promise();
    ws.textMessageHandler(gotText::tryComplete);
    ws.binaryMessageHandler(gotBinary::tryComplete);
    ws.writeTextMessage(text);
    ws.writeBinaryMessage(binary);
    String echoedText = await(gotText.future(), 30);
    Buffer echoedBinary = await(gotBinary.future(), 30);
    Promise<Short> closed = Promise.promise();
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
    ws.close((short) 4000, "bench check");
    Short code = await(closed.future(), 30);
    boolean ok = text.equals(echoedText) && binary.equals(echoedBinary) && code != null && code == 4000;
    System.out.println(ok ? "check ok" : "check FAILED: text " + echoedText + ", binary " + echoedBinary
        + ", close code " + code);
    return ok ? 0 : 1;
  }

  /** Ping-pong on every socket at once: one message in flight per socket. */
  private int echo(int sockets) throws Exception {
    int size = Integer.parseInt(opts.getOrDefault("size", "32"));
    String message = "x".repeat(size);
    List<WebSocket> open = openAll(sockets);
    Promise<Void> done = Promise.promise();
    int[] finished = {0};
    Future<Window> measured = windowAfterWarmup();
    long end = System.nanoTime() + (long) ((warmup() + seconds()) * 1e9);
    for (WebSocket ws : open) {
      long[] sent = {System.nanoTime()};
      ws.textMessageHandler(echoed -> {
        long now = System.nanoTime();
        if (echoed.length() != size) {
          error("echo of " + echoed.length() + " bytes, sent " + size);
        }
        latencies.add(now - sent[0]);
        if (now < end) {
          sent[0] = now;
          ws.writeTextMessage(message);
        } else if (++finished[0] == open.size()) {
          done.tryComplete();
        }
      });
      ws.closeHandler(v -> {
        error("socket closed during the run: " + ws.closeStatusCode());
        if (++finished[0] == open.size()) {
          done.tryComplete();
        }
      });
      ws.writeTextMessage(message);
    }
    await(done.future(), warmup() + seconds() + 60);
    Window window = await(measured, 1);
    window.end();
    closeAll(open);
    report(window);
    return 0;
  }

  /** Open and close, over and over, in {@code concurrency} loops. */
  private int handshake(int concurrency) throws Exception {
    Future<Window> measured = windowAfterWarmup();
    long end = System.nanoTime() + (long) ((warmup() + seconds()) * 1e9);
    Promise<Void> done = Promise.promise();
    int[] finished = {0};
    for (int i = 0; i < concurrency; i++) {
      vertx.runOnContext(v -> openClose(end, () -> {
        if (++finished[0] == concurrency) {
          done.tryComplete();
        }
      }));
    }
    await(done.future(), warmup() + seconds() + 60);
    Window window = await(measured, 1);
    window.end();
    report(window);
    return 0;
  }

  private void openClose(long end, Runnable finished) {
    if (System.nanoTime() >= end) {
      finished.run();
      return;
    }
    long start = System.nanoTime();
    connect().onComplete(ar -> {
      if (ar.failed()) {
        error("open failed: " + ar.cause());
        vertx.setTimer(10, t -> openClose(end, finished));
        return;
      }
      WebSocket ws = ar.result();
      ws.closeHandler(v -> {
        latencies.add(System.nanoTime() - start);
        openClose(end, finished);
      });
      ws.close();
    });
  }

  /**
   * Many sockets, idle but for keepalive pings; then {@code --active} of them send one message a second each, spread
   * evenly over the second, and every echo's round trip is recorded.
   */
  private int hold(int sockets) throws Exception {
    int active = Integer.parseInt(opts.getOrDefault("active", "1000"));
    int size = Integer.parseInt(opts.getOrDefault("size", "32"));
    double keepaliveSeconds = Double.parseDouble(opts.getOrDefault("keepalive", "30"));
    String message = "k".repeat(size);
    long openStart = System.nanoTime();
    List<WebSocket> open = openAll(sockets);
    System.out.printf(Locale.ROOT, "open %d in %.1f s%n", open.size(), (System.nanoTime() - openStart) / 1e9);
    int[] closedEarly = {0};
    for (WebSocket ws : open) {
      ws.closeHandler(v -> closedEarly[0]++);
    }
    // keepalives: every socket pings once per period, spread over the period
    long keepaliveMs = Math.max(1, (long) (keepaliveSeconds * 1000));
    long tick = 50;
    int perTick = (int) Math.ceil(open.size() * (double) tick / keepaliveMs);
    int[] next = {0};
    long keepalive = vertx.setPeriodic(tick, t -> {
      for (int i = 0; i < perTick; i++) {
        open.get(next[0]).writePing(Buffer.buffer("ka"));
        next[0] = (next[0] + 1) % open.size();
      }
    });
    waitForGo();
    int typing = Math.min(active, open.size());
    long[] sent = new long[typing];
    for (int i = 0; i < typing; i++) {
      int s = i;
      open.get(i).textMessageHandler(echoed -> {
        if (sent[s] != 0) {
          latencies.add(System.nanoTime() - sent[s]);
          sent[s] = 0;
        }
      });
    }
    Window window = new Window(opts);
    long end = window.startNanos + (long) (seconds() * 1e9);
    int slots = 100; // each 10 ms, a hundredth of the typing sockets send
    int[] slot = {0};
    long[] late = {0};
    Promise<Void> done = Promise.promise();
    long typingTimer = vertx.setPeriodic(10, t -> {
      long now = System.nanoTime();
      if (now >= end) {
        done.tryComplete();
        return;
      }
      for (int i = slot[0]; i < typing; i += slots) {
        if (sent[i] != 0) {
          late[0]++; // the previous message has had no echo for a whole second
        }
        sent[i] = now;
        open.get(i).writeTextMessage(message);
      }
      slot[0] = (slot[0] + 1) % slots;
    });
    await(done.future(), seconds() + 60);
    vertx.cancelTimer(typingTimer);
    // let the last second's echoes arrive before reporting
    await(vertx.timer(1000), 10);
    window.end();
    vertx.cancelTimer(keepalive);
    if (late[0] > 0) {
      error(late[0] + " messages had no echo within a second");
    }
    if (closedEarly[0] > 0) {
      error(closedEarly[0] + " sockets closed before the end");
    }
    report(window);
    closeAll(open);
    return 0;
  }

  private void waitForGo() throws InterruptedException {
    String goFile = opts.get("go-file");
    long idleMs = (long) (Double.parseDouble(opts.getOrDefault("idle", "30")) * 1000);
    long until = System.nanoTime() + idleMs * 1_000_000L;
    while (System.nanoTime() < until) {
      if (goFile != null && Files.exists(Path.of(goFile))) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /**
   * Opens {@code n} sockets, {@code --open-concurrency} (default 50) handshakes at a time. A refused or failed
   * handshake is tried again after a second, up to 3 times (a busy gateway may answer 503 for a moment); the
   * failures are counted and printed. Exits if a socket cannot be opened at all.
   */
  private List<WebSocket> openAll(int n) throws Exception {
    List<WebSocket> open = new ArrayList<>(n);
    Promise<Void> all = Promise.promise();
    int[] started = {0};
    int[] failures = {0};
    String[] lastFailure = {null};
    int inFlight = Math.min(n, Integer.parseInt(opts.getOrDefault("open-concurrency", "50")));
    Runnable[] next = new Runnable[1];
    java.util.function.IntConsumer[] attempt = new java.util.function.IntConsumer[1];
    attempt[0] = tries -> connect().onComplete(ar -> {
      if (ar.failed()) {
        failures[0]++;
        lastFailure[0] = String.valueOf(ar.cause());
        if (tries >= 3) {
          all.tryFail(ar.cause());
        } else {
          vertx.setTimer(1000, t -> attempt[0].accept(tries + 1));
        }
        return;
      }
      open.add(ar.result());
      if (open.size() == n) {
        all.tryComplete();
      } else {
        next[0].run();
      }
    });
    next[0] = () -> {
      if (started[0] < n) {
        started[0]++;
        attempt[0].accept(0);
      }
    };
    for (int i = 0; i < inFlight; i++) {
      vertx.runOnContext(v -> next[0].run());
    }
    try {
      await(all.future(), 120 + n / 20.0);
    } catch (Exception e) {
      System.out.println("result ops=0 errors=1 first_error=" + quote("opening sockets: " + open.size() + " of " + n
          + " open, " + failures[0] + " handshakes failed, the last: " + e));
      System.exit(1);
    }
    if (failures[0] > 0) {
      System.out.println("open: " + failures[0] + " handshakes failed and were tried again; the last: " + lastFailure[0]);
    }
    return open;
  }

  private void closeAll(List<WebSocket> open) {
    List<Future<Void>> closes = new ArrayList<>();
    for (WebSocket ws : open) {
      ws.closeHandler(null);
      closes.add(ws.close());
    }
    try {
      await(Future.join(closes), 30);
    } catch (Exception e) {
      // closing is not measured
    }
  }

  private void error(String what) {
    if (errors++ == 0) {
      firstError = what;
    }
  }

  private void report(Window w) {
    double secs = (w.endNanos - w.startNanos) / 1e9;
    long ops = latencies.count();
    System.out.printf(Locale.ROOT, "result ops=%d seconds=%.2f rate=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f "
            + "errors=%d cpu_ticks=%d sys_ticks=%d core_ticks=%d load_ticks=%d%s%n", ops, secs, ops / secs,
        latencies.percentile(50) / 1e6, latencies.percentile(99) / 1e6, latencies.percentile(100) / 1e6, errors,
        w.cpuTicks(), w.sysTicks(), w.coreTicks(), w.selfTicks(),
        firstError == null ? "" : " first_error=" + quote(firstError));
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "") + "'";
  }

  private static <T> T await(Future<T> f, double seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get((long) (seconds * 1000), TimeUnit.MILLISECONDS);
  }

  /** Round trips in nanoseconds, kept whole (a few million longs at most) and sorted once at the end. */
  private static final class Latencies {
    private long[] values = new long[1 << 16];
    private int n;
    private boolean sorted;

    void add(long nanos) {
      if (n == values.length) {
        values = Arrays.copyOf(values, n * 2);
      }
      values[n++] = nanos;
      sorted = false;
    }

    void clear() {
      n = 0;
    }

    long count() {
      return n;
    }

    long percentile(double p) {
      if (n == 0) {
        return 0;
      }
      if (!sorted) {
        Arrays.sort(values, 0, n);
        sorted = true;
      }
      int i = (int) Math.ceil(p / 100.0 * n) - 1;
      return values[Math.max(0, Math.min(n - 1, i))];
    }
  }

  /**
   * The measured window: its monotonic start and end, and at both the CPU ticks used so far by the processes of
   * {@code --pids} and the busy ticks of CPU {@code --core}.
   */
  private static final class Window {
    final long startNanos;
    long endNanos;
    private final List<Long> pids = new ArrayList<>();
    private final List<Long> loadPids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
    private final String core;
    private final long cpuStart;
    private final long sysStart;
    private final long coreStart;
    private final long selfStart;
    private long cpuEnd;
    private long sysEnd;
    private long coreEnd;
    private long selfEnd;

    Window(Map<String, String> opts) {
      for (String p : opts.getOrDefault("pids", "").split(",")) {
        if (!p.isBlank()) {
          pids.add(Long.parseLong(p.trim()));
        }
      }
      for (String p : opts.getOrDefault("load-pids", "").split(",")) {
        if (!p.isBlank()) {
          loadPids.add(Long.parseLong(p.trim()));
        }
      }
      core = opts.get("core");
      long[] proxy = processTicks(pids);
      cpuStart = proxy[0];
      sysStart = proxy[1];
      coreStart = coreBusyTicks();
      selfStart = processTicks(loadPids)[0];
      startNanos = System.nanoTime();
    }

    void end() {
      endNanos = System.nanoTime();
      long[] proxy = processTicks(pids);
      cpuEnd = proxy[0];
      sysEnd = proxy[1];
      coreEnd = coreBusyTicks();
      selfEnd = processTicks(loadPids)[0];
    }

    long cpuTicks() {
      return cpuEnd - cpuStart;
    }

    /** The part of {@link #cpuTicks} spent in the kernel (stime). */
    long sysTicks() {
      return sysEnd - sysStart;
    }

    long coreTicks() {
      return coreEnd - coreStart;
    }

    long selfTicks() {
      return selfEnd - selfStart;
    }

    /**
     * utime + stime, and stime alone, summed over the processes (all their threads): fields 14 and 15 of
     * /proc/PID/stat.
     */
    private static long[] processTicks(List<Long> pids) {
      long all = 0;
      long system = 0;
      for (long pid : pids) {
        try {
          String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          system += Long.parseLong(f[12]);
          all += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
          throw new IllegalStateException("cannot read the CPU time of pid " + pid + ": " + e);
        }
      }
      return new long[] {all, system};
    }

    /** All but idle and iowait of the CPU's line in /proc/stat. */
    private long coreBusyTicks() {
      if (core == null) {
        return 0;
      }
      try {
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
          if (line.startsWith("cpu" + core + " ")) {
            String[] f = line.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
              if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
              }
            }
            return busy;
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read /proc/stat: " + e);
      }
      return 0;
    }
  }
}
