package io.wsgate;

import io.vertx.core.Vertx;
import io.wsgate.config.GatewayConfig;

import java.util.Optional;

/** The run command's sign-in line: a ready login URL for {@code ws-demo}, since auth is on by default. */
final class LoginBanner {

  private LoginBanner() {
  }

  static String lines(Vertx vertx, GatewayConfig config) {
    if (!config.security().authEnabled()) {
      return "  AUTH IS OFF:          anyone who reaches this gateway can open any workspace.\n";
    }
    String workspace = config.profiles().containsKey("demo") ? "demo" : "example";
    String url = TokenCommand.loginUrl(vertx, config, workspace, "demo", Optional.empty(), config.security().tokenMaxTtl());
    return "  Sign in (once, within " + config.security().tokenMaxTtl().toMinutes() + " min):\n    " + url + "\n"
        + "  More links:           java -jar proxy/target/wsgate.jar token --workspace <id> --user <user>\n";
  }
}
