// Integrity of records, paths and the consent log:
// - a sibling subdomain cannot grant consent through a Domain= cookie, and a record dated days
//   in the future is refused;
// - every way a single-page app changes its path is checked against the sensitive paths
//   (Navigation API, opt-in hash routes, `/book` = `/book/`), Ads is stopped as firmly as GA,
//   and a navigation that keeps the path changes nothing;
// - consent events on a sensitive page carry no path, stale queued events are dropped unsent,
//   and without an endpoint the queue is deleted;
// - a change listener calling the API, setConsent({}), a misspelt top-level field, and a
//   javascript: privacyUrl when the wasm fails.
// Fixtures: tests/e2e/fixtures/integrity/paths-*.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS, EXECUTABLE, closeBrowser, demoServer, openPage, ready, root, settle, cookiesWhen } from './harness.mjs';
import { realReceiver } from './real-receiver.mjs';

const DEMO = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const GA = 'G-DEMO12345';
const ADS = 'AW-123456789';
const DAY = 86400000;
const SPA = '/fixtures/integrity/paths-spa.html';

let server;
let domainBrowser;
const contexts = [];
const receivers = [];
before(async () => {
  server = await demoServer();
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  for (const r of receivers) await r.stop().catch(() => {});
  if (domainBrowser) await domainBrowser.close();
  await server.close();
  await closeBrowser();
});

// ---- helpers ----

/** openPage, with the context closed in after() too; the page records every change event. */
async function open(opts = {}) {
  const s = await openPage({
    ...opts,
    initScript: () => {
      window.__changes = [];
      document.addEventListener('consent-gate:change', (e) => window.__changes.push(e.detail));
    },
  });
  contexts.push(s.context);
  return s;
}

/** Serves `config` as /consent.json to every page of `context`. */
async function serveConfig(context, config) {
  const body = JSON.stringify(config);
  await context.route('**/consent.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
}

/** The real consent-log receiver (consent-gate-receiver) on a fresh database. */
async function newReceiver() {
  const r = await realReceiver();
  receivers.push(r);
  return r;
}

/** Waits until the receiver holds at least `n` events (or 10 s), then a moment more for stragglers. */
async function events(rec, n) {
  const end = Date.now() + 10000;
  while ((await rec.events()).length < n && Date.now() < end) await new Promise((ok) => setTimeout(ok, 50));
  await new Promise((ok) => setTimeout(ok, 500));
  return rec.events();
}

/** The value `fn` returns once it is truthy, or its last value after `timeout` ms. */
async function eventually(page, fn, arg, timeout = 3000) {
  try {
    const h = await page.waitForFunction(fn, arg, { timeout, polling: 50 });
    return await h.jsonValue();
  } catch (e) {
    if (!/Timeout/.test(String(e))) throw e;
    return page.evaluate(fn, arg);
  }
}

/** The parameters of every gtag('consent', 'update', …) on dataLayer. */
const updates = (page) => page.evaluate(() => dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'update').map((e) => e[2]));
const lastUpdate = async (page) => (await updates(page)).pop();
const killSwitches = (page) => page.evaluate(([ga, ads]) => ({ ga: window['ga-disable-' + ga], ads: window['ga-disable-' + ads] }), [GA, ADS]);
const sensitive = (page) => page.evaluate(() => ConsentGate.getConsent().sensitivePage);

async function acceptAllOnBanner(page) {
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction((ads) => dataLayer.some((e) => e[0] === 'config' && e[1] === ads), ADS);
}

/** Asserts that analytics and advertising are off by every means Google's tags honour. */
async function assertTagsStopped(page, where) {
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(c.sensitivePage, true, `${where}: getConsent().sensitivePage`);
  assert.ok(!c.allowed.includes('analytics') && !c.allowed.includes('advertising'), `${where}: allowed ${c.allowed}`);
  const u = await lastUpdate(page);
  for (const t of ['analytics_storage', 'ad_storage', 'ad_user_data', 'ad_personalization']) assert.equal(u[t], 'denied', `${where}: ${t}`);
  assert.deepEqual(await killSwitches(page), { ga: true, ads: true }, `${where}: ga-disable-${GA} and ga-disable-${ADS}`);
}

const consentErrors = (messages) => messages.filter((m) => m.type === 'error' && m.text.startsWith('consent-gate'));

// ---- 6. records: sibling subdomains and future dates ----

