// Integrity, round 2: what a second adversarial round broke, as the visitor meets it.
//  1. An injected <base href> does not send the site's own nonced gated script to another host.
//  2. A stray <html data-consent-region> in the body (merged onto the root by the parser) does
//     not move the visitor into a region that grants by default.
//  3. An embed the visitor loaded with "Load content" follows its category once it was allowed.
//  4. A clock moved back: a withdrawal written in another tab still reaches this one.
//  5. Clobbering by name: <img name="__consentGateDefaults"> before the ES module runs, and
//     <img name="ConsentGate"> before a deferred script tag.
//  6. Sensitive path spellings: slashless and dot-segment hash routes, ;path parameters.
//  7. A forged giant stored record does not freeze the page.
//  8. The page after a sensitive page receives the origin only as its referrer.
//  9. A host written with a trailing dot: Google cookies on its parent domain are erased.
// Fixtures: tests/e2e/fixtures/integrity/r2-*.
// Run alone: node --test --test-force-exit tests/e2e/integrity-round2.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS, EXECUTABLE, closeBrowser, demoServer, openPage as openHarnessPage, ready, root, settle, cookiesWhen } from './harness.mjs';

const DEMO = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const HOME = readFileSync(join(root, 'www', 'index.html'));
const FIX = '/fixtures/integrity/';
const BASE_NONCE = 'r2BaseN0nce';

let server;
// Requests the server received for the evil host (the one an injected <base> points at).
const evilRequests = [];
// A browser resolving *.example.test (and the trailing-dot spelling) to this machine.
let domainBrowser;
const contexts = [];

before(async () => {
  const hook = (req, res) => {
    const host = (req.headers.host || '').toLowerCase();
    const path = new URL(req.url, 'http://x').pathname;
    if (host.startsWith('evil.example.test')) {
      evilRequests.push(host + req.url);
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      res.end('window.__evil = "ran from " + document.currentScript.src;');
      return true;
    }
    if (path === FIX + 'r2-base.html') {
      const html = readFileSync(join(root, 'tests', 'e2e', 'fixtures', 'integrity', 'r2-base.html'), 'utf8').replace('EVIL_ORIGIN', `http://evil.example.test:${server.port}`);
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': `script-src 'nonce-${BASE_NONCE}' 'wasm-unsafe-eval'`,
      });
      res.end(html);
      return true;
    }
    // A server that ignores path parameters (as many Java servers do) serves the portal for
    // /patient-portal;jsessionid=1/x; here it answers with the demo home page and its tags.
    if (path.startsWith('/patient-portal;')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(HOME);
      return true;
    }
    return false;
  };
  server = await demoServer({ hook });
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  if (domainBrowser) await domainBrowser.close();
  await server.close();
  await closeBrowser();
});

// ---- helpers ----

/** harness.mjs openPage, with the context closed in after() too. */
async function openPage(opts) {
  const opened = await openHarnessPage(opts);
  contexts.push(opened.context);
  return opened;
}

/** Chromium resolving *.example.test and *.example.test. to 127.0.0.1. */
async function dnsBrowser() {
  domainBrowser ||= await chromium.launch({
    executablePath: EXECUTABLE,
    args: [...ARGS, '--host-resolver-rules=MAP *.example.test 127.0.0.1, MAP *.example.test. 127.0.0.1'],
  });
  return domainBrowser;
}

/** Waits (up to `ms`) for `fn` in the page; a timeout is not an error: the asserts that follow say what is wrong. */
const until = (page, fn, arg, ms = 5000) => page.waitForFunction(fn, arg, { timeout: ms }).then(() => true, () => false);

/** The last Consent Mode update on the page's dataLayer (analytics and ad storage), or null. */
const lastUpdate = (page) =>
  page.evaluate(() => {
    const u = (window.dataLayer || []).filter((e) => e && e[0] === 'consent' && e[1] === 'update').pop();
    return u ? { analytics_storage: u[2].analytics_storage, ad_storage: u[2].ad_storage } : null;
  });

/** The visitor's state in a tab, in one object (for waiting and for failure messages). */
const tabState = (page) =>
  page.evaluate(() => {
    const c = ConsentGate.getConsent();
    const u = (window.dataLayer || []).filter((e) => e && e[0] === 'consent' && e[1] === 'update').pop();
    return {
      allowed: c.allowed,
      update: u ? { analytics_storage: u[2].analytics_storage, ad_storage: u[2].ad_storage } : null,
      gaDisabled: window['ga-disable-G-DEMO12345'] === true,
    };
  });

