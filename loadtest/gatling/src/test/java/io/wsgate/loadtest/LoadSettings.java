package io.wsgate.loadtest;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What a load run does, read from system properties ({@code -Dusers=20 -Dduration=60s ...}); every value has a
 * default and a bound, and all problems are reported at once.
 *
 * <p>The gateway must be a loopback address and the domain {@code localhost} or below it: the simulations load a
 * gateway on this machine only. Student {@code n} (1..users) uses workspace {@code load-<n>}, reached at
 * {@code ws-load-<n>.<domain>:<gateway port>}; Gatling connects to the gateway's address for every such name
 * ({@link #hostNameAliases()}), so no resolver is asked and the {@code Host} header stays the workspace's.
 *
 * @param users   students, each with their own workspace ({@code -Dusers}, default 20)
 * @param duration how long each student stays from arrival, cold start included ({@code -Dduration}, 60s)
 * @param ramp    students arrive evenly over this time; 0 means all at once ({@code -Dramp}, 10s)
 * @param think   mean pause between a browsing student's requests, spread ±50% ({@code -Dthink}, 1s)
 * @param gateway the gateway's workspace port, e.g. {@code http://127.0.0.1:8080} ({@code -Dgateway})
 * @param domain  the gateway's base domain ({@code -Ddomain}, {@code localhost})
 */
public record LoadSettings(int users, Duration duration, Duration ramp, Duration think, URI gateway, String domain,
                           String prefix) {

  /** Workspace ids are {@code load-1}, {@code load-2}, ...: apart from ids people use, easy to spot in Redis. */
  public static final String WORKSPACE_PREFIX = "load-";

  static final int MAX_USERS = 500;
  static final Duration MAX_DURATION = Duration.ofMinutes(10);
  static final Duration MAX_THINK = Duration.ofMinutes(1);

  /** Reads and checks the JVM's system properties. */
  public static LoadSettings fromSystemProperties() {
    return from(System.getProperties());
  }

  /**
   * Reads and checks {@code props}.
   *
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public static LoadSettings from(Properties props) {
    List<String> problems = new ArrayList<>();
    int users = parseUsers(props.getProperty("users", "20"), problems);
    Duration duration = parseDuration("duration", props.getProperty("duration", "60s"), problems);
    Duration ramp = parseDuration("ramp", props.getProperty("ramp", "10s"), problems);
    Duration think = parseDuration("think", props.getProperty("think", "1s"), problems);
    URI gateway = parseGateway(props.getProperty("gateway", "http://127.0.0.1:8080"), problems);
    String domain = parseDomain(props.getProperty("domain", "localhost"), problems);
    String prefix = props.getProperty("prefix", WORKSPACE_PREFIX);
    if (!prefix.matches("[a-z][a-z0-9-]{0,19}")) {
      problems.add("prefix: '" + prefix + "' (expected: a lower-case letter, then up to 19 letters, digits or '-')");
    }
    if (duration != null && (duration.isZero() || duration.compareTo(MAX_DURATION) > 0)) {
      problems.add("duration: " + duration + " (expected: > 0 and at most " + MAX_DURATION + ")");
    }
    if (ramp != null && duration != null && ramp.compareTo(duration) > 0) {
      problems.add("ramp: " + ramp + " (expected: at most the duration, " + duration + ")");
    }
    if (think != null && think.compareTo(MAX_THINK) > 0) {
      problems.add("think: " + think + " (expected: at most " + MAX_THINK + ")");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("load test settings:\n  " + String.join("\n  ", problems));
    }
    return new LoadSettings(users, duration, ramp, think, gateway, domain, prefix);
  }

  /** The workspace id of student {@code n}, e.g. {@code load-3} ({@code -Dprefix} changes {@code load-}). */
  public String workspace(int n) {
    return prefix + n;
  }

  /** Host and port of student {@code n}'s workspace, as in the {@code Host} header: {@code ws-load-3.localhost:8080}. */
  public String authority(int n) {
    return hostName(n) + ":" + gateway.getPort();
  }

  /** Base URL of student {@code n}'s workspace, which is also its WebSocket {@code Origin}. */
  public String httpBase(int n) {
    return "http://" + authority(n);
  }

  /** WebSocket base URL of student {@code n}'s workspace. */
  public String wsBase(int n) {
    return "ws://" + authority(n);
  }

  /** Every workspace host name mapped to the gateway's address, for Gatling's {@code hostNameAliases}. */
  public Map<String, List<String>> hostNameAliases() {
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    for (int n = 1; n <= users; n++) {
      aliases.put(hostName(n), List.of(gatewayAddress()));
    }
    return aliases;
  }

  /** The gateway's IP address as a literal, e.g. {@code 127.0.0.1}; checked to be loopback when read. */
  public String gatewayAddress() {
    return resolveLocally(gateway.getHost()).getHostAddress();
  }

  /**
   * Hard upper bound on a whole run: the last arrival plus a stay, plus a minute for a stay's last request or
   * a cold start held past the stay (the gateway holds for at most 30 s by default).
   */
  public Duration maxRunTime() {
    return ramp.plus(duration).plus(Duration.ofSeconds(60));
  }

  private String hostName(int n) {
    return "ws-" + workspace(n) + "." + domain;
  }

  private static int parseUsers(String raw, List<String> problems) {
    try {
      int users = Integer.parseInt(raw.trim());
      if (users >= 1 && users <= MAX_USERS) {
        return users;
      }
    } catch (NumberFormatException e) {
      // reported below, with the bounds
    }
    problems.add("users: '" + raw + "' (expected: a whole number from 1 to " + MAX_USERS + ")");
    return 0;
  }

  /** Accepts {@code 500ms}, {@code 60s}, {@code 2m}, or a bare number of seconds. */
  static Duration parseDuration(String name, String raw, List<String> problems) {
    String value = raw.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.endsWith("ms")) {
        return nonNegative(name, raw, Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2))),
            problems);
      }
      if (value.endsWith("s")) {
        return nonNegative(name, raw, Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1))),
            problems);
      }
      if (value.endsWith("m")) {
        return nonNegative(name, raw, Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1))),
            problems);
      }
      return nonNegative(name, raw, Duration.ofSeconds(Long.parseLong(value)), problems);
    } catch (NumberFormatException e) {
      problems.add(name + ": '" + raw + "' (expected: a duration such as 500ms, 60s or 2m)");
      return null;
    }
  }

  private static Duration nonNegative(String name, String raw, Duration value, List<String> problems) {
    if (value.isNegative()) {
      problems.add(name + ": '" + raw + "' (expected: not negative)");
      return null;
    }
    return value;
  }

  private static URI parseGateway(String raw, List<String> problems) {
    String expected = " (expected: http://<loopback address>:<port>, e.g. http://127.0.0.1:8080)";
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      problems.add("gateway: '" + raw + "'" + expected);
      return null;
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      problems.add("gateway: '" + raw + "'" + expected);
      return null;
    }
    if (!isLoopback(uri.getHost())) {
      // The load must stay on this machine: never point it at another host, private or public.
      problems.add("gateway: '" + raw + "' is not a loopback address" + expected);
      return null;
    }
    return uri;
  }

  private static boolean isLoopback(String host) {
    InetAddress address = resolveLocally(host);
    return address != null && address.isLoopbackAddress();
  }

  private static InetAddress resolveLocally(String host) {
    try {
      // A literal address or "localhost" is answered from the JVM and /etc/hosts, not from DNS.
      String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String parseDomain(String raw, List<String> problems) {
    String domain = raw.trim().toLowerCase(Locale.ROOT);
    // Names under .localhost never leave the machine (RFC 6761), even if an alias were missed.
    if (domain.equals("localhost") || (domain.endsWith(".localhost") && domain.length() > ".localhost".length())) {
      return domain;
    }
    problems.add("domain: '" + raw + "' (expected: localhost or a name ending in .localhost)");
    return null;
  }
}
