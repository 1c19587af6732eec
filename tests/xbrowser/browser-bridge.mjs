// Drives the system Firefox (/usr/bin/firefox-esr, over WebDriver BiDi) or Chromium (/usr/bin/chromium,
// over CDP) with puppeteer-core, for the Python tests in this directory. One JSON command per line on stdin, one JSON reply per line on stdout:
//   {"cmd": "goto", "url": ...}            {"cmd": "eval", "fn": "(arg) => ...", "arg": ...}
//   {"cmd": "click", "selector": ...}      {"cmd": "upload", "selector": ..., "path": ...}
//   {"cmd": "reload"}   {"cmd": "console"} (errors seen so far)   {"cmd": "close"}
// Replies: {"ok": true, "value": ...} or {"ok": false, "error": "..."}.
// Usage: node browser-bridge.mjs firefox|chrome BROWSER_PATH WIDTH HEIGHT DOWNLOAD_DIR [browser args...]

import readline from 'node:readline';
import puppeteer from 'puppeteer-core';

const [kind, executablePath, width, height, downloadDir, ...args] = process.argv.slice(2);

const browser = await puppeteer.launch(kind === 'chrome' ? {
  browser: 'chrome',
  executablePath,
  headless: true,
  args,
} : {
  browser: 'firefox',
  executablePath,
  headless: true,
  protocol: 'webDriverBiDi',
  extraPrefsFirefox: {
    'browser.download.folderList': 2,
    'browser.download.dir': downloadDir,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'app.update.enabled': false,
    'network.captive-portal-service.enabled': false,
  },
});
const page = await browser.newPage();
await page.setViewport({ width: Number(width), height: Number(height) });
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => errors.push(`pageerror: ${e.message ?? e}`));

async function run(msg) {
  switch (msg.cmd) {
    case 'goto': await page.goto(msg.url, { waitUntil: 'load' }); return null;
    case 'reload': await page.reload({ waitUntil: 'load' }); return null;
    case 'eval': return page.evaluate(`(${msg.fn})(${JSON.stringify(msg.arg ?? null)})`);
    case 'click': await page.click(msg.selector); return null;
    case 'upload': await (await page.$(msg.selector)).uploadFile(msg.path); return null;
    case 'console': return errors.slice();
    case 'close': await browser.close(); process.exit(0);
    default: throw new Error(`unknown command ${msg.cmd}`);
  }
}

process.stdout.write(JSON.stringify({ ok: true, value: await browser.version() }) + '\n');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  let reply;
  try {
    reply = { ok: true, value: (await run(JSON.parse(line))) ?? null };
  } catch (err) {
    reply = { ok: false, error: String(err?.message ?? err) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
await browser.close();
