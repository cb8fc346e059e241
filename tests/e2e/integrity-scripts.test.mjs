// Integrity of generic gating and of consent-gate's own controls:
// - gated scripts already queued are checked for consent and the page rule when each one is
//   inserted (a withdrawal or an SPA navigation into a sensitive path while an earlier script is
//   loading stops the rest), and one failing step (an insertion that throws, a non-JavaScript
//   data-type, an unparsable data-src) does not stall the scripts after it;
// - with a configured nonce only gated elements that carry it run (`necessary` is no bypass),
//   also those added after start;
// - page markup using consent-gate's internal attributes (data-cg, data-cg-scope,
//   data-cg-category) cannot give consent; the public preferences opener only opens the dialog.
// Fixtures: tests/e2e/fixtures/integrity/scripts-*.html (served at /fixtures/integrity/).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, demoServer, openPage, ready, settle } from './harness.mjs';

const NONCE = 'cgScr1ptN0nce';
const NONCE_CSP = `script-src 'nonce-${NONCE}' 'wasm-unsafe-eval'`;
const FIX = '/fixtures/integrity/';

let server;
before(async () => {
  const hook = async (req, res) => {
    const url = new URL(req.url, 'http://x');
    // `?delay=ms` slows a fixture down (as in gating.test.mjs), to act while it is still loading.
    const delay = Number(url.searchParams.get('delay') || 0);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    // The nonce fixtures are served with a nonce-based Content-Security-Policy.
    if (url.pathname.startsWith(FIX + 'scripts-nonce')) res.setHeader('Content-Security-Policy', NONCE_CSP);
    return false;
  };
  server = await demoServer({ hook });
});
after(async () => {
  await server.close();
  await closeBrowser();
});

const order = (page) => page.evaluate(() => window.__order || []);
/** Requests the page made for /fixtures/order.js, by their `name`. */
function orderRequests(page) {
  const names = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/fixtures/order.js') names.push(u.searchParams.get('name'));
  });
  return names;
}
const lastUpdate = (page) => page.evaluate(() => [...dataLayer].reverse().find((e) => e[0] === 'consent' && e[1] === 'update')?.[2] || null);

// ---- 3. queued gated scripts are checked at insertion; one failure does not stall the rest ----

test('a withdrawal while the first queued analytics script is loading stops the scripts queued behind it', async () => {
  const { page, net, context, pageErrors } = await openPage();
  const requested = orderRequests(page);
  await page.goto(server.url + FIX + 'scripts-queue.html');
  await ready(page);
  const slowRequest = page.waitForRequest((r) => r.url().includes('name=slow'));
  await page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
  await slowRequest;
  // The visitor changes their mind while the slow script is still on its way.
  await page.evaluate(() => ConsentGate.rejectAll());
  assert.equal((await lastUpdate(page)).analytics_storage, 'denied');
  // The slow script was already inserted (a loaded script cannot be unloaded) ...
  await page.waitForFunction(() => (window.__order || []).includes('slow'));
  await settle(page, 800);
  // ... but nothing queued behind it may start after the withdrawal.
  assert.deepEqual(await order(page), ['slow'], 'only the script inserted before the withdrawal ran');
  assert.deepEqual(requested, ['slow'], 'the second analytics script was never requested');
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(net.escaped, []);
  await context.close();
});

test('an SPA navigation into /patient-portal/ while the first queued analytics script is loading stops the rest', async () => {
  const { page, net, context, pageErrors } = await openPage();
  const requested = orderRequests(page);
  await page.goto(server.url + FIX + 'scripts-queue.html');
  await ready(page);
  const slowRequest = page.waitForRequest((r) => r.url().includes('name=slow'));
  await page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
  await slowRequest;
  // The single-page app moves into the patient portal while the slow script is still loading.
  await page.evaluate(() => history.pushState({}, '', '/patient-portal/messages'));
  const state = await page.evaluate(() => ({ sensitive: ConsentGate.getConsent().sensitivePage, off: window['ga-disable-G-DEMO12345'] }));
  assert.deepEqual(state, { sensitive: true, off: true });
  await page.waitForFunction(() => (window.__order || []).includes('slow'));
  await settle(page, 800);
  assert.deepEqual(await order(page), ['slow'], 'no analytics script starts on the patient portal');
  assert.deepEqual(requested, ['slow'], 'the second analytics script was never requested on the patient portal');
  assert.equal(await page.evaluate(() => location.pathname), '/patient-portal/messages');
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(net.escaped, []);
  await context.close();
});

