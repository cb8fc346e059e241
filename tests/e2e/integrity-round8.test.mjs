// Integrity, round 8: what the seventh adversarial round found.
//  1. A sensitive page where consent-gate did not start (its configuration broken or slow, the
//     wasm missing, the visitor gone before start, or no script tag there at all) has no
//     `strict-origin` referrer meta, so the next page's `document.referrer` is the patient URL,
//     and Google's tag there reports it as the referrer. consent-gate on the next page now sets
//     gtag's `page_referrer` to the site's origin, before any tag loads, when the referrer is a
//     sensitive page of the same site.
//  2. A page of the site framed by a sensitive page (a help widget in the patient portal) loaded
//     Google's tag: it is a sensitive page now too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile } from './harness.mjs';

const html = (head, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>r8</title>${head}</head><body><main>${body}</main></body></html>`;
const TAG = '<script src="/consent-gate/consent-gate.js"></script>';
const SITE = { revision: '1', googleAnalytics: 'G-R8TEST001', sensitivePaths: ['/patient-portal/*'] };
const HOME = html(inlineConfig(SITE) + TAG, '<h1>Home</h1>');
const BACK = '<h1>Results</h1><p><a id="home" href="/r8/home.html">Home</a></p>';
const server = servePagesForFile({
  '/r8/home.html': HOME,
  '/r8/news.html': html(inlineConfig(SITE) + TAG, BACK),
  // Its configuration is not JSON: consent-gate fails closed there and never starts.
  '/patient-portal/r8/broken.html': html('<script type="application/json" id="consent-gate-config">{not json</script>' + TAG, BACK),
  '/r8/widget.html': html(inlineConfig(SITE) + TAG, '<h1>Help</h1>'),
  '/patient-portal/r8/framed.html': html('', '<h1>Results</h1><iframe src="/r8/widget.html" title="Help"></iframe>'),
  // A page of the portal the site left without the script tag.
  '/patient-portal/r8/plain.html': html('', BACK),
});

/** The `set` and `config` commands in the page's dataLayer, in order. */
const commands = (page) =>
  page.evaluate(() => dataLayer.filter((e) => e[0] === 'set' || e[0] === 'config').map((e) => [e[0], typeof e[1] == 'string' ? e[1] : '{…}', typeof e[2] == 'string' ? e[2] : '']));

/** A visitor who accepted on the home page (`openPage`'s result). */
async function acceptedAtHome() {
  const o = await openPage();
  await o.page.goto(server.url + '/r8/home.html');
  await ready(o.page);
  await o.page.click('#cg-banner [data-cg="accept"]');
  await o.page.waitForFunction(() => ConsentGate.getConsent().decided);
  return o;
}

/** Accepts on the home page, visits `from`, follows its link home; returns the page there. */
async function homeFrom(from) {
  const o = await acceptedAtHome();
  const { page } = o;
  await page.goto(server.url + from);
  await page.click('#home');
  await page.waitForURL(server.url + '/r8/home.html');
  await ready(page);
  await page.waitForFunction(() => dataLayer.some((e) => e[0] === 'config'));
  return o;
}

for (const [name, from] of [
  ['whose configuration is broken', '/patient-portal/r8/broken.html?test=hiv&dob=1970-01-01'],
  ['without the script tag', '/patient-portal/r8/plain.html?test=hiv'],
]) {
  test(`after a sensitive page ${name}, Google's tag on the next page gets only the origin as the referrer`, async () => {
    const { page, context, net } = await homeFrom(from);
    // The browser's own referrer names the patient page: nothing on that page trimmed it.
    assert.equal(await page.evaluate(() => document.referrer), server.url + from);
    const cmds = await commands(page);
    const at = cmds.findIndex((c) => c[0] === 'set' && c[1] === 'page_referrer');
    assert.notEqual(at, -1, JSON.stringify(cmds));
    assert.equal(cmds[at][2], server.url + '/', 'the origin only');
    assert.ok(at < cmds.findIndex((c) => c[0] === 'config'), 'set before the tag is configured: ' + JSON.stringify(cmds));
    assert.equal(net.gtag().length, 2, 'the tag loads on both views of the home page (the visitor accepted), none on the portal');
    await context.close();
  });
}

test('after an ordinary page the browser referrer stands (no page_referrer set)', async () => {
  const { page, context } = await homeFrom('/r8/news.html?q=1');
  assert.equal(await page.evaluate(() => document.referrer), server.url + '/r8/news.html?q=1');
  assert.deepEqual((await commands(page)).filter((c) => c[1] === 'page_referrer'), []);
  await context.close();
});

test('a page of the site framed by a sensitive page is sensitive: no Google tag loads in the frame', async () => {
  const { page, context, net } = await acceptedAtHome();
  const before = net.gtag().length;
  await page.goto(server.url + '/patient-portal/r8/framed.html');
  const frame = page.frames().find((f) => f.url().endsWith('/r8/widget.html')) || (await page.waitForEvent('frameattached'));
  await frame.waitForFunction(() => window.ConsentGate && ConsentGate.getConsent() !== null, null, { timeout: 10000 });
  assert.equal(await frame.evaluate(() => ConsentGate.getConsent().sensitivePage), true);
  await page.waitForTimeout(300);
  assert.equal(net.gtag().length, before, 'no gtag.js requested in the frame');
  // The same widget at the top is an ordinary page: the tag loads (the visitor accepted).
  await page.goto(server.url + '/r8/widget.html');
  await ready(page);
  await page.waitForFunction(() => dataLayer.some((e) => e[0] === 'config'));
  assert.equal(net.gtag().length, before + 1);
  await context.close();
});
