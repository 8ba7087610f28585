package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.wsgate.config.GatewayConfig;
import io.wsgate.provider.ProviderException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.EcsAsyncClientBuilder;

import java.time.Duration;

/** Builds the ECS client the provider uses. */
final class EcsClients {

  private EcsClients() {
  }

  /**
   * An async ECS client on Vert.x's own Netty event loops (no second set of I/O threads; the SDK does not
   * shut down a group it was given). Region: {@code WSGATE_ECS_REGION}, else the SDK's default chain
   * ({@code AWS_REGION}, the task metadata). The SDK's retries are off: {@link EcsCalls} retries throttling
   * with its own bound.
   */
  static EcsAsyncClient build(Vertx vertx, GatewayConfig.Ecs ecs, AwsCredentialsProvider credentials) {
    VertxInternal vi = (VertxInternal) vertx;
    SdkEventLoopGroup loops = SdkEventLoopGroup.create(vi.nettyEventLoopGroup(), vi.transport().channelFactory(false));
    EcsAsyncClientBuilder builder = EcsAsyncClient.builder()
        .credentialsProvider(credentials)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            .eventLoopGroup(loops)
            .connectionTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(30))
            .maxConcurrency(50))
        .overrideConfiguration(o -> o
            .retryStrategy(r -> r.maxAttempts(1))
            .apiCallTimeout(Duration.ofSeconds(60)));
    ecs.region().ifPresent(r -> builder.region(Region.of(r)));
    ecs.endpoint().ifPresent(builder::endpointOverride);
    try {
      return builder.build();
    } catch (SdkClientException e) {
      throw new ProviderException("cannot set up the ECS client: " + e.getMessage()
          + " (set WSGATE_ECS_REGION or AWS_REGION)", e);
    }
  }
}
