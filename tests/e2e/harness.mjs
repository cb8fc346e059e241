// Shared e2e harness: one headless Chromium, the demo server on 127.0.0.1, and every request to
// a Google host intercepted, counted and answered with a stub, so no request leaves the machine.
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GOOGLE = /^https?:\/\/([^/]*\.)?(googletagmanager\.com|google-analytics\.com|doubleclick\.net|googleadservices\.com|googlesyndication\.com|google\.com)(:\d+)?\//;
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';

let browserPromise;
/** The shared browser. */
export function browser() {
  browserPromise ||= chromium.launch({ executablePath: EXECUTABLE, args: ARGS });
  return browserPromise;
}

/** Closes the shared browser. */
export async function closeBrowser() {
  if (browserPromise) await (await browserPromise).close();
  browserPromise = null;
}

/** Starts the demo server: www/ at /, pkg/ at /consent-gate/, test fixtures at /fixtures/. */
export function demoServer(opts = {}) {
  const mounts = { '/consent-gate/': join(root, 'pkg'), '/fixtures/': join(root, 'tests', 'e2e', 'fixtures'), '/': join(root, 'www') };
  return serve({ mounts, ...opts });
}

/**
 * The demo server (`opts` as for `demoServer`) for the tests of one file: started before them,
 * closed with the browser after them. Its `url` is readable once the tests run.
 */
export function serveForFile(opts = {}) {
  let server;
  before(async () => {
    server = await demoServer(opts);
  });
  after(async () => {
    await server.close();
    await closeBrowser();
  });
  return { get url() { return server.url; } };
}

/** `serveForFile` with `pages` (path → HTML) added to the demo site. */
export const servePagesForFile = (pages) => serveForFile({ hook: pagesHook(pages) });

/** `config` as the page's inline configuration (`<script type="application/json" id="consent-gate-config">`). */
export const inlineConfig = (config) => `<script type="application/json" id="consent-gate-config">${JSON.stringify(config)}</script>`;

/**
 * A server hook that answers /consent.json with `fault()` (`{ status?, body }`) while it returns
 * one, and leaves it to the demo's own file while it returns null.
 */
export function configFaultHook(fault) {
  return async (req, res) => {
    const f = fault();
    if (!f || new URL(req.url, 'http://x').pathname !== '/consent.json') return false;
    res.writeHead(f.status || 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(f.body);
    return true;
  };
}

/**
 * A server hook that answers the paths of `pages` (`{path: body}`), uncached, as JavaScript for a
 * `.js` path and HTML otherwise, and leaves every other path to the demo.
 */
export function pagesHook(pages) {
  return (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (!(path in pages)) return false;
    res.writeHead(200, { 'Content-Type': path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(pages[path]);
    return true;
  };
}

let tlsPromise;
/** A self-signed certificate for 127.0.0.1, made once per run with openssl (Debian has it). */
function selfSigned() {
  tlsPromise ||= (() => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  })();
  return tlsPromise;
}

/** The demo server over https (self-signed: open pages with `contextOptions: { ignoreHTTPSErrors: true }`). */
export function httpsDemoServer(opts = {}) {
  return demoServer({ ...opts, tls: selfSigned() });
}

/**
 * Routes every request of `context` that goes to a Google host to a stub, and records it.
 * Any other request that is not to 127.0.0.1 / localhost / *.example.test is aborted and recorded
 * too, so a test can assert nothing else left the machine.
 */
export async function interceptGoogle(context) {
  const google = [];
  const escaped = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (GOOGLE.test(url)) {
      google.push(url);
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: '/* stub */' });
    }
    const host = new URL(url).hostname;
    if (url.startsWith('http') && !(host === '127.0.0.1' || host === 'localhost' || host.endsWith('example.test'))) {
      escaped.push(url);
      return route.abort();
    }
    return route.continue();
  });
  return { google, escaped, gtag: () => google.filter((u) => u.includes('/gtag/js')) };
}

/**
 * A fresh context and page with Google intercepted, console messages and page errors recorded.
 * Options: viewport, gpc (defines navigator.globalPrivacyControl = true), initScript.
 */
export async function openPage(opts = {}) {
  const b = opts.browserInstance || (await browser());
  const context = opts.context || (await b.newContext({ viewport: opts.viewport || { width: 1280, height: 800 }, ...(opts.contextOptions || {}) }));
  const net = await interceptGoogle(context);
  if (opts.gpc) {
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }));
  }
  if (opts.initScript) await context.addInitScript(opts.initScript);
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { context, page, net, consoleMessages, pageErrors };
}

/** Waits until consent-gate has started on the page. */
export async function ready(page) {
  await page.waitForFunction(() => window.ConsentGate && window.ConsentGate.getConsent() !== null, null, { timeout: 10000 });
}

/**
 * A Chromium profile directory whose preferences send Do Not Track: a `DNT: 1` request header does
 * not change `navigator.doNotTrack`, the profile setting does.
 */
export function dntProfile() {
  const dir = mkdtempSync(join(tmpdir(), 'cg-dnt-'));
  mkdirSync(join(dir, 'Default'), { recursive: true });
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ enable_do_not_track: true }));
  return dir;
}

/** A year in milliseconds. */
export const YEAR = 365 * 86400000;

/** Init script (`context.addInitScript(shiftClock, ms)`): the page's clock runs `ms` ahead. */
export function shiftClock(ms) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class ShiftedDate extends RealDate {
    constructor(...a) {
      if (a.length) super(...a);
      else super(realNow() + ms);
    }
    static now() {
      return realNow() + ms;
    }
  }
  window.Date = ShiftedDate;
}

/** Saves a screenshot under test-results/screenshots/. */
export async function screenshot(page, name) {
  const dir = join(root, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name + '.png'), fullPage: false });
}

/**
 * The browser's cookie jar (context.cookies()) once `done(cookies)` holds, or after 3 seconds as it
 * is then: cookies a page writes with document.cookie reach the jar a moment later.
 */
export async function cookiesWhen(context, done, ms = 3000) {
  let cookies = await context.cookies();
  for (const end = Date.now() + ms; !done(cookies) && Date.now() < end; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    cookies = await context.cookies();
  }
  return cookies;
}

/** Small delay for "nothing happens afterwards" checks (not a timing assertion). */
export const settle = (page, ms = 300) => page.waitForTimeout(ms);

/**
 * Holds the wasm's request until the page asks for a URL matching `pattern` (3 seconds at most), so
 * that start cannot come first. Resolves to a function telling whether that URL was asked for
 * while the wasm was held: for the files a page must ask for while the wasm loads.
 */
export async function holdWasmUntilAsked(page, context, pattern) {
  let asked;
  const askedFor = new Promise((r) => (asked = r));
  page.on('request', (r) => pattern.test(r.url()) && asked(true));
  let beforeStart;
  await context.route('**/consent_gate_bg.wasm', async (route) => {
    beforeStart = await Promise.race([askedFor, new Promise((r) => setTimeout(r, 3000, false))]);
    await route.fallback();
  });
  return () => beforeStart;
}