/** Chromium resolving *.example.test to this machine. */
async function exampleTest() {
  domainBrowser ||= await chromium.launch({ executablePath: EXECUTABLE, args: [...ARGS, '--host-resolver-rules=MAP *.example.test 127.0.0.1'] });
  return domainBrowser;
}

/** A valid consent record granting everything, as a real "Accept all" on `origin` writes it. */
async function grantingRecord(origin) {
  const { page, context } = await openPage({ browserInstance: await exampleTest() });
  try {
    await page.goto(origin + '/');
    await ready(page);
    await acceptAllOnBanner(page);
    const value = await page.evaluate(() => localStorage.getItem('consent-gate'));
    assert.match(value, /analytics:1u/, 'a record granting analytics');
    const mirror = (cookies) => (cookies.find((c) => c.name === 'consent_gate') || {}).value;
    assert.equal(mirror(await cookiesWhen(context, (cookies) => mirror(cookies) === value)), value, 'the cookie mirrors it');
    return value;
  } finally {
    await context.close();
  }
}

test('a Domain=example.test consent cookie set by a sibling subdomain grants nothing on www; after Reject all no cookie grants anything', async () => {
  const b = await exampleTest();
  const origin = `http://www.example.test:${server.port}`;
  const planted = await grantingRecord(origin);
  const { page, net, context } = await open({ browserInstance: b });
  // What evil.example.test can do: a cookie for the whole registrable domain.
  await context.addCookies([{ name: 'consent_gate', value: planted, domain: '.example.test', path: '/' }]);
  await page.goto(origin + '/');
  await ready(page);
  await settle(page, 500);
  let state = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(state.decided, false, 'the sibling cookie is not read as the visitor\'s decision');
  assert.deepEqual(state.allowed, ['necessary']);
  assert.equal(await page.locator('#cg-banner').isVisible(), true, 'the banner asks the visitor');
  assert.deepEqual(net.gtag(), [], 'no gtag.js on the strength of a sibling cookie');

  await page.click('#cg-banner [data-cg="reject"]');
  // The sibling writes a fresh granting record afterwards (newer than the visitor's refusal).
  const fresh = await grantingRecord(origin);
  await context.addCookies([{ name: 'consent_gate', value: fresh, domain: '.example.test', path: '/' }]);
  await page.reload();
  await ready(page);
  await settle(page, 500);
  state = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(state.decided, true, 'the visitor\'s refusal stands');
  assert.equal(state.categories.analytics, false, 'a cookie cannot overturn the refusal');
  assert.equal(state.categories.advertising, false);
  assert.deepEqual(net.gtag(), [], 'still no gtag.js');
  // Nor when the visitor's own record is gone (site data of www cleared, the sibling cookie stays).
  await page.evaluate(() => localStorage.removeItem('consent-gate'));
  await context.clearCookies({ domain: 'www.example.test' });
  await page.reload();
  await ready(page);
  await settle(page, 500);
  state = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(state.decided, false, 'only a cookie of the sibling is left: no decision');
  assert.deepEqual(net.gtag(), []);
  await context.close();
});

test('a record dated two days in the future is refused: the banner asks again and nothing loads', async () => {
  // The visitor decides while their clock is two days fast...
  const fast = await open();
  await fast.page.clock.install({ time: Date.now() + 2 * DAY });
  await fast.page.goto(server.url + '/');
  await ready(fast.page);
  assert.ok((await fast.page.evaluate(() => Date.now())) - Date.now() > DAY, 'the page clock is two days ahead');
  await acceptAllOnBanner(fast.page);
  const stored = await fast.page.evaluate(() => localStorage.getItem('consent-gate'));
  assert.match(stored, /analytics:1u/);
  const storageState = await fast.context.storageState();
  await fast.context.close();
  const kept = storageState.origins.find((o) => o.origin === server.url).localStorage.find((i) => i.name === 'consent-gate');
  assert.equal(kept.value, stored, 'the future-dated record goes with the storage');

  // ...then comes back with the correct clock and the same storage.
  const { page, net, context } = await open({ contextOptions: { storageState } });
  try {
    await page.goto(server.url + '/');
    await ready(page);
    assert.ok(Math.abs((await page.evaluate(() => Date.now())) - Date.now()) < 60000, 'the real clock');
    await settle(page, 500);
    const state = await page.evaluate(() => ConsentGate.getConsent());
    assert.equal(state.decided, false, 'a record dated two days ahead is not trusted');
    assert.deepEqual(state.allowed, ['necessary']);
    assert.equal(await page.locator('#cg-banner').isVisible(), true, 'the banner asks again');
    assert.deepEqual(net.google, [], 'nothing loads');
  } finally {
    await context.close();
  }
});

