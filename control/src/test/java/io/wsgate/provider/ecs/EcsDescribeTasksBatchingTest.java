package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.ProvisionedWorkspace;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent launches share one poll loop: each poll is one DescribeTasks per 100 tasks, covering every
 * pending launch, instead of one call per launch.
 */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsDescribeTasksBatchingTest extends EcsProviderTestBase {

  private static final int LAUNCHES = 120;

  @Test
  void pollsCoverAllPendingLaunchesInBatchesOfAtMost100(Vertx vertx, VertxTestContext ctx) {
    List<Future<ProvisionedWorkspace>> launches = new ArrayList<>();
    Set<String> all = new HashSet<>();
    int[] firstFullRound = {-1};
    start(vertx).compose(p -> {
      fake.holdPending();
      for (int i = 0; i < LAUNCHES; i++) {
        launches.add(p.launch(EcsTestSupport.request(config, "batch-" + i)));
      }
      // wait until RunTask answered every launch and one poll round (100 + 20 ARNs) covered them all
      return EcsTestSupport.eventually(vertx, Duration.ofSeconds(60), "a poll round covering all launches", () -> {
        List<JsonObject> runs = fake.requests("RunTask");
        List<JsonObject> polls = fake.requests("DescribeTasks");
        if (runs.size() < LAUNCHES) {
          return false;
        }
        for (int i = 0; i + 1 < polls.size(); i++) {
          Set<String> round = new HashSet<>(arns(polls.get(i)));
          round.addAll(arns(polls.get(i + 1)));
          if (round.size() == LAUNCHES) {
            firstFullRound[0] = i;
            return true;
          }
        }
        return false;
      });
    }).compose(v -> {
      fake.releasePending();
      return Future.all(launches);
    }).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
      for (Future<ProvisionedWorkspace> f : launches) {
        all.add(f.result().ref());
      }
      assertThat(all).hasSize(LAUNCHES);
      List<JsonObject> polls = fake.requests("DescribeTasks");
      LoggerFactory.getLogger(EcsDescribeTasksBatchingTest.class).info(
          "{} launches: {} RunTask, {} DescribeTasks calls", LAUNCHES, fake.requests("RunTask").size(), polls.size());
      assertThat(polls).allSatisfy(poll -> assertThat(arns(poll)).hasSizeLessThanOrEqualTo(100));
      // from the first full round on, every pending launch is in every round: calls come as 100 + 20
      for (JsonObject poll : polls.subList(firstFullRound[0], polls.size())) {
        assertThat(arns(poll).size()).isIn(100, LAUNCHES - 100);
        assertThat(all).containsAll(arns(poll));
      }
      ctx.completeNow();
    })));
  }

  private static List<String> arns(JsonObject describeTasks) {
    List<String> out = new ArrayList<>();
    describeTasks.getJsonArray("tasks").forEach(a -> out.add((String) a));
    return out;
  }
}
