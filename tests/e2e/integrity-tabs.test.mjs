// Integrity: the decision stays true everywhere it matters.
//  1. Another tab's decision (and withdrawal) reaches an open tab; a page restored from the
//     back/forward cache after a withdrawal comes back denied.
//  2. A decision that denies a category erases that category's cookies wherever it is made
//     (a sensitive page, after a revision change, after expiry), on the host and every parent
//     domain, on `/` and on parent folders of the page's path, every `_gcl_*` included.
//  9. A broken configuration never overwrites the stored decision; when the configuration
//     comes back, the earlier decision is in force.
// Run alone: node --test --test-force-exit tests/e2e/integrity-tabs.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS, EXECUTABLE, YEAR, closeBrowser, configFaultHook, demoServer, openPage, ready, root, settle, shiftClock, cookiesWhen } from './harness.mjs';

// What the server answers for /consent.json: null for the demo's own file.
let configFault = null;
let server;
// A server whose pages may enter the back/forward cache (no `no-store`), and a browser that has it.
let cacheServer;
let bfBrowser;
// A browser that resolves *.example.test to 127.0.0.1, for parent-domain cookies.
let domainBrowser;

before(async () => {
  server = await demoServer({ hook: configFaultHook(() => configFault) });
  cacheServer = await demoServer({ headers: { 'Cache-Control': 'max-age=0' } });
});
after(async () => {
  await server.close();
  await cacheServer.close();
  if (bfBrowser) await bfBrowser.close();
  if (domainBrowser) await domainBrowser.close();
  await closeBrowser();
});

const FIXTURE = '/fixtures/integrity/tabs-page.html';
const GTAG = 'https://www.googletagmanager.com/gtag/js?id=G-DEMO12345';
const demoConfig = () => JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));

/** Init script: records `change` events and every `pageshow` (with `persisted`). */
function recorder() {
  window.__changes = [];
  window.__pageshows = [];
  document.addEventListener('consent-gate:change', (e) => window.__changes.push({ analytics: e.detail.categories.analytics, advertising: e.detail.categories.advertising }));
  window.addEventListener('pageshow', (e) => window.__pageshows.push(e.persisted));
}

const consentUpdates = (page) => page.evaluate(() => dataLayer.filter((e) => e && e[0] === 'consent' && e[1] === 'update').map((e) => e[2]));
const lastUpdate = async (page) => (await consentUpdates(page)).pop();

/** What a visitor's tab shows and does now, in one object (for waiting and for failure messages). */
const tabState = (page) =>
  page.evaluate(() => {
    const c = window.ConsentGate && ConsentGate.getConsent();
    const u = (window.dataLayer || []).filter((e) => e && e[0] === 'consent' && e[1] === 'update').pop();
    const sw = (id) => [...document.querySelectorAll(`[data-consent-gate="notice"] [data-cg-category="${id}"]`)].map((s) => s.getAttribute('aria-checked'));
    const b = document.getElementById('cg-banner');
    return {
      decided: c && c.decided,
      analytics: c && c.categories.analytics,
      advertising: c && c.categories.advertising,
      update: u ? { analytics_storage: u[2].analytics_storage, ad_storage: u[2].ad_storage } : null,
      gaDisabled: window['ga-disable-G-DEMO12345'],
      banner: !!b && b.isConnected && !b.hidden && getComputedStyle(b).display !== 'none',
      switches: { analytics: sw('analytics'), advertising: sw('advertising') },
      gated: window.__gated || [],
      frame: !!document.querySelector('iframe[src$="/fixtures/frame.html"]'),
      gtagScript: !!document.querySelector('script[src*="gtag/js"]'),
      changes: window.__changes || [],
    };
  });

/** Waits until `pred(state)` holds; fails with `message` and the tab's state when it never does. */
async function eventually(page, pred, message, timeout = 5000) {
  const end = Date.now() + timeout;
  let state;
  for (;;) {
    state = await tabState(page);
    if (pred(state)) return state;
    if (Date.now() > end) assert.fail(`${message}\n  the tab shows: ${JSON.stringify(state)}`);
    await page.waitForTimeout(100);
  }
}

