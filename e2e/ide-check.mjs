#!/usr/bin/env node
// The IDE stage's browser part: runs wsgate (the built jar, auth on, the README's code-server profile on the
// local provider), signs in with a login link from `wsgate token` like an LMS, and checks in headless Chromium
// that a student can work in code-server through the gateway and keep working across a gateway restart. Then a
// second student's workspace of the warm profile (code-server through the workspace agent, a pool of 1, isolation
// required, a short idle timeout) is served by the claimed pool member, its terminal writes as the workspace's own
// user into its own directory, and after the idle reaper stopped it, it is launched again and finds its files.
// Started by ide-stage.sh, which installs everything, picks the ports and cleans up; see e2e/README.md.
//
// Environment (all required): IDE_JAR, IDE_WORK (an empty directory for state, data, logs and evidence),
// IDE_PORT, IDE_ADMIN_PORT, NODE24 (Node.js 24 for code-server), CODE_SERVER (its executable).
// Prints what it does on stderr and one summary line on stdout; exit 0 when every check passed, 1 otherwise.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // no WebGL: VS Code's terminal then draws its text into the DOM, where the test can wait for the prompt
  '--disable-3d-apis'];
const WORKSPACE = 'ide';
const USER = 'student';
// the warm profile's workspace and its student
const POOLED = 'lab';
const POOLED_USER = 'student2';
const POOLED_IDLE_TIMEOUT_S = 30; // long enough not to stop the workspace while the test works in it
const CONTROL_INTERVAL_S = 2; // how often the leader tops the pool up and reaps idle workspaces
const POOL_READY_TIMEOUT_MS = 120_000;
const IDLE_STOP_TIMEOUT_MS = (POOLED_IDLE_TIMEOUT_S + 60) * 1000;
const COLD_START_TIMEOUT_MS = 180_000; // launch, code-server's first start and the workbench's first load
const GATEWAY_START_TIMEOUT_MS = 90_000;
const GATEWAY_STOP_TIMEOUT_MS = 45_000; // the gateway gives close handshakes 5 s, Redis a clean shutdown
const RECONNECT_TIMEOUT_MS = 120_000; // VS Code backs off up to 30 s between reconnection attempts
const STEP_TIMEOUT_MS = 30_000;
const STORY_TIMEOUT_MS = 420_000; // the stage's budget is 10 minutes, installs and clean-up included
const CHECKS = 12;
const FILE_TIMEOUT_MS = 30_000;
const RETYPE_AFTER_MS = 10_000;
// on a loaded machine a terminal that is still starting can also drop the first keys typed at its prompt
const MAX_TYPINGS = 5;
// What VS Code shows when its connection to the server is in trouble (toasts, dialogs, status bar).
// What it shows when it has given up reconnecting ("Cannot reconnect. Please reload the window.").
const VSCODE_GAVE_UP = /cannot reconnect|please reload/i;
const CONNECTION_TROUBLE = /reconnect|connection (was |is |has been )?lost|disconnected|cannot connect|could not connect/i;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cfg = required(['IDE_JAR', 'IDE_WORK', 'IDE_PORT', 'IDE_ADMIN_PORT', 'NODE24', 'CODE_SERVER']);
const work = cfg.IDE_WORK;
const stateDir = path.join(work, 'state');
const dataDir = path.join(work, 'data');
const evidence = path.join(work, 'evidence');
const projectDir = path.join(dataDir, WORKSPACE, 'project');
const host = `ws-${WORKSPACE}.localhost:${cfg.IDE_PORT}`;
const workspaceUrl = `http://${host}/`;
const pooledDir = path.join(dataDir, POOLED);
const pooledUrl = `http://ws-${POOLED}.localhost:${cfg.IDE_PORT}/`;
const isRoot = process.getuid() === 0;
const nonce = crypto.randomBytes(4).toString('hex');
const t0 = performance.now();
const log = (...a) => console.error(`ide-check ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s`, ...a);

