package io.wsgate.config;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;

/**
 * A transport that opens a TCP channel as an IPv4 socket. Netty's channels, as Vert.x makes them, are IPv6 sockets
 * wherever the machine has IPv6, turned dual-stack with a {@code setsockopt} ({@code IPV6_V6ONLY} off); a connection
 * to an IPv4 address (a workspace's task IP, loopback) needs neither, nor the kernel's mapping of the address.
 */
public interface Inet4Sockets {

  /** Makes this transport's TCP channel on an IPv4 ({@code AF_INET}) socket. */
  ChannelFactory<? extends Channel> inet4ChannelFactory();
}
