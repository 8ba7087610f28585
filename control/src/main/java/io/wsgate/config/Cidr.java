package io.wsgate.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 address range such as {@code 10.0.0.0/16}; a bare address is a range of one. */
public record Cidr(byte[] network, int prefix) {

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");
  private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

  public Cidr {
    network = network.clone();
  }

  /** Whether {@code s} is made only of the characters of an IPv4 or IPv6 literal (no host name, no DNS). */
  public static boolean looksLikeIpLiteral(String s) {
    return IP_LITERAL.matcher(s).matches();
  }

  /** Parses {@code address[/prefix]} of IP literals only (never a DNS lookup); null if malformed. */
  public static Cidr parse(String s) {
    String text = s.trim();
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    if (addr.isEmpty() || !looksLikeIpLiteral(addr)) {
      return null;
    }
    try {
      byte[] bytes = InetAddress.getByName(addr).getAddress();
      int prefix = bytes.length * 8;
      if (slash >= 0) {
        String p = text.substring(slash + 1);
        if (!PREFIX.matcher(p).matches()) {
          return null;
        }
        prefix = Integer.parseInt(p);
        if (prefix > bytes.length * 8) {
          return null;
        }
      }
      return new Cidr(bytes, prefix);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether {@code address} (raw bytes) lies in this range; an IPv4 range never matches an IPv6 address. */
  public boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }
}
