package io.wsgate.proxy.routing;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.internal.net.RFC3986;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How some workspace stacks turn a request target into the path they route, written apart from
 * {@link ReservedPaths} (and partly with the stacks' own code) so the fuzzers can check one against the other:
 * no target the gateway forwards may route to a reserved path on any of them.
 */
final class WorkspaceRouters {

  /** A stack's reading of a request target, or null where it would refuse the request. */
  record Router(String name, Function<String, String> route, boolean caseInsensitive) {
  }

  static final List<Router> ALL = List.of(
      // vertx-web: RFC 3986 normalisation of the raw path (decodes unreserved characters, removes dot segments)
      new Router("vert.x web", t -> RFC3986.normalizePath(rawPath(t)), false),
      // Netty's own decoder, as a plain Netty server would route
      new Router("netty", t -> new QueryStringDecoder(t).path(), false),
      // Tomcat: path parameters off every segment, then decode, then normalise; Spring then routes the result
      new Router("tomcat/spring", t -> javaNormalize(decode(dropParameters(rawPath(t)))), false),
      // Spring MVC's UrlPathHelper when it decodes first and removes ';' content after
      new Router("spring, decode first", t -> javaNormalize(dropParameters(decode(rawPath(t)))), false),
      // Express on Node: WHATWG URL parsing (backslash is a slash, tab/newline dropped, %2e is a dot), then a
      // case-insensitive match of the decoded path
      new Router("node/express", t -> decode(whatwg(rawPath(t))), true));

  private WorkspaceRouters() {
  }

  /** The first router under which {@code target} reaches {@code reserved} (or below it), else null. */
  static String reaching(String target, String reserved) {
    for (Router r : ALL) {
      String path;
      try {
        path = r.route().apply(target);
      } catch (RuntimeException refused) {
        continue;
      }
      if (path == null) {
        continue;
      }
      String p = r.caseInsensitive() ? path.toLowerCase(Locale.ROOT) : path;
      String q = r.caseInsensitive() ? reserved.toLowerCase(Locale.ROOT) : reserved;
      if (p.equals(q) || p.equals(q + "/")) {
        return r.name() + " routes " + target + " to " + path;
      }
    }
    return null;
  }

  /** What Vert.x's {@code HttpServerRequest.path()} gives for a request target. */
  static String rawPath(String target) {
    String t = target;
    int scheme = t.startsWith("/") ? -1 : t.indexOf("://");
    if (scheme >= 0) {
      int slash = t.indexOf('/', scheme + 3);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int q = t.indexOf('?');
    return q < 0 ? t : t.substring(0, q);
  }

  private static String decode(String p) {
    return URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String javaNormalize(String p) {
    String collapsed = p.replaceAll("/{2,}", "/");
    try {
      return new URI("http", "x", collapsed.startsWith("/") ? collapsed : "/" + collapsed, null).normalize().getPath();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String dropParameters(String p) {
    StringBuilder out = new StringBuilder();
    for (String segment : p.split("/", -1)) {
      int semi = segment.indexOf(';');
      out.append(semi < 0 ? segment : segment.substring(0, semi)).append('/');
    }
    return out.substring(0, out.length() - 1);
  }

  private static String whatwg(String p) {
    String s = p.replace('\\', '/').replace("\t", "").replace("\n", "").replace("\r", "");
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    List<String> out = new ArrayList<>();
    String[] segments = s.split("/", -1);
    for (int i = segments[0].isEmpty() ? 1 : 0; i < segments.length; i++) {
      String seg = segments[i].toLowerCase(Locale.ROOT);
      boolean last = i == segments.length - 1;
      if (seg.equals("..") || seg.equals(".%2e") || seg.equals("%2e.") || seg.equals("%2e%2e")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        if (last) {
          out.add("");
        }
      } else if (seg.equals(".") || seg.equals("%2e")) {
        if (last) {
          out.add("");
        }
      } else {
        out.add(segments[i]);
      }
    }
    return "/" + String.join("/", out);
  }
}
