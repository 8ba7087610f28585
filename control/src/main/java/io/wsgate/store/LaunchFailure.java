package io.wsgate.store;

/**
 * The last failed launch of a workspace, shared by all replicas so none relaunches it in a tight loop.
 *
 * @param reason       what went wrong, fit for the user's page
 * @param attempts     consecutive failures
 * @param retryAtMillis no new launch before this time
 */
public record LaunchFailure(String reason, int attempts, long retryAtMillis) {
}
