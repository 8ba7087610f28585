package io.wsgate.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One launch being timed: the launcher marks each phase as it completes, then says how the launch ended.
 * Records {@code wsgate.launch.phase.duration} per phase, {@code wsgate.launch.duration} on success, and
 * {@code wsgate.launch.failures} (with the phase it was in) on failure, then tells the launch listeners.
 * Only the first of {@link #succeeded()} / {@link #failed} counts, so a late second outcome is harmless.
 */
public final class LaunchObservation {

  private static final Logger log = LoggerFactory.getLogger(LaunchObservation.class);

  private final Meters meters;
  private final String workspace;
  private final String profile;
  private final String source;
  /** When the launch began on the gateway's calendar clock, for the launch log; durations use {@link #startNanos}. */
  private final long startedAtMillis;
  private final long startNanos;
  private final Map<String, Long> phaseMillis = new LinkedHashMap<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private long phaseStartNanos;
  private LaunchPhase current = LaunchPhase.CLAIM;

  LaunchObservation(Meters meters, String workspace, String profile, String source, long startedAtMillis,
                    long startNanos) {
    this.meters = meters;
    this.startNanos = startNanos;
    this.phaseStartNanos = startNanos;
    this.startedAtMillis = startedAtMillis;
    this.workspace = workspace;
    this.profile = profile;
    this.source = source;
    meters.launchesActive.incrementAndGet();
  }

  /** {@code phase} just completed; the next one starts now. */
  public synchronized void phaseDone(LaunchPhase phase) {
    long now = System.nanoTime();
    long nanos = now - phaseStartNanos;
    meters.launchPhase.get(profile, source, phase.tag()).record(nanos, TimeUnit.NANOSECONDS);
    phaseMillis.put(phase.tag(), TimeUnit.NANOSECONDS.toMillis(nanos));
    phaseStartNanos = now;
    current = phase.ordinal() + 1 < LaunchPhase.values().length ? LaunchPhase.values()[phase.ordinal() + 1] : phase;
  }

  /** The phase the launch is in now. */
  public synchronized LaunchPhase phase() {
    return current;
  }

  /** The route is published: the launch succeeded. */
  public void succeeded() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    long nanos = System.nanoTime() - startNanos;
    meters.launchDuration.get(profile, source).record(nanos, TimeUnit.NANOSECONDS);
    finish(nanos, null, null);
  }

  public void failed(LaunchFailureReason reason) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    LaunchPhase phase = phase();
    meters.launchFailures.get(profile, source, reason.tag(), phase.tag()).increment();
    finish(System.nanoTime() - startNanos, reason.tag(), phase.tag());
  }

  /** Milliseconds since the launch began. */
  public long elapsedMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  public String source() {
    return source;
  }

  private void finish(long nanos, String reason, String failedPhase) {
    meters.launchesActive.decrementAndGet();
    LaunchRecord record;
    synchronized (this) {
      record = new LaunchRecord(workspace, profile, source, startedAtMillis, TimeUnit.NANOSECONDS.toMillis(nanos),
          phaseMillis, reason, failedPhase);
    }
    for (var listener : meters.launchListeners) {
      try {
        listener.accept(record);
      } catch (RuntimeException e) {
        log.warn("launch listener failed: {}", e.toString());
      }
    }
  }
}
