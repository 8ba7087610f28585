package io.wsgate.provider;

import io.vertx.core.Vertx;
import io.wsgate.config.GatewayConfig;
import io.wsgate.provider.ecs.EcsProvider;
import io.wsgate.provider.local.LocalProvider;

/** Creates the configured {@link WorkspaceProvider}. */
public final class Providers {

  private Providers() {
  }

  public static WorkspaceProvider create(Vertx vertx, GatewayConfig config) {
    return switch (config.provider()) {
      case LOCAL -> new LocalProvider(vertx, config);
      case ECS -> EcsProvider.create(vertx, config);
    };
  }
}
