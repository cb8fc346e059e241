// Faults: blocked or full storage, broken configuration, hostile pages (their own dataLayer,
// overridden built-ins, aggressive CSS, hostile texts), tampered cookies and a wrong clock.
// Every case checks: no Google request that was not allowed, no uncaught exception, the console
// messages consent-gate prints about the fault (exactly one where there is something to report,
// none where the fault is fully handled), and a page that still works.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS, EXECUTABLE, YEAR, closeBrowser, configFaultHook, demoServer, httpsDemoServer, interceptGoogle, openPage, ready, root, screenshot, settle, shiftClock, cookiesWhen } from './harness.mjs';

// What the server answers for /consent.json: null for the demo's own file.
let configFault = null;
let server;
// The same site over https: there the host-only consent cookie is `__Host-consent_gate`, which no
// other subdomain can set, so it keeps the choice when localStorage cannot.
let secure;
before(async () => {
  server = await demoServer({ hook: configFaultHook(() => configFault) });
  secure = await httpsDemoServer();
});
after(async () => {
  await server.close();
  await secure.close();
  await closeBrowser();
});

const demoConfig = () => JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const GTAG = 'https://www.googletagmanager.com/gtag/js?id=G-DEMO12345';

/** consent-gate's own warnings and errors. */
const cgMessages = (messages) => messages.filter((m) => (m.type === 'error' || m.type === 'warning') && m.text.startsWith('consent-gate'));

/** Follows the page's first link (`#next` on fixtures, "Privacy notice" on the demo): the page still works. */
async function pageWorks(page) {
  const link = page.locator('#next, .site-nav a[href="/privacy/"]').first();
  const href = await link.getAttribute('href');
  await link.click();
  await page.waitForURL((u) => u.pathname === href);
}

async function bannerShown(page) {
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
}

/** Asserts the element is painted inside the viewport and is what a click at its centre hits. */
async function inViewAndHittable(page, selector) {
  const r = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { missing: sel };
    const b = el.getBoundingClientRect();
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    return { x: b.left, y: b.top, w: b.width, h: b.height, vw: innerWidth, vh: innerHeight, hit: !!hit && (hit === el || el.contains(hit)) };
  }, selector);
  assert.ok(!r.missing, 'missing ' + selector);
  assert.ok(r.w >= 24 && r.h >= 24, `${selector} has a usable size: ${JSON.stringify(r)}`);
  assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.w <= r.vw + 0.5 && r.y + r.h <= r.vh + 0.5, `${selector} is inside the viewport: ${JSON.stringify(r)}`);
  assert.ok(r.hit, `${selector} receives a click at its centre: ${JSON.stringify(r)}`);
}

async function acceptLoadsGtag(page, net) {
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  await settle(page);
  assert.deepEqual(net.google, [GTAG]);
}

const consentKinds = (page) => page.evaluate(() => dataLayer.filter((e) => e && e[0] === 'consent').map((e) => [Object.prototype.toString.call(e), e[1]]));

// ---- storage ----

function blockLocalStorage() {
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() {
      throw new DOMException("Failed to read the 'localStorage' property from 'Window': Access is denied for this document.", 'SecurityError');
    },
  });
}

function blockCookies() {
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    },
    set() {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    },
  });
}

test('localStorage throws, https: the banner works, the __Host- cookie keeps the choice, a reload remembers it (nothing to report)', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage({ initScript: blockLocalStorage, contextOptions: { ignoreHTTPSErrors: true } });
  await page.goto(secure.url + '/');
  await ready(page);
  await bannerShown(page);
  assert.equal(net.google.length, 0);
  await acceptLoadsGtag(page, net);
  assert.equal(await page.evaluate(() => { try { return localStorage, 'readable'; } catch (e) { return e.name; } }), 'SecurityError');
  const cookie = (await cookiesWhen(context, (cookies) => cookies.some((c) => c.name === '__Host-consent_gate'))).find((c) => c.name === '__Host-consent_gate');
  assert.match(cookie && cookie.value, /^cg1\|.*analytics:1u/);
  assert.equal(cookie.secure, true);
  await page.reload();
  await ready(page);
  await settle(page);
  assert.equal(await page.locator('#cg-banner').count(), 0, 'the choice was remembered');
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).decided, true);
  assert.deepEqual(net.google, [GTAG, GTAG]);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cgMessages(consoleMessages), [], 'the choice is kept, so there is nothing to warn about');
  await pageWorks(page);
  await context.close();
});

