// The preferences dialog (consent-gate-dialog.js) is downloaded only when it first opens: never
// by a page view where the visitor only decides in the banner, nor by the notice page, whose
// switches are the notice's own. When the file is slow the dialog opens when it arrives, with the
// same keyboard behaviour (focus moves in, Tab stays inside, Escape closes, focus returns to the
// opener). When it cannot load, nothing opens, nothing loads, and the console says so once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, ready, serveForFile, settle } from './harness.mjs';
import { active } from './ui-helpers.mjs';

const DIALOG = /\/consent-gate-dialog\.js$/;
const server = serveForFile();

/** A page with the requests for the dialog's file counted. */
async function open(opts) {
  const o = await openPage(opts);
  o.requests = [];
  o.page.on('request', (r) => DIALOG.test(r.url()) && o.requests.push(r.url()));
  return o;
}

test('a page view that never opens the dialog never downloads its file: deciding in the banner, the next page, the notice page', async () => {
  const { page, context, requests, net, pageErrors } = await open();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await page.reload();
  await ready(page);
  await page.goto(server.url + '/privacy/');
  await ready(page);
  const notice = page.locator('[data-consent-gate="notice"] .cg-notice');
  await notice.getByRole('switch', { name: 'Analytics' }).click();
  await notice.locator('[data-cg="save"]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().categories.analytics === false);
  await settle(page, 300);
  assert.deepEqual(requests, []);
  assert.equal(await page.locator('#cg-prefs').count(), 0);
  assert.ok(net.gtag().length > 0, 'the accepted visitor got gtag.js (the page did work)');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a slow file: the dialog opens when it arrives, from next to the script, and keyboard use is the same', async () => {
  const { page, context, requests, pageErrors } = await open();
  let arrived = false;
  await context.route(DIALOG, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    arrived = true;
    await route.fallback();
  });
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="reject"]');
  const link = page.locator('footer [data-consent-gate="preferences"]');
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  assert.equal(arrived, false, 'still on its way');
  assert.equal(await page.locator('#cg-prefs').count(), 0);
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.deepEqual(requests, [server.url + '/consent-gate/consent-gate-dialog.js']);
  assert.equal((await active(page, '#cg-prefs')).inside, true, 'focus moved into the dialog');
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    assert.equal((await active(page, '#cg-prefs')).inside, true, `Tab ${i + 1} stays inside`);
  }
  const analytics = page.locator('#cg-prefs [data-cg-category="analytics"]');
  assert.equal(await analytics.getAttribute('aria-checked'), 'false', 'shows the refusal');
  await analytics.focus();
  await page.keyboard.press('Space');
  assert.equal(await analytics.getAttribute('aria-checked'), 'true', 'Space toggles');
  await page.keyboard.press('Escape');
  await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.matches('footer [data-consent-gate="preferences"]')), true, 'focus back on the opener');
  assert.equal(page.url(), server.url + '/', 'the link did not navigate');
  // Opened again: at once, from the file already here.
  await page.keyboard.press('Enter');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.equal(requests.length, 1);
  assert.equal(await page.locator('#cg-prefs').count(), 1);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('when the file cannot load, nothing opens and nothing loads, the console says so once, and the banner still decides', async () => {
  const { page, context, net, consoleMessages, pageErrors } = await open();
  await context.route(DIALOG, (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="prefs"]');
  await settle(page, 300);
  await page.evaluate(() => ConsentGate.showPreferences());
  await settle(page, 300);
  assert.equal(await page.locator('#cg-prefs').count(), 0);
  // (The browser adds its own line for the failed request.)
  const errors = consoleMessages.filter((m) => m.type == 'error' && m.text.startsWith('consent-gate'));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].text, /^consent-gate: consent-gate-dialog\.js could not load \(.*consent-gate-dialog\.js.*\), so the preferences dialog is not shown$/);
  assert.deepEqual(net.google, [], 'no Google request');
  await page.click('#cg-banner [data-cg="reject"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided && ConsentGate.getConsent().categories.analytics === false);
  await settle(page, 300);
  assert.deepEqual(net.google, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
