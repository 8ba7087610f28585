package io.wsgate;

import io.vertx.core.Vertx;
import io.wsgate.auth.LoginTokens;
import io.wsgate.config.ConfigException;
import io.wsgate.config.ConfigLoader;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.SecurityConfig;
import io.wsgate.workspace.WorkspaceId;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar wsgate.jar token --workspace ID --user USER [--profile NAME] [--ttl 60s] [gateway flags]}:
 * prints a login URL with a fresh single-use token, signed exactly as the LMS would sign it (same keys: the
 * gateway's settings and flags, or the local key file under the state directory). For tests and demos.
 */
final class TokenCommand {

  static final String USAGE = "Usage: java -jar wsgate.jar token --workspace ID --user USER [--profile NAME] "
      + "[--ttl 60s] [--state-dir DIR | --auth-keys kid:secret ...]";

  private TokenCommand() {
  }

  static int run(Map<String, String> env, List<String> args, PrintStream out, PrintStream err) {
    String workspace = null;
    String user = null;
    String profile = null;
    String ttl = "60s";
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String next = i + 1 < args.size() ? args.get(i + 1) : null;
      switch (a) {
        case "--workspace" -> workspace = next;
        case "--user" -> user = next;
        case "--profile" -> profile = next;
        case "--ttl" -> ttl = next;
        default -> {
          rest.add(a);
          continue;
        }
      }
      i++;
    }
    if (workspace == null || user == null || ttl == null) {
      err.println(USAGE);
      return 2;
    }
    if (!WorkspaceId.isValid(workspace)) {
      err.println("wsgate token: --workspace '" + workspace + "' is not a workspace id (1 to 63 lower-case letters, "
          + "digits or inner hyphens)");
      return 2;
    }
    Duration lifetime = ConfigLoader.parseDuration(ttl);
    GatewayConfig config;
    try {
      config = ConfigLoader.load(env, rest.toArray(String[]::new));
    } catch (ConfigException e) {
      err.println("wsgate token: " + e.getMessage());
      return 2;
    }
    SecurityConfig security = config.security();
    if (!security.authEnabled()) {
      err.println("wsgate token: auth is off (WSGATE_AUTH=off), so the gateway takes no tokens");
      return 2;
    }
    if (lifetime == null || lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(security.tokenMaxTtl()) > 0) {
      err.println("wsgate token: --ttl '" + ttl + "' (expected: a positive duration up to WSGATE_TOKEN_MAX_TTL, "
          + security.tokenMaxTtl().toSeconds() + "s)");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      out.println(loginUrl(vertx, config, workspace, user, Optional.ofNullable(profile), lifetime,
          Clock.systemUTC()));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("wsgate token: " + e.getMessage());
      return 2;
    } finally {
      vertx.close();
    }
  }

  /**
   * The URL that signs {@code user} in to {@code workspace}: the workspace URL plus a fresh token.
   *
   * @param clock the clock the token's issue and expiry are stamped on: the one the gateway checks them with (a
   *              running wsgate checks tokens on the system clock)
   */
  static String loginUrl(Vertx vertx, GatewayConfig config, String workspace, String user, Optional<String> profile,
                         Duration ttl, Clock clock) {
    SecurityConfig s = config.security();
    if (!io.wsgate.auth.TokenClaims.USER.matcher(user).matches()) {
      throw new IllegalArgumentException("--user '" + user + "' (expected: " + io.wsgate.auth.TokenClaims.USER.pattern() + ")");
    }
    if (profile.isPresent() && !config.profiles().containsKey(profile.get())) {
      throw new IllegalArgumentException("--profile '" + profile.get() + "' is not configured (expected one of "
          + config.profiles().keySet() + ")");
    }
    LoginTokens tokens = new LoginTokens(vertx, s.keys(), s.tokenMaxTtl(), s.tokenLeeway());
    String token = tokens.mint(user, new WorkspaceId(workspace), profile, ttl, clock.millis());
    return config.workspaceUrl(workspace) + "?wsgate_token=" + token;
  }
}
