// Integrity, round 5: what a fifth adversarial round broke.
//  1. A `change` handler that routes into a sensitive page during start: the `ready` event and
//     init() tell the state in force (a sensitive page), not the one before the route.
//  2. An unclosed injected `<div data-consent-gate="notice">` (no nonce configured) swallows the
//     page after it: the notice is not drawn there, so the page is not wiped.
//  3. Something already holding the one-copy marker: the script tag still sends the Consent Mode
//     defaults before stepping aside, so a tag loaded after it starts denied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile } from './harness.mjs';

const html = (head, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>r5</title>${head}</head><body><main>${body}</main></body></html>`;
const NOTICE = { sections: [{ heading: 'Cookies', blocks: [{ controls: true }] }] };

const pages = {
  '/r5/ready.html': html(
    `<script src="/consent-gate/consent-gate.js" data-manual></script>
<script>
window.seenReady = [];
ConsentGate.on('change', () => {
  if (!window.routed) (window.routed = 1), history.pushState({}, '', '/patient-portal/results');
});
ConsentGate.on('ready', (s) => seenReady.push(s.sensitivePage));
document.addEventListener('consent-gate:ready', (e) => seenReady.push(e.detail.sensitivePage));
ConsentGate.init({ revision: '1', googleAnalytics: 'G-R5READY01', sensitivePaths: ['/patient-portal/*'] }).then(
  (s) => (window.initSensitive = s.sensitivePage),
);
</script>`,
    '<h1>Home</h1>',
  ),
  '/r5/notice-div.html': html(
    `${inlineConfig({ revision: '1', googleAnalytics: 'G-R5NOTE001', notice: NOTICE })}<script src="/consent-gate/consent-gate.js"></script>`,
    `<div data-consent-gate="notice" id="site"></div>
<p>You searched for: <div data-consent-gate="notice" id="injected"></p>
<h2 id="heading">Welcome to the clinic</h2>
<p><a id="link" href="/">Home</a></p>`,
  ),
  '/r5/preclaimed.html': html(
    `<script>window[Symbol.for('consent-gate')] = 1;</script>
${inlineConfig({ revision: '1', googleAnalytics: 'G-R5PRE0001' })}<script src="/consent-gate/consent-gate.js"></script>`,
    '<h1>Home</h1>',
  ),
};

const server = servePagesForFile(pages);

test('a change handler routing into a sensitive page during start: ready and init() tell the sensitive page', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/r5/ready.html');
  await page.waitForFunction(() => window.initSensitive !== undefined && window.seenReady.length === 2);
  assert.equal(await page.evaluate(() => location.pathname), '/patient-portal/results');
  assert.deepEqual(await page.evaluate(() => window.seenReady), [true, true], 'on() and the DOM event');
  assert.equal(await page.evaluate(() => window.initSensitive), true, 'what init() resolves to');
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().sensitivePage), true);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('an unclosed injected notice container does not wipe the page after it', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/r5/notice-div.html');
  await ready(page);
  await page.locator('#site .cg-notice').waitFor();
  assert.equal(await page.locator('#heading').count(), 1, "the site's heading is still there");
  assert.equal(await page.locator('#link').count(), 1, 'and its link');
  assert.equal(await page.locator('#injected .cg-notice').count(), 0, 'nothing is drawn into the injected container');
  assert.equal(await page.locator('.cg-notice').count(), 1);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('with the one-copy marker already taken, the script tag still denies every Consent Mode type first', async () => {
  const { page, context, net } = await openPage();
  const warnings = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto(server.url + '/r5/preclaimed.html');
  await page.waitForLoadState('load');
  const defaults = await page.evaluate(() =>
    (window.dataLayer || []).filter((e) => e[0] === 'consent' && e[1] === 'default').map((e) => [e[2].analytics_storage, e[2].ad_storage]),
  );
  assert.deepEqual(defaults, [['denied', 'denied']]);
  assert.equal(warnings.filter((w) => w.includes('another copy runs on this page')).length, 1);
  assert.deepEqual(net.google, []);
  await context.close();
});
