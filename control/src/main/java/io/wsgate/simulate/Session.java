package io.wsgate.simulate;

/**
 * One sitting of one student: arrives at {@code start} (epoch ms) and works until {@code end}, measured from
 * arrival. When the workspace takes a while to start, the student works for the same length after it is ready.
 */
public record Session(String user, String profile, long start, long end) {

  public Session {
    if (end <= start) {
      throw new IllegalArgumentException("session of " + user + ": end " + end + " (expected: after start " + start + ")");
    }
  }

  public long lengthMillis() {
    return end - start;
  }
}