// ---- 7. single-page apps and sensitive paths ----

test('a Navigation API navigation (navigate event + intercept) into /patient-portal/ stops analytics and Ads at once', async () => {
  const { page, net } = await open();
  await page.goto(server.url + SPA);
  await ready(page);
  await acceptAllOnBanner(page);
  assert.equal((await killSwitches(page)).ga, false);
  const loadedAt = await page.evaluate(() => window.__loadedAt);
  await page.evaluate(() => navigation.navigate('/patient-portal/messages', { info: 'spa' }).finished);
  assert.equal(await page.evaluate(() => location.pathname), '/patient-portal/messages');
  assert.equal(await page.evaluate(() => window.__loadedAt), loadedAt, 'a same-document navigation, no page load');
  assert.equal(await page.locator('#view').textContent(), '/patient-portal/messages');
  await eventually(page, () => ConsentGate.getConsent().sensitivePage);
  await assertTagsStopped(page, 'after navigation.navigate');
  await page.evaluate((spa) => navigation.navigate(spa, { info: 'spa' }).finished, SPA);
  assert.equal(await eventually(page, () => ConsentGate.getConsent().sensitivePage === false), true, 'leaving the portal resumes');
  assert.equal((await lastUpdate(page)).analytics_storage, 'granted');
  assert.equal(net.gtag().length, 1, 'gtag.js is injected once');
});

test('hash routes: with "matchHashRoutes": true, #/patient-portal/… and #!/appointments/… are sensitive; without it they are ignored', async () => {
  const withOption = await open();
  await serveConfig(withOption.context, { ...DEMO, matchHashRoutes: true });
  let { page, net, consoleMessages } = withOption;
  await page.goto(server.url + '/');
  await ready(page);
  await acceptAllOnBanner(page);
  await page.evaluate(() => (location.hash = '#/patient-portal/inbox'));
  await eventually(page, () => ConsentGate.getConsent().sensitivePage);
  await assertTagsStopped(page, '#/patient-portal/inbox');
  await page.evaluate(() => (location.hash = '#/about'));
  assert.equal(await eventually(page, () => ConsentGate.getConsent().sensitivePage === false), true, '#/about is not sensitive');
  assert.equal((await lastUpdate(page)).analytics_storage, 'granted');
  await page.evaluate(() => (location.hash = '#!/appointments/new'));
  await eventually(page, () => ConsentGate.getConsent().sensitivePage);
  await assertTagsStopped(page, '#!/appointments/new');
  // Landing on a hash route of the portal: nothing loads at all.
  await page.goto(server.url + '/fixtures/integrity/paths-blank.html');
  const before = net.google.length;
  await page.goto(server.url + '/#/patient-portal/inbox');
  await ready(page);
  await settle(page);
  assert.equal(await sensitive(page), true, 'a page loaded at /#/patient-portal/inbox is sensitive');
  assert.deepEqual(net.google.slice(before), [], 'no Google request on the portal hash route');
  assert.deepEqual(consentErrors(consoleMessages), []);

  // Without the option a hash is not a path.
  ({ page } = await open());
  await page.goto(server.url + '/');
  await ready(page);
  await acceptAllOnBanner(page);
  await page.evaluate(() => (location.hash = '#/patient-portal/inbox'));
  await settle(page);
  assert.equal(await sensitive(page), false, 'hash routes are ignored unless matchHashRoutes is on');
  assert.equal((await lastUpdate(page)).analytics_storage, 'granted');
});

test('a sensitive pattern "/book" also matches "/book/" (page load and pushState)', async () => {
  const { page, net, context } = await open();
  await serveConfig(context, { ...DEMO, sensitivePaths: ['/book', ...DEMO.sensitivePaths] });
  const spa = readFileSync(join(root, 'tests', 'e2e', 'fixtures', 'integrity', 'paths-spa.html'), 'utf8');
  await context.route(/\/book\/?$/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: spa }));
  await page.goto(server.url + '/');
  await ready(page);
  await acceptAllOnBanner(page);
  await page.evaluate(() => history.pushState({}, '', '/book'));
  assert.equal(await sensitive(page), true, '/book');
  await page.evaluate(() => history.pushState({}, '', '/'));
  assert.equal(await sensitive(page), false, '/');
  await page.evaluate(() => history.pushState({}, '', '/book/'));
  await eventually(page, () => ConsentGate.getConsent().sensitivePage);
  await assertTagsStopped(page, 'pushState /book/');
  const before = net.google.length;
  await page.goto(server.url + '/book/');
  await ready(page);
  await settle(page);
  assert.equal(await sensitive(page), true, 'a page loaded at /book/ is sensitive');
  assert.deepEqual(net.google.slice(before), [], 'no Google request on /book/');
});