/** Consents to analytics on `fixture` and returns what ran once `after-inline` (the last one) ran. */
async function runQueue(fixture) {
  const s = await openPage();
  await s.page.goto(server.url + FIX + fixture);
  await ready(s.page);
  await s.page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
  const ran = await s.page
    .waitForFunction(() => (window.__order || []).includes('after-inline'), null, { timeout: 5000 })
    .then(
      () => null,
      () => 'timed out',
    );
  await settle(s.page);
  return { ...s, ran, order: await order(s.page) };
}

test('a gated script whose insertion throws does not stall the gated scripts after it', async () => {
  const { context, ran, order: got } = await runQueue('scripts-throw.html');
  assert.deepEqual({ ran, order: got }, { ran: null, order: ['before', 'after', 'after-inline'] }, 'the scripts after the refused one still run, in order');
  await context.close();
});

test('a gated script with a non-JavaScript data-type (never fires load or error) does not stall the rest', async () => {
  const { context, ran, order: got } = await runQueue('scripts-template.html');
  assert.deepEqual({ ran, order: got }, { ran: null, order: ['before', 'after', 'after-inline'] }, 'the scripts after the template still run, in order; the template is not executed');
  await context.close();
});

test('a gated script and an iframe with an unparsable data-src do not stall the scripts after them', async () => {
  const { context, ran, order: got, pageErrors } = await runQueue('scripts-badsrc.html');
  assert.deepEqual({ ran, order: got }, { ran: null, order: ['before', 'after', 'after-inline'] }, 'the scripts after the unparsable ones still run, in order');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

// ---- 4. nonce: only gated elements that carry the configured nonce run ----

test('with a nonce configured, gated scripts in the markup run only if they carry the nonce (necessary is no bypass)', async () => {
  const { page, net, context } = await openPage();
  const requested = orderRequests(page);
  const response = await page.goto(server.url + FIX + 'scripts-nonce.html');
  assert.equal(response.headers()['content-security-policy'], NONCE_CSP);
  await ready(page);
  // Necessary needs no consent, but a script without the nonce is not the site's.
  await page.waitForFunction(() => (window.__order || []).includes('site-necessary'));
  await settle(page, 500);
  assert.deepEqual(await order(page), ['site-necessary'], 'before consent only the site\'s own necessary script ran');
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ['site-analytics', 'site-analytics-src'].every((n) => (window.__order || []).includes(n)));
  await settle(page, 500);
  assert.deepEqual((await order(page)).sort(), ['site-analytics', 'site-analytics-src', 'site-necessary'], 'after consent only the scripts carrying the nonce ran');
  assert.deepEqual(requested, ['site-analytics-src'], 'the foreign external scripts were never requested');
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-NONCE0002']);
  await context.close();
});

test('with a nonce configured, gated scripts added after start run only if they carry the nonce', async () => {
  const { page, context } = await openPage();
  const requested = orderRequests(page);
  await page.goto(server.url + FIX + 'scripts-nonce-late.html');
  await ready(page);
  await page.waitForFunction(() => (window.__order || []).includes('site-necessary'));
  /** Adds gated scripts to the comments section, as content loaded later would. */
  const add = (scripts) =>
    page.evaluate((list) => {
      for (const { category, name, src, nonce } of list) {
        const s = document.createElement('script');
        s.type = 'text/plain';
        s.setAttribute('data-consent-category', category);
        if (nonce) s.nonce = nonce;
        if (src) s.setAttribute('data-src', '/fixtures/order.js?name=' + name);
        else s.textContent = `(window.__order = window.__order || []).push(${JSON.stringify(name)});`;
        document.getElementById('comments').appendChild(s);
      }
    }, scripts);
  await add([
    { category: 'necessary', name: 'late-foreign-necessary' },
    { category: 'necessary', name: 'late-foreign-necessary-src', src: true },
    { category: 'necessary', name: 'late-site-necessary', nonce: NONCE },
  ]);
  await page.waitForFunction(() => (window.__order || []).includes('late-site-necessary'));
  await settle(page, 500);
  assert.deepEqual(await order(page), ['site-necessary', 'late-site-necessary'], 'a necessary script added without the nonce does not run');
  await page.evaluate(() => ConsentGate.acceptAll());
  await add([
    { category: 'analytics', name: 'late-foreign-analytics' },
    { category: 'analytics', name: 'late-foreign-analytics-src', src: true },
    { category: 'analytics', name: 'late-site-analytics', nonce: NONCE },
    { category: 'analytics', name: 'late-site-analytics-src', src: true, nonce: NONCE },
  ]);
  await page.waitForFunction(() => ['late-site-analytics', 'late-site-analytics-src'].every((n) => (window.__order || []).includes(n)));
  await settle(page, 500);
  assert.deepEqual(
    (await order(page)).sort(),
    ['late-site-analytics', 'late-site-analytics-src', 'late-site-necessary', 'site-necessary'],
    'after consent, analytics scripts added without the nonce do not run',
  );
  assert.deepEqual(requested, ['late-site-analytics-src'], 'no script without the nonce was requested');
  await context.close();
});

// ---- 5. page markup cannot give consent ----

/** What the visitor is left with: consent state, storage, the banner, the dialog, Google. */
const visitorState = (page, net) =>
  page.evaluate(
    (gtag) => ({
      path: location.pathname,
      decided: ConsentGate.getConsent().decided,
      record: localStorage.getItem('consent-gate'),
      cookie: document.cookie.includes('consent_gate='),
      banner: !!document.querySelector('#cg-banner'),
      dialogOpen: !!document.querySelector('#cg-prefs')?.open,
      gtag,
    }),
    net.gtag().length,
  );
const UNTOUCHED = { path: FIX + 'scripts-markup.html', decided: false, record: null, cookie: false, banner: true, dialogOpen: false, gtag: 0 };

/** Adds `html` to the page's comments section (user content, made by the page). */
const addComment = (page, html) => page.evaluate((h) => document.getElementById('comments').insertAdjacentHTML('beforeend', h), html);

test('page-made accept controls (a bare data-cg="accept" link, a button inside data-cg-scope="banner") give no consent', async () => {
  const controls = {
    'bare link': '<p><a id="fake" data-cg="accept">Claim your prize</a></p>',
    'button in a page-made banner scope': '<div data-cg-scope="banner"><p>We use cookies.</p><button type="button" id="fake" data-cg="accept">OK</button></div>',
  };
  const seen = {};
  for (const [what, html] of Object.entries(controls)) {
    const { page, net, context } = await openPage();
    await page.goto(server.url + FIX + 'scripts-markup.html');
    await ready(page);
    await page.locator('#cg-banner').waitFor({ state: 'visible' });
    const updates = () => page.evaluate(() => dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'update').length);
    const updatesBefore = await updates();
    await addComment(page, html);
    await page.click('#fake');
    await settle(page);
    seen[what] = { ...(await visitorState(page, net)), consentUpdates: (await updates()) - updatesBefore };
    await context.close();
  }
  const untouched = { ...UNTOUCHED, consentUpdates: 0 };
  assert.deepEqual(seen, { 'bare link': untouched, 'button in a page-made banner scope': untouched }, 'no record, no Consent Mode update, no gtag.js, the banner still asks');
});