test('localStorage throws, http: the cookie is no decision there (a sibling could plant it), so the choice holds for the page and one warning says so', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage({ initScript: blockLocalStorage });
  await page.goto(server.url + '/');
  await ready(page);
  await acceptLoadsGtag(page, net);
  assert.deepEqual(cgMessages(consoleMessages).map((m) => m.text), ['consent-gate: this browser blocks storage, so your choice is kept for this page only']);
  await page.reload();
  await ready(page);
  await bannerShown(page);
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).decided, false);
  await settle(page);
  assert.deepEqual(net.google, [GTAG], 'nothing loads after the reload');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('cookies and localStorage both throw: the choice holds for the page and one warning says storage is blocked', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage({
    initScript: () => {
      Object.defineProperty(window, 'localStorage', { configurable: true, get() { throw new DOMException('denied', 'SecurityError'); } });
      Object.defineProperty(Document.prototype, 'cookie', {
        configurable: true,
        get() { throw new DOMException('denied', 'SecurityError'); },
        set() { throw new DOMException('denied', 'SecurityError'); },
      });
    },
  });
  await page.goto(server.url + '/');
  await ready(page);
  await bannerShown(page);
  await acceptLoadsGtag(page, net);
  const state = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(state.decided, true);
  assert.ok(state.allowed.includes('analytics'));
  assert.equal(await page.locator('#cg-banner').count(), 0);
  // A second choice on the same page is kept in memory too.
  await page.evaluate(() => ConsentGate.rejectAll());
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).categories.analytics, false);
  assert.deepEqual(pageErrors, []);
  const cg = cgMessages(consoleMessages);
  assert.equal(cg.length, 1, JSON.stringify(cg));
  assert.equal(cg[0].type, 'warning');
  assert.match(cg[0].text, /blocks storage.*this page only/);
  // The next page asks again (nothing could be stored) and loads nothing before a choice.
  await page.reload();
  await ready(page);
  await bannerShown(page);
  await settle(page);
  assert.deepEqual(net.google, [GTAG]);
  await pageWorks(page);
  await context.close();
});

test('cookies blocked by the browser setting (Chromium: cookies silently dropped, localStorage throws): one warning, choice for the page', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'cg-nocookies-'));
  mkdirSync(join(dir, 'Default'), { recursive: true });
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
  const context = await chromium.launchPersistentContext(dir, { executablePath: EXECUTABLE, args: ARGS });
  // Closed in finally: a persistent context left open keeps Chromium alive and hangs node --test.
  try {
    const net = await interceptGoogle(context);
    const page = context.pages()[0] || (await context.newPage());
    const consoleMessages = [];
    const pageErrors = [];
    page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(server.url + '/');
    await ready(page);
    assert.equal(await page.evaluate(() => { document.cookie = 'probe=1'; return document.cookie; }), '', 'cookies are really blocked');
    await bannerShown(page);
    await acceptLoadsGtag(page, net);
    assert.equal((await page.evaluate(() => ConsentGate.getConsent())).decided, true);
    assert.deepEqual(pageErrors, []);
    const cg = cgMessages(consoleMessages);
    assert.equal(cg.length, 1, JSON.stringify(cg));
    assert.match(cg[0].text, /blocks storage.*this page only/);
    await pageWorks(page);
  } finally {
    await context.close();
  }
});

test('storage full (setItem throws QuotaExceededError), https: the __Host- cookie keeps the choice across a reload (nothing to report)', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage({
    contextOptions: { ignoreHTTPSErrors: true },
    initScript: () => {
      Storage.prototype.setItem = function () {
        throw new DOMException("Failed to execute 'setItem' on 'Storage': the quota has been exceeded.", 'QuotaExceededError');
      };
    },
  });
  await page.goto(secure.url + '/');
  await ready(page);
  await bannerShown(page);
  await acceptLoadsGtag(page, net);
  assert.equal(await page.evaluate(() => localStorage.getItem('consent-gate')), null, 'nothing went into localStorage');
  await page.reload();
  await ready(page);
  await settle(page);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).decided, true);
  assert.deepEqual(net.google, [GTAG, GTAG]);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cgMessages(consoleMessages), []);
  await pageWorks(page);
  await context.close();
});

