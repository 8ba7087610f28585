package io.wsgate.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;


/**
 * Builds a {@link GatewayConfig} from environment variables and command-line flags (a flag wins over its
 * variable). Every problem is collected, so one failed start lists everything there is to fix.
 */
public final class ConfigLoader {

  private static final Pattern DOMAIN = Pattern.compile(
      "(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, String> values = new HashMap<>();
  private final List<String> problems = new ArrayList<>();

  private ConfigLoader(Map<String, String> env, List<String> args) {
    values.putAll(env);
    parseFlags(args);
  }

  /** Loads from the process environment and {@code args}; throws {@link ConfigException} listing all problems. */
  public static GatewayConfig load(Map<String, String> env, String... args) {
    return new ConfigLoader(env, List.of(args)).build();
  }

  private void parseFlags(List<String> args) {
    Map<String, String> flagToEnv = new HashMap<>();
    for (Setting s : Setting.values()) {
      flagToEnv.put(s.flag(), s.env());
    }
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      String env = flagToEnv.get(name);
      if (env == null && name.startsWith("--profile-")) {
        env = profileFlagToEnv(name);
      }
      if (env == null) {
        problems.add(arg + ": unknown flag (see --help)");
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          problems.add(name + ": missing value");
          continue;
        }
        value = args.get(++i);
      }
      values.put(env, value);
    }
  }

  private static String profileFlagToEnv(String flag) {
    String rest = flag.substring("--profile-".length());
    for (ProfileSetting ps : ProfileSetting.values()) {
      String suffix = "-" + ps.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
        return ps.env(rest.substring(0, rest.length() - suffix.length()));
      }
    }
    return null;
  }

  private String raw(Setting s) {
    String v = values.get(s.env());
    return v == null ? s.defaultValue() : v.trim();
  }

  private GatewayConfig build() {
    String listenHost = raw(Setting.LISTEN_HOST);
    if (listenHost.isEmpty()) {
      problems.add(describe(Setting.LISTEN_HOST) + ": empty (expected: an IP address such as 0.0.0.0)");
    }
    int port = intIn(Setting.PORT, 0, 65535);
    String baseDomain = raw(Setting.BASE_DOMAIN).toLowerCase(Locale.ROOT);
    if (baseDomain.endsWith(".")) {
      baseDomain = baseDomain.substring(0, baseDomain.length() - 1);
    }
    if (!DOMAIN.matcher(baseDomain).matches()) {
      problems.add(describe(Setting.BASE_DOMAIN) + ": '" + raw(Setting.BASE_DOMAIN)
          + "' (expected: a DNS name such as localhost or workspaces.example.edu)");
    }
    String publicUrl = raw(Setting.PUBLIC_URL);
    if (publicUrl.isEmpty()) {
      publicUrl = "http://" + baseDomain + (port == 80 ? "" : ":" + port);
    } else if (!publicUrl.startsWith("http://") && !publicUrl.startsWith("https://")) {
      problems.add(describe(Setting.PUBLIC_URL) + ": '" + publicUrl
          + "' (expected: http:// or https:// followed by the base domain, e.g. https://example.edu)");
    }
    if (publicUrl.endsWith("/")) {
      publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
    }
    String redis = raw(Setting.REDIS_URL);
    if (!redis.isEmpty() && !(redis.startsWith("redis://") || redis.startsWith("rediss://")
        || redis.startsWith("unix://"))) {
      problems.add(describe(Setting.REDIS_URL) + ": '" + redacted(redis)
          + "' (expected: redis://host:port, rediss://host:port, or empty for an embedded Redis)");
    }
    GatewayConfig.ProviderKind provider = enumValue(Setting.PROVIDER, GatewayConfig.ProviderKind.class);
    Map<String, Profile> profiles = new ProfilesLoader(values, problems).load(raw(Setting.PROFILES), provider);
    String defaultProfile = raw(Setting.DEFAULT_PROFILE);
    if (!profiles.isEmpty() && !profiles.containsKey(defaultProfile)) {
      problems.add(describe(Setting.DEFAULT_PROFILE) + ": '" + defaultProfile + "' is not a configured profile"
          + " (expected one of " + profiles.keySet() + ")");
    }
    Duration launchTimeout = positive(Setting.LAUNCH_TIMEOUT);
    Duration holdTimeout = positive(Setting.HOLD_TIMEOUT);
    Duration backoff = positive(Setting.LAUNCH_RETRY_BACKOFF);
    Duration connect = positive(Setting.UPSTREAM_CONNECT_TIMEOUT);
    Duration response = positive(Setting.UPSTREAM_RESPONSE_TIMEOUT);
    Duration cacheTtl = positive(Setting.ROUTE_CACHE_TTL);
    Duration redisTimeout = positive(Setting.REDIS_TIMEOUT);
    Duration stopGrace = positive(Setting.STOP_GRACE);
    boolean stopWorkspacesOnExit = onOff(Setting.STOP_WORKSPACES_ON_EXIT);
    int eventLoops = intIn(Setting.EVENT_LOOPS, 0, 256);
    Duration warmup = nonNegative(Setting.WARMUP);
    NetTransport transport = transport();
    Path stateDir = path(Setting.STATE_DIR);
    Path dataDir = path(Setting.DATA_DIR);
    GatewayConfig.Ecs ecs = ecs(provider);
    GatewayConfig.FleetControl fleet = fleetControl();
    GatewayConfig.Admin admin = admin();
    SecurityConfig security = SecuritySettings.load(this::raw, problems, provider, stateDir);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new GatewayConfig(listenHost, port, baseDomain, publicUrl,
        redis.isEmpty() ? Optional.empty() : Optional.of(redis), provider, profiles, defaultProfile,
        launchTimeout, holdTimeout, backoff, connect, response, cacheTtl, redisTimeout, stateDir, dataDir,
        stopGrace, stopWorkspacesOnExit, eventLoops == 0 ? Runtime.getRuntime().availableProcessors() : eventLoops, warmup, transport, fleet, ecs, admin,
        security);
  }

  private NetTransport transport() {
    NetTransport.Choice choice = enumValue(Setting.TRANSPORT, NetTransport.Choice.class);
    Throwable epollCause = choice == NetTransport.Choice.NIO ? null : NetTransport.epollUnavailability();
    NetTransport t = NetTransport.resolve(choice, epollCause);
    if (t == null) {
      problems.add(describe(Setting.TRANSPORT) + ": epoll cannot be used here (" + NetTransport.reason(epollCause)
          + "); set auto to fall back to nio, or nio");
      return NetTransport.NIO;
    }
    return t;
  }

  private GatewayConfig.FleetControl fleetControl() {
    int maxRunning = intIn(Setting.MAX_RUNNING, 0, 1_000_000);
    ZoneId zone = ZoneId.of("UTC");
    try {
      zone = ZoneId.of(raw(Setting.POOL_TIME_ZONE));
    } catch (RuntimeException e) {
      problems.add(describe(Setting.POOL_TIME_ZONE) + ": '" + raw(Setting.POOL_TIME_ZONE)
          + "' (expected: a time zone id such as UTC or Europe/Berlin)");
    }
    Duration lease = positive(Setting.LEADER_LEASE);
    Duration control = positive(Setting.CONTROL_INTERVAL);
    Duration reconcile = positive(Setting.RECONCILE_INTERVAL);
    int reapConcurrency = intIn(Setting.REAP_CONCURRENCY, 1, 256);
    Duration flush = positive(Setting.ACTIVITY_FLUSH_INTERVAL);
    Duration unhealthy = positive(Setting.UNHEALTHY_WINDOW);
    Duration drain = nonNegative(Setting.DRAIN_WINDOW);
    if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
      problems.add(describe(Setting.LEADER_LEASE) + ": '" + raw(Setting.LEADER_LEASE) + "' (expected: at least 2s)");
    }
    return new GatewayConfig.FleetControl(maxRunning, zone, lease, control, reconcile, reapConcurrency, flush,
        unhealthy, drain, taskMetadata());
  }

  /** The gateway's own ECS task metadata endpoint: the setting, else what ECS put in the environment. */
  private Optional<URI> taskMetadata() {
    String set = raw(Setting.TASK_METADATA_URI);
    if (set.equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    String uri = set.isEmpty() ? values.getOrDefault("ECS_CONTAINER_METADATA_URI_V4", "").trim() : set;
    if (uri.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI parsed = URI.create(uri);
      if ("http".equals(parsed.getScheme()) && parsed.getHost() != null) {
        return Optional.of(parsed);
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    problems.add(describe(Setting.TASK_METADATA_URI) + ": '" + uri + "' (expected: an http URL such as "
        + "http://169.254.170.2/v4/abc, empty to use ECS_CONTAINER_METADATA_URI_V4, or off)");
    return Optional.empty();
  }

  private GatewayConfig.Admin admin() {
    String host = raw(Setting.ADMIN_HOST);
    if (host.isEmpty()) {
      problems.add(describe(Setting.ADMIN_HOST) + ": empty (expected: an IP address such as 127.0.0.1)");
    }
    int port = intIn(Setting.ADMIN_PORT, 0, 65535);
    String token = raw(Setting.ADMIN_TOKEN);
    String priceRaw = raw(Setting.COST_PER_TASK_HOUR);
    double price = 0;
    try {
      price = Double.parseDouble(priceRaw);
      if (!(price >= 0) || Double.isInfinite(price)) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      problems.add(describe(Setting.COST_PER_TASK_HOUR) + ": '" + priceRaw
          + "' (expected: a price of zero or more, such as 0.0494)");
    }
    return new GatewayConfig.Admin(host, port, token.isEmpty() ? Optional.empty() : Optional.of(token), price,
        positive(Setting.METRICS_SAMPLE_INTERVAL));
  }

  private GatewayConfig.Ecs ecs(GatewayConfig.ProviderKind provider) {
    boolean used = provider == GatewayConfig.ProviderKind.ECS;
    String cluster = raw(Setting.ECS_CLUSTER);
    List<String> subnets = list(Setting.ECS_SUBNETS);
    List<String> groups = list(Setting.ECS_SECURITY_GROUPS);
    if (used && cluster.isEmpty()) {
      problems.add(describe(Setting.ECS_CLUSTER) + ": missing (expected: the ECS cluster name, e.g. wsgate-workspaces)");
    }
    if (used && subnets.isEmpty()) {
      problems.add(describe(Setting.ECS_SUBNETS) + ": missing (expected: private subnet ids, e.g. subnet-0abc,subnet-0def)");
    }
    if (used && groups.isEmpty()) {
      problems.add(describe(Setting.ECS_SECURITY_GROUPS) + ": missing (expected: security group ids, e.g. sg-0abc)");
    }
    String region = raw(Setting.ECS_REGION);
    String endpoint = raw(Setting.ECS_ENDPOINT);
    Optional<URI> endpointUri = Optional.empty();
    if (!endpoint.isEmpty()) {
      try {
        URI uri = URI.create(endpoint);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new IllegalArgumentException();
        }
        endpointUri = Optional.of(uri);
      } catch (IllegalArgumentException e) {
        problems.add(describe(Setting.ECS_ENDPOINT) + ": '" + endpoint + "' (expected: a URL such as https://ecs.eu-west-1.amazonaws.com)");
      }
    }
    String startedBy = raw(Setting.ECS_STARTED_BY);
    if (startedBy.isEmpty() || startedBy.length() > 36 || !startedBy.matches("[A-Za-z0-9_-]+")) {
      problems.add(describe(Setting.ECS_STARTED_BY) + ": '" + startedBy
          + "' (expected: 1 to 36 letters, digits, '-' or '_')");
    }
    return new GatewayConfig.Ecs(cluster, subnets, groups, region.isEmpty() ? Optional.empty() : Optional.of(region),
        endpointUri, startedBy);
  }

  private List<String> list(Setting s) {
    List<String> out = new ArrayList<>();
    for (String part : raw(s).split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  static String describe(Setting s) {
    return s.env() + " (" + s.flag() + ")";
  }

  private static String redacted(String url) {
    return url.replaceAll("//[^@/]*@", "//***@");
  }

  private int intIn(Setting s, int min, int max) {
    return wholeNumber(describe(s), raw(s), min, max, problems);
  }

  /** {@code value} as a whole number in [min, max]; otherwise a problem naming {@code what} is added and min returned. */
  static int wholeNumber(String what, String value, int min, int max, List<String> problems) {
    try {
      int i = Integer.parseInt(value);
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problems.add(what + ": '" + value + "' (expected: a whole number from " + min + " to " + max + ")");
    return min;
  }

  private Duration nonNegative(Setting s) {
    String v = raw(s);
    Duration d = parseDuration(v);
    if (d == null || d.isNegative()) {
      problems.add(describe(s) + ": '" + v + "' (expected: a duration such as 0s, 500ms, 30s, 5m)");
      return Duration.ZERO;
    }
    return d;
  }

  private boolean onOff(Setting s) {
    String v = raw(s).toLowerCase(Locale.ROOT);
    if (!v.equals("on") && !v.equals("off")) {
      problems.add(describe(s) + ": '" + raw(s) + "' (expected one of on, off)");
    }
    return !v.equals("off");
  }

  private Duration positive(Setting s) {
    String v = raw(s);
    Duration d = parseDuration(v);
    if (d == null || d.isZero() || d.isNegative()) {
      problems.add(describe(s) + ": '" + v + "' (expected: a positive duration such as 500ms, 30s, 5m, 1h)");
      return Duration.ofSeconds(1);
    }
    return d;
  }

  /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT30S}); null if neither. */
  public static Duration parseDuration(String v) {
    var m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private <E extends Enum<E>> E enumValue(Setting s, Class<E> type) {
    String v = raw(s);
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        allowed.add(c.name().toLowerCase(Locale.ROOT));
      }
      problems.add(describe(s) + ": '" + v + "' (expected one of " + String.join(", ", allowed) + ")");
      return type.getEnumConstants()[0];
    }
  }

  private Path path(Setting s) {
    String v = raw(s);
    if (v.isEmpty()) {
      problems.add(describe(s) + ": empty (expected: a directory path)");
      return Path.of(".");
    }
    return Path.of(v).toAbsolutePath().normalize();
  }
}
