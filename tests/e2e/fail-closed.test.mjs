// Fail closed: when the wasm cannot run, no analytics or advertising tag may ever load. Each way
// it can fail is tested on the demo site: a CSP without 'wasm-unsafe-eval', the wasm missing (404),
// the wasm truncated, a browser without WebAssembly. Each time: no Google request even after
// clicking around and calling the API, exactly one console error from consent-gate that says why,
// no uncaught error, the page's own links work, and the footer "Cookie settings" link leads to the
// privacy notice.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeBrowser, root, settle } from './harness.mjs';
import { openWatched, siteServer } from './csp-watch.mjs';

const WASM_PATH = '/consent-gate/consent_gate_bg.wasm';
// Both wasms: the privacy page (`data-notice`) loads the log wasm, which has the notice's renderer.
const BOTH_WASMS = /^\/consent-gate\/consent_gate(_log)?_bg\.wasm$/;
const servers = [];
after(async () => {
  for (const s of servers) await s.close();
  await closeBrowser();
});

/** Answers the wasm request with `status` and `body` (as application/wasm when 200). */
function wasmFault(status, body) {
  return (req, res) => {
    if (!BOTH_WASMS.test(new URL(req.url, 'http://x').pathname)) return false;
    res.writeHead(status, { 'Content-Type': status == 200 ? 'application/wasm' : 'text/plain', 'Cache-Control': 'no-store' });
    res.end(body);
    return true;
  };
}

const own = (consoleMessages) => consoleMessages.filter((m) => m.type === 'error' && m.text.includes('consent-gate'));

async function failsClosed({ server, initScript, why }) {
  servers.push(server);
  const { page, net, context, pageErrors, consoleMessages } = await openWatched({ initScript });
  try {
    await check(page, net, pageErrors, consoleMessages, server, why);
  } finally {
    await context.close();
  }
}

async function check(page, net, pageErrors, consoleMessages, server, why) {
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.ConsentGate);
  await assertOneError();

  async function assertOneError() {
    const deadline = Date.now() + 10000;
    while (own(consoleMessages).length === 0 && Date.now() < deadline) await settle(page, 50);
    await settle(page, 300);
    const errors = own(consoleMessages);
    assert.equal(errors.length, 1, JSON.stringify(consoleMessages));
    assert.match(errors[0].text, /^consent-gate: the WebAssembly module could not load \(.+\), so no analytics or advertising tag will load/);
    // The reason in parentheses is the browser's own, so it names the actual cause.
    const reason = /could not load \((.*)\), so no/s.exec(errors[0].text)[1];
    assert.match(reason, why);
    consoleMessages.length = 0;
  }

  // The page is the site's own: content shown, no banner, no dialog.
  assert.equal(await page.locator('h1').textContent(), 'Care close to home');
  assert.equal(await page.locator('#cg-banner').count(), 0);

  // Clicking around and calling the API changes nothing and throws nothing uncaught.
  await page.click('h1');
  await page.click('#demo-heading');
  const api = await page.evaluate(async () => {
    ConsentGate.showPreferences();
    const results = [];
    for (const f of ['acceptAll', 'rejectAll']) results.push(await ConsentGate[f]().then(() => 'resolved', (e) => e.message));
    results.push(await ConsentGate.setConsent({ analytics: true }).then(() => 'resolved', (e) => e.message));
    results.push(ConsentGate.getConsent(), ConsentGate.getConsentRecord());
    return results;
  });
  assert.deepEqual(api, ['consent-gate is not available', 'consent-gate is not available', 'consent-gate is not available', null, null]);
  await page.evaluate(() => document.dispatchEvent(new Event('click', { bubbles: true })));
  await settle(page, 300);
  assert.equal(await page.locator('#cg-prefs').count(), 0);
  assert.equal(await page.locator('#demo-analytics-status .demo-ran').count(), 0, 'the gated script stays off');
  assert.equal(await page.locator('script[src*="googletagmanager"]').count(), 0);

  // The footer "Cookie settings" link leads to the privacy notice.
  const link = page.locator('footer a[data-consent-gate="preferences"]');
  assert.equal(await link.getAttribute('href'), '/privacy/');
  await link.click();
  await page.waitForURL(server.url + '/privacy/');
  assert.equal(await page.locator('h1').textContent(), 'Privacy notice');
  await assertOneError(); // again on the new page, once

  // The site's own navigation still works.
  await page.click('.site-nav a[href="/"]');
  await page.waitForURL(server.url + '/');
  assert.equal(await page.locator('h1').textContent(), 'Care close to home');
  await assertOneError();
  await settle(page, 300);

  assert.deepEqual(net.google, [], 'no Google request, ever');
  assert.deepEqual(net.escaped, []);
  assert.deepEqual(pageErrors, [], 'no uncaught error');
}

test("fails closed under a CSP without 'wasm-unsafe-eval'", async () => {
  const server = await siteServer({ csp: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'" });
  await failsClosed({ server, why: /^WebAssembly\.compileStreaming\(\): .*violates the following Content Security policy directive.*"script-src 'self'"/ });
});

test('fails closed when the wasm is missing (404)', async () => {
  const server = await siteServer({ hook: wasmFault(404, 'not found') });
  await failsClosed({ server, why: /^failed to fetch Wasm: 404 Not Found fetching 'http:\/\/127\.0\.0\.1:\d+\/consent-gate\/consent_gate(_log)?_bg\.wasm'$/ });
});

test('fails closed when the wasm is truncated', async () => {
  const wasm = readFileSync(join(root, 'pkg', 'consent_gate_bg.wasm'));
  const server = await siteServer({ hook: wasmFault(200, wasm.subarray(0, Math.floor(wasm.length / 2))) });
  await failsClosed({ server, why: /^WebAssembly\.compileStreaming\(\): section .* extends past end of the module/ });
});

test('fails closed in a browser without WebAssembly', async () => {
  const server = await siteServer();
  await failsClosed({ server, initScript: () => delete window.WebAssembly, why: /^this browser has no WebAssembly$/ });
});

test('a wasm served with the wrong MIME type still runs, with one warning that says what to fix', async () => {
  const wasm = readFileSync(join(root, 'pkg', 'consent_gate_bg.wasm'));
  const server = await siteServer({
    hook: (req, res) => {
      if (new URL(req.url, 'http://x').pathname !== WASM_PATH) return false;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(wasm);
      return true;
    },
  });
  servers.push(server);
  const { page, context, pageErrors, consoleMessages } = await openWatched();
  try {
    await page.goto(server.url + '/');
    await page.locator('#cg-banner').waitFor();
    const warnings = consoleMessages.filter((m) => m.type === 'warning' && m.text.includes('consent-gate'));
    assert.equal(warnings.length, 1, JSON.stringify(consoleMessages));
    assert.match(warnings[0].text, /^consent-gate: serve consent_gate_bg\.wasm as application\/wasm \(loading it the slower way\):/);
    assert.deepEqual(own(consoleMessages), []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
