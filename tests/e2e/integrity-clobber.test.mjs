// Integrity: markup the site did not write, and neighbours the visitor did not choose, cannot
// change what the visitor decided.
//  1. DOM clobbering: an element named `cookie`, `getElementById` or `documentElement` (HTML a
//     visitor may post, no script) shadows that member of `document`. The SDK must still erase
//     cookies on rejection, follow SPA navigations and other tabs, and read the real region.
//  2. Nonce theft by dangling markup: an unclosed attribute that swallows the start tag of the
//     site's own nonced gated script does not get that nonce's trust.
//  3. The consent log's request carries no Referer (the page's path and query can be health data).
//  4. Shared consent across subdomains (`cookie.domain`): a withdrawal on a sibling subdomain
//     reaches an open tab when it becomes visible again.
//  5. Embeds: no "Load" on a sensitive page; a loaded advertising embed is unloaded when an SPA
//     navigation enters a sensitive path and when the visitor withdraws advertising.
//  6. An injected element with the banner's id does not stop the real banner.
// Run alone: node --test --test-force-exit tests/e2e/integrity-clobber.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS, EXECUTABLE, closeBrowser, demoServer, openPage as openHarnessPage, ready, root, settle, cookiesWhen } from './harness.mjs';

const NONCE = 'cgCl0bberN0nce';
const DEMO = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const GTAG = 'https://www.googletagmanager.com/gtag/js?id=G-DEMO12345';

// What the server answers for /consent.json: null for the demo's own file.
let config = null;
// Consent log requests received at /consent-log: { referer, body }.
const logged = [];
let server;
// A browser that resolves *.example.test to 127.0.0.1, for sibling subdomains.
let domainBrowser;
// Every context a test opened: a failing test (or a hung tab) leaves its context to after().
const contexts = [];

before(async () => {
  const hook = async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/consent-log') {
      let body = '';
      for await (const chunk of req) body += chunk;
      if (req.method === 'POST') logged.push({ referer: req.headers.referer ?? null, body });
      res.writeHead(204);
      res.end();
      return true;
    }
    if (config && path === '/consent.json') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(config));
      return true;
    }
    if (path.startsWith('/fixtures/integrity/clobber-nonce')) {
      res.setHeader('Content-Security-Policy', `script-src 'nonce-${NONCE}' 'wasm-unsafe-eval'`);
    }
    return false;
  };
  server = await demoServer({ hook });
});
after(async () => {
  await Promise.all(contexts.map((c) => notHung(c.close(), 'closing a context').catch(() => {})));
  await server.close();
  if (domainBrowser) await domainBrowser.close();
  await closeBrowser();
});

/** harness.mjs openPage, with the context remembered for after(). */
async function openPage(opts) {
  const opened = await openHarnessPage(opts);
  contexts.push(opened.context);
  return opened;
}

const lastUpdate = (page) =>
  page.evaluate(() => {
    const u = (window.dataLayer || []).filter((e) => e && e[0] === 'consent' && e[1] === 'update').pop();
    return u ? { analytics_storage: u[2].analytics_storage, ad_storage: u[2].ad_storage } : null;
  });

/** Waits (up to `ms`) for `fn` in the page; a timeout is not an error: the asserts that follow say what is wrong. */
const until = (page, fn, arg, ms = 5000) => page.waitForFunction(fn, arg, { timeout: ms }).then(() => true, () => false);

/** Fails with "the tab hung" when `promise` (a call into the page) does not settle within `ms`. */
function notHung(promise, what, ms = 10000) {
  let timer;
  const hang = new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`the tab hung: ${what} did not return within ${ms} ms`)), ms)));
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/** The visitor's state in a tab, in one object (for waiting and for failure messages). */
const tabState = (page) =>
  page.evaluate(() => {
    const c = ConsentGate.getConsent();
    const u = (window.dataLayer || []).filter((e) => e && e[0] === 'consent' && e[1] === 'update').pop();
    return {
      path: location.pathname,
      analytics: c.categories.analytics,
      advertising: c.categories.advertising,
      sensitivePage: c.sensitivePage,
      update: u ? { analytics_storage: u[2].analytics_storage, ad_storage: u[2].ad_storage } : null,
      gaDisabled: window['ga-disable-G-DEMO12345'] === true,
      awDisabled: window['ga-disable-AW-123456789'] === true,
    };
  });