test('Ads is stopped as firmly as GA on a sensitive page: ga-disable-AW-… is set like ga-disable-G-…', async () => {
  const { page } = await open();
  await page.goto(server.url + '/');
  await ready(page);
  await acceptAllOnBanner(page);
  await page.evaluate(() => history.pushState({}, '', '/patient-portal/messages'));
  await eventually(page, () => ConsentGate.getConsent().sensitivePage);
  await assertTagsStopped(page, 'pushState /patient-portal/messages');
  await page.evaluate(() => history.replaceState({}, '', '/'));
  assert.equal(await eventually(page, () => ConsentGate.getConsent().sensitivePage === false), true);
  const off = await killSwitches(page);
  assert.equal(off.ga, false, 'GA resumes off the portal');
  assert.notEqual(off.ads, true, 'Ads resumes off the portal');
  await page.goto(server.url + '/appointments/');
  await ready(page);
  await assertTagsStopped(page, 'page load of /appointments/');
});

test('a navigation that keeps the path (query, same path, hash) pushes no Consent Mode update and fires no change event', async () => {
  const { page } = await open();
  await page.goto(server.url + '/');
  await ready(page);
  await acceptAllOnBanner(page);
  await settle(page);
  const count = () => page.evaluate(() => ({ updates: dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'update').length, changes: window.__changes.length }));
  const start = await count();
  await page.evaluate(() => history.replaceState(null, '', '?q=1'));
  await page.evaluate(() => history.pushState(null, '', '/?q=2'));
  await page.evaluate(() => history.pushState(null, '', '/'));
  await page.evaluate(() => history.replaceState({ step: 2 }, ''));
  await page.evaluate(() => (location.hash = '#main'));
  await page.goBack();
  await settle(page);
  assert.deepEqual(await count(), start, 'nothing changed, so nothing is announced');
  assert.equal(await page.evaluate(() => location.pathname), '/');
  // A real change of path still is.
  await page.evaluate(() => history.pushState(null, '', '/patient-portal/x'));
  await eventually(page, () => ConsentGate.getConsent().sensitivePage);
  const end = await count();
  assert.equal(end.updates, start.updates + 1, 'one update for entering the portal');
  assert.equal(end.changes, start.changes + 1, 'one change event for entering the portal');
});

// ---- 8. the consent log ----

test('consent events on a sensitive page carry "path": null and "sensitive": true; elsewhere the path and "sensitive": false', async () => {
  const rec = await newReceiver();
  const { page, context } = await open();
  await serveConfig(context, { ...DEMO, log: { endpoint: rec.url, pageViews: true } });
  await page.goto(server.url + '/patient-portal/');
  await ready(page);
  // Each page view's event goes once the notice is hashed: let it arrive before the next
  // decision, so that the order below does not depend on the machine's speed.
  await events(rec, 1);
  await page.click('#cg-banner [data-cg="accept"]');
  await events(rec, 2);
  await page.goto(server.url + '/');
  await ready(page);
  await events(rec, 3);
  await page.evaluate(() => ConsentGate.setConsent({ advertising: false }));
  await events(rec, 4);
  await page.evaluate(() => history.pushState({}, '', '/appointments/new'));
  await page.evaluate(() => ConsentGate.setConsent({ functional: false }));
  const got = (await events(rec, 5)).sort((a, b) => a.time - b.time);
  assert.deepEqual(
    got.map((e) => [e.type, e.method, e.path, e.sensitive]),
    [
      ['pageview', null, null, true],
      ['decision', 'banner', null, true],
      ['pageview', null, '/', false],
      ['decision', 'api', '/', false],
      ['decision', 'api', null, true],
    ],
  );
  for (const e of got.filter((x) => x.sensitive)) assert.ok('path' in e, 'the member is there, with null');
  const all = JSON.stringify(got);
  assert.ok(!/patient-portal|appointments/.test(all), 'no sensitive path reaches the log: ' + all);
});