test('page-made switches and a save button inside data-cg-scope="prefs" change nothing', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + FIX + 'scripts-markup.html');
  await ready(page);
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  await addComment(
    page,
    '<div data-cg-scope="prefs">' +
      '<button type="button" role="switch" id="fake-switch" data-cg-category="analytics" aria-checked="false">Analytics</button>' +
      '<button type="button" role="switch" id="fake-switch-ads" data-cg-category="advertising" aria-checked="true">Ads</button>' +
      '<button type="button" id="fake-save" data-cg="save">Save</button></div>',
  );
  await page.click('#fake-switch');
  await settle(page);
  assert.equal(await page.getAttribute('#fake-switch', 'aria-checked'), 'false', 'consent-gate does not toggle a switch it did not make');
  await page.click('#fake-save');
  await settle(page);
  assert.deepEqual(await visitorState(page, net), UNTOUCHED, 'a page-made save button records nothing');
  assert.deepEqual(await page.evaluate(() => ConsentGate.getConsent().categories), { necessary: true, functional: false, analytics: false, advertising: false });
  await context.close();
});

test('the preferences opener with data-cg="accept" inside a page-made banner scope only opens the dialog', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + FIX + 'scripts-markup.html');
  await ready(page);
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  await page.click('#opener');
  await page.waitForLoadState();
  await settle(page, 500);
  await ready(page);
  assert.deepEqual(await visitorState(page, net), { ...UNTOUCHED, dialogOpen: true }, 'the opener opens the dialog and records nothing');
  // The visitor's choice in the dialog is recorded as made in the preferences dialog.
  const dialog = page.locator('#cg-prefs');
  await dialog.locator('[data-cg-category="analytics"]').click();
  await dialog.locator('[data-cg="save"]').click();
  await dialog.waitFor({ state: 'hidden' });
  const record = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.equal(record.method, 'preferences');
  assert.deepEqual(
    record.choices.filter((c) => c.granted).map((c) => c.category),
    ['necessary', 'analytics'],
  );
  await context.close();
});