/** Accepts everything in the banner of the demo home page and waits for gtag.js. */
async function acceptOnHome(page) {
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
}

// ---- 1. DOM clobbering of `document` ----

test('clobbering: a comment image named "cookie" does not stop Reject all from erasing _ga, _ga_<id>, _gid (and the tab does not hang)', async () => {
  const { page, context } = await openPage();
  await acceptOnHome(page);
  // What gtag.js wrote while analytics was granted.
  await context.addCookies(['_ga', '_ga_DEMO12345', '_gid'].map((name) => ({ name, value: 'GA1.1.' + name.length, domain: '127.0.0.1', path: '/' })));
  await page.goto(server.url + '/fixtures/integrity/clobber-cookie.html');
  await ready(page);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), true, 'precondition: the accepted decision is in force');
  await page.getByRole('link', { name: 'Cookie settings' }).click();
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await notHung(page.click('#cg-prefs [data-cg="reject"]'), 'clicking Reject all');
  const state = await notHung(tabState(page), 'reading the consent state after Reject all');
  assert.equal(state.analytics, false, JSON.stringify(state));
  assert.deepEqual(state.update, { analytics_storage: 'denied', ad_storage: 'denied' }, 'the last Consent Mode update denies');
  assert.equal(state.gaDisabled, true);
  const names = (cookies) => cookies.map((c) => c.name).filter((n) => /^_ga|^_gid$/.test(n));
  assert.deepEqual(names(await cookiesWhen(context, (cookies) => !names(cookies).length)), [], 'analytics cookies left after Reject all on a page with <img name="cookie">');
  await context.close();
});

test('clobbering: a comment image named "getElementById" does not disable the SDK: an SPA push into /patient-portal/ turns tags off', async () => {
  const { page, context } = await openPage();
  await acceptOnHome(page);
  await page.goto(server.url + '/fixtures/integrity/clobber-spa.html');
  await ready(page);
  await page.evaluate(() => history.pushState(null, '', '/patient-portal/results?test=hiv'));
  await until(page, () => ConsentGate.getConsent().sensitivePage === true && window['ga-disable-AW-123456789'] === true);
  // The state in force on the sensitive page: the page rule keeps both off (the visitor's grant
  // stays in the record).
  assert.deepEqual(await tabState(page), {
    path: '/patient-portal/results',
    analytics: false,
    advertising: false,
    sensitivePage: true,
    update: { analytics_storage: 'denied', ad_storage: 'denied' },
    gaDisabled: true,
    awDisabled: true,
  });
  await context.close();
});

test('clobbering: a comment image named "getElementById" does not stop a withdrawal in another tab from reaching the page', async () => {
  const { page, context } = await openPage();
  await acceptOnHome(page);
  await page.goto(server.url + '/fixtures/integrity/clobber-spa.html');
  await ready(page);
  const other = await context.newPage();
  await other.goto(server.url + '/privacy/');
  await ready(other);
  await other.evaluate(() => ConsentGate.rejectAll());
  await until(page, () => ConsentGate.getConsent().categories.analytics === false && window['ga-disable-G-DEMO12345'] === true);
  assert.deepEqual(await tabState(page), {
    path: '/fixtures/integrity/clobber-spa.html',
    analytics: false,
    advertising: false,
    sensitivePage: false,
    update: { analytics_storage: 'denied', ad_storage: 'denied' },
    gaDisabled: true,
    awDisabled: true,
  });
  await context.close();
});

test('clobbering: an image named "documentElement" with data-consent-region="US" does not move a DE visitor into the US defaults', async () => {
  // Control: a page the site really marks US gets the US defaults (everything granted, gtag.js).
  const control = await openPage();
  await control.page.goto(server.url + '/fixtures/integrity/clobber-region-us.html');
  await ready(control.page);
  await control.page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  await control.context.close();

  const { page, net, context } = await openPage();
  await page.goto(server.url + '/fixtures/integrity/clobber-region.html');
  await ready(page);
  await settle(page, 500);
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.deepEqual({ region: c.region, allowed: c.allowed }, { region: 'DE', allowed: ['necessary'] });
  assert.deepEqual(net.google, [], 'no Google request for a DE visitor who decided nothing');
  assert.notEqual((await lastUpdate(page))?.analytics_storage, 'granted');
  await context.close();
});

