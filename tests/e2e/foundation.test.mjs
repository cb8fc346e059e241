// The foundation's promises, on the demo site served with the script tag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, ready, screenshot, serveForFile, settle } from './harness.mjs';

const server = serveForFile();

test('no Google request before any choice, and the banner is shown', async () => {
  const { page, net, context, pageErrors } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await assert.doesNotReject(page.locator('#cg-banner').waitFor({ state: 'visible' }));
  await settle(page, 500);
  assert.deepEqual(net.google, []);
  assert.deepEqual(net.escaped, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the first consent entry is an Arguments object with consent/default, before any js or config', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => dataLayer.some((e) => e[0] === 'config'));
  const entries = await page.evaluate(() =>
    dataLayer.map((e) => ({ kind: Object.prototype.toString.call(e), first: e[0], second: typeof e[1] == 'string' ? e[1] : null })),
  );
  const firstConsent = entries.findIndex((e) => e.first === 'consent');
  const firstTag = entries.findIndex((e) => e.first === 'js' || e.first === 'config');
  assert.equal(entries[firstConsent].kind, '[object Arguments]');
  assert.equal(entries[firstConsent].second, 'default');
  assert.ok(firstConsent < firstTag, JSON.stringify(entries));
  // gtag commands are Arguments objects (gtag.js ignores arrays); the plain objects are the Tag
  // Manager events consent-gate pushes after each Consent Mode update.
  const plain = await page.evaluate(() => dataLayer.filter((e) => Object.prototype.toString.call(e) !== '[object Arguments]').map((e) => e.event));
  assert.ok(plain.length > 0 && plain.every((e) => e === 'consent_gate_update'), 'every gtag command is an Arguments object: ' + plain);
  await context.close();
});

test('accept all requests gtag.js for the configured id', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await screenshot(page, 'banner-1280');
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await settle(page);
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-DEMO12345']);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  await context.close();
});

test('reject all requests nothing, also after a reload', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="reject"]');
  await settle(page);
  await page.reload();
  await ready(page);
  await settle(page, 500);
  assert.deepEqual(net.google, []);
  assert.equal(await page.locator('#cg-banner').count(), 0, 'the banner stays away after a decision');
  const consent = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(consent.decided, true);
  assert.equal(consent.categories.analytics, false);
  assert.equal(consent.sources.analytics, 'user');
  await context.close();
});

test('a returning visitor who accepted gets the tag at once, without a click', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.reload();
  await ready(page);
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  assert.equal(await page.locator('#cg-banner').count(), 0);
  assert.equal(net.gtag().length, 2, 'once per page load');
  await context.close();
});

test('getConsent() has exactly the documented members, in order, before and after a choice', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  const state = (decided, granted, source) => ({
    decided,
    revision: '2026-11-01',
    categories: { necessary: true, functional: granted, analytics: granted, advertising: granted },
    sources: { necessary: 'default', functional: source, analytics: source, advertising: source },
    allowed: decided ? ['necessary', 'functional', 'analytics', 'advertising'] : ['necessary'],
    signals: { dnt: 'unset', gpc: 'absent' },
    gpcHonoured: false,
    sensitivePage: false,
    region: null,
    language: 'en',
    configOk: true,
  });
  // JSON text: deepEqual alone would not see the members' order or a missing null.
  const now = () => page.evaluate(() => JSON.stringify(ConsentGate.getConsent()));
  assert.equal(await now(), JSON.stringify(state(false, false, 'default')));
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  assert.equal(await now(), JSON.stringify(state(true, true, 'user')));
  assert.deepEqual(pageErrors, []);
  await context.close();
});
