// Does an idle code-server tab keep its workspace "active" through wsgate? Drives headless Chromium.
// usage: node idle-experiment.mjs <url> <idle-seconds> <redis-cli-port> <id>
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';

const [url, idleSeconds, redisPort, id] = process.argv.slice(2);
const activity = () => {
  const score = execFileSync('redis-cli', ['-p', redisPort, 'ZSCORE', 'wsgate:activity', id]).toString().trim();
  const why = execFileSync('redis-cli', ['-p', redisPort, 'HGET', 'wsgate:activity:why', id]).toString().trim();
  return { at: Number(score), why };
};
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const t0 = Date.now();
await page.goto(url);
await page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
log(`workbench loaded in ${Date.now() - t0} ms`);
await sleep(20_000); // let start-up traffic settle
const settled = activity();
log('after settle', settled);

// idle phase: nobody touches the tab
let changes = 0;
let last = settled.at;
const idleStart = Date.now();
while (Date.now() - idleStart < Number(idleSeconds) * 1000) {
  await sleep(15_000);
  const a = activity();
  if (a.at !== last) {
    changes++;
    log(`idle tab: activity moved by ${((a.at - last) / 1000).toFixed(1)} s: ${a.why}`);
    last = a.at;
  } else {
    log(`idle tab: unchanged for ${((Date.now() - last) / 1000).toFixed(0)} s`);
  }
}
log(`IDLE RESULT: ${changes} activity updates in ${idleSeconds} s of an untouched tab`);

// typing in the editor
await page.keyboard.press('Control+KeyN').catch(() => {});
await sleep(2000);
await page.click('.monaco-editor .view-lines').catch(() => {});
const before = activity().at;
await page.keyboard.type('print("hello from a student")', { delay: 120 });
await sleep(3000);
const afterEditor = activity();
log(`EDITOR RESULT: activity moved ${afterEditor.at > before ? 'yes' : 'NO'} (${afterEditor.why})`);

// typing in the terminal
await page.keyboard.press('Control+Backquote').catch(() => {});
await sleep(5000);
const beforeTerm = activity().at;
await page.keyboard.type('echo typing in the terminal', { delay: 120 });
await page.keyboard.press('Enter');
await sleep(3000);
const afterTerm = activity();
log(`TERMINAL RESULT: activity moved ${afterTerm.at > beforeTerm ? 'yes' : 'NO'} (${afterTerm.why})`);
await page.screenshot({ path: '/tmp/exp/code-server.png' });
await browser.close();