// ---- 2. Nonce theft by dangling markup ----

test('nonce: an injected gated script whose unclosed data-src swallows the next nonced script start tag is not activated', async () => {
  const { page, net, context, consoleMessages } = await openPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(server.url + '/fixtures/integrity/clobber-nonce.html');
  await ready(page);
  await until(page, () => (window.__order || []).includes('site-footer'));
  await settle(page);
  // The site's own nonced gated scripts still run; the swallowed one is gone with the markup.
  assert.deepEqual(await page.evaluate(() => window.__order || []), ['site-head', 'site-footer']);
  // The injected element stays inert: no live script for it, no request for its URL (which
  // would carry the swallowed markup), nothing for the browser's CSP to block.
  const live = await page.evaluate(() => [...document.scripts].filter((s) => s.type !== 'text/plain' && (s.getAttribute('src') || '').includes('name=injected')).map((s) => s.outerHTML));
  assert.deepEqual(live, [], 'the SDK activated the injected script');
  assert.deepEqual(requested.filter((u) => u.includes('name=injected')), [], 'request (attempt) for the injected script');
  assert.deepEqual(consoleMessages.filter((m) => m.text.includes('name=injected')), []);
  assert.deepEqual(net.google, []);
  await context.close();
});

// ---- 3. The consent log's request carries no Referer ----

test('consent log: the POST from /patient-portal/demo/?visit=oncology carries no Referer', async () => {
  logged.length = 0;
  config = { ...DEMO, log: { endpoint: '/consent-log', pageViews: true } };
  try {
    const { page, context } = await openPage();
    await page.goto(server.url + '/patient-portal/demo/?visit=oncology');
    await ready(page);
    await page.click('#cg-banner [data-cg="reject"]');
    for (let end = Date.now() + 10000; !logged.some((l) => l.body.includes('"decision"')) && Date.now() < end; ) await settle(page, 50);
    await settle(page);
    assert.ok(logged.some((l) => l.body.includes('"decision"')), 'the decision reached the log endpoint');
    assert.deepEqual(logged.map((l) => l.referer), logged.map(() => null), 'Referer headers sent to the consent log');
    await context.close();
  } finally {
    config = null;
  }
});

// ---- 4. Shared consent across subdomains ----

test('cookie.domain: a withdrawal on blog.example.test reaches an open www.example.test tab when it becomes visible again', async () => {
  domainBrowser ||= await chromium.launch({ executablePath: EXECUTABLE, args: [...ARGS, '--host-resolver-rules=MAP *.example.test 127.0.0.1'] });
  config = { ...DEMO, cookie: { domain: 'example.test' } };
  try {
    const { page: www, context } = await openPage({ browserInstance: domainBrowser });
    await www.goto(`http://www.example.test:${server.port}/`);
    await ready(www);
    await www.click('#cg-banner [data-cg="accept"]');
    await www.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));

    const blog = await context.newPage();
    await blog.goto(`http://blog.example.test:${server.port}/privacy/`);
    await ready(blog);
    assert.equal(await blog.evaluate(() => ConsentGate.getConsent().categories.analytics), true, 'precondition: the decision is shared');
    await blog.getByRole('link', { name: 'Cookie settings' }).last().click();
    await blog.locator('#cg-prefs').waitFor({ state: 'visible' });
    await blog.click('#cg-prefs [data-cg="reject"]');
    await blog.waitForFunction(() => ConsentGate.getConsent().categories.analytics === false);

    // The visitor switches back to the www tab. Headless Chromium keeps every page "visible"
    // (bringToFront changes nothing, checked), so the browser's visibilitychange is dispatched
    // as the browser would: on document, bubbling, with visibilityState "visible".
    await www.bringToFront();
    await www.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
    await until(www, () => ConsentGate.getConsent().categories.analytics === false && window['ga-disable-G-DEMO12345'] === true);
    const state = await tabState(www);
    assert.deepEqual(
      { analytics: state.analytics, advertising: state.advertising, update: state.update, gaDisabled: state.gaDisabled },
      { analytics: false, advertising: false, update: { analytics_storage: 'denied', ad_storage: 'denied' }, gaDisabled: true },
    );
    await context.close();
  } finally {
    config = null;
  }
});

