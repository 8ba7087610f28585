package io.wsgate.proxy.routing;

import io.wsgate.workspace.WorkspaceId;

import java.util.Locale;
import java.util.Objects;

/**
 * Reads the workspace id out of a {@code Host} header: {@code ws-<id>.<base domain>}, in any case, with an
 * optional port and an optional trailing dot. Anything else is not a workspace host. The parser only ever
 * yields a valid {@link WorkspaceId}, and the gateway only ever connects to an id's recorded endpoint, so
 * no Host value can make it connect anywhere else.
 */
public final class HostParser {

  /** Why a host is not a workspace host; the text goes on the 404 page. */
  public enum Problem {
    MISSING("the request has no Host header"),
    MALFORMED("the Host header is not a valid host name"),
    NOT_A_WORKSPACE("this host is not a workspace address"),
    BAD_ID("the workspace id must be 1 to 63 lower-case letters, digits or inner hyphens");

    private final String text;

    Problem(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** Either a workspace id or the problem with the host. */
  public record Result(WorkspaceId id, Problem problem) {
    public boolean isWorkspace() {
      return id != null;
    }
  }

  private static final int MAX_HOST_LENGTH = 255;
  private static final String PREFIX = "ws-";

  private final String suffix;

  public HostParser(String baseDomain) {
    this.suffix = "." + Objects.requireNonNull(baseDomain, "baseDomain").toLowerCase(Locale.ROOT);
  }

  public Result parse(String host) {
    if (host == null || host.isEmpty()) {
      return problem(Problem.MISSING);
    }
    if (host.length() > MAX_HOST_LENGTH) {
      return problem(Problem.MALFORMED);
    }
    if (host.charAt(0) == '[') {
      return problem(Problem.NOT_A_WORKSPACE);
    }
    int end = host.length();
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      if (!isPort(host, colon + 1)) {
        return problem(Problem.MALFORMED);
      }
      end = colon;
    }
    if (end > 0 && host.charAt(end - 1) == '.') {
      end--;
    }
    if (end == 0 || host.charAt(end - 1) == '.') {
      return problem(Problem.MALFORMED);
    }
    for (int i = 0; i < end; i++) {
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok || (c == '.' && (i == 0 || host.charAt(i - 1) == '.'))) {
        return problem(Problem.MALFORMED);
      }
    }
    // compared in lower case as it stands, so that a host costs no copy of its own
    int labelEnd = end - suffix.length();
    if (labelEnd <= 0 || !lowerCaseIs(host, labelEnd, suffix) || !lowerCaseIs(host, 0, PREFIX)
        || host.lastIndexOf('.', labelEnd - 1) >= 0) {
      return problem(Problem.NOT_A_WORKSPACE);
    }
    String id = host.substring(PREFIX.length(), Math.max(PREFIX.length(), labelEnd)).toLowerCase(Locale.ROOT);
    if (!WorkspaceId.isValid(id)) {
      return problem(Problem.BAD_ID);
    }
    return new Result(new WorkspaceId(id), null);
  }

  /** Whether {@code s} has {@code lowerCase} at {@code from}, its ASCII letters in either case. */
  private static boolean lowerCaseIs(String s, int from, String lowerCase) {
    if (from + lowerCase.length() > s.length()) {
      return false;
    }
    for (int i = 0; i < lowerCase.length(); i++) {
      char c = s.charAt(from + i);
      if ((c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c) != lowerCase.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPort(String s, int from) {
    int n = s.length() - from;
    if (n < 1 || n > 5) {
      return false;
    }
    int port = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65535;
  }

  private static Result problem(Problem p) {
    return new Result(null, p);
  }
}