/** What the visitor sees of the home page's video embed: loaded players (element and frame) and visible placeholders. */
async function embeds(page) {
  const dom = await page.evaluate(() => ({
    loaded: [...document.querySelectorAll('iframe')].filter((f) => (f.getAttribute('src') || '').includes('/embed.html')).length,
    placeholders: [...document.querySelectorAll('.cg-embed')].filter((b) => b.checkVisibility()).length,
  }));
  return { ...dom, frames: page.frames().filter((f) => f.url().includes('/embed.html')).length };
}

/** Opens the preferences dialog from the footer and clicks Reject all there. */
async function rejectInDialog(page) {
  await page.locator('footer').getByRole('link', { name: 'Cookie settings' }).click();
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await page.click('#cg-prefs [data-cg="reject"]');
}

/** FNV-1a 32-bit over the UTF-8 bytes, as src/core/record.rs checksums a record. */
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

// ---- 1. An injected <base href> ----

test('an injected <base href> after the gated element does not send the site\'s nonced analytics script to another host', async () => {
  evilRequests.length = 0;
  const { page } = await openPage({ browserInstance: await dnsBrowser() });
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(server.url + FIX + 'r2-base.html');
  await ready(page);
  assert.match(await page.evaluate(() => document.baseURI), /^http:\/\/evil\.example\.test:/, 'precondition: the injected base is in force');
  await page.getByRole('region', { name: 'Cookie consent' }).getByRole('button', { name: 'Accept all' }).click();
  await until(page, () => window.__siteScript || window.__evil);
  await settle(page);
  assert.deepEqual(requested.filter((u) => u.includes('evil.example.test')), [], 'requests to the injected base\'s host');
  assert.deepEqual(evilRequests, [], 'requests the evil host received');
  assert.equal(await page.evaluate(() => window.__evil), undefined, 'a script from the evil host ran');
  assert.equal(await page.evaluate(() => window.__siteScript), server.url + FIX + 'r2-base-site.js', 'the site\'s own script ran, from the site');
});

// ---- 2. A stray <html data-consent-region> in the body ----

test('an injected <html data-consent-region="US"> in the body does not apply the US grant-by-default to an undecided visitor', async () => {
  const { page, net } = await openPage();
  await page.goto(server.url + FIX + 'r2-region.html');
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-consent-region')), 'US', 'precondition: the parser merged the attribute onto the root');
  await settle(page, 500);
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.deepEqual({ decided: c.decided, allowed: c.allowed }, { decided: false, allowed: ['necessary'] }, `region read: ${c.region}`);
  assert.deepEqual(net.google, [], 'Google requests for an undecided visitor');
  assert.notEqual((await lastUpdate(page))?.analytics_storage, 'granted', 'a Consent Mode update granted analytics');
});

// ---- 3. An embed the visitor loaded by its own button ----

test('an embed loaded with "Load content", then Accept all, then Reject all in the dialog: the embed is unloaded and its placeholder is back', async () => {
  const { page } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.locator('.cg-embed').getByRole('button', { name: 'Load content' }).click();
  await page.waitForFunction(() => document.querySelector('iframe[src*="/embed.html"]'));
  await page.getByRole('region', { name: 'Cookie consent' }).getByRole('button', { name: 'Accept all' }).click();
  await page.waitForFunction(() => ConsentGate.getConsent().categories.advertising === true);
  assert.equal((await embeds(page)).loaded, 1, 'precondition: the video is loaded after Accept all');
  await rejectInDialog(page);
  await page.waitForFunction(() => ConsentGate.getConsent().categories.advertising === false);
  await until(page, () => !document.querySelector('iframe[src*="/embed.html"]'));
  await settle(page);
  const src = await page.evaluate(() => document.querySelector('iframe[data-consent-category]').getAttribute('src'));
  assert.deepEqual({ ...(await embeds(page)), src }, { loaded: 0, placeholders: 1, frames: 0, src: 'about:blank' }, 'the video after Reject all');
});

// ---- 4. A clock moved back ----

