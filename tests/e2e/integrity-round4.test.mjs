// Integrity, round 4: what a fourth adversarial round broke.
//  0. With the ES module (which runs after the body is parsed), an injected `<base href>` in the
//     body does not move the site's nonced gated script to another host.
//  1. A setConsent() argument that throws while read (a revoked Proxy) does not stop the SDK, and
//     one whose getter routes into a sensitive page does not put the patient path in the log.
//  2. The script tag and an npm import that calls init() on one page: one copy runs.
//  3. A `change` handler that decides again or routes: every listener's last view is the state
//     in force.
//  4. An injected `<body data-consent-gate="preferences">` (or an unclosed opener wrapping the
//     page) does not turn the page's links and buttons into "open preferences".
//  5. An injected `<body data-consent-gate="notice">` does not wipe the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, demoServer, inlineConfig, openPage, pagesHook, ready, settle } from './harness.mjs';

const NONCE = 'R4nd0m';
const logs = [];
const html = (head, body, csp) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>r4</title>${csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : ''}${head}</head><body><main>${body}</main></body></html>`;
const NONCE_CSP = `default-src 'self'; script-src 'nonce-${NONCE}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'`;
const REENT = { revision: '1', googleAnalytics: 'G-R4REENT01', sensitivePaths: ['/patient-portal/*'], log: { endpoint: '/r4/collect' } };

const pages = {
  // 0. The app bundle as a module; the search term reflected unescaped injects a <base href>.
  '/r4/esm.html': html(
    `<script type="module" nonce="${NONCE}">import { init } from '/consent-gate/index.js';
init({ revision: '1', nonce: '${NONCE}', googleAnalytics: 'G-R4ESM0001' }).then(() => (window.cgReady = 1));</script>`,
    `<p>You searched for: <base href="http://evil.example.test/"></p>
<script type="text/plain" data-consent-category="analytics" nonce="${NONCE}" data-src="/r4/heat.js"></script>`,
    NONCE_CSP,
  ),
  // 0. The site's own <base href> in <head> still counts.
  '/r4/esm-head-base.html': html(
    `<base href="/r4/sub/"><script type="module">import { init } from '/consent-gate/index.js';
init({ revision: '1', googleAnalytics: 'G-R4ESM0001' }).then(() => (window.cgReady = 1));</script>`,
    `<script type="text/plain" data-consent-category="analytics" data-src="heat.js"></script>`,
  ),
  '/r4/heat.js': 'window.heat = (window.heat || []).concat(document.currentScript.src);',
  '/r4/sub/heat.js': 'window.heat = (window.heat || []).concat(document.currentScript.src);',
  // 1 and 3. A change handler that decides again or routes (by ?mode=), then a later handler and a
  // DOM listener recording what they see.
  '/r4/reent.html': html(
    `${inlineConfig(REENT)}<script src="/consent-gate/consent-gate.js"></script>
<script>window.seenOn = []; window.seenDom = []; window.mode = new URLSearchParams(location.search).get('mode');</script>`,
    `<h1>Shop</h1><script>
ConsentGate.on('change', (s) => {
  if (!s.decided || window.done) return;
  if (mode === 'reject' && s.allowed.includes('analytics')) (window.done = 1), ConsentGate.rejectAll();
  if (mode === 'route') (window.done = 1), history.pushState({}, '', '/patient-portal/results?test=hiv');
});
ConsentGate.on('change', (s) => seenOn.push(s.allowed.join()));
document.addEventListener('consent-gate:change', (e) => seenDom.push(e.detail.allowed.join()));
</script>`,
  ),
  // 2. The script tag in <head> and the app bundle importing the npm package.
  '/r4/two.html': html(
    `${inlineConfig({ revision: '1', googleAnalytics: 'G-R4TWO0001' })}<script src="/consent-gate/consent-gate.js"></script>`,
    `<p><a href="/privacy/" data-consent-gate="preferences" id="settings">Cookie settings</a></p>
<script type="module">import { init } from '/consent-gate/index.js';
window.second = init({ revision: '1', googleAnalytics: 'G-R4TWO0001' });</script>`,
  ),
  // 4. Injected openers: a merged <body> attribute, and an unclosed <div> wrapping the rest.
  '/r4/opener.html': html(
    `${inlineConfig({ revision: '1', googleAnalytics: 'G-R4OPEN001', nonce: NONCE })}<script nonce="${NONCE}" src="/consent-gate/consent-gate.js"></script>`,
    `<p>You searched for: <body data-consent-gate="preferences"></p>