function required(names) {
  const out = {};
  for (const n of names) {
    if (!process.env[n]) {
      console.error(`ide-check: ${n} is not set (run e2e/ide-stage.sh)`);
      process.exit(2);
    }
    out[n] = process.env[n];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- the gateway

/** The gateway's environment: the caller's without any WSGATE_*, plus the README's code-server profile. */
function gatewayEnv(stopWorkspacesOnExit) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WSGATE_')));
  return {
    ...env,
    // code-server needs Node.js 24; its workspace process inherits the gateway's PATH
    PATH: `${cfg.NODE24}/bin:${process.env.PATH}`,
    CODE_SERVER: cfg.CODE_SERVER,
    WSGATE_LISTEN_HOST: '127.0.0.1',
    WSGATE_PORT: cfg.IDE_PORT,
    WSGATE_ADMIN_PORT: cfg.IDE_ADMIN_PORT,
    WSGATE_STATE_DIR: stateDir,
    WSGATE_DATA_DIR: dataDir,
    WSGATE_PROFILES: 'code,warm',
    WSGATE_DEFAULT_PROFILE: 'code',
    WSGATE_PROFILE_CODE_COMMAND: `sh '${repo}/deploy/local/code-server.sh'`,
    WSGATE_PROFILE_CODE_READINESS_PATH: '/healthz',
    WSGATE_PROFILE_CODE_ACTIVITY_MIN_MESSAGE: '13',
    // the README's code-server with a warm pool, through the agent; as root each workspace gets a user of its own
    // (required: the stage fails if the agent cannot switch users)
    WSGATE_PROFILE_WARM_COMMAND: '{java} -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp {classpath} '
      + `io.wsgate.agent.Agent --ide code-server --port {port} --isolation ${isRoot ? 'required' : 'auto'}`,
    WSGATE_PROFILE_WARM_READINESS_PATH: '/healthz',
    WSGATE_PROFILE_WARM_ASSIGN_PATH: '/wsgate/assign',
    WSGATE_PROFILE_WARM_POOL_SCHEDULE: '* 1',
    WSGATE_PROFILE_WARM_ACTIVITY_MIN_MESSAGE: '13',
    WSGATE_PROFILE_WARM_IDLE_TIMEOUT: `${POOLED_IDLE_TIMEOUT_S}s`,
    WSGATE_CONTROL_INTERVAL: `${CONTROL_INTERVAL_S}s`,
    WSGATE_STOP_WORKSPACES_ON_EXIT: stopWorkspacesOnExit ? 'on' : 'off',
  };
}

class Gateway {
  constructor(n, stopWorkspacesOnExit) {
    this.n = n;
    this.logFile = path.join(work, `gateway-${n}.log`);
    const out = fs.openSync(this.logFile, 'a');
    // a process group of its own, so that the stage's clean-up can find whatever is left
    this.proc = spawn('java', ['-Xmx512m', '-jar', cfg.IDE_JAR], {
      env: gatewayEnv(stopWorkspacesOnExit), stdio: ['ignore', out, out], detached: true,
    });
    fs.closeSync(out);
    fs.writeFileSync(path.join(work, 'gateway.pid'), `${this.proc.pid}\n`);
    this.exited = once(this.proc, 'exit');
  }

  /** Resolves when the gateway answers /healthz; rejects if it exits or takes too long. */
  async ready() {
    const deadline = Date.now() + GATEWAY_START_TIMEOUT_MS;
    let exitCode = null;
    this.exited.then(([code, signal]) => { exitCode = code ?? signal; });
    while (Date.now() < deadline) {
      if (exitCode !== null) throw new Error(`gateway ${this.n} exited (${exitCode}) while starting; see ${this.logFile}`);
      const status = await httpStatus(`http://127.0.0.1:${cfg.IDE_PORT}/healthz`).catch(() => 0);
      if (status === 200) return;
      await pause(100);
    }
    throw new Error(`gateway ${this.n} did not answer /healthz within ${GATEWAY_START_TIMEOUT_MS} ms`);
  }

  /** SIGTERM, the way systemd or Ctrl-C stops it; resolves with its exit code. */
  async stop() {
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), GATEWAY_STOP_TIMEOUT_MS);
    const [code, signal] = await this.exited;
    clearTimeout(timer);
    if (signal === 'SIGKILL') throw new Error(`gateway ${this.n} ignored SIGTERM for ${GATEWAY_STOP_TIMEOUT_MS} ms`);
    return code;
  }
}