test('clock moved back 10 minutes after tab A accepted: Reject all in tab B is applied in tab A', async () => {
  const { page: a, context } = await openPage();
  await a.goto(server.url + '/');
  await ready(a);
  await a.getByRole('region', { name: 'Cookie consent' }).getByRole('button', { name: 'Accept all' }).click();
  await a.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  // Tab B opens after the visitor's clock was set back by 10 minutes.
  const b = await context.newPage();
  await b.addInitScript(() => {
    const real = Date.now;
    Date.now = () => real() - 600000;
  });
  await b.goto(server.url + '/privacy/');
  await ready(b);
  assert.equal(await b.evaluate(() => Date.now() < Date.parse(new Date().toISOString()) - 500000), true, 'precondition: tab B\'s clock is behind');
  await rejectInDialog(b);
  await b.waitForFunction(() => ConsentGate.getConsent().categories.analytics === false);
  await until(a, () => ConsentGate.getConsent().categories.analytics === false && window['ga-disable-G-DEMO12345'] === true);
  assert.deepEqual(await tabState(a), { allowed: ['necessary'], update: { analytics_storage: 'denied', ad_storage: 'denied' }, gaDisabled: true }, 'tab A after the withdrawal in tab B');
});

// ---- 5. Clobbering by name ----

test('clobbering: <img name="__consentGateDefaults"> before the ES module runs, and <img name="ConsentGate"> before a deferred script tag, stop nothing', async () => {
  // The npm entry (package.json "exports" -> index.js), imported by an app's module script.
  const esm = await openPage();
  await esm.page.goto(server.url + FIX + 'r2-esm.html');
  await esm.page.waitForFunction(() => (window.dataLayer || []).some((e) => e[0] === 'config'));
  await until(esm.page, () => window.dataLayer.some((e) => e[0] === 'consent' && e[1] === 'default'), null, 2000);
  const order = await esm.page.evaluate(() =>
    window.dataLayer.map((e) => (e[0] === 'consent' ? `consent ${e[1]} analytics_storage=${e[2].analytics_storage}` : String(e[0]))).filter((s) => s !== 'js' && s !== 'set'),
  );
  // A deferred script tag runs after the body is parsed, like the module.
  const deferred = await openPage();
  await deferred.page.goto(server.url + FIX + 'r2-defer.html');
  const banner = deferred.page.getByRole('region', { name: 'Cookie consent' });
  await banner.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
  const bannerShown = await banner.isVisible();
  const warnings = deferred.consoleMessages.filter((m) => m.type === 'warning' || m.type === 'error').map((m) => m.text);

  // Both pages checked before asserting, so a failure shows both.
  assert.deepEqual(
    { esmFirstCommands: order.slice(0, 2), deferredBannerShown: bannerShown },
    { esmFirstCommands: ['consent default analytics_storage=denied', 'config'], deferredBannerShown: true },
    `the Consent Mode default must come before the app's config on the ES module page; the banner must show on the deferred-script page (its console: ${JSON.stringify(warnings)})`,
  );
});

// ---- 6. Sensitive path spellings ----

test('with matchHashRoutes, #patient-portal/x, #!patient-portal/x, #/x/../patient-portal/x and #/./patient-portal/x are sensitive; /patient-portal;jsessionid=1/x loads nothing', async () => {
  const { page, net, context } = await openPage();
  const config = JSON.stringify({ ...DEMO, matchHashRoutes: true });
  await context.route('**/consent.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: config }));
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(server.url + '/');
  await ready(page);
  await page.getByRole('region', { name: 'Cookie consent' }).getByRole('button', { name: 'Accept all' }).click();
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));

  const seen = {};
  const spellings = ['#patient-portal/x', '#!patient-portal/x', '#/x/../patient-portal/x', '#/./patient-portal/x'];
  for (const [i, hash] of spellings.entries()) {
    net.google.length = 0;
    requested.length = 0;
    await page.goto(`${server.url}/?visit=${i}${hash}`);
    await ready(page);
    await settle(page);
    seen[hash] = {
      sensitivePage: await page.evaluate(() => ConsentGate.getConsent().sensitivePage),
      google: net.google.length,
      gatedScript: requested.filter((u) => u.includes('/demo-analytics.js')).length,
      embed: requested.filter((u) => u.includes('/embed.html')).length,
    };
  }
  net.google.length = 0;
  requested.length = 0;
  await page.goto(server.url + '/patient-portal;jsessionid=1/x');
  await ready(page);
  await settle(page);
  seen['/patient-portal;jsessionid=1/x'] = {
    sensitivePage: await page.evaluate(() => ConsentGate.getConsent().sensitivePage),
    google: net.google.length,
    gatedScript: requested.filter((u) => u.includes('/demo-analytics.js')).length,
    embed: requested.filter((u) => u.includes('/embed.html')).length,
  };
  const off = { sensitivePage: true, google: 0, gatedScript: 0, embed: 0 };
  assert.deepEqual(seen, Object.fromEntries(Object.keys(seen).map((k) => [k, off])), 'per spelling: sensitive, and nothing loaded (Google requests, gated script, embed)');
});