// ---- configuration ----

const CONFIG_FAULTS = [
  { name: 'HTTP 404', fault: { status: 404, body: 'not found' }, problem: 'config: data-config "/consent.json": HTTP 404, expected the configuration JSON' },
  { name: 'HTTP 500', fault: { status: 500, body: 'oops' }, problem: 'config: data-config "/consent.json": HTTP 500, expected the configuration JSON' },
  { name: 'invalid JSON', fault: { body: '{"revision": "1",' }, problem: /^config: data-config "\/consent\.json": expected valid JSON \(.+\)$/ },
  { name: 'an array', fault: { body: '[1,2]' }, problem: /^config: expected an object, got / },
  { name: 'categories: 5', fault: { body: '{"categories": 5}' }, problem: 'categories: expected an array of categories, got 5' },
];

for (const { name, fault, problem } of CONFIG_FAULTS) {
  test(`configuration fault (${name}): built-in banner, nothing loads after Accept all, one error, init() rejects with the problem`, async () => {
    configFault = fault;
    try {
      const { page, net, context, consoleMessages, pageErrors } = await openPage();
      await page.goto(server.url + '/');
      await ready(page);
      await bannerShown(page);
      assert.equal((await page.locator('#cg-banner [data-cg="accept"]').textContent()).trim(), 'Accept all', 'built-in texts');
      assert.equal((await page.evaluate(() => ConsentGate.getConsent())).configOk, false);
      await page.click('#cg-banner [data-cg="accept"]');
      await settle(page, 500);
      assert.deepEqual(net.google, [], 'fail closed: no Google request even after Accept all');
      assert.equal(await page.evaluate(() => document.querySelectorAll('script[src*="googletagmanager"]').length), 0);
      assert.deepEqual(pageErrors, []);
      const cg = cgMessages(consoleMessages);
      assert.equal(cg.length, 1, JSON.stringify(cg));
      assert.equal(cg[0].type, 'error');
      const lines = cg[0].text.split('\n').slice(1).map((l) => l.trim());
      assert.equal(lines.length, 1, cg[0].text);
      if (typeof problem === 'string') assert.equal(lines[0], problem);
      else assert.match(lines[0], problem);
      const again = await page.evaluate(() =>
        ConsentGate.init({}).then(
          () => ({ resolved: true }),
          (e) => ({ isError: e instanceof Error, problems: e.problems, message: e.message }),
        ),
      );
      assert.equal(again.isError, true, JSON.stringify(again));
      assert.deepEqual(again.problems, lines);
      await pageWorks(page);
      await context.close();
    } finally {
      configFault = null;
    }
  });
}

test('a 1 MB configuration (a long notice and a huge unknown nested field) works: banner, accept loads GA, the notice renders', async () => {
  const config = demoConfig();
  const paragraph = 'This paragraph of the privacy notice is deliberately long. '.repeat(40);
  const sections = [];
  for (let i = 0; i < 120; i++) sections.push({ id: 'long-' + i, heading: 'Long section ' + i, blocks: Array.from({ length: 4 }, () => ({ p: paragraph })) });
  config.notice.sections.push(...sections);
  // Nested: an unknown top-level field is an error, an unknown nested one a warning.
  config.signals.xHuge = 'z'.repeat(100000);
  const body = JSON.stringify(config);
  assert.ok(body.length > 1e6, 'the configuration is over 1 MB: ' + body.length);
  configFault = { body };
  try {
    const { page, net, context, consoleMessages, pageErrors } = await openPage();
    await page.goto(server.url + '/');
    await ready(page);
    await bannerShown(page);
    assert.equal((await page.evaluate(() => ConsentGate.getConsent())).configOk, true);
    await acceptLoadsGtag(page, net);
    const cg = cgMessages(consoleMessages);
    assert.equal(cg.length, 1, JSON.stringify(cg));
    assert.equal(cg[0].type, 'warning');
    assert.match(cg[0].text, /xHuge/);
    assert.ok(cg[0].text.length < 1000, 'the warning does not repeat the huge value');
    await pageWorks(page);
    await ready(page);
    await page.locator('#long-119').waitFor({ state: 'attached' });
    assert.ok((await page.locator('[data-consent-gate="notice"] p').count()) >= 480);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(net.google, [GTAG, GTAG]);
    await context.close();
  } finally {
    configFault = null;
  }
});