function pause(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function httpStatus(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function metrics() {
  return admin('/metrics');
}

function admin(uri) {
  return new Promise((resolve, reject) => {
    http.get(`http://127.0.0.1:${cfg.IDE_ADMIN_PORT}${uri}`, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** The warm profile's ready pool members, from the admin API. */
async function poolReady() {
  const status = JSON.parse(await admin('/api/status'));
  return (status.pools ?? []).filter((pool) => pool.profile === 'warm').reduce((n, pool) => n + (pool.ready ?? 0), 0);
}

/** The fleet's finished launches of `workspace`, newest first, from the admin API. */
async function launchesOf(workspace) {
  return JSON.parse(await admin('/api/launches?limit=200')).launches.filter((l) => l.workspace === workspace);
}

/** Calls `probe` every 500 ms until it returns something truthy; throws `what` after `timeoutMs`. */
async function until(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await probe();
    if (got) return got;
    await pause(500);
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

/** The sum of a Prometheus metric's samples whose labels contain every given pair; throws if it has none. */
function sample(text, name, labels = {}) {
  let sum = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum = (sum ?? 0) + Number(line.split(' ').pop());
  }
  if (sum === null) throw new Error(`no ${name}${JSON.stringify(labels)} in the gateway's /metrics`);
  return sum;
}

/** The login link an LMS would hand the student: `java -jar wsgate.jar token`, with the gateway's settings. */
function loginLink(workspace = WORKSPACE, user = USER, profile = []) {
  return execFileSync('java', ['-jar', cfg.IDE_JAR, 'token', '--workspace', workspace, '--user', user, ...profile],
    { env: gatewayEnv(true), encoding: 'utf8' }).trim().split('\n').pop();
}

/** The workspace processes the local provider has registered: [{ pid, launch, workspace, profile }]. */
function registeredProcesses(workspace = WORKSPACE, profile = null) {
  const dir = path.join(stateDir, 'processes');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.properties')).map((f) => {
    const props = Object.fromEntries(fs.readFileSync(path.join(dir, f), 'utf8').split('\n')
      .filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return { pid: Number(props.pid), launch: props.launch, workspace: props.workspace, profile: props.profile };
  }).filter((p) => p.workspace === workspace && (profile === null || p.profile === profile));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `file` exists with content containing `text`; returns the milliseconds it took. */
async function fileAppears(file, text, from = performance.now(), timeoutMs = FILE_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(text)) return Math.round(performance.now() - from);
    await pause(100);
  }
  const got = fs.existsSync(file) ? JSON.stringify(fs.readFileSync(file, 'utf8').slice(0, 200)) : 'no such file';
  throw new Error(`${file} did not get ${JSON.stringify(text)} within ${timeoutMs} ms (${got})`);
}

// ---------------------------------------------------------------------------------------------- the page

/**
 * Runs in the page before its own scripts: records every WebSocket (with its close code, which Playwright does
 * not report) and every connection-trouble text VS Code shows, each with the phase of the test.
 */
function instrumentPage(troubleSource) {
  const trouble = new RegExp(troubleSource, 'i');
  const rec = { phase: 'load', sockets: [], alerts: [] };
  window.__ide = rec;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const s = { url: String(args[0]), phase: rec.phase, created: Date.now(), opened: null, closed: null, code: null, reason: null };
      rec.sockets.push(s);
      this.addEventListener('open', () => { s.opened = Date.now(); });
      this.addEventListener('close', (e) => {
        s.closed = Date.now();
        s.code = e.code;
        s.reason = e.reason;
        s.closedIn = rec.phase;
      });
    }
  };
  window.terminalText = () => [...(document.querySelector('.terminal-wrapper.active .xterm-rows, .terminal-wrapper .xterm-rows')
    ?.children ?? [])].map((row) => row.textContent.replace(/\s+$/, '')).filter((l) => l).join('\n');
  const containers = '.monaco-dialog-box, .notification-toast, .notifications-toasts, .notifications-center, .statusbar';
  let last = '';
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      const box = el?.closest?.(containers);
      if (!box) continue;
      const text = box.textContent.replace(/\s+/g, ' ').trim().slice(0, 300);
      if (text !== last && trouble.test(text)) {
        last = text;
        rec.alerts.push({ phase: rec.phase, at: Date.now(), text });
      }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

const page = { current: null };
const consoleLines = [];
const checks = [];
const timings = {};
let failed = null;
let overtime = false;

async function check(name, fn) {
  log(`check: ${name}`);
  try {
    const detail = await fn();
    checks.push({ name, ok: true, detail });
    if (detail) log(`  ok: ${detail}`);
  } catch (e) {
    checks.push({ name, ok: false, detail: e.message.split('\n')[0] });
    throw Object.assign(e, { check: name });
  }
}

function setPhase(p, phase) {
  return p.evaluate((ph) => { window.__ide.phase = ph; }, phase);
}

const record = (p) => p.evaluate(() => window.__ide);

/** The VS Code server connections (management and extension host) among the page's sockets. */
const vscodeSockets = (rec) => rec.sockets.filter((s) => s.url.includes('reconnectionToken='));

async function openTerminal(p) {
  const textarea = p.locator('.terminal-wrapper .xterm-helper-textarea').first();
  // bash is ready for input once VS Code's shell integration has marked its prompt (keys typed before can be lost)
  const prompt = () => p.waitForFunction(() => document.querySelector('.terminal-wrapper .terminal-command-decoration')
    && /[#$] *$/.test(terminalText()), null, { timeout: STEP_TIMEOUT_MS });
  if (!(await textarea.isVisible().catch(() => false))) {
    await p.keyboard.press('Control+Backquote');
    // a folder the student has not trusted yet asks before its first terminal; a student trusts it
    const trust = p.locator('.monaco-dialog-box .monaco-button', { hasText: /^Trust/ }).first();
    const first = await Promise.any([prompt().then(() => 'prompt'),
      trust.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS }).then(() => 'trust')]);
    if (first === 'trust') await trust.click({ timeout: STEP_TIMEOUT_MS });
  }
  await prompt();
  await p.locator('.terminal-wrapper .xterm-screen').first().click({ timeout: STEP_TIMEOUT_MS });
  await p.waitForFunction(() => document.activeElement?.classList.contains('xterm-helper-textarea'), null,
    { timeout: STEP_TIMEOUT_MS });
}

/**
 * Types a command that writes `text` to `file` and waits for the file; returns { ms, tries }. VS Code relaunches a
 * fresh terminal when an extension changes the terminal environment (the git extension does, as it activates), and
 * whatever was typed into the old one is lost: then the command is typed again at the new prompt, at most
 * MAX_TYPINGS times.
 */
async function runInTerminal(p, file, text, command = `echo ${text} > '${file}'`) {
  for (let tries = 1; ; tries++) {
    await openTerminal(p);
    const sent = performance.now();
    await p.keyboard.type(command, { delay: 5 });
    await p.keyboard.press('Enter');
    try {
      return { ms: await fileAppears(file, text, sent, tries < MAX_TYPINGS ? RETYPE_AFTER_MS : FILE_TIMEOUT_MS), tries };
    } catch (e) {
      if (tries >= MAX_TYPINGS) throw e;
      log(`terminal: no file ${RETYPE_AFTER_MS} ms after Enter, typing again; the terminal shows `
        + JSON.stringify((await p.evaluate(() => terminalText())).slice(-300)));
      await p.keyboard.press('Control+KeyC');
    }
  }
}

async function runCommand(p, title) {
  await p.keyboard.press('F1');
  const input = p.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.fill(`>${title}`);
  await p.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click({ timeout: STEP_TIMEOUT_MS });
}

// ---------------------------------------------------------------------------------------------- the story

async function story(browser, state) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(instrumentPage, CONNECTION_TROUBLE.source);
  const p = await context.newPage();
  page.current = p;
  p.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  p.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e}`));
  const navigations = [];
  p.on('framenavigated', (f) => { if (f === p.mainFrame()) navigations.push(f.url()); });
  let login = null;
  p.on('response', async (r) => {
    if (login === null && r.url().includes('wsgate_token=')) {
      login = { status: r.status(), location: await r.headerValue('location'), setCookie: await r.headerValue('set-cookie') };
    }
  });

  // What the test writes into the workspace's folder before the student ever opens it.
  const fromDisk = `from-disk-${nonce}.txt`;
  fs.mkdirSync(projectDir, { recursive: true });
  fs.writeFileSync(path.join(projectDir, fromDisk), `written by the test before the launch (${nonce})\n`);

  // 1. sign in with the LMS's link
  const link = loginLink();
  log(`login link: ${link.replace(/wsgate_token=[^&]+/, 'wsgate_token=…')}`);
  const coldStart = performance.now();
  await p.goto(link, { waitUntil: 'commit', timeout: COLD_START_TIMEOUT_MS });
  await check('workbench renders (cold start)', async () => {
    await p.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: COLD_START_TIMEOUT_MS });
    timings.coldStartToWorkbenchMs = Math.round(performance.now() - coldStart);
    return `${timings.coldStartToWorkbenchMs} ms from opening the link`;
  });
  await check('login link: redirect without the token, host-only HttpOnly cookie', async () => {
    if (!login) throw new Error('no response to the login link was seen');
    if (login.status < 300 || login.status > 399) throw new Error(`the login link answered ${login.status} (expected: a redirect)`);
    if (!login.location || login.location.includes('wsgate_token')) throw new Error(`redirect Location: ${login.location}`);
    const leaked = navigations.slice(1).filter((u) => u.includes('wsgate_token'));
    if (leaked.length || p.url().includes('wsgate_token')) throw new Error(`the token stayed in the URL: ${leaked.concat(p.url())}`);
    const header = login.setCookie ?? '';
    if (!/;\s*httponly/i.test(header)) throw new Error(`Set-Cookie without HttpOnly: ${header.replace(/=[^;]+/, '=…')}`);
    if (/;\s*domain=/i.test(header)) throw new Error(`Set-Cookie with a Domain (not host-only): ${header.replace(/=[^;]+/, '=…')}`);
    const cookies = await context.cookies(workspaceUrl);
    if (cookies.length !== 1) throw new Error(`the browser holds ${cookies.length} cookies for ${host} (expected: 1)`);
    const [c] = cookies;
    if (!c.httpOnly) throw new Error(`cookie ${c.name} is not HttpOnly in the browser`);
    if (c.domain !== `ws-${WORKSPACE}.localhost`) throw new Error(`cookie ${c.name} has domain ${c.domain} (expected host-only ws-${WORKSPACE}.localhost)`);
    state.cookie = c;
    return `redirected to ${login.location}; cookie ${c.name}: host-only, HttpOnly, SameSite=${c.sameSite}`;
  });

  // 2. the explorer lists the file written on disk
  await check('explorer lists the file written on disk', async () => {
    await setPhase(p, 'explorer');
    const row = p.locator('.explorer-folders-view .monaco-list-row', { hasText: fromDisk });
    const seen = performance.now();
    if (!(await p.locator('.explorer-folders-view').isVisible())) await p.keyboard.press('Control+Shift+KeyE');
    await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    timings.explorerMs = Math.round(performance.now() - seen);
    return `${fromDisk} listed`;
  });

  // 3. the terminal
  await check('a terminal command writes a file on disk', async () => {
    await setPhase(p, 'terminal');
    const file = path.join(projectDir, `terminal-${nonce}.txt`);
    const { ms, tries } = await runInTerminal(p, file, `typed-in-the-terminal-${nonce}`);
    timings.terminalProofMs = ms;
    return `${path.basename(file)} on disk ${ms} ms after Enter${tries > 1 ? ` (typed ${tries} times)` : ''}`;
  });

  // 4. an editor save
  await check('an editor save writes a file on disk', async () => {
    await setPhase(p, 'editor');
    const file = path.join(projectDir, `saved-${nonce}.txt`);
    const text = `saved from the editor ${nonce}`;
    await runCommand(p, 'File: New Untitled Text File');
    const editor = p.locator('.editor-instance .monaco-editor textarea').first();
    await editor.waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
    await p.locator('.editor-instance .monaco-editor .view-lines').first().click({ timeout: STEP_TIMEOUT_MS });
    await p.keyboard.type(text, { delay: 5 });
    await p.keyboard.press('Control+KeyS');
    // code-server's save dialog is a quick input holding a path: replace it with ours
    const input = p.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    // the dialog proposes a folder, then a file name in it once it has listed the folder; what is typed before
    // that is overwritten
    await p.waitForFunction(() => /[^/]$/.test(document.querySelector('.quick-input-widget .quick-input-box input')?.value ?? ''),
      null, { timeout: STEP_TIMEOUT_MS });
    await input.fill(file);
    await p.waitForFunction((f) => document.querySelector('.quick-input-widget .quick-input-box input')?.value === f,
      file, { timeout: STEP_TIMEOUT_MS });
    const sent = performance.now();
    await p.keyboard.press('Enter');
    timings.fileProofMs = await fileAppears(file, text, sent);
    return `${path.basename(file)} on disk ${timings.fileProofMs} ms after the save`;
  });

  // 5. no trouble so far, both sockets still open
  await check('no reconnect dialog, the two VS Code WebSockets stayed open', async () => {
    const rec = await record(p);
    const alerts = rec.alerts;
    if (alerts.length) throw new Error(`VS Code showed: ${alerts.map((a) => `[${a.phase}] ${a.text}`).join(' | ')}`);
    const vs = vscodeSockets(rec);
    const closed = vs.filter((s) => s.closed !== null);
    if (closed.length) throw new Error(`socket(s) closed: ${closed.map((s) => `${s.code} ${s.reason} ${s.url}`).join(', ')}`);
    if (vs.length !== 2) throw new Error(`${vs.length} VS Code WebSockets were opened (expected: 2): ${vs.map((s) => s.url)}`);
    state.before = vs;
    return `2 sockets open for ${((Date.now() - Math.min(...vs.map((s) => s.opened))) / 1000).toFixed(0)} s`;
  });

  // 6. the gateway restarts under the open tab
  await check('gateway restart: 1001, reconnect with the cookie, same code-server, workbench works', async () => {
    const [before] = registeredProcesses();
    if (!before || !alive(before.pid)) throw new Error(`no running code-server registered: ${JSON.stringify(registeredProcesses())}`);
    await setPhase(p, 'restart');
    const stopping = performance.now();
    const code = await state.gateway.stop();
    log(`gateway 1 stopped (exit ${code}) in ${Math.round(performance.now() - stopping)} ms`);
    const closedWith = await p.waitForFunction(() => {
      const vs = window.__ide.sockets.filter((s) => s.url.includes('reconnectionToken=') && s.phase !== 'restart');
      return vs.every((s) => s.closed !== null) && vs.map((s) => s.code);
    }, null, { timeout: STEP_TIMEOUT_MS }).then((h) => h.jsonValue());
    if (!closedWith.every((c) => c === 1001)) throw new Error(`the tab's sockets closed with ${closedWith} (expected: 1001 each)`);
    if (!alive(before.pid)) throw new Error(`code-server (pid ${before.pid}) did not survive the gateway's stop`);
    const restarted = performance.now();
    state.gateway = new Gateway(2, true);
    await state.gateway.ready();
    log(`gateway 2 ready in ${Math.round(performance.now() - restarted)} ms`);
    await p.waitForFunction(() => window.__ide.sockets
      .filter((s) => s.url.includes('reconnectionToken=') && s.phase === 'restart' && s.opened !== null && s.closed === null)
      .length >= 2, null, { timeout: RECONNECT_TIMEOUT_MS });
    timings.reconnectMs = Math.round(performance.now() - stopping);
    const file = path.join(projectDir, `after-restart-${nonce}.txt`);
    const typed = await runInTerminal(p, file, `typed-after-the-restart-${nonce}`);
    timings.terminalAfterRestartMs = typed.ms;
    const after = registeredProcesses();
    if (after.length !== 1 || after[0].pid !== before.pid) {
      throw new Error(`code-server processes after the restart: ${JSON.stringify(after)} (expected: only pid ${before.pid})`);
    }
    // (the warm profile's pool member may be started afresh; only the student's workspace counts)
    const started = fs.readFileSync(state.gateway.logFile, 'utf8').split('\n').filter((l) => l.includes(`workspace ${WORKSPACE}: started pid`));
    if (started.length) throw new Error(`the restarted gateway launched again: ${started.join(' | ')}`);
    // while the gateway is away VS Code says it is reconnecting (expected); it must never give up
    const rec = await record(p);
    const fatal = rec.alerts.filter((a) => VSCODE_GAVE_UP.test(a.text));
    if (fatal.length) throw new Error(`VS Code gave up: ${fatal.map((a) => a.text).join(' | ')}`);
    const meanwhile = [...new Set(rec.alerts.filter((a) => a.phase === 'restart').map((a) => a.text))];
    log(`VS Code showed during the restart: ${meanwhile.join(' | ') || 'nothing'}`);
    return `closed with ${closedWith.join(', ')}; reconnected ${timings.reconnectMs} ms after the stop; `
      + `pid ${before.pid} adopted; terminal answered ${typed.ms} ms after Enter${typed.tries > 1 ? ` (typed ${typed.tries} times)` : ''}`;
  });

  // 7. strangers
  await check('no cookie: 401 page', async () => {
    const stranger = await browser.newContext();
    try {
      const sp = await stranger.newPage();
      const res = await sp.goto(workspaceUrl, { timeout: STEP_TIMEOUT_MS });
      if (res.status() !== 401) throw new Error(`a browser without the cookie got ${res.status()} (expected: 401)`);
      const text = await sp.locator('body').innerText();
      if (!/course page/i.test(text)) throw new Error(`the 401 page says: ${text.slice(0, 200)}`);
      return `401: ${text.split('\n')[0]}`;
    } finally {
      await stranger.close();
    }
  });
  await check('foreign Origin upgrade: 403, nothing relayed to the workspace', async () => {
    const m0 = await metrics();
    const res = await rawUpgrade({ Origin: 'http://evil.example', Cookie: `${state.cookie.name}=${state.cookie.value}` });
    const m1 = await metrics();
    // every upgrade the relay attempts is counted (opened, refused by the workspace, or failed upstream)
    const relayed = sample(m1, 'wsgate_websocket_sessions_total') - sample(m0, 'wsgate_websocket_sessions_total');
    if (relayed !== 0) {
      throw new Error(`the gateway relayed it to the workspace (wsgate_websocket_sessions_total +${relayed}), which `
        + `answered ${res.status} ${JSON.stringify(res.body.slice(0, 100))}`);
    }
    if (res.status !== 403) throw new Error(`the upgrade got ${res.status} (expected: 403)`);
    let problem = {};
    try {
      problem = JSON.parse(res.body);
    } catch {
      // checked below
    }
    // the gateway's own refusal (problem+json with its error type)
    if (problem.type !== 'https://wsgate.io/errors/origin_rejected') {
      throw new Error(`403 not from the gateway's origin check: ${JSON.stringify(res.body.slice(0, 200))}`);
    }
    return `403 ${problem.type} "${problem.title}", wsgate_websocket_sessions_total unchanged (nothing relayed)`;
  });
}

