// The banner (consent-gate-banner.js) is downloaded while the wasm loads when no decision is
// stored (a first visit), else only when core asks for the banner (a new revision): a visitor who
// decided never downloads it again. A banner hidden before its file arrives (a decision through
// the API) is not shown. When the file cannot load, no banner shows, nothing loads, the console
// says so once, and the visitor can still decide in the preferences dialog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdWasmUntilAsked, openPage, ready, serveForFile, settle } from './harness.mjs';
import { serveConfig } from './ui-helpers.mjs';

const BANNER = /\/consent-gate-banner\.js$/;
const server = serveForFile();

/**
 * A page with the requests for the banner's file counted, through a route (routing turns the
 * HTTP cache off, so every load is a request); `answer` handles them (the file by default).
 */
async function open(answer = (route) => route.fallback()) {
  const o = await openPage();
  o.requests = [];
  await o.context.route(BANNER, (route) => {
    o.requests.push(route.request().url());
    return answer(route);
  });
  return o;
}

test('a first visit downloads it once, from next to the script, while the wasm loads; the banner is there at start', async () => {
  const { page, context, requests, pageErrors } = await open();
  // The wasm is held until the file is asked for (3 seconds at most): start cannot come first.
  const beforeStart = await holdWasmUntilAsked(page, context, BANNER);
  await page.goto(server.url + '/');
  await ready(page);
  assert.equal(await page.locator('#cg-banner').count(), 1, 'shown at start');
  assert.equal(beforeStart(), true, 'asked for while the wasm was loading');
  assert.deepEqual(requests, [server.url + '/consent-gate/consent-gate-banner.js']);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a visitor who decided never downloads it again; a new revision asks again and downloads it then', async () => {
  const { page, context, requests, pageErrors } = await open();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  assert.equal(requests.length, 1);
  for (const path of ['/', '/privacy/', '/appointments/']) {
    await page.goto(server.url + path);
    await ready(page);
  }
  await page.evaluate(() => ConsentGate.showPreferences());
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await settle(page, 300);
  assert.equal(requests.length, 1, 'no request after the decision');
  assert.equal(await page.locator('#cg-banner').count(), 0);
  await serveConfig(context, (c) => ({ ...c, revision: c.revision + '-next' }));
  await page.goto(server.url + '/');
  await ready(page);
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  assert.equal(requests.length, 2);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a banner hidden before its file arrives is not shown: a decision through the API meanwhile', async () => {
  let release;
  const held = new Promise((r) => (release = r));
  const { page, context, requests, pageErrors } = await open(async (route) => {
    await held;
    await route.fallback();
  });
  await page.goto(server.url + '/');
  // Start waits 3 seconds at most for the file.
  await ready(page);
  await page.evaluate(() => ConsentGate.rejectAll());
  release();
  await settle(page, 500);
  assert.equal(requests.length, 1);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('cg-banner-open')), false);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a banner whose file arrives while the preferences dialog is open waits under it: shown after the dialog closes, not above it', async () => {
  let release;
  const held = new Promise((r) => (release = r));
  const { page, context, net, pageErrors } = await open(async (route) => {
    await held;
    await route.fallback();
  });
  await page.goto(server.url + '/');
  // Start waits 3 seconds at most for the file; the visitor opens the dialog meanwhile.
  await ready(page);
  await page.evaluate(() => ConsentGate.showPreferences());
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  release();
  await page.locator('#cg-banner').waitFor({ state: 'attached' });
  await settle(page, 300);
  // The top layer draws what entered it last on top. Put there now, the banner would be drawn
  // above the modal dialog, each of its buttons over one of the dialog's: a click on the banner's
  // "Preferences" pressed the dialog's "Accept all" underneath. Below the top layer, the dialog
  // covers it.
  const inTopLayer = () => page.evaluate(() => document.getElementById('cg-banner').matches(':popover-open'));
  assert.equal(await inTopLayer(), false, 'not above the dialog while it is open');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.getElementById('cg-banner').matches(':popover-open'));
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().decided), false, 'no decision');
  await page.click('#cg-banner [data-cg="reject"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await settle(page, 300);
  assert.deepEqual(net.google, [], 'no Google request');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('when the file cannot load, no banner shows and nothing loads, the console says so once, and the dialog still decides', async () => {
  const { page, context, net, consoleMessages, pageErrors } = await open((route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto(server.url + '/');
  await ready(page);
  await settle(page, 300);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  // (The browser adds its own line for the failed request.)
  const errors = consoleMessages.filter((m) => m.type == 'error' && m.text.startsWith('consent-gate'));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].text, /^consent-gate: consent-gate-banner\.js could not load \(.*consent-gate-banner\.js.*\), so the banner is not shown$/);
  assert.deepEqual(net.google, [], 'no Google request');
  await page.click('footer [data-consent-gate="preferences"]');
  await page.locator('#cg-prefs [data-cg="reject"]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided && ConsentGate.getConsent().categories.analytics === false);
  await settle(page, 300);
  assert.deepEqual(net.google, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
