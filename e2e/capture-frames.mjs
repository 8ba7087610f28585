// Records every WebSocket frame a code-server tab sends, with its socket, size, time and VS Code protocol
// header (type, id, ack, length), while the tab sits untouched and then while a student types.
// usage: node capture-frames.mjs <url> <idle-seconds> <out.jsonl> [idle-first|type-first]
import { chromium } from 'playwright-core';
import { recordFrames } from './frames.mjs';

const [url, idleSeconds, out, order = 'idle-first'] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
let phase = 'load';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
recordFrames(page, out, t0, () => phase);
await page.goto(url);
await page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
console.log(`workbench loaded in ${Date.now() - t0} ms`);
await sleep(20_000);
const idle = async (name) => {
  phase = name;
  await sleep(Number(idleSeconds) * 1000);
};
const type = async () => {
  phase = 'editor';
  await page.keyboard.press('Control+KeyN').catch(() => {});
  await sleep(2000);
  await page.click('.monaco-editor .view-lines').catch(() => {});
  await page.keyboard.type('print("hello from a student")', { delay: 150 });
  await sleep(3000);
  phase = 'terminal';
  await page.keyboard.press('Control+Backquote').catch(() => {});
  await sleep(5000);
  await page.keyboard.type('echo typing in the terminal', { delay: 150 });
  await page.keyboard.press('Enter');
  await sleep(3000);
};
if (order === 'type-first') {
  await type();
  await idle('idle-after-typing');
} else {
  await idle('idle');
  await type();
}
await browser.close();