/**
 * The warm profile: a second student's new workspace is served by the pool member the gateway keeps ready (the
 * launch is a claim, the member's agent started before the student came), its terminal writes into the workspace's
 * own directory as the workspace's own user, and after the idle reaper stopped it, it is launched again and finds
 * its files.
 */
async function warmStory(browser, state) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(instrumentPage, CONNECTION_TROUBLE.source);
  const openPage = async () => {
    const p = await context.newPage();
    page.current = p;
    p.on('console', (m) => consoleLines.push(`[${POOLED} ${m.type()}] ${m.text()}`));
    p.on('pageerror', (e) => consoleLines.push(`[${POOLED} pageerror] ${e}`));
    return p;
  };
  const written = path.join(pooledDir, 'project', `in-the-warm-terminal-${nonce}.txt`);
  const writtenText = `typed-in-the-claimed-workspace-${nonce}`;

  // 8. the claim
  await check('warm claim: the pool member serves a new workspace, workbench renders', async () => {
    const ready = performance.now();
    await until(poolReady, POOL_READY_TIMEOUT_MS, 'the warm profile\'s pool had no ready member');
    log(`warm pool ready (${Math.round(performance.now() - ready)} ms of waiting)`);
    const before = await launchesOf(POOLED);
    if (before.length) throw new Error(`${POOLED} was launched before the student came: ${JSON.stringify(before)}`);
    const members = registeredProcesses('', 'warm').filter((m) => alive(m.pid)).map((m) => m.pid);
    const link = loginLink(POOLED, POOLED_USER, ['--profile', 'warm']);
    const p = await openPage();
    const opened = performance.now();
    await p.goto(link, { waitUntil: 'commit', timeout: COLD_START_TIMEOUT_MS });
    await p.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: COLD_START_TIMEOUT_MS });
    timings.warmClaimToWorkbenchMs = Math.round(performance.now() - opened);
    const [launch] = await launchesOf(POOLED);
    if (!launch || launch.outcome !== 'ok' || launch.source !== 'warm') {
      throw new Error(`the gateway's launch of ${POOLED}: ${JSON.stringify(launch)} (expected: source warm, outcome ok)`);
    }
    const serving = registeredProcesses(POOLED);
    if (serving.length !== 1 || !members.includes(serving[0].pid)) {
      throw new Error(`${POOLED} is served by ${JSON.stringify(serving)}, not by a member that was warm before the link was `
        + `opened (pids ${members})`);
    }
    // the gateway's own account of the claim: from the launch's start to the member's 2xx to the assign hook
    const assigned = fs.readFileSync(state.gateway.logFile, 'utf8').split('\n')
      .map((l) => l.match(new RegExp(`workspace ${POOLED}: warm pool member \\S+ assigned in (\\d+) ms`))).find((m) => m);
    if (!assigned) throw new Error(`the gateway's log does not say that a warm pool member was assigned to ${POOLED}`);
    timings.warmClaimMs = Number(assigned[1]);
    state.pooledPage = p;
    return `a warm claim (the gateway: member assigned in ${timings.warmClaimMs} ms) of pool member pid ${serving[0].pid}, `
      + `started before the link was opened; workbench ${timings.warmClaimToWorkbenchMs} ms from opening the link`;
  });

  // 9. the terminal writes as the workspace's own user, into its own directory
  await check('the claimed workspace\'s terminal writes into its own directory as its own user', async () => {
    const p = state.pooledPage;
    await setPhase(p, 'terminal');
    const { ms, tries } = await runInTerminal(p, written, writtenText);
    const file = fs.statSync(written);
    const dir = fs.statSync(pooledDir);
    if (!fs.realpathSync(written).startsWith(`${fs.realpathSync(pooledDir)}/`)) throw new Error(`${written} is outside ${pooledDir}`);
    if (!isRoot) throw new Error(`the stage runs as uid ${process.getuid()}, not root: the agent cannot give the workspace a user of its own`);
    if (file.uid !== dir.uid || file.gid !== dir.gid) {
      throw new Error(`the file belongs to ${file.uid}:${file.gid}, the workspace's directory to ${dir.uid}:${dir.gid}`);
    }
    if (file.uid < 100000) throw new Error(`the file belongs to uid ${file.uid} (expected: the workspace's own, >= 100000)`);
    if ((dir.mode & 0o777) !== 0o700) throw new Error(`${pooledDir} has mode ${(dir.mode & 0o777).toString(8)} (expected: 700)`);
    const claim = path.join(dataDir, '.wsgate-uids', String(file.uid));
    const owner = fs.existsSync(claim) ? fs.readFileSync(claim, 'utf8').trim() : '(no claim)';
    if (owner !== POOLED) throw new Error(`uid ${file.uid} is claimed by ${owner} (expected: ${POOLED})`);
    state.pooledUid = file.uid;
    return `${path.basename(written)} on disk ${ms} ms after Enter${tries > 1 ? ` (typed ${tries} times)` : ''}, `
      + `owner uid ${file.uid} (claimed for ${POOLED}), as its directory (mode 700)`;
  });

  // 10. idle stop and relaunch
  await check('stopped for idleness, launched again: the workspace finds its files', async () => {
    const [running] = registeredProcesses(POOLED);
    if (!running || !alive(running.pid)) throw new Error(`no running agent registered for ${POOLED}: ${JSON.stringify(registeredProcesses(POOLED))}`);
    const reaped0 = await metrics().then((m) => { try { return sample(m, 'wsgate_reaped_total', { profile: 'warm', reason: 'idle' }); } catch { return 0; } });
    // the student closes the tab; nothing else touches the workspace
    await state.pooledPage.close();
    const closed = performance.now();
    await until(async () => {
      const m = await metrics();
      let reaped = 0;
      try { reaped = sample(m, 'wsgate_reaped_total', { profile: 'warm', reason: 'idle' }); } catch { /* none yet */ }
      return reaped > reaped0 && !alive(running.pid);
    }, IDLE_STOP_TIMEOUT_MS, `${POOLED} was not stopped for idleness (IDLE_TIMEOUT ${POOLED_IDLE_TIMEOUT_S} s) and its agent (pid ${running.pid}) gone`);
    timings.idleStopMs = Math.round(performance.now() - closed);
    const reason = fs.readFileSync(state.gateway.logFile, 'utf8').split('\n').find((l) => l.includes(`workspace ${POOLED}: idle for`));
    log(`idle stop ${timings.idleStopMs} ms after the tab closed: ${reason?.replace(/^.*?workspace /, 'workspace ') ?? '(not in the log)'}`);
    if (!fs.readFileSync(written, 'utf8').includes(writtenText)) throw new Error(`${written} lost its text with the stop`);

    const p = await openPage();
    const opened = performance.now();
    await p.goto(pooledUrl, { waitUntil: 'commit', timeout: COLD_START_TIMEOUT_MS });
    await p.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: COLD_START_TIMEOUT_MS });
    timings.relaunchToWorkbenchMs = Math.round(performance.now() - opened);
    const launches = await launchesOf(POOLED);
    if (launches.length !== 2 || launches[0].outcome !== 'ok') throw new Error(`launches of ${POOLED}: ${JSON.stringify(launches)} (expected: 2, the newest ok)`);
    const again = registeredProcesses(POOLED);
    if (again.length !== 1 || again[0].pid === running.pid) throw new Error(`${POOLED}'s processes after the relaunch: ${JSON.stringify(again)}`);
    // the explorer lists it, and the terminal reads it
    await setPhase(p, 'relaunch');
    if (!(await p.locator('.explorer-folders-view').isVisible())) await p.keyboard.press('Control+Shift+KeyE');
    await p.locator('.explorer-folders-view .monaco-list-row', { hasText: path.basename(written) })
      .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const copy = path.join(pooledDir, 'project', `read-after-the-relaunch-${nonce}.txt`);
    const typed = await runInTerminal(p, copy, writtenText, `cat '${written}' > '${copy}'`);
    const owner = fs.statSync(copy).uid;
    if (owner !== state.pooledUid) throw new Error(`after the relaunch the terminal writes as uid ${owner} (before: ${state.pooledUid})`);
    return `idle stop ${(timings.idleStopMs / 1000).toFixed(1)} s after the tab closed; relaunched (${launches[0].source}), `
      + `workbench ${timings.relaunchToWorkbenchMs} ms; the explorer lists `
      + `${path.basename(written)} and the terminal read it (${typed.ms} ms), as uid ${owner} again`;
  });
}

