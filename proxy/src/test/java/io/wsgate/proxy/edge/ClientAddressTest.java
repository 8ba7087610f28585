package io.wsgate.proxy.edge;

import io.wsgate.config.Cidr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client address is the rightmost hop that is not a trusted proxy; an untrusted peer's claims count for nothing. */
class ClientAddressTest {

  private final ClientAddress alb = new ClientAddress(List.of(Cidr.parse("10.0.0.0/16"), Cidr.parse("fd00::/8")));

  @Test
  void untrustedPeerIsTheClientWhateverItClaims() {
    assertThat(alb.rightmostUntrusted("198.51.100.9", List.of("1.2.3.4"))).isEqualTo("198.51.100.9");
  }

  @Test
  void trustedPeerNamesTheClientItAppended() {
    assertThat(alb.rightmostUntrusted("10.0.1.5", List.of("6.6.6.6, 203.0.113.7"))).isEqualTo("203.0.113.7");
    assertThat(alb.rightmostUntrusted("10.0.1.5", List.of("203.0.113.7, 10.0.2.2"))).isEqualTo("203.0.113.7");
    assertThat(alb.rightmostUntrusted("10.0.1.5", List.of("6.6.6.6", "203.0.113.7"))).isEqualTo("203.0.113.7");
    assertThat(alb.rightmostUntrusted("10.0.1.5", List.of())).isEqualTo("10.0.1.5");
  }

  @Test
  void cidrsMatchByPrefixAndFamily() {
    assertThat(alb.isTrusted("10.0.255.255")).isTrue();
    assertThat(alb.isTrusted("10.1.0.0")).isFalse();
    assertThat(alb.isTrusted("fd12::1")).isTrue();
    assertThat(alb.isTrusted("::ffff:10.0.0.1")).isTrue(); // IPv4-mapped parses to IPv4
    assertThat(alb.isTrusted("not-an-ip")).isFalse();
    assertThat(Cidr.parse("10.0.0.0/33")).isNull();
    assertThat(Cidr.parse("example.com")).isNull();
  }
}
