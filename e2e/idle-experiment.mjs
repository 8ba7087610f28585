// Does an untouched code-server tab let its workspace stop, while typing keeps it alive? Drives headless
// Chromium through wsgate: load the workbench, type in an editor and in the terminal (each must move the
// workspace's last activity), then leave the tab untouched and wait for the idle reaper to stop the workspace.
// usage: node idle-experiment.mjs <workspace-url> <admin-url> <redis-port> <id> <max-idle-minutes> [frames.jsonl]
// With frames.jsonl, every WebSocket frame is recorded too, so each activity move can be matched to a message.
import { chromium } from 'playwright-core';
import { recordFrames } from './frames.mjs';
import { execFileSync } from 'node:child_process';

const [url, admin, redisPort, id, maxIdleMinutes, frames] = process.argv.slice(2);
const redis = (...args) => execFileSync('redis-cli', ['-p', redisPort, ...args]).toString().trim();
const activity = () => ({ at: Number(redis('ZSCORE', 'wsgate:activity', id)), why: redis('HGET', 'wsgate:activity:why', id) });
const running = async () => {
  const list = await (await fetch(`${admin}/api/workspaces`)).json();
  const ws = (list.workspaces ?? list).find((w) => w.id === id);
  return ws !== undefined && ws.state !== 'stopped';
};
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const t0 = Date.now();
let phase = 'load';
if (frames) {
  recordFrames(page, frames, t0, () => phase);
}
await page.goto(url);
await page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
log(`workbench loaded in ${Date.now() - t0} ms`);
await sleep(20_000);

// typing in an editor
phase = 'editor';
await page.keyboard.press('Control+KeyN').catch(() => {});
await sleep(2000);
await page.click('.monaco-editor .view-lines').catch(() => {});
const beforeEditor = activity().at;
await page.keyboard.type('print("hello from a student")', { delay: 150 });
await sleep(3000);
const editor = activity();
log(`EDITOR: activity ${editor.at > beforeEditor ? 'moved' : 'DID NOT MOVE'} (${editor.why})`);

// typing in the terminal
phase = 'terminal';
await page.keyboard.press('Control+Backquote').catch(() => {});
await sleep(5000);
const beforeTerminal = activity().at;
await page.keyboard.type('echo typing in the terminal', { delay: 150 });
await page.keyboard.press('Enter');
await sleep(3000);
const terminal = activity();
log(`TERMINAL: activity ${terminal.at > beforeTerminal ? 'moved' : 'DID NOT MOVE'} (${terminal.why})`);

// hands off: does the workspace stop?
phase = 'untouched';
const untouchedSince = Date.now();
let last = activity();
let moves = 0;
while (Date.now() - untouchedSince < Number(maxIdleMinutes) * 60_000) {
  await sleep(10_000);
  if (!(await running())) {
    const s = (ms) => `${(ms / 1000).toFixed(0)} s`;
    log(`IDLE: workspace stopped ${s(Date.now() - untouchedSince)} after the last keystroke; activity moved ${moves} `
      + `time(s) while untouched, last ${s(last.at - untouchedSince)} after it (${last.why})`);
    // the tab stays open: its reconnects must not start the workspace again (only a page load does)
    const stoppedAt = Date.now();
    let reconnects = 0;
    page.on('websocket', () => reconnects++);
    while (Date.now() - stoppedAt < 180_000) {
      await sleep(10_000);
      if (await running()) {
        log(`AFTER STOP: workspace RUNNING AGAIN ${s(Date.now() - stoppedAt)} after the stop (${reconnects} reconnects)`);
        await browser.close();
        process.exit(1);
      }
    }
    log(`AFTER STOP: still stopped 180 s later; the open tab tried ${reconnects} WebSocket reconnect(s)`);
    await browser.close();
    process.exit(0);
  }
  const a = activity();
  if (a.at !== last.at) {
    moves++;
    log(`untouched tab: activity moved (${a.why}, t=${a.at - t0} ms)`);
    last = a;
  }
}
log(`IDLE: workspace STILL RUNNING after ${maxIdleMinutes} min untouched; activity moved ${moves} time(s), last: ${last.why}`);
await browser.close();
process.exit(1);
