// Integrity, round 6: what a sixth adversarial round broke.
//  1. A `setConsent` value with something inside that throws when read (a revoked Proxy) left the
//     session taken for good: the banner's buttons, navigations into a sensitive page and other
//     tabs went unheard. Values are now copied in JavaScript, where the throw is caught.
//  2. A configuration whose unknown member is a cycle that branches (`o.a = o; o.b = o`) froze the
//     page (2^24 paths). A cycle is now one value that is not JSON.
//  3. A notice renderer (consent-gate-notice.js) whose request hangs held back the banner on the
//     privacy page for good. Start waits for it a few seconds at most.
//  4. An unclosed injected `<label>` around the notice container forwarded every click on the
//     page text inside it to the notice's first switch. A container inside a label, link, button
//     or summary is not drawn into.
//  6. A consent event the endpoint refused (a 4xx) stayed queued and was posted again on every
//     page view for 30 days (a forged queue of 50 refused events did that with no end). A 4xx
//     other than 408 and 429 now takes it off the queue, counted in `dropped`; a 5xx keeps it.
//  5. Hidden injected elements carrying the ids that name the dialog and its switches
//     (`aria-labelledby`) came first in the page and renamed them for screen readers. The ids now
//     have a prefix made new on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const html = (head, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>r6</title>${head}</head><body><main>${body}</main></body></html>`;
const TAG = '<script src="/consent-gate/consent-gate.js"></script>';
const SITE = { revision: '1', googleAnalytics: 'G-R6TEST001', sensitivePaths: ['/patient-portal/*'] };
// Analytics first: the switch a forwarded click would reach.
const CATEGORIES = [
  { id: 'analytics', title: 'Analytics', description: 'Visits counted.' },
  { id: 'necessary', title: 'Necessary', description: 'Always on.', required: true },
];
const NOTICE = { sections: [{ heading: 'Cookies', blocks: [{ controls: true }] }] };

const pages = {
  '/r6/home.html': html(inlineConfig(SITE) + TAG, '<h1>Home</h1>'),
  '/r6/cycle.html': html(
    `<script src="/consent-gate/consent-gate.js" data-manual></script>
<script>
const c = { revision: '1', googleAnalytics: 'G-R6TEST001' };
const o = {};
o.a = o;
o.b = o;
c.store = o;
ConsentGate.init(c).catch((e) => (window.rejected = e.message));
</script>`,
    '<h1>Home</h1>',
  ),
  '/r6/privacy.html': html(inlineConfig({ ...SITE, notice: NOTICE }) + TAG, '<h1>Privacy</h1><div data-consent-gate="notice"></div>'),
  '/r6/label.html': html(
    inlineConfig({ ...SITE, categories: CATEGORIES, notice: NOTICE }) + TAG,
    `<div>You searched for: <label><span>(unclosed)</span>
<p id="text">Opening hours: Monday to Friday.</p>
<div data-consent-gate="notice" id="injected"></div></div>`,
  ),
  '/r6/names.html': html(
    inlineConfig({ ...SITE, categories: CATEGORIES }) + TAG,
    `<div hidden><h2 id="cg-prefs-title">Continue</h2><h3 id="cg-p-t-analytics">Strictly necessary (always on)</h3>
<p id="cg-p-d-analytics">Switch on to continue.</p></div><h1>Home</h1>`,
  ),
  '/r6/log.html': html(inlineConfig({ revision: '1', log: { endpoint: 'http://log.example.test/events' } }) + TAG, '<h1>Log</h1>'),
};

const server = servePagesForFile(pages);

