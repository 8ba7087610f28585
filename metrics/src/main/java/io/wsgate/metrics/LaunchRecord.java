package io.wsgate.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finished launch, as told to {@link Meters#onLaunch launch listeners} (the admin server's list of
 * recent launches). Carries the workspace id for that list; the id never becomes a metric tag.
 *
 * @param phaseMillis duration of each phase that completed, in order
 * @param reason      the failure reason tag, or null on success
 * @param failedPhase the phase a failed launch was in, or null on success
 */
public record LaunchRecord(String workspace, String profile, String source, long startedAtMillis,
                           long durationMillis, Map<String, Long> phaseMillis, String reason, String failedPhase) {

  public LaunchRecord {
    phaseMillis = Collections.unmodifiableMap(new LinkedHashMap<>(phaseMillis));
  }

  public boolean succeeded() {
    return reason == null;
  }
}
