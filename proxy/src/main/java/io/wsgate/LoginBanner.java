package io.wsgate;

import io.vertx.core.Vertx;
import io.wsgate.config.GatewayConfig;

import java.time.Clock;
import java.util.Optional;

/** The run command's sign-in line: a ready login URL for {@code ws-demo}, since auth is on by default. */
final class LoginBanner {

  private LoginBanner() {
  }

  static String lines(Vertx vertx, GatewayConfig config, Clock clock) {
    String workspace = config.profiles().containsKey("demo") ? "demo" : "example";
    if (!config.security().authEnabled()) {
      return "  Open your workspace:  " + config.workspaceUrl(workspace) + "\n"
          + "  Any ws-<id> works:    " + config.workspaceUrl("<id>") + "\n"
          + "  AUTH IS OFF:          anyone who reaches this gateway can open any workspace.\n";
    }
    String url = TokenCommand.loginUrl(vertx, config, workspace, "demo", Optional.empty(),
        config.security().tokenMaxTtl(), clock);
    return "  Open your workspace (this sign-in link works once, within "
        + config.security().tokenMaxTtl().toMinutes() + " min):\n    " + url + "\n"
        + "  Other workspaces:     java -jar proxy/target/wsgate.jar token --workspace <id> --user <user>\n";
  }
}
