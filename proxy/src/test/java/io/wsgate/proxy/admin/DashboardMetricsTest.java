package io.wsgate.proxy.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wsgate.proxy.MetricsGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.wsgate.proxy.MetricsGateway.host;
import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard and the alert rules parse, and reference only metrics a running gateway exports. */
@Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class DashboardMetricsTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Pattern METRIC = Pattern.compile("\\b((?:wsgate|vertx|jvm|process)_[a-z0-9_]+)\\b");

  @TempDir
  static Path tmp;
  static MetricsGateway g;
  static Set<String> exported;

  @BeforeAll
  static void start() {
    g = new MetricsGateway(tmp, "WSGATE_COST_PER_TASK_HOUR", "0.05");
    // traffic that makes every kind of series appear: a launch, requests, a failed launch, a WebSocket
    assertThat(g.http.get(host("dash"), "/echo").await().status()).isEqualTo(200);
    assertThat(g.http.get(host("baddash"), "/echo").await().status()).isEqualTo(503);
    g.webSocket("dash").close().await();
    g.meters.reaped("demo", "idle");
    exported = MetricsGateway.names(g.scrape());
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  @Test
  void dashboardReferencesOnlyExportedMetrics() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DEPLOY.resolve("grafana/wsgate-dashboard.json")));
    List<String> exprs = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      for (Object t : ((JsonObject) p).getJsonArray("targets", new JsonArray())) {
        exprs.add(((JsonObject) t).getString("expr"));
      }
    }
    assertThat(exprs).hasSizeGreaterThan(10);
    assertAllExported(exprs);
    assertThat(String.join("\n", exprs)).contains("wsgate_launch_duration_seconds_bucket", "source=\"warm\"",
        "wsgate_workspaces", "wsgate_reaped_total", "wsgate_cost_task_hour_price");
  }

  @Test
  @SuppressWarnings("unchecked")
  void alertRulesReferenceOnlyExportedMetrics() throws Exception {
    Map<String, Object> doc = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/wsgate-alerts.yml")));
    List<String> exprs = new ArrayList<>();
    List<String> alerts = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        alerts.add((String) rule.get("alert"));
        exprs.add((String) rule.get("expr"));
      }
    }
    assertThat(alerts).contains("WsgateLaunchFailureRate", "WsgateWarmPoolDepleted", "WsgateHighErrorRate");
    assertAllExported(exprs);
  }

  private static void assertAllExported(List<String> exprs) {
    for (String expr : exprs) {
      Matcher m = METRIC.matcher(expr);
      int found = 0;
      while (m.find()) {
        found++;
        assertThat(exported).as("metric %s in %s", m.group(1), expr).contains(m.group(1));
      }
      assertThat(found).as("metrics in " + expr).isPositive();
    }
  }
}