/** A queued consent event (README "Consent log"), `age` ms old. */
function queuedEvent(eventId, age) {
  const time = Date.now() - age;
  return JSON.stringify({
    type: 'pageview',
    eventId,
    recordId: null,
    browserId: 'f'.repeat(32),
    timestamp: new Date(time).toISOString(),
    time,
    revision: DEMO.revision,
    noticeHash: '',
    choices: [
      { category: 'necessary', granted: true, source: 'default' },
      { category: 'functional', granted: false, source: 'default' },
      { category: 'analytics', granted: false, source: 'default' },
      { category: 'advertising', granted: false, source: 'default' },
    ],
    signals: { dnt: 'unset', gpc: 'absent' },
    language: 'en',
    method: null,
    path: '/',
    sdkVersion: JSON.parse(readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version\s*=\s*("[^"]+")/m)[1]),
  });
}

/**
 * Puts `queue` ({e: event JSON strings, d: dropped}) in the localStorage key consent-gate-log in
 * the SDK's format (README "Consent log"), from a page of the site without the SDK.
 */
async function seedQueue(page, queue) {
  const lines = queue.e.map((json) => `${JSON.parse(json).time} ${JSON.parse(json).eventId} ${json}`);
  await page.goto(server.url + '/fixtures/integrity/paths-blank.html');
  await page.evaluate((q) => localStorage.setItem('consent-gate-log', q), ['consent-gate-log/1 ' + queue.d, ...lines].join('\n'));
}

test('queued consent events older than 30 days are dropped without being sent; younger ones are delivered', async () => {
  const rec = await newReceiver();
  const { page, context } = await open();
  await serveConfig(context, { ...DEMO, log: { endpoint: rec.url } });
  const OLD = 'a'.repeat(32);
  const OLDER = 'b'.repeat(32);
  const WEEK = 'c'.repeat(32);
  const MONTHISH = 'd'.repeat(32);
  await seedQueue(page, { e: [queuedEvent(OLDER, 400 * DAY), queuedEvent(OLD, 31 * DAY), queuedEvent(MONTHISH, 29 * DAY), queuedEvent(WEEK, 7 * DAY)], d: 0 });
  await page.goto(server.url + '/');
  await ready(page);
  const got = await events(rec, 2);
  await settle(page, 500);
  const ids = (await rec.events()).map((e) => e.eventId);
  assert.ok(ids.includes(WEEK) && ids.includes(MONTHISH), 'events younger than 30 days are delivered: ' + ids);
  assert.ok(!ids.includes(OLD), 'a 31-day-old event is not sent');
  assert.ok(!ids.includes(OLDER), 'a 400-day-old event is not sent');
  assert.equal(got.length, 2);
  await page.waitForFunction(() => (localStorage.getItem('consent-gate-log') || '').split('\n').length - 1 === 0, null, { timeout: 5000 }).catch(() => {});
  const left = await page.evaluate(() => localStorage.getItem('consent-gate-log'));
  assert.ok(!left || !left.includes('a'.repeat(32)), 'the stale event is not kept either: ' + left);
});

test('no log.endpoint: a queue left from before is deleted on start, and nothing is sent', async () => {
  const { page, context } = await open();
  const urls = [];
  context.on('request', (r) => urls.push(r.url()));
  await seedQueue(page, { e: [queuedEvent('e'.repeat(32), DAY)], d: 3 });
  await page.goto(server.url + '/');
  await ready(page);
  await settle(page, 500);
  assert.equal(await page.evaluate(() => localStorage.getItem('consent-gate-log')), null, 'the queue of undeliverable events is gone');
  assert.deepEqual(
    urls.filter((u) => !u.startsWith(server.url + '/')),
    [],
  );
});

// ---- 10. smaller ----

test('a change listener that calls setConsent does not make the log lose the banner decision', async () => {
  const rec = await newReceiver();
  const { page, context } = await open();
  await serveConfig(context, { ...DEMO, log: { endpoint: rec.url } });
  await page.goto(server.url + '/');
  await ready(page);
  await page.evaluate(() => {
    let once = false;
    ConsentGate.on('change', (s) => {
      if (s.decided && !once) {
        once = true;
        ConsentGate.setConsent({ functional: false });
      }
    });
  });
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().categories.functional === false);
  const got = await events(rec, 2);
  const byMethod = Object.fromEntries(got.map((e) => [e.method, e]));
  assert.deepEqual(got.map((e) => e.method).sort(), ['api', 'banner'], 'the banner decision and the API one: ' + JSON.stringify(got.map((e) => e.method)));
  const granted = (e, c) => e.choices.find((x) => x.category === c).granted;
  assert.equal(granted(byMethod.banner, 'functional'), true, 'the banner decision as made: everything granted');
  assert.equal(granted(byMethod.banner, 'analytics'), true);
  assert.equal(granted(byMethod.api, 'functional'), false, 'then the listener\'s change');
  assert.equal(granted(byMethod.api, 'analytics'), true);
  const record = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.equal(record.method, 'api');
  assert.equal(byMethod.banner.recordId, record.id);
});