test('init() called again: same promise, one warning per call, first configuration in force, one banner, gating unaffected', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  const view = await page.evaluate(() => ConsentGate.init({ revision: 'other', googleAnalytics: 'G-OTHER1' }));
  assert.equal(view.revision, '2026-11-01', 'the first configuration stays in force');
  let cg = cgMessages(consoleMessages);
  assert.equal(cg.length, 1, JSON.stringify(cg));
  assert.equal(cg[0].type, 'warning');
  assert.match(cg[0].text, /init\(\) was called again/);
  assert.equal(await page.evaluate(() => ConsentGate.init() === ConsentGate.init()), true, 'the same promise each time');
  assert.equal(await page.locator('#cg-banner').count(), 1);
  await acceptLoadsGtag(page, net);
  assert.ok(!net.google.some((u) => u.includes('G-OTHER1')));
  assert.deepEqual(pageErrors, []);
  await pageWorks(page);
  await context.close();
});

// ---- hostile pages ----

test('the page defines its own dataLayer and an array-pushing gtag first: its entries stay, ours are Arguments, gating works', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage();
  await page.goto(server.url + '/fixtures/faults/datalayer.html');
  await ready(page);
  await bannerShown(page);
  assert.deepEqual(await page.evaluate(() => dataLayer[0]), { event: 'x' }, "the page's entry is kept, first");
  assert.equal(await page.evaluate(() => window.gtag.toString().includes('Array.from')), true, "the page's gtag is left alone");
  await page.evaluate(() => gtag('event', 'page_event'));
  assert.equal(net.google.length, 0);
  await acceptLoadsGtag(page, net);
  const kinds = await consentKinds(page);
  assert.deepEqual(kinds[0], ['[object Arguments]', 'default']);
  assert.ok(kinds.some(([k, a]) => k === '[object Arguments]' && a === 'update'));
  assert.ok(kinds.every(([k]) => k === '[object Arguments]'), JSON.stringify(kinds));
  assert.ok(await page.evaluate(() => dataLayer.some((e) => Array.isArray(e) && e[0] === 'event' && e[1] === 'page_event')), "the page's own push is kept");
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cgMessages(consoleMessages), []);
  await pageWorks(page);
  await context.close();
});

test('Array.prototype.push wrapped by the page (calling the original): everything works', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage();
  await page.goto(server.url + '/fixtures/faults/push-wrapper.html');
  await ready(page);
  await bannerShown(page);
  await acceptLoadsGtag(page, net);
  assert.ok(await page.evaluate(() => window.__pushCalls > 0));
  assert.ok((await consentKinds(page)).every(([k]) => k === '[object Arguments]'));
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cgMessages(consoleMessages), []);
  await pageWorks(page);
  await context.close();
});

// Defined behaviour: when dataLayer refuses the Consent Mode commands, Google's tag would run
// without our denied defaults, so it must never load. The rest of consent-gate keeps working
// (banner, choices, records), one error says why, and nothing is thrown at the page.
test('Array.prototype.push throws for Arguments: no uncaught exception, one error, the banner works, no Google tag ever loads', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage();
  await page.goto(server.url + '/fixtures/faults/push-hostile.html');
  await ready(page);
  await bannerShown(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await settle(page, 500);
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).decided, true, 'the choice is still recorded');
  assert.equal(await page.locator('#cg-banner').count(), 0);
  assert.deepEqual(net.google, [], 'fail closed: no Google tag');
  assert.equal(await page.evaluate(() => document.querySelectorAll('script[src*="googletagmanager"]').length), 0);
  assert.deepEqual(pageErrors, []);
  const cg = cgMessages(consoleMessages);
  assert.equal(cg.length, 1, JSON.stringify(cg));
  assert.equal(cg[0].type, 'error');
  assert.match(cg[0].text, /dataLayer\.push failed.*no Arguments here.*no Google tag will load/);
  await pageWorks(page);
  await context.close();
});

