// check-page.mjs: opens a page in headless Chromium through the DevTools protocol (Node's own WebSocket; no npm
// package) and reports, as one JSON object on stdout, what a test needs to judge a live page:
//   reads       the page's marker attributes (--attrs, on <html>) read --reads times, --gap ms apart, once the first
//               of them (the status) is no longer "pending" (waiting up to --wait ms);
//   console     every console.error / console.assert message, and every uncaught exception;
//   log         every error entry of the browser's log (failed requests, policy violations);
//   screenshot  written to --screenshot (PNG of the page laid out --width px wide, at most --max-height px tall,
//               drawn at --scale) when given.
// Usage: node --experimental-websocket check-page.mjs --url URL [--attrs data-dashboard,data-step,data-charts]
//        [--reads 2] [--gap 4000] [--wait 30000] [--screenshot FILE] [--width 1400] [--max-height 6000] [--scale 1] [--chromium /usr/bin/chromium]
// Exit code 0 when the page could be read (the caller judges the values), 1 when the browser could not be driven.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const url = args.url;
const attrs = (args.attrs || 'data-dashboard,data-step,data-charts').split(',');
const reads = Number(args.reads || 2), gap = Number(args.gap || 4000), wait = Number(args.wait || 30000), width = Number(args.width || 1400);
const maxHeight = Number(args['max-height'] || 6000), scale = Number(args.scale || 1);
if (!url) { console.error('check-page: --url is required'); process.exit(1); }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const profile = mkdtempSync(path.join(tmpdir(), 'check-page-'));
const chrome = spawn(args.chromium || 'chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`,
  '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore'] });

function finish(code, result) {
  try { chrome.kill('SIGKILL'); } catch { /* already gone */ }
  setTimeout(() => { try { rmSync(profile, { recursive: true, force: true }); } catch { /* left behind */ } process.exit(code); }, 300);
  if (result) process.stdout.write(JSON.stringify(result) + '\n');
}
const deadline = setTimeout(() => { console.error('check-page: timed out'); finish(1); }, wait + reads * gap + 60000);

try {
  // Chromium writes its port (and the browser's socket path) to DevToolsActivePort when it is ready.
  const portFile = path.join(profile, 'DevToolsActivePort');
  for (let t = 0; !existsSync(portFile) || readFileSync(portFile, 'utf8').split('\n').length < 2; t += 100) {
    if (t > 30000) throw new Error('Chromium did not start (no DevToolsActivePort after 30 s)');
    await sleep(100);
  }
  const [port, socketPath] = readFileSync(portFile, 'utf8').split('\n');
  const ws = new WebSocket(`ws://127.0.0.1:${port}${socketPath}`);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('cannot connect to Chromium')); });
  let id = 0;
  const waiting = new Map();
  const consoleMessages = [], log = [];
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message)); else resolve(msg.result);
      return;
    }
    if (msg.method === 'Runtime.consoleAPICalled' && (msg.params.type === 'error' || msg.params.type === 'assert'))
      consoleMessages.push(msg.params.args.map((a) => a.value ?? a.description ?? '').join(' '));
    if (msg.method === 'Runtime.exceptionThrown')
      consoleMessages.push('uncaught: ' + (msg.params.exceptionDetails.exception?.description || msg.params.exceptionDetails.text));
    if (msg.method === 'Log.entryAdded' && msg.params.entry.level === 'error')
      log.push(`${msg.params.entry.source}: ${msg.params.entry.text}${msg.params.entry.url ? ' (' + msg.params.entry.url + ')' : ''}`);
  };
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const message = { id: ++id, method, params };
    if (sessionId) message.sessionId = sessionId;
    waiting.set(message.id, { resolve, reject });
    ws.send(JSON.stringify(message));
  });

  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Runtime.enable', {}, sessionId);
  await send('Log.enable', {}, sessionId);
  await send('Page.enable', {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride', { width, height: 1000, deviceScaleFactor: 1, mobile: false }, sessionId);
  await send('Page.navigate', { url }, sessionId);

  const read = async () => {
    const expression = `JSON.stringify(${JSON.stringify(attrs)}.map(a => document.documentElement ? document.documentElement.getAttribute(a) : null))`;
    const { result } = await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
    const values = JSON.parse(result.value);
    return Object.fromEntries(attrs.map((a, i) => [a, values[i]]));
  };
  const started = Date.now();
  let first = await read();
  while ((first[attrs[0]] === null || first[attrs[0]] === 'pending') && Date.now() - started < wait) {
    await sleep(250);
    first = await read();
  }
  const readings = [first];
  for (let i = 1; i < reads; i++) {
    await sleep(gap);
    readings.push(await read());
  }
  if (args.screenshot) {
    const metrics = await send('Page.getLayoutMetrics', {}, sessionId);
    const height = Math.min(Math.ceil(metrics.cssContentSize.height), maxHeight);
    const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
      clip: { x: 0, y: 0, width, height, scale } }, sessionId);
    writeFileSync(args.screenshot, Buffer.from(shot.data, 'base64'));
  }
  clearTimeout(deadline);
  finish(0, { url, reads: readings, console: consoleMessages, log, waited_ms: Date.now() - started });
} catch (e) {
  console.error('check-page: ' + e.message);
  finish(1);
}
