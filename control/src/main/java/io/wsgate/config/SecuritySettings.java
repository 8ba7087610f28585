package io.wsgate.config;

import io.wsgate.auth.KeyRing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the security {@link Setting}s into a {@link SecurityConfig}, adding every problem to the loader's list. */
final class SecuritySettings {

  private static final Pattern SIZE = Pattern.compile("(\\d{1,10})(B|KiB|MiB)?");

  private final Function<Setting, String> raw;
  private final List<String> problems;

  private SecuritySettings(Function<Setting, String> raw, List<String> problems) {
    this.raw = raw;
    this.problems = problems;
  }

  static SecurityConfig load(Function<Setting, String> raw, List<String> problems, GatewayConfig.ProviderKind provider,
                             Path stateDir) {
    return new SecuritySettings(raw, problems).build(provider, stateDir);
  }

  private SecurityConfig build(GatewayConfig.ProviderKind provider, Path stateDir) {
    String auth = raw.apply(Setting.AUTH).toLowerCase(Locale.ROOT);
    if (!auth.equals("on") && !auth.equals("off")) {
      problems.add(describe(Setting.AUTH) + ": '" + auth + "' (expected one of on, off)");
    }
    boolean enabled = !auth.equals("off");
    KeyRing keys = enabled ? keys(provider, stateDir) : null;
    String login = raw.apply(Setting.LOGIN_URL);
    if (!login.isEmpty() && !login.startsWith("https://") && !login.startsWith("http://")) {
      problems.add(describe(Setting.LOGIN_URL) + ": '" + login + "' (expected: an http(s) URL such as "
          + "https://lms.example.edu/workspaces/login)");
    }
    List<Cidr> trusted = new ArrayList<>();
    for (String part : raw.apply(Setting.TRUSTED_PROXIES).split(",")) {
      if (part.isBlank()) {
        continue;
      }
      Cidr c = Cidr.parse(part);
      if (c == null) {
        problems.add(describe(Setting.TRUSTED_PROXIES) + ": '" + part.trim() + "' (expected: a CIDR such as 10.0.0.0/16)");
      } else {
        trusted.add(c);
      }
    }
    return new SecurityConfig(enabled, keys, positive(Setting.TOKEN_MAX_TTL), positive(Setting.TOKEN_LEEWAY),
        positive(Setting.SESSION_TTL), login.isEmpty() ? Optional.empty() : Optional.of(login),
        count(Setting.USER_CONCURRENT_LAUNCHES, 1, 1000), count(Setting.USER_LAUNCH_RATE, 1, 100_000),
        count(Setting.GLOBAL_CONCURRENT_LAUNCHES, 1, 100_000),
        size(Setting.MAX_REQUEST_LINE, 256, 1 << 20), size(Setting.MAX_HEADER_SIZE, 1024, 1 << 20),
        count(Setting.MAX_HEADERS, 8, 10_000), positive(Setting.HEADER_TIMEOUT), positive(Setting.BODY_IDLE_TIMEOUT),
        positive(Setting.IDLE_TIMEOUT), size(Setting.WEBSOCKET_MAX_MESSAGE, 1024, 1 << 30), trusted,
        keys != null ? keys : assignKeysWithoutAuth(provider, stateDir));
  }

  /**
   * With auth off there is no configured key, but assign requests are signed all the same: the local default
   * generates {@code <state dir>/assign-keys} (shared by gateways on one machine; no auth key is made when auth
   * is off); elsewhere, a key of this process.
   */
  private static KeyRing assignKeysWithoutAuth(GatewayConfig.ProviderKind provider, Path stateDir) {
    if (provider == GatewayConfig.ProviderKind.LOCAL) {
      try {
        return KeyRing.loadOrCreate(stateDir.resolve("assign-keys"));
      } catch (IOException | RuntimeException e) {
        // not worth refusing to start over: this process's own key works for the members it starts
      }
    }
    return KeyRing.generated();
  }

  private KeyRing keys(GatewayConfig.ProviderKind provider, Path stateDir) {
    String spec = raw.apply(Setting.AUTH_KEYS);
    if (!spec.isEmpty()) {
      List<String> mine = new ArrayList<>();
      KeyRing ring = KeyRing.parse(spec, mine);
      mine.forEach(p -> problems.add(describe(Setting.AUTH_KEYS) + ": " + p));
      return ring;
    }
    if (provider != GatewayConfig.ProviderKind.LOCAL) {
      // replicas must share one secret, so only the single-machine default may invent its own
      problems.add(describe(Setting.AUTH_KEYS) + ": missing (expected: kid:secret shared with the LMS and every "
          + "replica; or WSGATE_AUTH=off)");
      return null;
    }
    try {
      return KeyRing.loadOrCreate(stateDir.resolve("auth-keys"));
    } catch (IOException | RuntimeException e) {
      problems.add(describe(Setting.AUTH_KEYS) + ": empty, and the generated key in " + stateDir.resolve("auth-keys")
          + " cannot be used (" + e.getMessage() + ")");
      return null;
    }
  }

  private Duration positive(Setting s) {
    String v = raw.apply(s);
    Duration d = ConfigLoader.parseDuration(v);
    if (d == null || d.isZero() || d.isNegative()) {
      problems.add(describe(s) + ": '" + v + "' (expected: a positive duration such as 500ms, 30s, 5m, 1h)");
      return Duration.ofSeconds(1);
    }
    return d;
  }

  private int count(Setting s, int min, int max) {
    return ConfigLoader.wholeNumber(describe(s), raw.apply(s), min, max, problems);
  }


  /** {@code 512}, {@code 512B}, {@code 8KiB}, {@code 16MiB}. */
  private int size(Setting s, int min, int max) {
    String v = raw.apply(s);
    Matcher m = SIZE.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "B" : m.group(2);
      long bytes = n * (unit.equals("MiB") ? 1 << 20 : unit.equals("KiB") ? 1 << 10 : 1);
      if (bytes >= min && bytes <= max) {
        return (int) bytes;
      }
    }
    problems.add(describe(s) + ": '" + v + "' (expected: a size from " + min + " to " + max
        + " bytes such as 8KiB or 16MiB)");
    return min;
  }

  private static String describe(Setting s) {
    return s.env() + " (" + s.flag() + ")";
  }
}
