package io.wsgate.proxy.error;

/** The gateway's own small HTML pages share one look. */
public final class Pages {

  private static final String STYLE = """
      *{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
      font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#0f172a;color:#e2e8f0}
      main{max-width:34rem;padding:2.5rem;background:#1e293b;border-radius:14px;box-shadow:0 10px 40px #0006}
      h1{font-size:1.35rem;margin:0 0 .75rem}p{margin:.5rem 0}.muted{color:#94a3b8;font-size:.875rem}
      code{background:#0f172a;padding:.1rem .35rem;border-radius:4px}
      .bar{height:6px;background:#334155;border-radius:3px;overflow:hidden;margin:1.25rem 0}
      .bar>div{height:100%;width:30%;background:#38bdf8;border-radius:3px;animation:slide 1.4s ease-in-out infinite}
      @keyframes slide{0%{margin-left:-30%}100%{margin-left:100%}}
      button{font:inherit;background:#38bdf8;color:#0f172a;border:0;border-radius:8px;padding:.5rem 1rem;cursor:pointer}
      .err{color:#fca5a5}""";

  private Pages() {
  }

  /** A full page; {@code script} (may be null) is inline JavaScript the page runs. */
  public static String page(String title, String bodyHtml, String script) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        + "<title>" + escape(title) + "</title><style>" + STYLE + "</style></head><body><main><h1>"
        + escape(title) + "</h1>" + bodyHtml + "</main>"
        + (script == null ? "" : "<script>" + script + "</script>") + "</body></html>";
  }

  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c < 0x20 && c != '\n' ? ' ' : c);
      }
    }
    return b.toString();
  }
}
