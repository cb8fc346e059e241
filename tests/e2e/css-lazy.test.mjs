// The script tag links consent-gate.css on every page and consent-gate-ui.css (the banner's,
// dialog's and notice's rules) only when the first of them is to be drawn, right after the first
// stylesheet; the part is drawn once its rules apply. A visitor who decided, on a page without a
// notice, never downloads it. When it cannot load, the banner, dialog and notice are not drawn
// (as when their own file cannot load: unstyled, the site's rules could hide a banner that still
// takes clicks), the console says so once for each, and nothing of Google loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, ready, serveForFile, settle } from './harness.mjs';

const UI = /\/consent-gate-ui\.css$/;
const server = serveForFile();

/** A page with the requests for consent-gate-ui.css counted; `answer` handles them (the file by default). */
async function open(answer = (route) => route.fallback()) {
  const o = await openPage();
  o.requests = [];
  await o.context.route(UI, (route) => {
    o.requests.push(route.request().url());
    return answer(route);
  });
  return o;
}

const sheets = (page) => page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => new URL(l.href).pathname));

test('a first visit links it once, right after consent-gate.css, and shows the banner only with its rules in force', async () => {
  let release;
  const held = new Promise((r) => (release = r));
  const { page, context, requests, net, pageErrors, consoleMessages } = await open(async (route) => {
    await held;
    await route.fallback();
  });
  // (A stylesheet on its way holds the page's load event: not waited for.)
  await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
  await ready(page);
  await settle(page, 300);
  assert.deepEqual(requests, [server.url + '/consent-gate/consent-gate-ui.css']);
  assert.equal(await page.locator('#cg-banner').count(), 0, 'not drawn while its stylesheet is on its way');
  // The banner is checked at the moment it enters the page: already laid out by its rules.
  await page.evaluate(() => {
    new MutationObserver((_, o) => {
      const b = document.getElementById('cg-banner');
      if (b) {
        window.positionWhenDrawn = getComputedStyle(b).position;
        o.disconnect();
      }
    }).observe(document.body, { childList: true });
  });
  release();
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => window.positionWhenDrawn), 'fixed');
  assert.deepEqual(await sheets(page), ['/site.css', '/consent-gate/consent-gate.css', '/consent-gate/consent-gate-ui.css']);
  // Opening the dialog and drawing the notice do not link it again.
  await page.click('#cg-banner [data-cg="prefs"]');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.goto(server.url + '/privacy/');
  await page.locator('[data-consent-gate="notice"] .cg-switch').first().waitFor();
  assert.equal(await page.locator('[data-consent-gate="notice"] .cg-switch').first().evaluate((s) => getComputedStyle(s).width), '52px', 'the switches are styled');
  await settle(page, 300);
  assert.equal(requests.length, 2, 'once per page that draws one: ' + requests.join(' '));
  assert.deepEqual(net.google, [], 'nothing of Google before a decision');
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type == 'error'), []);
  await context.close();
});

test('a visitor who decided does not download it on an ordinary page; the dialog opened later links it', async () => {
  const { page, context, requests, pageErrors } = await open();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="reject"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  requests.length = 0;
  await page.goto(server.url + '/appointments/');
  await ready(page);
  await settle(page, 500);
  assert.deepEqual(requests, [], 'not downloaded');
  assert.deepEqual(await sheets(page), ['/site.css', '/consent-gate/consent-gate.css']);
  await page.click('footer [data-consent-gate="preferences"]');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.equal(requests.length, 1);
  assert.equal(await page.locator('#cg-prefs').evaluate((g) => getComputedStyle(g).padding), '0px', 'the dialog is styled (a browser\'s own dialog has padding)');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("when it cannot load, no banner or dialog is drawn (unstyled, the site's rules could hide one that still takes clicks), the console says so once per part, and nothing loads", async () => {
  const { page, context, net, consoleMessages, pageErrors } = await open((route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
  await ready(page);
  await settle(page, 500);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  await page.click('footer [data-consent-gate="preferences"]');
  await settle(page, 300);
  assert.equal(await page.locator('#cg-prefs').count(), 0);
  // (The browser adds its own line for the failed request.)
  const errors = consoleMessages.filter((m) => m.type == 'error' && m.text.startsWith('consent-gate')).map((m) => m.text);
  assert.deepEqual(errors, [
    'consent-gate: consent-gate-banner.js could not load (its stylesheet, consent-gate-ui.css, did not load), so the banner is not shown',
    'consent-gate: consent-gate-dialog.js could not load (its stylesheet, consent-gate-ui.css, did not load), so the preferences dialog is not shown',
  ]);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().decided), false);
  assert.deepEqual(net.google, [], 'no Google request');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