/** A WebSocket upgrade to the workspace from Node (no browser would send a foreign Origin with the cookie). */
function rawUpgrade(headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: Number(cfg.IDE_PORT), path: '/',
      headers: {
        Host: host, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'), ...headers,
      },
    });
    req.setTimeout(STEP_TIMEOUT_MS, () => req.destroy(new Error('no answer to the upgrade')));
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function keepEvidence() {
  fs.mkdirSync(evidence, { recursive: true });
  const p = page.current;
  if (p && !p.isClosed()) {
    await p.screenshot({ path: path.join(evidence, 'workbench.png'), timeout: 15_000 }).catch((e) => log(`screenshot: ${e.message}`));
    const rec = await record(p).catch(() => null);
    if (rec) {
      fs.writeFileSync(path.join(evidence, 'page-record.json'), JSON.stringify(rec, null, 2));
      const vs = vscodeSockets(rec);
      const codes = vs.filter((s) => s.closed !== null).map((s) => `${s.code}${s.reason ? ` ${s.reason}` : ''}`);
      log(`the page's VS Code WebSockets: ${vs.length} created, ${vs.filter((s) => s.opened !== null).length} opened, `
        + `${vs.filter((s) => s.opened !== null && s.closed === null).length} open now; closes: ${codes.join(', ') || 'none'}`);
      if (rec.alerts.length) log(`VS Code showed: ${rec.alerts.map((a) => `[${a.phase}] ${a.text}`).join(' | ')}`);
    }
    const terminal = await p.evaluate(() => terminalText()).catch(() => '');
    fs.writeFileSync(path.join(evidence, 'terminal.txt'), `${terminal}\n`);
  }
  fs.writeFileSync(path.join(evidence, 'browser-console.log'), consoleLines.join('\n') + '\n');
}