test('setConsent({}) changes nothing: no record, no change event, no consent event (undecided and decided)', async () => {
  const rec = await newReceiver();
  const { page, context } = await open();
  await serveConfig(context, { ...DEMO, log: { endpoint: rec.url } });
  await page.goto(server.url + '/');
  await ready(page);
  const changes = () => page.evaluate(() => window.__changes.length);
  let before = await changes();
  await page.evaluate(() => ConsentGate.setConsent({}).catch(() => {}));
  await settle(page, 500);
  assert.equal(await page.evaluate(() => localStorage.getItem('consent-gate')), null, 'no record written');
  assert.equal((await context.cookies()).find((c) => c.name === 'consent_gate'), undefined, 'no consent cookie');
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().decided), false);
  assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord()), null);
  assert.equal(await page.locator('#cg-banner').isVisible(), true, 'the banner still asks');
  assert.equal(await changes(), before, 'no change event');
  assert.equal((await rec.events()).length, 0, 'no consent event');

  await page.click('#cg-banner [data-cg="reject"]');
  await events(rec, 1);
  const stored = await page.evaluate(() => localStorage.getItem('consent-gate'));
  before = await changes();
  await page.evaluate(() => ConsentGate.setConsent({}).catch(() => {}));
  await settle(page, 500);
  assert.equal(await page.evaluate(() => localStorage.getItem('consent-gate')), stored, 'the record is untouched');
  assert.equal(await changes(), before, 'no change event');
  assert.equal((await rec.events()).length, 1, 'only the banner decision is logged');
});

test('a misspelt top-level field (sensitivePath) is an error that suggests sensitivePaths, and fails closed', async () => {
  const { sensitivePaths, ...rest } = DEMO;
  const { page, net, context, consoleMessages } = await open();
  await serveConfig(context, { ...rest, sensitivePath: sensitivePaths });
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.evaluate(() => ConsentGate.acceptAll());
  await settle(page, 500);
  const errors = consentErrors(consoleMessages);
  assert.equal(errors.length, 1, 'one error: ' + JSON.stringify(consoleMessages));
  assert.match(errors[0].text, /sensitivePath(?!s)/, 'the error names the misspelt field');
  assert.match(errors[0].text, /sensitivePaths/, 'and suggests the right one');
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().configOk), false);
  assert.deepEqual(net.google, [], 'fail closed: no Google request even after acceptAll');
  await page.goto(server.url + '/patient-portal/');
  await ready(page);
  await page.evaluate(() => ConsentGate.acceptAll());
  await settle(page, 300);
  assert.deepEqual(net.google, [], 'nor on the portal');
});

test('the wasm fails to load: a javascript: privacyUrl is not followed by the opener without href; a relative one is', async () => {
  const cases = [
    { privacyUrl: 'javascript:window.__followed=1', followed: false },
    { privacyUrl: '/privacy/', followed: true },
  ];
  for (const { privacyUrl, followed } of cases) {
    const { page, net, context, consoleMessages, pageErrors } = await open();
    await context.route('**/consent_gate_bg.wasm', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
    await serveConfig(context, { ...DEMO, privacyUrl });
    const url = server.url + '/fixtures/integrity/paths-opener.html';
    await page.goto(url);
    await page.waitForFunction(() => window.ConsentGate);
    const deadline = Date.now() + 10000;
    while (!consoleMessages.some((m) => /WebAssembly module could not load/.test(m.text)) && Date.now() < deadline) await settle(page, 50);
    assert.ok(consoleMessages.some((m) => /WebAssembly module could not load/.test(m.text)), 'the wasm really failed');
    if (followed) {
      await Promise.all([page.waitForURL(server.url + '/privacy/'), page.click('#opener')]);
      assert.equal(await page.locator('h1').textContent(), 'Privacy notice');
    } else {
      await page.click('#opener');
      await settle(page, 500);
      assert.equal(await page.evaluate(() => window.__followed), undefined, privacyUrl + ' must not run');
      assert.equal(page.url(), url, 'the page stays');
      assert.equal(await page.locator('h1').textContent(), 'Opener fixture');
    }
    assert.deepEqual(net.google, []);
    assert.deepEqual(pageErrors, []);
    await context.close();
  }
});
