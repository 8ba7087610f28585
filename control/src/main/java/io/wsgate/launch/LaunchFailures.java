package io.wsgate.launch;

import io.wsgate.metrics.LaunchFailureReason;
import io.wsgate.metrics.LaunchPhase;
import io.wsgate.provider.ProviderException;

import java.util.concurrent.TimeoutException;

/** Maps a failed launch's error, and the phase it failed in, to a bounded {@link LaunchFailureReason}. */
final class LaunchFailures {

  private LaunchFailures() {
  }

  static LaunchFailureReason classify(Throwable err, LaunchPhase phase) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return phase == LaunchPhase.CLAIM || phase == LaunchPhase.PUBLISH ? LaunchFailureReason.REDIS_ERROR
            : LaunchFailureReason.TIMEOUT;
      }
    }
    if (err instanceof ProviderException) {
      return switch (phase) {
        case CLAIM, PROVIDER_START -> LaunchFailureReason.PROVIDER_ERROR;
        // the probe fails with "did not answer ... in time"; any other provider error while probing means
        // the workspace's process or task stopped (ReadinessProbe fails with the termination reason)
        case READINESS -> err.getMessage() != null && err.getMessage().contains("in time")
            ? LaunchFailureReason.READINESS_TIMEOUT : LaunchFailureReason.WORKSPACE_EXITED;
        case PUBLISH -> LaunchFailureReason.LOCK_LOST;
      };
    }
    // claim and publish are Redis scripts: anything but a provider error there is Redis failing; while the
    // provider starts the workspace, any error is the provider's (an I/O error of the local provider, say)
    return switch (phase) {
      case CLAIM, PUBLISH -> LaunchFailureReason.REDIS_ERROR;
      case PROVIDER_START -> LaunchFailureReason.PROVIDER_ERROR;
      case READINESS -> LaunchFailureReason.OTHER;
    };
  }
}
