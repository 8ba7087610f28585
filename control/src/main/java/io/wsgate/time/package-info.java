/**
 * The two kinds of time wsgate reads, and the rule that keeps them apart.
 *
 * <p><b>Calendar time</b> comes from the injected {@link java.time.Clock} (the system clock in production, a
 * clock a test moves in tests). It feeds every decision that replicas share through Redis or that a person
 * thinks of as a date: idle time and the reaper, pool schedules, sessions and token expiry, launch backoff, launch
 * rate windows, the times a launch or a route was recorded, and the status page's "ago".
 *
 * <p><b>Elapsed time</b> comes from the JVM's monotonic clock, through {@link io.wsgate.time.Deadline} and
 * {@link io.wsgate.time.Stopwatch}, or from Vert.x timers. It feeds what only this process measures: how long a
 * launch may still take, when a readiness probe gives up, how long a cached route or provider check is trusted,
 * the interval between two cost samples, and how long something took for a log line or a meter.
 *
 * <p>One decision never reads both: a deadline computed on one source is only ever compared with that source.
 * The wall clock can jump (NTP, a resumed VM) and a test's clock can be years away from it; neither may shorten
 * or stretch a timeout.
 */
package io.wsgate.time;