<p><a id="link" href="/r4/next.html">Next page</a></p>
<p>Also: <div data-consent-gate="preferences"></p>
<form action="/r4/next.html"><button id="submit">Send</button></form>
<button type="button" data-consent-gate="preferences" id="real"><span>Privacy choices</span></button>`,
  ),
  '/r4/opener-closed.html': html(
    `<script src="/consent-gate/consent-gate.js" data-manual></script>
<script>ConsentGate.init({ revision: '1', privacyUrl: '/privacy/' }).catch(() => (window.failed = 1));</script>`,
    `<p>You searched for: <body data-consent-gate="preferences"></p>
<p id="text">The site's page.</p>
<button type="button" id="other" onclick="window.clicked = 1">Add to basket</button>
<button type="button" data-consent-gate="preferences" id="real">Privacy choices</button>`,
  ),
  '/r4/next.html': html('', '<h1 id="next">Next</h1>'),
  // 5. An injected notice attribute on <body>, no nonce configured.
  '/r4/notice-body.html': html(
    `${inlineConfig({ revision: '1', googleAnalytics: 'G-R4NOTE001', notice: { sections: [{ heading: 'Cookies', blocks: [{ controls: true }] }] } })}<script src="/consent-gate/consent-gate.js"></script>`,
    `<p>You searched for: <body data-consent-gate="notice"></p>
<p><a id="link" href="/">Home</a>: the rest of the site's page.</p>
<div data-consent-gate="notice" id="site"></div>`,
  ),
};

let server;
const servePages = pagesHook(pages);
before(async () => {
  const hook = (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/r4/collect') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        logs.push(body);
        res.writeHead(204);
        res.end();
      });
      return true;
    }
    return servePages(req, res);
  };
  server = await demoServer({ hook });
});
after(async () => {
  await server.close();
  await closeBrowser();
});

test('ES module: an injected <base href> in the body does not move a gated script; one in <head> does', async () => {
  const { page, context } = await openPage();
  const evil = [];
  await context.route('http://evil.example.test/**', (route) => {
    evil.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: 'window.pwned = 1;' });
  });
  await page.goto(server.url + '/r4/esm.html');
  await page.waitForFunction(() => window.cgReady);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => window.heat);
  assert.deepEqual(await page.evaluate(() => [window.heat, window.pwned]), [[server.url + '/r4/heat.js'], undefined]);
  assert.deepEqual(evil, []);

  await page.goto(server.url + '/r4/esm-head-base.html');
  await page.waitForFunction(() => window.cgReady);
  await page.waitForFunction(() => window.heat);
  assert.deepEqual(await page.evaluate(() => window.heat), [server.url + '/r4/sub/heat.js'], "the site's own <base> in <head>");
  await context.close();
});

test('a setConsent() argument that throws when read rejects that call only; the SDK keeps working', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/r4/reent.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  const err = await page.evaluate(async () => {
    const { proxy, revoke } = Proxy.revocable({ analytics: false }, {});
    revoke();
    try {
      await ConsentGate.setConsent(proxy);
    } catch (e) {
      return e.message;
    }
  });
  assert.match(err, /setConsent: expected an object like \{analytics: true\}/);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().allowed.includes('analytics')), true, 'nothing changed');
  await page.evaluate(() => history.pushState({}, '', '/patient-portal/results?test=hiv'));
  assert.equal(await page.evaluate(() => window['ga-disable-G-R4REENT01']), true, 'the route into a sensitive page is heard');
  await page.evaluate(() => history.pushState({}, '', '/shop'));
  await page.evaluate(() => ConsentGate.rejectAll());
  assert.equal(await page.evaluate(() => window['ga-disable-G-R4REENT01']), true, 'the visitor can withdraw');
  assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord().choices.find((c) => c.category == 'analytics').granted), false);
  await context.close();
});

test('a setConsent() getter that routes into a sensitive page: the decision follows it, no patient path is logged', async () => {
  const { page, context } = await openPage();
  logs.length = 0;
  await page.goto(server.url + '/r4/reent.html');
  await ready(page);
  await page.evaluate(() =>
    ConsentGate.setConsent({
      get analytics() {
        history.pushState({}, '', '/patient-portal/results?test=hiv');
        return true;
      },
    }),
  );
  for (let i = 0; i < 50 && !logs.some((b) => b.includes('"method":"api"')); i++) await settle(page, 100);
  const decisions = logs.map((b) => JSON.parse(b)).filter((e) => e.method === 'api');
  assert.equal(decisions.length, 1, logs.join('\n'));
  assert.doesNotMatch(logs.join(), /patient-portal/);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().sensitivePage), true);
  assert.equal(await page.evaluate(() => window['ga-disable-G-R4REENT01']), true);
  await context.close();
});

test('script tag plus an npm init() on one page: one copy runs, one warning, a withdrawal holds', async () => {
  const { page, context, consoleMessages } = await openPage();
  await page.goto(server.url + '/r4/two.html');
  await ready(page);
  const second = await page.evaluate(() => window.second.then((s) => s && s.decided));
  assert.equal(second, false, "the second init() resolves to the running copy's state");
  assert.equal(await page.locator('section.cg-banner').count(), 1);
  const warnings = consoleMessages.filter((m) => /another copy runs/.test(m.text));
  assert.equal(warnings.length, 1, JSON.stringify(consoleMessages));
  await page.click('#cg-banner [data-cg="accept"]');
  await page.click('#settings');
  // The dialog's file loads on the first opening; then no second dialog may follow.
  await page.locator('dialog[open]').waitFor();
  await settle(page);
  assert.equal(await page.locator('dialog[open]').count(), 1, 'one dialog');
  await page.click('dialog[open] [data-cg="reject"]');
  await page.evaluate(() => history.pushState({}, '', '/shop/item-2'));
  await settle(page);
  const st = await page.evaluate(() => ({
    off: window['ga-disable-G-R4TWO0001'],
    last: [...dataLayer].reverse().find((e) => e[0] === 'consent' && e[1] === 'update')[2].analytics_storage,
  }));
  assert.deepEqual(st, { off: true, last: 'denied' });
  await context.close();
});

for (const [mode, expected] of [
  ['reject', 'necessary'],
  ['route', 'necessary,functional'],
]) {
  test(`a change handler that ${mode === 'reject' ? 'withdraws' : 'routes into a sensitive page'}: every listener's last view is the state in force`, async () => {
    const { page, context } = await openPage();
    await page.goto(server.url + '/r4/reent.html?mode=' + mode);
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await settle(page);
    const st = await page.evaluate(() => ({ now: ConsentGate.getConsent().allowed.join(), on: seenOn.at(-1), dom: seenDom.at(-1) }));
    assert.deepEqual(st, { now: expected, on: expected, dom: expected });
    await context.close();
  });
}

