package io.wsgate.proxy.routing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Paths on a workspace that only the gateway may call (the warm pool's assign hook). A client request is refused
 * if <em>any</em> way a workspace's HTTP stack might read its path leads to a reserved one, or below it: we
 * cannot know which stack a workspace runs, so the check takes the union of what they do.
 *
 * <p>What stacks do to a path before routing, each of which {@link #normalize} can apply:
 * <ul>
 *   <li>percent-decoding, repeated (double encoding {@code %2561}), as UTF-8, also IIS's {@code %u0061};</li>
 *   <li>path parameters: Tomcat, Jetty and Spring drop {@code ;…} from every segment
 *       ({@code /wsgate;x/assign;jsessionid=1}), some before percent-decoding, some after (so {@code %3b} too);</li>
 *   <li>Unicode compatibility forms ({@code ／}, {@code ．}, full-width letters: NFKC);</li>
 *   <li>the path cut at a NUL (C strings), at {@code #} (Node and browsers take the rest for a fragment) and at a
 *       decoded {@code ?};</li>
 *   <li>{@code \} read as {@code /} (WHATWG URL, used by Node's {@code new URL}, and Windows servers);</li>
 *   <li>tab, CR and LF removed (WHATWG URL);</li>
 *   <li>trailing dots and spaces of a segment dropped (Windows: {@code assign.} is {@code assign});</li>
 * </ul>
 * and then all of them: case folded the way Java's {@code equalsIgnoreCase} folds it (so {@code ſ}, long s, and
 * {@code K}, Kelvin sign, match too), duplicate slashes collapsed, {@code .} and {@code ..} segments resolved.
 *
 * <p>A stack may do any of the optional steps or not, and doing one can hide what skipping it reveals (a
 * {@code ．．} segment is a dot-dot after NFKC but a name that a later {@code ..} removes without), so every
 * combination of the steps that can change this path is tried; for a plain path that is one.
 *
 * <p>A path is also reserved if it continues a reserved one with {@code /} or {@code .}: Spring's suffix pattern
 * matching routes {@code /wsgate/assign.json} to {@code /wsgate/assign}, and nothing a student needs lives below
 * the hook. Refusing too much costs a 404 on a path nobody uses; refusing too little hands a student the hook.
 */
public final class ReservedPaths {

  /** Optional steps, as bits of a mask. */
  static final int DECODE = 1;
  static final int PARAMETERS_RAW = 1 << 1;
  static final int PARAMETERS_DECODED = 1 << 2;
  static final int COMPATIBILITY = 1 << 3;
  static final int CUT = 1 << 4;
  static final int BACKSLASH = 1 << 5;
  static final int WHITESPACE = 1 << 6;
  static final int TRAILING_DOTS = 1 << 7;

  private static final int DECODE_ROUNDS = 4;

  private final Set<String> paths = new HashSet<>();

  public ReservedPaths(Iterable<String> reserved) {
    for (String p : reserved) {
      if (p != null && !p.isEmpty()) {
        paths.add(normalize(p, 0));
      }
    }
  }

  /** True if {@code rawPath} (the request's path as sent, without the query) may reach a reserved path. */
  public boolean isReserved(String rawPath) {
    if (paths.isEmpty()) {
      return false;
    }
    int relevant = relevantSteps(rawPath);
    if (relevant == 0 && rawPath.startsWith("/") && rawPath.indexOf("//") < 0 && rawPath.indexOf('.') < 0) {
      // plain ASCII without dot or empty segments (most requests): normalizing only lower-cases it (and drops a
      // trailing '/', which covers the same paths)
      return covered(rawPath.toLowerCase(Locale.ROOT));
    }
    // every subset of the relevant steps, the empty one included
    for (int steps = relevant; ; steps = (steps - 1) & relevant) {
      if (covered(normalize(rawPath, steps))) {
        return true;
      }
      if (steps == 0) {
        return false;
      }
    }
  }

  private boolean covered(String path) {
    for (String r : paths) {
      if (path.startsWith(r) && (path.length() == r.length() || path.charAt(r.length()) == '/'
          || path.charAt(r.length()) == '.')) {
        return true;
      }
    }
    return false;
  }

  /** The optional steps that could change {@code raw}: the others need not be tried. */
  static int relevantSteps(String raw) {
    if (plain(raw)) {
      return raw.indexOf('.') >= 0 ? TRAILING_DOTS : 0;
    }
    int steps = 0;
    String p = raw;
    if (p.indexOf('%') >= 0) {
      steps |= DECODE;
      p = percentDecode(p);
    }
    if (raw.indexOf(';') >= 0) {
      steps |= PARAMETERS_RAW;
    }
    if (p.indexOf(';') >= 0 || !Normalizer.isNormalized(p, Normalizer.Form.NFKC)) {
      steps |= PARAMETERS_DECODED; // NFKC can make a ';' from '；'
    }
    if (!Normalizer.isNormalized(p, Normalizer.Form.NFKC)) {
      steps |= COMPATIBILITY;
    }
    p = Normalizer.normalize(p, Normalizer.Form.NFKC);
    if (p.indexOf('\0') >= 0 || p.indexOf('#') >= 0 || p.indexOf('?') >= 0) {
      steps |= CUT;
    }
    if (p.indexOf('\\') >= 0) {
      steps |= BACKSLASH;
    }
    if (p.indexOf('\t') >= 0 || p.indexOf('\r') >= 0 || p.indexOf('\n') >= 0
        || raw.indexOf('\t') >= 0 || raw.indexOf('\r') >= 0 || raw.indexOf('\n') >= 0) {
      steps |= WHITESPACE;
    }
    if (p.indexOf('.') >= 0 || p.indexOf(' ') >= 0) {
      steps |= TRAILING_DOTS;
    }
    return steps;
  }

  /**
   * Whether {@code raw} is printable ASCII without any character an optional step other than trailing dots looks at
   * ({@code %}, {@code ;}, {@code #}, {@code ?}, backslash, space): such a path is its own NFKC form, and only
   * {@link #TRAILING_DOTS} can change it. The common request's path is plain, and skips the Unicode normalizer.
   */
  private static boolean plain(String raw) {
    for (int i = 0, n = raw.length(); i < n; i++) {
      char c = raw.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '%' || c == ';' || c == '#' || c == '?' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** The path as a stack doing the optional {@code steps} (and all the others) would route it, lower case. */
  static String normalize(String raw, int steps) {
    String p = raw;
    if ((steps & WHITESPACE) != 0) {
      p = removeWhitespace(p); // WHATWG removes them before it decodes
    }
    if ((steps & PARAMETERS_RAW) != 0) {
      p = dropParameters(p);
    }
    if ((steps & DECODE) != 0) {
      p = percentDecode(p);
    }
    if ((steps & COMPATIBILITY) != 0) {
      p = Normalizer.normalize(p, Normalizer.Form.NFKC);
    }
    if ((steps & CUT) != 0) {
      p = cut(cut(cut(p, '\0'), '#'), '?');
    }
    if ((steps & BACKSLASH) != 0) {
      p = p.replace('\\', '/');
    }
    if ((steps & WHITESPACE) != 0) {
      p = removeWhitespace(p);
    }
    if ((steps & PARAMETERS_DECODED) != 0) {
      p = dropParameters(p);
    }
    p = p.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return resolveSegments(p, (steps & TRAILING_DOTS) != 0);
  }

  private static String removeWhitespace(String p) {
    return p.replace("\t", "").replace("\r", "").replace("\n", "");
  }

  /** Removes {@code ;…} from each segment. */
  private static String dropParameters(String p) {
    if (p.indexOf(';') < 0) {
      return p;
    }
    StringBuilder out = new StringBuilder(p.length());
    boolean inParameter = false;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '/') {
        inParameter = false;
      } else if (c == ';') {
        inParameter = true;
      }
      if (!inParameter) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String cut(String p, char c) {
    int i = p.indexOf(c);
    return i < 0 ? p : p.substring(0, i);
  }

  /** Collapses empty segments, resolves {@code .} and {@code ..}; with {@code trim}, as Windows trims names. */
  private static String resolveSegments(String p, boolean trim) {
    Deque<String> out = new ArrayDeque<>();
    for (String segment : p.split("/")) {
      String s = trim ? trimDotsAndSpaces(segment) : segment;
      if (s.equals("..")) {
        out.pollLast();
      } else if (!s.isEmpty() && !s.equals(".")) {
        out.addLast(s);
      }
    }
    return "/" + String.join("/", out);
  }

  /** Windows drops trailing dots and spaces of a name ({@code assign.} is {@code assign}); dot segments stay. */
  private static String trimDotsAndSpaces(String segment) {
    if (segment.equals(".") || segment.equals("..")) {
      return segment;
    }
    int end = segment.length();
    while (end > 0 && (segment.charAt(end - 1) == '.' || segment.charAt(end - 1) == ' ')) {
      end--;
    }
    return segment.substring(0, end);
  }

  /** Percent-decodes until nothing changes (a few rounds at most): {@code %XX} as UTF-8, and {@code %uXXXX}. */
  private static String percentDecode(String s) {
    for (int round = 0; round < DECODE_ROUNDS && s.indexOf('%') >= 0; round++) {
      String next = decodeOnce(s);
      if (next.equals(s)) {
        break;
      }
      s = next;
    }
    return s;
  }

  private static String decodeOnce(String s) {
    StringBuilder out = new StringBuilder(s.length());
    ByteBuffer bytes = ByteBuffer.allocate(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
        bytes.put((byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2))));
        i += 2;
        continue;
      }
      flush(bytes, out);
      if (c == '%' && i + 5 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')
          && hex4(s, i + 2) >= 0) {
        out.append((char) hex4(s, i + 2));
        i += 5;
      } else {
        out.append(c);
      }
    }
    flush(bytes, out);
    return out.toString();
  }

  /** Appends the pending decoded bytes: as UTF-8 where they are, byte for byte (Latin-1) where they are not. */
  private static void flush(ByteBuffer bytes, StringBuilder out) {
    if (bytes.position() == 0) {
      return;
    }
    bytes.flip();
    try {
      out.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.duplicate()));
    } catch (CharacterCodingException e) {
      out.append(StandardCharsets.ISO_8859_1.decode(bytes.duplicate()));
    }
    bytes.clear();
  }

  private static int hex4(String s, int from) {
    int v = 0;
    for (int i = from; i < from + 4; i++) {
      int d = hex(s.charAt(i));
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
