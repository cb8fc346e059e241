// The notice renderer (consent-gate-notice.js) is downloaded only by pages that have a notice
// container: not by an ordinary page, by the privacy page at start, by a single-page app when it
// mounts one. When it cannot load, the page keeps working without the notice, the console says
// so once, and no tag loads that would not load anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, ready, serveForFile, settle } from './harness.mjs';
import { servePage, testPage } from './ui-helpers.mjs';

const RENDERER = /\/consent-gate-notice\.js$/;
const server = serveForFile();

/** A page with the requests for the notice renderer it makes counted. */
async function open(opts) {
  const o = await openPage(opts);
  o.renderer = [];
  o.page.on('request', (r) => RENDERER.test(r.url()) && o.renderer.push(r.url()));
  return o;
}

test('an ordinary page never downloads the notice renderer, also not when the visitor decides and opens the dialog', async () => {
  const { page, context, renderer, pageErrors } = await open();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="prefs"]');
  await page.locator('#cg-prefs [data-cg-category="analytics"]').click();
  await page.locator('#cg-prefs [data-cg="save"]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await settle(page, 300);
  assert.deepEqual(renderer, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the privacy page downloads it once, from next to the script, and the notice is there when consent-gate is ready', async () => {
  const { page, context, renderer, pageErrors } = await open();
  await page.goto(server.url + '/privacy/');
  await ready(page);
  assert.equal(await page.locator('[data-consent-gate="notice"] .cg-notice').count(), 1);
  assert.deepEqual(renderer, [server.url + '/consent-gate/consent-gate-notice.js']);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a single-page app downloads it when it mounts a container, not before', async () => {
  const { page, context, renderer } = await open();
  await servePage(context, server.url + '/t/spa.html', testPage('en', ' data-notice'));
  await page.goto(server.url + '/t/spa.html');
  await ready(page);
  await settle(page, 300);
  assert.deepEqual(renderer, []);
  await page.evaluate(() => {
    const c = document.createElement('div');
    c.setAttribute('data-consent-gate', 'notice');
    c.id = 'late';
    document.querySelector('main').append(c);
  });
  await page.locator('#late .cg-notice [data-cg-category="analytics"]').waitFor({ timeout: 3000 });
  assert.equal(renderer.length, 1);
  await context.close();
});

test('when the renderer cannot load, the page works without the notice, says so once, and loads no tag before a decision', async () => {
  const { page, context, net, consoleMessages, pageErrors } = await open();
  await context.route(RENDERER, (route) => route.abort());
  await page.goto(server.url + '/privacy/');
  await ready(page);
  // A container mounted later tries nothing more and says nothing more.
  await page.evaluate(() => document.querySelector('main').append(Object.assign(document.createElement('div'), { id: 'late' })));
  await page.evaluate(() => document.getElementById('late').setAttribute('data-consent-gate', 'notice'));
  await settle(page, 500);
  assert.equal(await page.locator('.cg-notice').count(), 0);
  // (The browser adds its own line for the failed request.)
  const errors = consoleMessages.filter((m) => m.type == 'error' && m.text.startsWith('consent-gate'));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].text, /^consent-gate: consent-gate-notice\.js could not load \(.*consent-gate-notice\.js.*\), so the privacy notice is not shown$/);
  assert.deepEqual(net.google, [], 'no Google request before a decision');
  // The banner and the dialog still work, and a refusal still loads nothing.
  await page.click('#cg-banner [data-cg="prefs"]');
  await page.locator('#cg-prefs [data-cg="reject"]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided && ConsentGate.getConsent().categories.analytics === false);
  await settle(page, 300);
  assert.deepEqual(net.google, []);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
