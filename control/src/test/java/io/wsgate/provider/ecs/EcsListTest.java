package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * list() pages through ListTasks by startedBy, describes the tasks with their tags and rebuilds each
 * workspace from them; tasks other tools started are left alone.
 */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsListTest extends EcsProviderTestBase {

  @Test
  void listPaginatesAndMapsTagsBack(Vertx vertx, VertxTestContext ctx) {
    List<LaunchRequest> requests = new ArrayList<>();
    start(vertx).compose(p -> {
      fake.listPageSize(2);
      fake.addForeignTask("someone-else");
      List<Future<ProvisionedWorkspace>> launches = new ArrayList<>();
      for (String id : List.of("ws-a", "ws-b", "ws-c", "ws-d", "ws-e")) {
        LaunchRequest r = EcsTestSupport.request(config, id);
        requests.add(r);
        launches.add(p.launch(r));
      }
      return Future.all(launches);
    }).compose(launched -> provider.list()).onComplete(ctx.succeeding(listed -> ctx.verify(() -> {
      Map<String, ProvisionedWorkspace> byId = listed.stream()
          .collect(Collectors.toMap(ProvisionedWorkspace::workspaceId, w -> w));
      assertThat(byId).containsOnlyKeys("ws-a", "ws-b", "ws-c", "ws-d", "ws-e");
      for (LaunchRequest r : requests) {
        ProvisionedWorkspace w = byId.get(r.workspace().value());
        assertThat(w.profile()).isEqualTo("code");
        assertThat(w.launchId()).isEqualTo(r.launchId());
        assertThat(w.endpoint().host()).isEqualTo(fake.task(w.ref()).ip);
        assertThat(w.endpoint().port()).isEqualTo(fake.containerPort());
        assertThat(w.terminated().isComplete()).isFalse();
      }
      List<JsonObject> pages = fake.requests("ListTasks");
      assertThat(pages).hasSize(3);
      assertThat(pages).allSatisfy(page -> {
        assertThat(page.getString("startedBy")).isEqualTo("wsgate-test");
        assertThat(page.getString("desiredStatus")).isEqualTo("RUNNING");
      });
      assertThat(pages.get(0).containsKey("nextToken")).isFalse();
      assertThat(pages.get(1).getString("nextToken")).isEqualTo("2");
      assertThat(pages.get(2).getString("nextToken")).isEqualTo("4");
      List<JsonObject> described = fake.requests("DescribeTasks");
      assertThat(described.get(described.size() - 1).getJsonArray("include")).containsExactly("TAGS");
      ctx.completeNow();
    })));
  }
}
