package io.wsgate.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.EnumSet;
import java.util.Set;

/**
 * Creates the one Prometheus registry of a gateway process and a Vert.x instance that reports its own pool,
 * Redis connection and JVM meters into it. Vert.x's labels are limited to bounded ones: method, status code
 * and pool type (not pool name: each Redis client's pool is named by a random id). Never the remote address, local address or path: the gateway talks to one endpoint
 * per workspace and serves arbitrary paths, so those labels would grow with the fleet and its users.
 */
public final class Metrics {

  /** The only Vert.x labels we allow; each takes a handful of values. */
  static final Set<Label> VERTX_LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE);

  private Metrics() {
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Vert.x metrics options bound to wsgate's label policy. The event bus and verticle domains are off: the
   * gateway does not use the event bus, and per-verticle counts say nothing an operator needs. Named pools
   * are off too: Vert.x names each HTTP client pool by its server address whatever the label settings, which
   * would make one series per workspace endpoint (and clashes with the worker pools' tag keys). Raw TCP
   * server meters are off, and so are Vert.x's HTTP server and client meters: those look their meters up by tags
   * on every request (about 8% of the CPU samples of a proxied GET in a JFR profile), while
   * {@code wsgate.requests}, {@code wsgate.proxy.bytes}, {@code wsgate.proxy.overhead} and
   * {@code wsgate.upstream.first.byte} measure the same requests with pre-bound meters.
   */
  public static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setLabels(VERTX_LABELS)
        .setDisabledMetricsCategories(Set.of(MetricsDomain.EVENT_BUS.toCategory(), MetricsDomain.VERTICLES.toCategory(),
            MetricsDomain.DATAGRAM_SOCKET.toCategory(), MetricsDomain.NAMED_POOLS.toCategory(),
            MetricsDomain.NET_SERVER.toCategory(), MetricsDomain.HTTP_SERVER.toCategory(),
            MetricsDomain.HTTP_CLIENT.toCategory()));
  }

  /** {@code options} with wsgate's metrics options set (a copy; the argument is left alone). */
  public static VertxOptions vertxOptions(VertxOptions options) {
    return new VertxOptions(options).setMetricsOptions(metricsOptions());
  }

  /** A Vert.x instance on {@code transport} whose own meters land in {@code registry}. */
  public static Vertx vertx(VertxOptions options, PrometheusMeterRegistry registry, Transport transport) {
    return Vertx.builder().with(vertxOptions(options)).withMetrics(new MicrometerMetricsFactory(registry))
        .withTransport(transport).build();
  }
}