// ---- 7. A forged giant stored record ----

test('a forged 1 MB stored record with 100k categories (valid checksum) does not freeze the page: ready within 5 s, banner shown, nothing decided', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/privacy/');
  await ready(page);
  await page.getByRole('region', { name: 'Cookie consent' }).getByRole('button', { name: 'Accept all' }).click();
  const real = await page.evaluate(() => localStorage.getItem('consent-gate'));
  await context.clearCookies(); // localStorage alone holds the record
  // cg1|id|created|updated|revision|language|method|dnt|gpc|version|choices|checksum: the
  // visitor's own record, with 100 000 more choices and the checksum made right again.
  const fields = real.split('|');
  const extra = Array.from({ length: 100000 }, (_, i) => `x${i}:1u`).join('+');
  fields[10] += '+' + extra;
  const body = fields.slice(0, 11).join('|') + '|';
  const forged = body + fnv1a(body);
  assert.ok(forged.length > 900000, `precondition: the record is ~1 MB (${forged.length} bytes)`);
  await page.evaluate((r) => localStorage.setItem('consent-gate', r), forged);

  net.google.length = 0;
  await page.goto(server.url + '/', { waitUntil: 'commit' });
  const readyIn5s = await page
    .waitForFunction(() => window.ConsentGate && window.ConsentGate.getConsent() !== null, null, { timeout: 5000 })
    .then(() => true, () => false);
  assert.equal(readyIn5s, true, 'consent-gate was not ready within 5 s with the forged record stored');
  const banner = page.getByRole('region', { name: 'Cookie consent' });
  await banner.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
  assert.equal(await banner.isVisible(), true, 'the banner is shown (the forged record is no decision)');
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().decided), false);
  assert.deepEqual(net.gtag(), []);
});

// ---- 8. Referrer after a sensitive page ----

test('after /patient-portal/?test=hiv-results, following the logo link to / gives that page the origin only as document.referrer', async () => {
  const { page } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.getByRole('region', { name: 'Cookie consent' }).getByRole('button', { name: 'Accept all' }).click();
  await page.goto(server.url + '/patient-portal/?test=hiv-results');
  await ready(page);
  const sent = page.waitForRequest((r) => r.isNavigationRequest() && r.url() === server.url + '/');
  await page.click('header a.brand');
  const request = await sent;
  await page.waitForURL(server.url + '/');
  await ready(page);
  assert.equal(await page.evaluate(() => document.referrer), server.url + '/', 'document.referrer on the home page');
  assert.equal((await request.allHeaders()).referer, server.url + '/', 'Referer of the navigation to /');
});

// ---- 9. A host written with a trailing dot ----

test('on www.example.test. (trailing dot), Reject all erases _ga and _gcl_au set on Domain=example.test.', async () => {
  const { page, context } = await openPage({ browserInstance: await dnsBrowser() });
  // The harness lets *.example.test through; this host ends with a dot.
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname.endsWith('example.test.') ? route.continue() : route.fallback()));
  await page.goto(`http://www.example.test.:${server.port}/`);
  await ready(page);
  assert.equal(await page.evaluate(() => location.hostname), 'www.example.test.');
  await page.getByRole('region', { name: 'Cookie consent' }).getByRole('button', { name: 'Accept all' }).click();
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  // What gtag.js writes (cookie_domain auto: the highest domain the browser accepts).
  await page.evaluate(() => {
    document.cookie = '_ga=GA1.2.1.1; Domain=example.test.; Path=/; Max-Age=9999';
    document.cookie = '_gcl_au=1.1.1.1; Domain=example.test.; Path=/; Max-Age=9999';
  });
  const google = (cookies) => cookies.filter((c) => c.name === '_ga' || c.name === '_gcl_au').map((c) => `${c.name} (domain ${c.domain})`).sort();
  const set = google(await cookiesWhen(context, (cookies) => google(cookies).length === 2));
  assert.equal(set.length, 2, `precondition: both cookies are set: ${JSON.stringify(set)}`);
  await rejectInDialog(page);
  await page.waitForFunction(() => ConsentGate.getConsent().categories.analytics === false);
  assert.deepEqual(google(await cookiesWhen(context, (cookies) => !google(cookies).length)), [], 'Google cookies left after Reject all');
});