test('injected openers wrapping the page leave its links and buttons alone; the real opener works', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/r4/opener.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="reject"]');
  await page.click('#link');
  await page.waitForURL(/\/r4\/next\.html$/);
  await page.goBack();
  await ready(page);
  await page.click('#submit');
  await page.waitForURL(/\/r4\/next\.html/);
  await page.goBack();
  await ready(page);
  await page.click('main p >> nth=0');
  assert.equal(await page.locator('dialog[open]').count(), 0, 'a click on the page body opens nothing');
  await page.click('#real span');
  await page.locator('dialog#cg-prefs[open]').waitFor();
  await context.close();
});

test('without the wasm (failed closed), an injected <body> opener does not send every click to the privacy page', async () => {
  const { page, context } = await openPage();
  await context.route('**/consent_gate_bg.wasm', (route) => route.abort());
  await page.goto(server.url + '/r4/opener-closed.html');
  await page.waitForFunction(() => window.failed);
  // A site button that does its own thing, and plain text: neither leaves the page.
  await page.click('#other');
  await page.click('#text');
  await settle(page, 500);
  assert.equal(new URL(page.url()).pathname, '/r4/opener-closed.html');
  assert.equal(await page.evaluate(() => window.clicked), 1);
  await page.click('#real');
  await page.waitForURL(/\/privacy\/$/);
  await context.close();
});

test('an injected <body data-consent-gate="notice"> does not wipe the page', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/r4/notice-body.html');
  await ready(page);
  await page.locator('#site .cg-notice').waitFor();
  assert.equal(await page.locator('#link').count(), 1, "the site's page is still there");
  assert.equal(await page.locator('#cg-banner').count(), 1, 'and the banner');
  assert.equal(await page.locator('.cg-notice').count(), 1);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
