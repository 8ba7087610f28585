package io.wsgate.proxy.admin;

import io.wsgate.proxy.MetricsGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.wsgate.proxy.MetricsGateway.host;
import static org.assertj.core.api.Assertions.assertThat;

/** No tag grows with the fleet: 20 more workspaces add no series, and no series names a workspace. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricCardinalityTest {

  @TempDir
  static Path tmp;
  static MetricsGateway g;

  @BeforeAll
  static void start() {
    g = new MetricsGateway(tmp);
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  private static void traffic(String id) {
    assertThat(g.http.get(host(id), "/echo").await().status()).isEqualTo(200);
    assertThat(g.http.get(host(id), "/echo").await().status()).isEqualTo(200);
    assertThat(g.http.get(host("bad" + id), "/echo").await().status()).isEqualTo(503);
  }

  /** Series per metric name in a scrape. */
  private static Map<String, Integer> seriesPerName(String scrape) {
    Map<String, Integer> out = new TreeMap<>();
    for (String line : scrape.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        out.merge(line.split("[{ ]", 2)[0], 1, Integer::sum);
      }
    }
    return out;
  }

  @Test
  void seriesDoNotGrowWithWorkspaces() {
    traffic("card-first");
    Map<String, Integer> before = seriesPerName(g.scrape());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = "card-" + i + "-x" + Integer.toString(i * 7919, 36);
      ids.add(id);
      traffic(id);
    }
    String after = g.scrape();
    Map<String, Integer> afterCounts = seriesPerName(after);
    before.forEach((name, n) -> {
      if (name.startsWith("wsgate_") || name.startsWith("vertx_")) {
        assertThat(afterCounts.get(name)).as("series of " + name).isEqualTo(n);
      }
    });
    assertThat(afterCounts.keySet().stream().filter(n -> n.startsWith("wsgate_")))
        .as("no new wsgate metric names").containsExactlyElementsOf(
            before.keySet().stream().filter(n -> n.startsWith("wsgate_")).toList());
    for (String id : ids) {
      assertThat(after).as("scrape mentions " + id).doesNotContain(id);
    }
    assertThat(after).doesNotContain("card-first");
  }
}
