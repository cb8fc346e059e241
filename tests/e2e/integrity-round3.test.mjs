// Integrity, round 3: what a third adversarial round broke.
//  1. Injected referrer metas on a sensitive page (`strict-origin` as a decoy, then `unsafe-url`)
//     do not give the next page the patient URL as its referrer.
//  2. With a nonce configured, an injected notice container gets no notice (its real controls
//     could be laid over the page by injected styles: a clickjack); the site's nonced one does.
//  3. A path spelled with `%5C` (servers that take `\` for `/`) is a sensitive page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeBrowser, demoServer, openPage, ready, root } from './harness.mjs';

const NONCE = 'r3N0nce';
let server;
before(async () => {
  const hook = (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    // A server that takes `\` for `/` serves the portal for /patient-portal%5Cresults.
    if (path.toLowerCase().startsWith('/patient-portal%5c')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(readFileSync(join(root, 'www', 'index.html')));
      return true;
    }
    if (path === '/r3/notice.html') {
      const config = JSON.stringify({ revision: '1', googleAnalytics: 'G-R3', nonce: NONCE, notice: { sections: [{ heading: 'Cookies', blocks: [{ controls: true }] }] } });
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': `script-src 'nonce-${NONCE}' 'wasm-unsafe-eval'`,
      });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>r3</title>
<script type="application/json" id="consent-gate-config">${config}</script>
<script nonce="${NONCE}" src="/consent-gate/consent-gate.js"></script></head>
<body><main><h1>Privacy</h1>
<p>Search results for: <div data-consent-gate="notice" id="injected"></div></p>
<div data-consent-gate="notice" nonce="${NONCE}" id="site"></div></main></body></html>`);
      return true;
    }
    if (path === '/r3/portal.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>portal</title>
<script src="/consent-gate/consent-gate.js" data-config="/consent.json"></script></head>
<body><main><h1>Results</h1><p>Search: <meta name="referrer" content="strict-origin"><meta name="referrer" content="unsafe-url"></p>
<a id="home" href="/">Home</a></main></body></html>`);
      return true;
    }
    return false;
  };
  server = await demoServer({ hook });
});
after(async () => {
  await server.close();
  await closeBrowser();
});

test('injected referrer metas on a sensitive page do not give the next page the patient URL', async () => {
  const { page, context } = await openPage();
  // The demo configuration's sensitive paths: serve the page under /patient-portal/.
  await context.route('**/patient-portal/r3/**', async (route) => {
    const res = await route.fetch({ url: server.url + '/r3/portal.html' });
    return route.fulfill({ response: res });
  });
  await page.goto(server.url + '/patient-portal/r3/?test=hiv-results');
  await ready(page);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().sensitivePage), true);
  await page.click('#home');
  await page.waitForURL((u) => u.pathname === '/');
  await ready(page);
  assert.equal(await page.evaluate(() => document.referrer), server.url + '/', 'only the origin');
  await context.close();
});

test('with a nonce configured, the notice is drawn only into the container that carries it', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/r3/notice.html');
  await ready(page);
  await page.locator('#site .cg-notice').waitFor();
  assert.equal(await page.locator('#injected .cg-notice').count(), 0, 'no controls in the injected container');
  assert.equal(await page.locator('.cg-notice').count(), 1);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a path spelled with %5C is a sensitive page: nothing loads, whatever was granted', async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.evaluate(() => ConsentGate.acceptAll());
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  const before = net.gtag().length;
  await page.goto(server.url + '/patient-portal%5Cresults?id=1');
  await ready(page);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().sensitivePage), true);
  // Only the necessary and functional categories run on a sensitive page.
  assert.deepEqual(await page.evaluate(() => ConsentGate.getConsent().allowed), ['necessary', 'functional']);
  assert.equal(await page.evaluate(() => window['ga-disable-G-DEMO12345']), true);
  assert.equal(net.gtag().length, before, 'no Google tag on the portal');
  await context.close();
});