test('a setConsent value that throws inside only rejects that call: the banner, a route into a sensitive page still work', async () => {
  const { page, context, net, pageErrors } = await openPage();
  await page.goto(server.url + '/r6/home.html');
  await ready(page);
  const rejected = await page.evaluate(() => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return ConsentGate.setConsent({ analytics: r.proxy }).then(
      () => 'resolved',
      (e) => e.message,
    );
  });
  assert.match(rejected, /setConsent\.analytics: expected true or false/);
  await page.locator('#cg-banner [data-cg=accept]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), true, "the banner's Accept is heard");
  await page.waitForFunction(() => document.querySelector('script[src*="/gtag/js"]'));
  await page.evaluate(() => history.pushState({}, '', '/patient-portal/results'));
  await page.waitForFunction(() => ConsentGate.getConsent().sensitivePage);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false, 'the sensitive page turns analytics off');
  assert.equal(net.gtag().length, 1, 'gtag.js loaded once, after the Accept');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a configuration holding a cycle that branches fails closed at once: the banner, one error naming the member', async () => {
  const { page, context, net, consoleMessages } = await openPage();
  await page.goto(server.url + '/r6/cycle.html');
  await page.waitForFunction(() => window.rejected, null, { timeout: 20000 });
  assert.match(await page.evaluate(() => window.rejected), /store: unknown field/);
  await page.locator('#cg-banner').waitFor();
  const errors = consoleMessages.filter((m) => m.type === 'error' && m.text.includes('store: unknown field'));
  assert.equal(errors.length, 1);
  assert.deepEqual(net.google, []);
  await context.close();
});

test('a notice renderer that never answers does not hold back the banner', async () => {
  const { page, context, net } = await openPage();
  await context.route('**/consent-gate-notice.js', () => {}); // never answered
  await page.goto(server.url + '/r6/privacy.html');
  await page.locator('#cg-banner').waitFor({ timeout: 15000 });
  await page.locator('#cg-banner [data-cg=reject]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  assert.equal(await page.locator('.cg-notice').count(), 0, 'no notice without its renderer');
  assert.deepEqual(net.google, []);
  await context.close();
});

test('a notice container inside an injected label is not drawn into, so clicks on page text flip nothing', async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/r6/label.html');
  await ready(page);
  await settle(page);
  assert.equal(await page.locator('#injected .cg-notice').count(), 0);
  await page.locator('#text').click();
  await settle(page);
  assert.equal(await page.locator('[data-cg-category=analytics][aria-checked=true]').count(), 0);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().decided), false);
  assert.equal(net.gtag().length, 0);
  await context.close();
});

test("injected elements with the SDK's old ids do not rename the dialog or its switches", async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/r6/names.html');
  await ready(page);
  await page.locator('#cg-banner [data-cg=prefs]').click();
  await page.locator('#cg-prefs').waitFor();
  const names = await page.evaluate(() => {
    const named = (el, attr) => {
      const target = document.getElementById(el.getAttribute(attr));
      return [target.closest('#cg-prefs') !== null, target.textContent];
    };
    const dialog = document.querySelector('#cg-prefs');
    const analytics = dialog.querySelector('[data-cg-category=analytics]');
    return [named(dialog, 'aria-labelledby'), named(analytics, 'aria-labelledby'), named(analytics, 'aria-describedby')];
  });
  assert.deepEqual(names, [
    [true, 'Privacy preferences'],
    [true, 'Analytics'],
    [true, 'Visits counted.'],
  ]);
  await context.close();
});

for (const [status, resent] of [
  [400, false],
  [503, true],
]) {
  test(`a consent event answered ${status} is ${resent ? 'sent again on the next page' : 'not sent again'}`, async () => {
    const { page, context } = await openPage();
    const posted = [];
    await context.route('http://log.example.test/events', (route) => {
      posted.push(JSON.parse(route.request().postData()));
      return route.fulfill({ status, body: '', headers: { 'Access-Control-Allow-Origin': '*' } });
    });
    await page.goto(server.url + '/r6/log.html');
    await ready(page);
    await page.evaluate(() => ConsentGate.rejectAll());
    const decisions = () => posted.filter((e) => e.type == 'decision');
    for (let i = 0; i < 100 && !decisions().length; i++) await settle(page, 50);
    await settle(page);
    await page.goto(server.url + '/r6/log.html');
    await ready(page);
    await settle(page, 1000);
    const ids = decisions().map((e) => e.eventId);
    assert.equal(ids.length, resent ? 2 : 1);
    if (resent) assert.equal(ids[0], ids[1], 'the same event, again');
    const left = await page.evaluate(() => (localStorage.getItem('consent-gate-log') || '').split('\n').slice(1).filter(Boolean).length);
    assert.equal(left, resent ? 1 : 0);
    if (!resent) assert.match(await page.evaluate(() => localStorage.getItem('consent-gate-log')), /^consent-gate-log\/1 1/, 'counted as dropped');
    await context.close();
  });
}
