package io.wsgate.provider.ecs;

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
   * An async ECS client with two Netty I/O threads of its own: the ECS API sees a few requests a second at
   * most. (Vert.x's event loops cannot be shared: the SDK resolves the datagram channel type of a group it
   * is given by class, and knows none of Netty 4.2's {@code MultiThreadIoEventLoopGroup}.) Region: {@code WSGATE_ECS_REGION}, else the SDK's default chain
   * ({@code AWS_REGION}, the task metadata). The SDK's retries are off: {@link EcsCalls} retries throttling
   * with its own bound.
   */
  static EcsAsyncClient build(GatewayConfig.Ecs ecs, AwsCredentialsProvider credentials) {
    EcsAsyncClientBuilder builder = EcsAsyncClient.builder()
        .credentialsProvider(credentials)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(2))
            .connectionTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(30))
            .maxConcurrency(64)
            // a burst of launches queues for connections; waiting beats failing a launch
            .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
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
