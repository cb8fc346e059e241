// The gating of page scripts and embeds (consent-gate-gating.js) is downloaded only by pages that
// have a gated element: while the wasm loads when the page has one, or when a script or iframe
// added later needs it. It reads the state in force when it arrives. When it cannot load, no gated
// script runs and no embed loads, the page keeps working, and the console says so once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdWasmUntilAsked, openPage, ready, serveForFile, settle } from './harness.mjs';
import { servePage, testPage } from './ui-helpers.mjs';

const GATING = /\/consent-gate-gating\.js$/;
const server = serveForFile();

/** A page with the requests for the gating's file counted. */
async function open(opts) {
  const o = await openPage(opts);
  o.requests = [];
  o.page.on('request', (r) => GATING.test(r.url()) && o.requests.push(r.url()));
  return o;
}

/** What the home page's gated script and iframe did: the script's note, the iframe's address, its placeholder. */
const home = (page) =>
  page.evaluate(() => {
    const f = document.querySelector('iframe[data-consent-category], iframe[title="Example video"]');
    return {
      ran: document.querySelectorAll('#demo-analytics-status .demo-ran').length,
      frame: f.getAttribute('src') || '',
      placeholder: document.querySelectorAll('.cg-embed').length,
    };
  });

test('pages without a gated element never download it: deciding in the banner and in the notice, opening the dialog', async () => {
  const { page, context, requests, net, pageErrors } = await open();
  await page.goto(server.url + '/appointments/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await page.goto(server.url + '/privacy/');
  await ready(page);
  const notice = page.locator('[data-consent-gate="notice"] .cg-notice');
  await notice.getByRole('switch', { name: 'Analytics' }).click();
  await notice.locator('[data-cg="save"]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().categories.analytics === false);
  await page.evaluate(() => ConsentGate.showPreferences());
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await settle(page, 300);
  assert.deepEqual(requests, []);
  assert.ok(net.gtag().length > 0, 'the accepted visitor got gtag.js (the page did work)');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a page with gated elements downloads it once, from next to the script, before start; the placeholder is there at start', async () => {
  const { page, context, requests, pageErrors } = await open();
  // The wasm is held until the file is asked for (3 seconds at most): start cannot come first.
  const beforeStart = await holdWasmUntilAsked(page, context, GATING);
  await page.goto(server.url + '/');
  await ready(page);
  await page.locator('.cg-embed').waitFor();
  assert.deepEqual(requests, [server.url + '/consent-gate/consent-gate-gating.js']);
  assert.equal(beforeStart(), true, 'asked for while the wasm was loading');
  assert.deepEqual(await home(page), { ran: 0, frame: '', placeholder: 1 });
  await page.click('#cg-banner [data-cg="accept"]');
  await page.locator('#demo-analytics-status .demo-ran').waitFor();
  await page.waitForFunction(() => document.querySelector('iframe[title="Example video"]').getAttribute('src')?.endsWith('/embed.html'));
  assert.deepEqual(await home(page), { ran: 1, frame: server.url + '/embed.html', placeholder: 0 });
  // A withdrawal unloads the iframe at once (the file is here now) and gives it its placeholder back.
  await page.evaluate(() => ConsentGate.setConsent({ advertising: false }));
  assert.deepEqual(await home(page), { ran: 1, frame: 'about:blank', placeholder: 1 });
  assert.equal(requests.length, 1);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a page that adds a gated script later downloads it then, and the script runs once', async () => {
  const { page, context, requests, pageErrors } = await open();
  await servePage(context, server.url + '/t/spa.html', testPage('en'));
  await page.goto(server.url + '/t/spa.html');
  await ready(page);
  await page.evaluate(() => ConsentGate.acceptAll());
  await settle(page, 300);
  assert.deepEqual(requests, []);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.type = 'text/plain';
    s.dataset.consentCategory = 'analytics';
    s.textContent = 'window.lateRuns = (window.lateRuns || 0) + 1;';
    document.querySelector('main').append(s);
  });
  await page.waitForFunction(() => window.lateRuns === 1, null, { timeout: 3000 });
  await settle(page, 300);
  assert.equal(await page.evaluate(() => window.lateRuns), 1);
  assert.equal(requests.length, 1);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a slow file reads the state in force when it arrives: a withdrawal made meanwhile runs nothing', async () => {
  const { page, context, requests, pageErrors } = await open();
  let release;
  const held = new Promise((r) => (release = r));
  await context.route(GATING, async (route) => {
    await held;
    await route.fallback();
  });
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().categories.analytics === true);
  await settle(page, 300);
  assert.deepEqual(await home(page), { ran: 0, frame: '', placeholder: 0 }, 'nothing before the file is here');
  await page.evaluate(() => ConsentGate.rejectAll());
  release();
  await page.locator('.cg-embed').waitFor();
  await settle(page, 500);
  assert.deepEqual(await home(page), { ran: 0, frame: '', placeholder: 1 });
  assert.equal(requests.length, 1);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('when the file cannot load, no gated script runs and no embed loads, the console says so once, and the rest works', async () => {
  const { page, context, net, consoleMessages, pageErrors } = await open();
  await context.route(GATING, (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().categories.analytics === true);
  // One more gated element later tries nothing more and says nothing more.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.type = 'text/plain';
    s.dataset.consentCategory = 'analytics';
    s.textContent = 'window.lateRuns = 1;';
    document.body.append(s);
  });
  await settle(page, 500);
  assert.deepEqual(await home(page), { ran: 0, frame: '', placeholder: 0 });
  assert.equal(await page.evaluate(() => window.lateRuns), undefined);
  assert.equal(page.frames().filter((f) => f.url().includes('/embed.html')).length, 0);
  // (The browser adds its own line for the failed request.)
  const errors = consoleMessages.filter((m) => m.type == 'error' && m.text.startsWith('consent-gate'));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].text, /^consent-gate: consent-gate-gating\.js could not load \(.*consent-gate-gating\.js.*\), so no gated script or embed loads$/);
  // Google's tag is not a gated element: the visitor's choice still reaches it.
  assert.ok(net.gtag().length > 0);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