// ---- 1. other tabs and restored pages ----

test('a decision made in another tab reaches an open tab: its banner hides, Google tags, gated scripts, embeds and switches follow, change fires', async () => {
  const { page: a, context, net, pageErrors } = await openPage({ initScript: recorder });
  const b = await context.newPage();
  b.on('pageerror', (e) => pageErrors.push(String(e)));
  await a.goto(server.url + FIXTURE);
  await b.goto(server.url + FIXTURE);
  await ready(a);
  await ready(b);
  await b.locator('#cg-banner').waitFor({ state: 'visible' });
  await settle(b);
  assert.deepEqual(net.google, [], 'nothing loads before a decision');
  // The visitor decides in tab A.
  await a.click('#cg-banner [data-cg="accept"]');
  await a.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  // Tab B, left open, follows without a reload.
  const s = await eventually(
    b,
    (s) => s.decided === true && !s.banner && s.analytics === true && s.update && s.update.analytics_storage === 'granted' && s.gtagScript,
    'the open tab never took up the decision made in the other tab (banner still shown, nothing granted)',
  );
  assert.equal(s.update.ad_storage, 'granted');
  assert.equal(s.gaDisabled, false);
  await b.waitForFunction(() => (window.__gated || []).includes('analytics') && document.querySelector('iframe[src$="/fixtures/frame.html"]'));
  assert.deepEqual((await tabState(b)).switches, { analytics: ['true'], advertising: ['true'] }, 'the notice switches follow');
  assert.ok(s.changes.some((c) => c.analytics === true && c.advertising === true), 'a change event fired in the open tab: ' + JSON.stringify(s.changes));
  assert.equal(b.url(), server.url + FIXTURE, 'no reload or navigation');
  assert.deepEqual(net.gtag(), [GTAG, GTAG], 'one gtag.js per tab');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("another tab's withdrawal reaches an open tab: Consent Mode update denied, ga-disable set, switches off, change fires, later gated scripts stay inert", async () => {
  const { page: a, context, net, pageErrors } = await openPage({ initScript: recorder });
  await a.goto(server.url + FIXTURE);
  await ready(a);
  await a.click('#cg-banner [data-cg="accept"]');
  await a.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  // Tab B opens with everything granted.
  const b = await context.newPage();
  b.on('pageerror', (e) => pageErrors.push(String(e)));
  await b.goto(server.url + FIXTURE);
  await ready(b);
  await b.waitForFunction(() => document.querySelector('script[src*="gtag/js"]') && (window.__gated || []).includes('analytics'));
  assert.equal((await tabState(b)).gaDisabled, false);
  const gtagsBefore = net.gtag().length;
  const changesBefore = (await tabState(b)).changes.length;
  // The visitor withdraws in tab A, through the preferences dialog.
  await a.click('footer [data-consent-gate="preferences"]');
  await a.click('#cg-prefs [data-cg="reject"]');
  assert.equal((await tabState(a)).analytics, false);
  // Tab B, left open, follows.
  const s = await eventually(
    b,
    (s) => s.analytics === false && s.update && s.update.analytics_storage === 'denied',
    'the open tab kept analytics granted after the visitor withdrew in the other tab',
  );
  assert.equal(s.update.ad_storage, 'denied');
  assert.equal(s.advertising, false);
  assert.equal(s.decided, true);
  assert.equal(s.gaDisabled, true, "window['ga-disable-G-DEMO12345'] is set in the open tab");
  assert.deepEqual(s.switches, { analytics: ['false'], advertising: ['false'] }, 'the notice switches follow');
  assert.ok(s.changes.slice(changesBefore).some((c) => c.analytics === false && c.advertising === false), 'a change event fired in the open tab: ' + JSON.stringify(s.changes));
  assert.equal(s.banner, false);
  // A gated analytics script the page adds now does not run.
  await b.evaluate(() => {
    const el = document.createElement('script');
    el.type = 'text/plain';
    el.setAttribute('data-consent-category', 'analytics');
    el.textContent = "(window.__gated = window.__gated || []).push('late')";
    document.body.appendChild(el);
  });
  await settle(b);
  assert.deepEqual((await tabState(b)).gated, ['analytics'], 'a gated script added after the withdrawal stays inert');
  assert.equal(net.gtag().length, gtagsBefore, 'no Google tag is injected again');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a page restored from the back/forward cache after a withdrawal on another page comes back denied', async () => {
  bfBrowser ||= await chromium.launch({ executablePath: EXECUTABLE, args: ARGS, ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  // Chromium may evict a page from the cache for reasons of its own (a busy machine); the scenario
  // then runs again in a fresh context, up to three times, and must end in a real restore.
  let page, context, net, pageErrors, changesBefore, gtagBeforeBack, restored;
  for (let attempt = 1; attempt <= 3; attempt++) {
    ({ page, context, net, pageErrors } = await openPage({ browserInstance: bfBrowser, initScript: recorder }));
    await page.goto(cacheServer.url + FIXTURE);
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
    await page.evaluate(() => (window.__sameDocument = true));
    changesBefore = (await tabState(page)).changes.length;
    // The visitor goes on to the privacy notice and withdraws there.
    await page.click('#next');
    await page.waitForURL((u) => u.pathname === '/privacy/');
    await ready(page);
    await page.click('footer [data-consent-gate="preferences"]');
    await page.click('#cg-prefs [data-cg="reject"]');
    assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false);
    // Back: the first page comes out of the back/forward cache.
    gtagBeforeBack = net.gtag().length;
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForURL((u) => u.pathname === FIXTURE, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__pageshows && window.__pageshows.length > 0);
    restored = await page.evaluate(() => ({ same: window.__sameDocument === true, pageshows: window.__pageshows }));
    if (restored.same && restored.pageshows.includes(true)) break;
    await context.close();
  }
  assert.ok(restored.same && restored.pageshows.includes(true), 'the page really came from the back/forward cache: ' + JSON.stringify(restored));
  const s = await eventually(
    page,
    (s) => s.analytics === false && s.update && s.update.analytics_storage === 'denied' && s.gaDisabled === true,
    'the page restored from the back/forward cache still runs with analytics granted after the withdrawal',
  );
  assert.equal(s.update.ad_storage, 'denied');
  assert.equal(s.advertising, false);
  assert.deepEqual(s.switches, { analytics: ['false'], advertising: ['false'] });
  assert.ok(s.changes.slice(changesBefore).some((c) => c.analytics === false), 'a change event fired on the restored page: ' + JSON.stringify(s.changes));
  assert.equal(s.banner, false);
  // The privacy page loaded it too, before the withdrawal; the restored page asks for it no more.
  assert.equal(net.gtag().length, gtagBeforeBack, 'the restored page requests no Google tag');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

// ---- 2. withdrawal erases the denied categories' cookies ----

const ANALYTICS = ['_ga', '_ga_DEMO12345', '_gid', '_gat_gtag_G_DEMO12345'];
const ADS = ['_gcl_au', '_gcl_aw', '_gcl_dc', '_gcl_gs', '_gcl_gf', '_gcl_ha', '_gac_UA1', '_gac_gb_AW123456789'];

async function exampleTestBrowser() {
  domainBrowser ||= await chromium.launch({ executablePath: EXECUTABLE, args: [...ARGS, '--host-resolver-rules=MAP *.example.test 127.0.0.1'] });
  return domainBrowser;
}
const origin = () => `http://www.example.test:${server.port}`;

/** Cookies in the jar, as `name domain path` (host-only cookies without a leading dot). */
const jarOf = (cookies) =>
  cookies
    .filter((c) => c.name !== 'consent_gate')
    .map((c) => `${c.name} ${c.domain} ${c.path}`)
    .sort();
const jar = async (context) => jarOf(await context.cookies());

/**
 * What gtag.js and Google Ads would have written for this visitor: each name on the host
 * (host-only), on `.www.example.test` and on `.example.test`, at `paths`; plus a cookie of the
 * site's own that no category covers.
 */
function trackingCookies(names, paths = ['/']) {
  const out = [];
  for (const name of names) {
    for (const path of paths) {
      out.push({ name, value: 'x', domain: 'www.example.test', path });
      out.push({ name, value: 'x', domain: '.www.example.test', path });
      out.push({ name, value: 'x', domain: '.example.test', path });
    }
  }
  out.push({ name: 'site_pref', value: 'kept', domain: '.example.test', path: '/' });
  return out;
}

/** A visitor who accepted everything on the home page, then had Google's cookies written. */
async function acceptedVisitor(cookies) {
  const { page, context, net, pageErrors } = await openPage({ browserInstance: await exampleTestBrowser() });
  await page.goto(origin() + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  await context.addCookies(cookies);
  return { page, context, net, pageErrors };
}

async function rejectInPreferences(page) {
  await page.click('[data-consent-gate="preferences"]');
  await page.click('#cg-prefs [data-cg="reject"]');
}

/** Waits for the jar to settle on only the site's own cookie (see cookiesWhen), then checks it. */
async function assertOnlySitePrefLeft(context, what) {
  const expected = JSON.stringify(['site_pref .example.test /']);
  const left = jarOf(await cookiesWhen(context, (cookies) => JSON.stringify(jarOf(cookies)) === expected));
  assert.deepEqual(left, ['site_pref .example.test /'], `${what}: analytics and advertising cookies left behind:\n  ${left.join('\n  ')}`);
}

test('withdrawal erases every Google Ads cookie (_gcl_au, _gcl_aw, _gcl_gs, _gcl_gf, _gcl_ha, _gac_*) and every GA cookie, on the host and each parent domain', async () => {
  const { page, context, pageErrors } = await acceptedVisitor(trackingCookies([...ANALYTICS, ...ADS]));
  assert.equal((await jar(context)).length, 3 * (ANALYTICS.length + ADS.length) + 1, 'every cookie variant was stored');
  await rejectInPreferences(page);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.advertising), false);
  await assertOnlySitePrefLeft(context, 'after "Reject all" in the preferences dialog');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('withdrawal erases cookies set on a parent folder of the page path, not only on /', async () => {
  const { page, context, pageErrors } = await openPage({ browserInstance: await exampleTestBrowser() });
  await page.goto(origin() + FIXTURE);
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  // gtag.js with cookie_path, or an earlier page in these folders, wrote them there.
  const names = ['_ga', '_ga_DEMO12345', '_gid', '_gcl_au', '_gcl_aw', '_gac_UA1'];
  await context.addCookies(trackingCookies(names, ['/fixtures', '/fixtures/', '/fixtures/integrity', '/fixtures/integrity/']));
  const seen = await page.evaluate(() => document.cookie.split('; ').filter((c) => c.startsWith('_ga=')).length);
  assert.equal(seen, 12, 'the page sees every folder copy of _ga');
  await rejectInPreferences(page);
  await assertOnlySitePrefLeft(context, 'after "Reject all" on ' + FIXTURE);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

const BASIC = ['_ga', '_ga_DEMO12345', '_gid', '_gcl_au', '_gcl_aw', '_gac_UA1'];

test('a reject on /patient-portal/ erases the analytics and advertising cookies granted earlier on the site', async () => {
  const { page, context, net, pageErrors } = await acceptedVisitor(trackingCookies(BASIC));
  const gtags = net.gtag().length;
  // The visitor signs in to the portal and withdraws there.
  await page.goto(origin() + '/patient-portal/');
  await ready(page);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().sensitivePage), true);
  await rejectInPreferences(page);
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.deepEqual([c.decided, c.categories.analytics, c.categories.advertising], [true, false, false]);
  await assertOnlySitePrefLeft(context, 'after "Reject all" on /patient-portal/');
  assert.equal(net.gtag().length, gtags, 'nothing loaded on the portal');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('after a policy revision change, rejecting in the banner erases the cookies the earlier grant let Google set', async () => {
  const { page, context, pageErrors } = await acceptedVisitor(trackingCookies(BASIC));
  configFault = { body: JSON.stringify({ ...demoConfig(), revision: '2027-01-15' }) };
  try {
    await page.reload();
    await ready(page);
    await page.locator('#cg-banner').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => ConsentGate.getConsent().decided), false, 'the new revision asks again');
    await page.click('#cg-banner [data-cg="reject"]');
    assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord().revision), '2027-01-15');
    await assertOnlySitePrefLeft(context, 'after "Reject all" under the new revision');
  } finally {
    configFault = null;
  }
  assert.deepEqual(pageErrors, []);
  await context.close();
});


test('after the decision expired, rejecting in the banner erases the cookies the earlier grant let Google set', async () => {
  const { page, context, pageErrors } = await acceptedVisitor(trackingCookies(BASIC));
  // Two years later (a grant lasts 365 days) the visitor comes back.
  await context.addInitScript(shiftClock, 2 * YEAR);
  await page.reload();
  await ready(page);
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().decided), false, 'the expired decision asks again');
  await page.click('#cg-banner [data-cg="reject"]');
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false);
  await assertOnlySitePrefLeft(context, 'after "Reject all" once the decision had expired');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

// ---- 9. a broken configuration never overwrites the stored decision ----

const stored = async (page, context) => ({
  local: await page.evaluate(() => localStorage.getItem('consent-gate')),
  cookie: ((await context.cookies()).find((c) => c.name === 'consent_gate') || {}).value,
});

/** The stored decision once the cookie mirror (written a moment after localStorage) has caught up. */
async function storedSettled(page, context) {
  let s = await stored(page, context);
  for (let i = 0; i < 30 && s.cookie !== s.local; i++) {
    await new Promise((r) => setTimeout(r, 100));
    s = await stored(page, context);
  }
  return s;
}

for (const { name, fault, first, fallback } of [
  { name: 'fails to load (HTTP 500)', fault: { status: 500, body: 'oops' }, first: 'accept', fallback: 'reject' },
  { name: 'fails to validate (categories: 5)', fault: { body: '{"categories": 5}' }, first: 'reject', fallback: 'accept' },
]) {
  test(`the configuration ${name}: a click on the fallback banner keeps the stored ${first} byte for byte, and it is in force when the configuration is back`, async () => {
    const { page, context, net, pageErrors } = await openPage();
    await page.goto(server.url + '/');
    await ready(page);
    await page.click(`#cg-banner [data-cg="${first}"]`);
    if (first === 'accept') await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
    const before = await storedSettled(page, context);
    assert.match(before.local || '', /^cg1\|/);
    assert.equal(before.cookie, before.local);
    const gtags = net.gtag().length;
    configFault = fault;
    try {
      await page.reload();
      await ready(page);
      assert.equal(await page.evaluate(() => ConsentGate.getConsent().configOk), false);
      await page.locator('#cg-banner').waitFor({ state: 'visible' });
      await page.click(`#cg-banner [data-cg="${fallback}"]`);
      await settle(page);
      assert.equal(net.gtag().length, gtags, 'fail closed: nothing loads');
      assert.deepEqual(await stored(page, context), before, `the click on the fallback banner ("${fallback}") overwrote the stored decision`);
    } finally {
      configFault = null;
    }
    // The configuration is back: the earlier decision is in force.
    await page.reload();
    await ready(page);
    await settle(page);
    const c = await page.evaluate(() => ConsentGate.getConsent());
    assert.equal(c.configOk, true);
    assert.equal(await page.locator('#cg-banner').count(), 0, 'no banner: the earlier decision stands');
    assert.equal(c.decided, true);
    const granted = first === 'accept';
    assert.deepEqual([c.categories.analytics, c.categories.advertising], [granted, granted]);
    assert.equal((await lastUpdate(page)).analytics_storage, granted ? 'granted' : 'denied');
    if (granted) await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
    assert.equal(net.gtag().length, granted ? gtags + 1 : 0);
    assert.deepEqual(await stored(page, context), before, 'the record is still the earlier one');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
}
