#!/usr/bin/env node
// Opens a workspace through the gateway in headless Chromium and checks what a student would see:
// the workspace page appears (after the gateway's "starting your workspace" page), the WebSocket echo
// answers, and the note is saved and loaded. Prints one JSON summary; exits 1 on any failure, 2 on
// bad arguments.
//
//   node browser-check.mjs [URL] [--id ID] [--note TEXT] [--expect-note TEXT] [--screenshot PATH]
//                          [--timeout SECONDS]
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const USAGE = `usage: node browser-check.mjs [URL] [options]
  URL                  workspace address (default http://ws-demo.localhost:8080/)
  --id ID              expected workspace id (default: <id> of a ws-<id>. host, else any)
  --note TEXT          save TEXT as the note and check it was stored
  --expect-note TEXT   check that the note loaded with the page equals TEXT (checked before --note)
  --message TEXT       text sent through the WebSocket echo (default: a unique greeting)
  --screenshot PATH    save a full-page PNG there (also on failure)
  --timeout SECONDS    how long to wait for the workspace page (default 120)`;

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP_TIMEOUT_MS = 15_000;

function parse() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        note: { type: 'string' },
        'expect-note': { type: 'string' },
        message: { type: 'string' },
        screenshot: { type: 'string' },
        timeout: { type: 'string', default: '120' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    usageError(e.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > 1) usageError(`one URL expected, got ${positionals.length}`);
  let url;
  try {
    url = new URL(positionals[0] ?? 'http://ws-demo.localhost:8080/');
  } catch (e) {
    usageError(`URL: '${positionals[0]}' (expected: an http(s) address)`);
  }
  const timeoutS = Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) usageError(`--timeout: '${values.timeout}' (expected: > 0)`);
  return {
    url: url.href,
    expectedId: values.id ?? /^ws-([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? null,
    note: values.note ?? null,
    expectNote: values['expect-note'] ?? null,
    message: values.message ?? `hello from browser-check ${Date.now().toString(36)}`,
    screenshot: values.screenshot ?? null,
    readyTimeoutMs: timeoutS * 1000,
  };
}

function usageError(message) {
  console.error(`browser-check: ${message}\n${USAGE}`);
  process.exit(2);
}

/** Runs one named step, so that a failure says which check broke. */
async function step(summary, name, fn) {
  summary.step = name;
  return fn();
}

async function check(opts, page, summary) {
  const t = summary.timings;

  const start = performance.now();
  await step(summary, 'navigate', () => page.goto(opts.url, { waitUntil: 'commit', timeout: opts.readyTimeoutMs }));
  // The gateway may first answer with its waiting page, which reloads itself into the workspace;
  // a locator wait carries on across those navigations.
  await step(summary, 'workspace page', () => page.locator('#workspace-id')
    .waitFor({ state: 'attached', timeout: Math.max(1, opts.readyTimeoutMs - (performance.now() - start)) }));
  await page.waitForLoadState('load', { timeout: STEP_TIMEOUT_MS });
  t.navigationToReadyMs = Math.round(performance.now() - start);
  summary.finalUrl = page.url();

  summary.workspaceId = (await page.locator('#workspace-id').textContent()).trim();
  await step(summary, 'workspace id', () => {
    if (!summary.workspaceId) throw new Error('#workspace-id is empty');
    if (opts.expectedId && summary.workspaceId !== opts.expectedId) {
      throw new Error(`#workspace-id is '${summary.workspaceId}' (expected: '${opts.expectedId}')`);
    }
  });

  await step(summary, 'websocket connect', () => page.waitForFunction(
    () => document.querySelector('#ws-status')?.textContent === 'connected', null, { timeout: STEP_TIMEOUT_MS }));
  t.wsConnectMs = Math.round(performance.now() - start) - t.navigationToReadyMs;

  await step(summary, 'websocket keystrokes', async () => {
    await page.locator('#ws-input').pressSequentially(opts.message, { timeout: STEP_TIMEOUT_MS });
    // every keystroke is echoed; the last echo shows the whole text
    await page.waitForFunction((text) => document.querySelector('#ws-mirror')?.textContent === text,
      opts.message, { timeout: STEP_TIMEOUT_MS });
  });

  await step(summary, 'websocket echo', async () => {
    const sent = performance.now();
    await page.locator('#ws-send').click({ timeout: STEP_TIMEOUT_MS });
    const line = await page.waitForFunction((text) => [...document.querySelectorAll('#ws-log li')]
      .find((li) => li.querySelector('.msg')?.textContent === text)?.dataset.rttMs, opts.message,
    { timeout: STEP_TIMEOUT_MS });
    t.wsClickToEchoMs = Math.round(performance.now() - sent);
    t.wsRoundTripMs = Number(await line.jsonValue());
  });

  if (opts.expectNote !== null || opts.note !== null) {
    await step(summary, 'note load', () => page.locator('#note[data-state="loaded"]')
      .waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS }));
  }
  if (opts.expectNote !== null) {
    await step(summary, 'expected note', async () => {
      const loaded = await page.locator('#note').inputValue();
      summary.note.loaded = loaded;
      if (loaded !== opts.expectNote) {
        throw new Error(`note is ${JSON.stringify(loaded)} (expected: ${JSON.stringify(opts.expectNote)})`);
      }
    });
  }
  if (opts.note !== null) {
    await step(summary, 'note save', async () => {
      await page.locator('#note').fill(opts.note, { timeout: STEP_TIMEOUT_MS });
      const saving = performance.now();
      await page.locator('#note-save').click({ timeout: STEP_TIMEOUT_MS });
      await page.locator('#note-status[data-state="saved"], #note-status[data-state="error"]')
        .waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
      t.noteSaveMs = Math.round(performance.now() - saving);
      const status = (await page.locator('#note-status').textContent()).trim();
      summary.note.status = status;
      if (!status.startsWith('saved at')) throw new Error(`#note-status is '${status}' (expected: 'saved at …')`);
      // read it back from the server, not from the textarea
      const stored = await page.evaluate(() => fetch('/api/note', { cache: 'no-store' }).then((r) => r.text()));
      if (stored !== opts.note) {
        throw new Error(`GET /api/note returned ${JSON.stringify(stored)} (expected: ${JSON.stringify(opts.note)})`);
      }
      summary.note.saved = stored;
    });
  }
  summary.step = null;
}

async function main() {
  const opts = parse();
  const summary = {
    ok: false, url: opts.url, finalUrl: null, workspaceId: null, step: null, error: null,
    timings: {}, note: {}, screenshot: null, pageErrors: [], consoleErrors: [],
  };
  const browser = await chromium.launch({
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30_000,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => summary.pageErrors.push(String(err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') summary.consoleErrors.push(msg.text());
    });
    try {
      await check(opts, page, summary);
      if (summary.pageErrors.length) throw new Error(`uncaught errors in the page: ${summary.pageErrors.join('; ')}`);
      summary.ok = true;
    } catch (e) {
      summary.error = e.message.split('\n')[0];
    }
    if (opts.screenshot) {
      try {
        await page.screenshot({ path: opts.screenshot, fullPage: true, timeout: STEP_TIMEOUT_MS });
        summary.screenshot = opts.screenshot;
      } catch (e) {
        summary.ok = false;
        summary.error ??= `screenshot: ${e.message.split('\n')[0]}`;
      }
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = summary.ok ? 0 : 1;
}

main().catch((e) => {
  console.log(JSON.stringify({ ok: false, step: 'browser', error: e.message.split('\n')[0] }, null, 2));
  process.exitCode = 1;
});
