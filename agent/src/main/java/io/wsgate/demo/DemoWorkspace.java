package io.wsgate.demo;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the built-in {@code demo} workspace, started by the workspace agent as its IDE
 * ({@code --ide demo}, see {@code Profile.DEMO_COMMAND}) once it knows the workspace.
 *
 * <p>Exit codes: 2 for bad arguments, 1 if the server cannot start (port taken, data directory not
 * writable). SIGTERM closes Vert.x through a shutdown hook.
 */
public final class DemoWorkspace {

  /** Bound on closing Vert.x at shutdown, so a stuck close cannot hold a stop forever. */
  private static final long CLOSE_TIMEOUT_SECONDS = 5;
  private static final String LOGBACK_CONFIG = "logback.configurationFile";

  private DemoWorkspace() {
  }

  public static void main(String[] args) {
    // The gateway's classpath carries logback, which logs everything at DEBUG when unconfigured; an
    // operator's own -Dlogback.configurationFile still wins.
    if (System.getProperty(LOGBACK_CONFIG) == null) {
      System.setProperty(LOGBACK_CONFIG, "io/wsgate/demo/logback-demo.xml");
    }
    DemoSettings settings;
    try {
      settings = DemoSettings.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("demo workspace: bad arguments:\n  " + e.getMessage().replace("\n", "\n  "));
      System.err.println(DemoSettings.USAGE);
      System.exit(2);
      return;
    }

    // Started with -Xmx48m next to many others on one host: one event loop and few threads are plenty,
    // and the page is read from the classpath directly, so no cache directory is needed.
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(1)
        .setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx), "demo-shutdown"));

    DemoVerticle verticle = new DemoVerticle(settings);
    vertx.deployVerticle(verticle)
        .onSuccess(id -> System.out.printf("demo workspace %s listening on %s:%d, data in %s%n",
            settings.id(), settings.host(), verticle.actualPort(), settings.dir()))
        .onFailure(err -> {
          System.err.println("demo workspace " + settings.id() + ": cannot start on " + settings.host() + ":"
              + settings.port() + ": " + err);
          // exit from another thread: System.exit runs the shutdown hook, which waits for this event loop
          new Thread(() -> System.exit(1), "demo-exit").start();
        });
  }

  private static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("demo workspace: close did not finish cleanly: " + e);
    }
  }
}