test('JSON.parse overridden (to throw) after consent-gate.js: the configuration still parses', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage();
  await page.goto(server.url + '/fixtures/faults/parse-after.html');
  await ready(page);
  assert.equal(await page.evaluate(() => { try { JSON.parse('1'); return 'parsed'; } catch (e) { return e.message; } }), 'JSON.parse is disabled on this page');
  const state = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(state.configOk, true);
  assert.equal(state.revision, '2026-11-01');
  await bannerShown(page);
  await acceptLoadsGtag(page, net);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cgMessages(consoleMessages), []);
  await pageWorks(page);
  await context.close();
});

// Defined behaviour: a JSON.parse broken before consent-gate.js runs cannot be worked around;
// the configuration counts as unreadable, so consent-gate fails closed and says so once.
test('JSON.parse overridden (to throw) before consent-gate.js: fail closed with one error naming it, the banner still works', async () => {
  const { page, net, context, consoleMessages, pageErrors } = await openPage();
  await page.goto(server.url + '/fixtures/faults/parse-before.html');
  await ready(page);
  await bannerShown(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await settle(page, 500);
  assert.deepEqual(net.google, []);
  assert.deepEqual(pageErrors, []);
  const cg = cgMessages(consoleMessages);
  assert.equal(cg.length, 1, JSON.stringify(cg));
  assert.match(cg[0].text, /data-config "\/consent\.json": expected valid JSON \(JSON\.parse is disabled on this page\)/);
  await pageWorks(page);
  await context.close();
});

test('hostile texts (U+202E, 10,000 characters) are literal text; the buttons stay in view and clickable at 1280 and 375 px', async () => {
  const rlo = '\u202Eevil.exe\u202C';
  const long = 'Very long banner text. '.repeat(435).slice(0, 10000);
  const config = demoConfig();
  config.texts = { en: { bannerTitle: rlo + ' ' + long, bannerText: long, acceptAll: '\u202EAccept all', rejectAll: rlo } };
  configFault = { body: JSON.stringify(config) };
  try {
    for (const width of [1280, 375]) {
      const { page, net, context, consoleMessages, pageErrors } = await openPage({ viewport: { width, height: width > 400 ? 800 : 667 } });
      await page.goto(server.url + '/');
      await ready(page);
      await bannerShown(page);
      const shown = await page.evaluate(() => ({
        title: document.querySelector('#cg-banner .cg-title').textContent,
        text: document.querySelector('#cg-banner .cg-text').firstChild.textContent,
        accept: document.querySelector('#cg-banner [data-cg="accept"]').textContent,
        elements: document.querySelectorAll('#cg-banner .cg-title *, #cg-banner [data-cg] *').length,
      }));
      assert.equal(shown.title, rlo + ' ' + long);
      assert.equal(shown.text, long);
      assert.equal(shown.accept, '\u202EAccept all');
      assert.equal(shown.elements, 0, 'no markup was made from texts');
      for (const b of ['accept', 'reject', 'prefs']) await inViewAndHittable(page, `#cg-banner [data-cg="${b}"]`);
      if (width == 1280) await screenshot(page, 'faults-long-texts-1280');
      await acceptLoadsGtag(page, net);
      assert.deepEqual(pageErrors, [], 'width ' + width);
      assert.deepEqual(cgMessages(consoleMessages), [], 'width ' + width);
      await pageWorks(page);
      await context.close();
    }
  } finally {
    configFault = null;
  }
});

for (const fixture of ['css-unset', 'css-hide']) {
  test(`aggressive host CSS (${fixture}): the banner stays visible and usable, Accept works`, async () => {
    for (const width of [1280, 375]) {
      const { page, net, context, consoleMessages, pageErrors } = await openPage({ viewport: { width, height: 700 } });
      await page.goto(server.url + `/fixtures/faults/${fixture}.html`);
      await ready(page);
      await bannerShown(page);
      await inViewAndHittable(page, '#cg-banner');
      await inViewAndHittable(page, '#cg-banner .cg-title');
      for (const b of ['accept', 'reject', 'prefs']) await inViewAndHittable(page, `#cg-banner [data-cg="${b}"]`);
      await acceptLoadsGtag(page, net);
      assert.equal(await page.locator('#cg-banner').count(), 0);
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(cgMessages(consoleMessages), []);
      await pageWorks(page);
      await context.close();
    }
  });
}

// ---- tampered records and a wrong clock ----

/** The consent cookie a real "Reject all" writes. */
async function rejectedCookie() {
  const { page, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="reject"]');
  const value = ((await cookiesWhen(context, (cookies) => cookies.some((c) => c.name === 'consent_gate'))).find((c) => c.name === 'consent_gate') || {}).value;
  await context.close();
  assert.match(value, /^cg1\|.*analytics:0u\+advertising:0u\|[0-9a-f]{8}$/);
  return value;
}

test('a tampered consent cookie on https (foreign version, or a grant with a wrong checksum) counts as no decision: banner, nothing loads, one warning', async () => {
  const real = await rejectedCookie();
  const granted = real.replace('analytics:0u', 'analytics:1u').replace('advertising:0u', 'advertising:1u');
  const cases = [
    { value: granted.replace(/^cg1/, 'cg9'), warning: /unknown format version/ },
    { value: granted, warning: /corrupt or was altered/ },
  ];
  for (const { value, warning } of cases) {
    const { page, net, context, consoleMessages, pageErrors } = await openPage({ contextOptions: { ignoreHTTPSErrors: true } });
    await context.addCookies([{ name: '__Host-consent_gate', value, url: secure.url, secure: true }]);
    await page.goto(secure.url + '/');
    await ready(page);
    await bannerShown(page);
    await settle(page, 500);
    const state = await page.evaluate(() => ConsentGate.getConsent());
    assert.equal(state.decided, false, value);
    assert.deepEqual(state.allowed, ['necessary'], value);
    assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord()), null);
    assert.deepEqual(net.google, [], value);
    assert.deepEqual(pageErrors, []);
    const cg = cgMessages(consoleMessages);
    assert.equal(cg.length, 1, JSON.stringify(cg));
    assert.equal(cg[0].type, 'warning');
    assert.match(cg[0].text, warning);
    await pageWorks(page);
    await context.close();
  }
});