async function main() {
  fs.mkdirSync(evidence, { recursive: true });
  const state = { gateway: new Gateway(1, false) };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  // the whole story is bounded: past the deadline the evidence is kept and the browser closed, which fails
  // whatever the story is waiting for
  const watchdog = setTimeout(async () => {
    overtime = true;
    log(`still running after ${STORY_TIMEOUT_MS / 1000} s: giving up`);
    await keepEvidence().catch((err) => log(`evidence: ${err.message}`));
    await browser.close().catch(() => {});
  }, STORY_TIMEOUT_MS);
  try {
    await state.gateway.ready();
    log(`gateway 1 ready on ${workspaceUrl}`);
    await story(browser, state);
    await warmStory(browser, state);
  } catch (e) {
    failed = overtime ? Object.assign(new Error(`the checks took longer than ${STORY_TIMEOUT_MS / 1000} s (${e.message.split('\n')[0]})`),
      { check: e.check }) : e;
    log(`FAILED${e.check ? ` (${e.check})` : ''}: ${e.message.split('\n')[0]}`);
    if (!overtime) await keepEvidence().catch((err) => log(`evidence: ${err.message}`));
  } finally {
    clearTimeout(watchdog);
    await browser.close().catch(() => {});
    // gateway 2 runs with STOP_WORKSPACES_ON_EXIT=on, so this stops code-server too
    await state.gateway.stop().catch((e) => log(`stopping the gateway: ${e.message}`));
    fs.rmSync(path.join(work, 'gateway.pid'), { force: true });
  }
  for (const c of checks) console.error(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
  const s = (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
  const summary = `cold start to workbench ${s(timings.coldStartToWorkbenchMs)}, terminal proof ${s(timings.terminalProofMs)}, `
    + `file proof ${s(timings.fileProofMs)}, reconnect after restart ${s(timings.reconnectMs)}, `
    + `terminal after restart ${s(timings.terminalAfterRestartMs)}, warm claim to workbench ${s(timings.warmClaimToWorkbenchMs)} `
    + `(member assigned ${s(timings.warmClaimMs)}), idle stop after the tab closed ${s(timings.idleStopMs)}, `
    + `relaunch to workbench ${s(timings.relaunchToWorkbenchMs)}`;
  const passed = checks.filter((c) => c.ok).length;
  if (failed) {
    console.log(`ide-check: FAILED: ${failed.check ?? 'set-up'}: ${failed.message.split('\n')[0]} (${summary})`);
    process.exitCode = 1;
  } else {
    console.log(`ide-check: PASS: ${summary}`);
  }
  console.log(`ide-check: ${passed} passed, ${CHECKS - passed} failed`);
}

main().catch((e) => {
  console.log(`ide-check: FAILED: ${e.message.split('\n')[0]}`);
  process.exitCode = 1;
});
