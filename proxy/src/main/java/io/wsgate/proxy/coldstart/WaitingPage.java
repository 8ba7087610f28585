package io.wsgate.proxy.coldstart;

import io.wsgate.proxy.error.Pages;
import io.wsgate.workspace.WorkspaceId;

/**
 * The "starting your workspace" page a browser gets while its workspace launches. It polls the gateway's
 * status endpoint on the same host and reloads into the workspace once it is ready, or shows why the launch
 * failed.
 */
final class WaitingPage {

  static final String STATUS_PATH = "/__wsgate/status";

  private static final String SCRIPT = """
      const t0 = Date.now();
      const phase = document.getElementById('phase'), el = document.getElementById('elapsed');
      async function poll() {
        let s = null;
        try { s = await (await fetch('%s', {cache: 'no-store', credentials: 'same-origin'})).json(); } catch (e) {}
        el.textContent = Math.round((Date.now() - t0) / 1000) + ' s';
        if (s && s.state === 'running') { location.reload(); return; }
        if (s && s.state === 'failed') {
          document.getElementById('bar').remove();
          phase.className = 'err';
          phase.textContent = 'Could not start: ' + s.reason;
          const b = document.getElementById('retry');
          b.hidden = false;
          if (s.retryAfter) { b.textContent = 'Try again (in ' + s.retryAfter + ' s)'; }
          return;
        }
        if (s && s.state === 'stopped') { setTimeout(() => location.reload(), 1000); return; }
        if (s && s.phase) { phase.textContent = s.phase[0].toUpperCase() + s.phase.slice(1) + '\\u2026'; }
        setTimeout(poll, 600);
      }
      document.getElementById('retry').onclick = () => location.reload();
      poll();
      """.formatted(STATUS_PATH);

  private WaitingPage() {
  }

  static String render(WorkspaceId id) {
    return Pages.page("Starting your workspace",
        "<p>Workspace <code>" + Pages.escape(id.value()) + "</code> is being prepared. This page turns into"
            + " your workspace as soon as it is ready.</p><div class=\"bar\" id=\"bar\"><div></div></div>"
            + "<p id=\"phase\">Starting&hellip;</p><p class=\"muted\">Waiting <span id=\"elapsed\">0 s</span></p>"
            + "<button id=\"retry\" hidden>Try again</button>",
        SCRIPT);
  }
}