for (const { name, shift, kept, future } of [
  { name: 'two years later: older than its lifetime, it expires', shift: 2 * YEAR, kept: false },
  { name: 'two years earlier: dated in the future, it is not trusted', shift: -2 * YEAR, kept: false, future: true },
  // A record from the future could outlive any lifetime (forged, or the clock was wrong): asked again.
  { name: 'a day earlier: dated a day in the future, it is not trusted', shift: -86400000, kept: false, future: true },
  { name: 'a minute earlier: within the clock skew two devices may have, it is kept', shift: -60000, kept: true },
]) {
  test(`the clock moved after the record was written (${name})`, async () => {
    const { page, net, context, consoleMessages, pageErrors } = await openPage();
    await page.goto(server.url + '/');
    await ready(page);
    await acceptLoadsGtag(page, net);
    await context.addInitScript(shiftClock, shift);
    await page.reload();
    await ready(page);
    assert.ok(Math.abs((await page.evaluate(() => Date.now())) - Date.now() - shift) < 60000, 'the page clock is shifted');
    await settle(page, 500);
    const state = await page.evaluate(() => ConsentGate.getConsent());
    assert.equal(state.decided, kept);
    if (kept) {
      assert.equal(await page.locator('#cg-banner').count(), 0);
      assert.deepEqual(net.google, [GTAG, GTAG]);
    } else {
      await bannerShown(page);
      assert.deepEqual(state.allowed, ['necessary']);
      assert.deepEqual(net.google, [GTAG], 'nothing loads after the reload');
    }
    assert.deepEqual(pageErrors, []);
    const said = future ? ['consent-gate: stored consent is dated in the future (a wrong clock, or altered); asking again'] : [];
    assert.deepEqual(cgMessages(consoleMessages).map((m) => m.text), said);
    await pageWorks(page);
    await context.close();
  });
}
