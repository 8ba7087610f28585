package io.wsgate.testing;

import io.wsgate.store.EmbeddedRedis;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A real redis-server for a test class: in memory, on a free loopback port, flushed between uses if asked. */
public final class RedisFixture implements AutoCloseable {

  private final EmbeddedRedis redis;

  private RedisFixture(EmbeddedRedis redis) {
    this.redis = redis;
  }

  public static RedisFixture start() {
    try {
      return new RedisFixture(EmbeddedRedis.start(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return redis.url();
  }

  public EmbeddedRedis server() {
    return redis;
  }

  @Override
  public void close() {
    redis.stop();
  }
}
