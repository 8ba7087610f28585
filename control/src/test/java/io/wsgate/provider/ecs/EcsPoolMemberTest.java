package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.wsgate.auth.AssignSignature;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A warm pool task is tagged as unassigned until it is claimed, then carries its workspace's tag. */
class EcsPoolMemberTest extends EcsProviderTestBase {

  @Test
  void poolTaskIsRetaggedWhenAssigned(Vertx vertx) throws Exception {
    start(vertx).await();
    var profile = config.profiles().values().iterator().next();
    ProvisionedWorkspace pw = provider.launch(LaunchRequest.poolMember(profile, "member1", "secret-of-member1"))
        .await(60, TimeUnit.SECONDS);
    FakeTask task = fake.task(pw.ref());
    assertThat(task.tag("wsgate:pool")).isEqualTo("true");
    assertThat(task.tag("wsgate:workspace")).isEmpty();
    assertThat(provider.list().await()).extracting(ProvisionedWorkspace::workspaceId).containsExactly("");

    provider.assign(pw.ref(), new WorkspaceId("alice"), profile.name()).await();
    assertThat(task.tag("wsgate:workspace")).isEqualTo("alice");
    assertThat(task.tag("wsgate:pool")).isEqualTo("false");
    assertThat(provider.list().await()).extracting(ProvisionedWorkspace::workspaceId).containsExactly("alice");
  }

  @Test
  void poolTaskGetsItsAssignSecretInItsEnvironmentOnly(Vertx vertx) {
    start(vertx).await();
    var profile = config.profiles().values().iterator().next();
    var member = Tasks.runTask(config, LaunchRequest.poolMember(profile, "member2", "secret-of-member2"))
        .overrides().containerOverrides().get(0).environment();
    assertThat(member).anySatisfy(kv -> {
      assertThat(kv.name()).isEqualTo(AssignSignature.SECRET_ENV);
      assertThat(kv.value()).isEqualTo("secret-of-member2");
    });
    var workspace = Tasks.runTask(config, new LaunchRequest(new WorkspaceId("alice"), profile, "launch3"))
        .overrides().containerOverrides().get(0).environment();
    assertThat(workspace).noneMatch(kv -> kv.name().equals(AssignSignature.SECRET_ENV));
  }
}