// ---- 5. Embeds ----

/** What the visitor sees of the embeds: loaded players (element and frame) and visible placeholders. */
async function embeds(page, scope = 'body') {
  const dom = await page.evaluate(
    (scope) => ({
      loaded: [...document.querySelectorAll(scope + ' iframe')].filter((f) => (f.getAttribute('src') || '').includes('/embed.html')).length,
      placeholders: [...document.querySelectorAll(scope + ' .cg-embed')].filter((b) => b.checkVisibility()).length,
    }),
    scope,
  );
  return { ...dom, frames: page.frames().filter((f) => f.url().includes('/embed.html')).length };
}

test('embeds: on a sensitive page the placeholder\'s "Load content" does not load the embed', async () => {
  const { page, context } = await openPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(server.url + '/privacy/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  // The site's router enters the patient portal and renders a view with a video.
  await page.evaluate(() => {
    history.pushState(null, '', '/patient-portal/video');
    document.querySelector('main').insertAdjacentHTML(
      'beforeend',
      '<section id="portal-view"><iframe data-consent-category="advertising" data-src="/embed.html?view=portal" data-consent-name="Example Video" title="Example video"></iframe></section>',
    );
  });
  const load = page.locator('#portal-view').getByRole('button', { name: 'Load content' });
  await load.waitFor({ state: 'visible' });
  await load.click();
  await settle(page, 500);
  const { loaded, frames } = await embeds(page, '#portal-view');
  assert.deepEqual({ loaded, frames }, { loaded: 0, frames: 0 }, 'the embed after "Load content" on /patient-portal/video');
  assert.deepEqual(requested.filter((u) => u.includes('view=portal')), [], 'request for the embed on a sensitive page');
  await context.close();
});

test('embeds: a loaded advertising embed is unloaded, with a placeholder, when an SPA navigation enters a sensitive path', async () => {
  const { page, context } = await openPage();
  await acceptOnHome(page);
  await page.waitForFunction(() => document.querySelector('iframe[src$="/embed.html"]'));
  assert.equal((await embeds(page)).loaded, 1, 'precondition: the video is loaded');
  await page.evaluate(() => history.pushState(null, '', '/patient-portal/messages'));
  await until(page, () => !document.querySelector('iframe[src*="/embed.html"]'));
  await settle(page);
  assert.deepEqual(await embeds(page), { loaded: 0, placeholders: 1, frames: 0 }, 'the video on /patient-portal/messages');
  await context.close();
});

test('embeds: a loaded advertising embed is unloaded, with a placeholder, when the visitor withdraws advertising', async () => {
  const { page, context } = await openPage();
  await acceptOnHome(page);
  await page.waitForFunction(() => document.querySelector('iframe[src$="/embed.html"]'));
  await page.locator('footer').getByRole('link', { name: 'Cookie settings' }).click();
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await page.click('#cg-prefs [data-cg-category="advertising"]');
  await page.click('#cg-prefs [data-cg="save"]');
  await page.waitForFunction(() => ConsentGate.getConsent().categories.advertising === false);
  await until(page, () => !document.querySelector('iframe[src*="/embed.html"]'));
  await settle(page);
  assert.deepEqual(await embeds(page), { loaded: 0, placeholders: 1, frames: 0 }, 'the video after advertising was withdrawn');
  await context.close();
});

// ---- 6. An injected element with the banner's id ----

test('an injected element with id="cg-banner" does not stop the real banner from appearing and working', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/fixtures/integrity/clobber-banner.html');
  await ready(page);
  const banner = page.getByRole('region', { name: 'Cookie consent' });
  await banner.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
  assert.equal(await banner.count(), 1, 'the SDK banner (region "Cookie consent") is on the page');
  assert.ok(await banner.isVisible(), 'the SDK banner is visible');
  await banner.getByRole('button', { name: 'Accept all' }).click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), true);
  assert.deepEqual(net.gtag(), [GTAG]);
  assert.equal(await banner.isVisible(), false, 'the banner closes after Accept all');
  await context.close();
});
