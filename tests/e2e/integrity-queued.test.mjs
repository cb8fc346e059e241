// Integrity: decisions a page asks for before consent-gate is ready (the seventh adversarial
// round). A returning visitor who had accepted everything; the page withdraws on their behalf in
// an inline script right after the script tag (or right after an npm `init()`), before the wasm
// has loaded. The withdrawal is the first decision at start: the stored grant configures no tag,
// so no Google host is asked for anything, no gated script or embed of a withdrawn category
// loads, and the stored record is the refusal. Queued calls keep their order: accept then reject
// ends refused (nothing loads); reject then accept ends accepted (the tag loads once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const html = (head, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>queued</title>${head}</head><body><main>${body}</main></body></html>`;
const SITE = { revision: '1', googleAnalytics: 'G-QUEUED001', googleAds: 'AW-QUEUED01' };
const TAG = '<script src="/consent-gate/consent-gate.js"></script>';
// The calls named in `?calls=` (comma-separated), made at once; each promise's outcome recorded.
const CALLS = `window.results = [];
const calls = { accept: (cg) => cg.acceptAll(), reject: (cg) => cg.rejectAll(), set: (cg) => cg.setConsent({ analytics: false, advertising: false }),
  bad: (cg) => cg.setConsent({ chat: true }), prefs: (cg) => cg.showPreferences(),
  // Past the copy's budget of 10,000 objects: rejected, and it must not use up the next call's.
  huge: (cg) => cg.setConsent({ analytics: Array.from({ length: 12000 }, () => ({})) }),
  // A getter that throws: rejected, not read as absent.
  throws: (cg) => cg.setConsent({ get analytics() { throw new Error('no'); }, advertising: true }) };
window.makeCalls = (cg) => {
  for (const c of new URLSearchParams(location.search).get('calls').split(',')) {
    const p = calls[c](cg);
    if (p) p.then((s) => results.push([c, s.decided, s.categories.analytics, s.categories.advertising]), (e) => results.push([c, 'rejected', e.message]));
    else results.push([c]);
  }
};`;
const GATED = `<script type="text/plain" data-consent-category="analytics">window.ranAnalytics = 1;</script>
<script type="text/plain" data-consent-category="advertising" data-src="/q/ads.js"></script>
<iframe data-consent-category="advertising" data-src="/fixtures/frame.html?ad" data-consent-name="Video Co" title="Tour"></iframe>`;
const server = servePagesForFile({
  '/q/home.html': html(inlineConfig(SITE) + TAG, '<h1>Home</h1>'),
  // The script tag, then at once an inline script that calls the API.
  '/q/tag.html': html(inlineConfig(SITE) + TAG + `<script>${CALLS}\nmakeCalls(ConsentGate);</script>`, '<h1>Tag</h1>' + GATED),
  // The npm entry: calls made after init() is called but before it resolves.
  '/q/esm.html': html(
    `<script type="module">import * as cg from '/consent-gate/index.js';\n${CALLS}\ncg.init(${JSON.stringify(SITE)}).then(() => (window.cgReady = 1));\nmakeCalls(cg);\nwindow.cg = cg;</script>`,
    '<h1>ESM</h1>' + GATED,
  ),
  // The npm entry: calls made before init() is called at all.
  '/q/esm-first.html': html(
    `<script type="module">import * as cg from '/consent-gate/index.js';\n${CALLS}\nmakeCalls(cg);\ncg.init(${JSON.stringify(SITE)}).then(() => (window.cgReady = 1));\nwindow.cg = cg;</script>`,
    '<h1>ESM first</h1>' + GATED,
  ),
  '/q/ads.js': 'window.ranAds = 1;',
  // The script tag runs; the app's own npm copy is called before its init(), which finds the page
  // taken.
  '/q/two.html': html(
    inlineConfig(SITE) + TAG + `<script type="module">import * as cg from '/consent-gate/index.js';\n${CALLS}\nmakeCalls(cg);\ncg.init(${JSON.stringify(SITE)});\nwindow.cg = cg;</script>`,
    '<h1>Two copies</h1>',
  ),
  // The configuration comes late (\`/q/slow.json\`, held 3 s by the test): links that withdraw and
  // leave at once, before start (a "Do not sell or share" link).
  '/q/slow.html': html(
    '<script src="/consent-gate/consent-gate.js" data-config="/q/slow.json"></script>',
    '<a id="reject" href="/q/after.html" onclick="ConsentGate.rejectAll()">Do not sell or share my personal information</a> <a id="set" href="/q/after.html" onclick="ConsentGate.setConsent({ analytics: false })">No analytics</a>' +
      // 300 names no site has, of non-ASCII letters (under 4,096 characters in all, but over 4,096
      // UTF-8 bytes), before the one refusal that counts.
      ' <a id="wide" href="/q/after.html" onclick="const o = {}; for (let i = 0; i < 300; i++) o[\'\\u00e9\'.repeat(8) + i] = false; o.analytics = false; ConsentGate.setConsent(o)">No analytics, with junk</a>',
  ),
  // A configuration with an error (start throws) and a withdrawal queued before ready.
  '/q/broken.html': html(inlineConfig({ ...SITE, googleAnalytics: 'UA-OLD' }) + TAG + '<script>ConsentGate.rejectAll().then(() => (window.outcome = "settled"), () => (window.outcome = "settled"));</script>', '<h1>Broken</h1>'),
  // A setConsent queued before ready with 40,000 refusals (of names no site has, after two that
  // are).
  '/q/many.html': html(
    inlineConfig(SITE) + TAG + '<script>const o = { analytics: false, advertising: false }; for (let i = 0; i < 40000; i++) o["k" + i] = false; window.many = ConsentGate.setConsent(o).then(() => "resolved", (e) => e.message); window.pendingNow = localStorage.getItem("consent-gate-pending");</script>',
    '<h1>Many</h1>',
  ),
  '/q/after.html': html(inlineConfig(SITE) + TAG, '<h1>After</h1><script type="text/plain" data-consent-category="analytics">window.ranAnalytics = 1;</script>'),
  // A language with a longer record (its \`language\` field) than the English one.
  '/q/zh.html': html(inlineConfig(SITE) + TAG, '<h1>Zh</h1>').replace('lang="en"', 'lang="zh-Hant"'),
  '/q/esm-getter.html': html(
    `<script type="module">import * as cg from '/consent-gate/index.js';\ncg.init({ ...${JSON.stringify(SITE)}, get sensitivePaths() { throw new Error('no'); } }).then(() => (window.outcome = 'resolved'), (e) => (window.outcome = String(e.message || e)));</script>`,
    '<h1>Getter</h1>',
  ),
});

/** A visitor who accepted everything on the home page (`o` from `openPage`). */
async function acceptedEverything(o) {
  const { page, net } = o;
  await page.goto(server.url + '/q/home.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  // The home page's gtag.js request reaches the interceptor a moment after the click.
  for (let i = 0; i < 100 && net.gtag().length < 1; i++) await settle(page, 50);
  const record = await page.evaluate(() => ConsentGate.getConsentRecord().choices.map((c) => c.granted));
  assert.deepEqual(record, [true, true, true, true], 'the visitor accepted everything');
  const before = { google: net.google.length, gtag: net.gtag().length };
  assert.equal(before.gtag, 1, 'gtag.js loaded on the home page');
  return before;
}

/** A visitor who accepted everything on the home page, then opened `path`; its requests from then on. */
async function returning(path, calls) {
  const o = await openPage();
  const { page } = o;
  const before = await acceptedEverything(o);
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(server.url + path + '?calls=' + calls);
  await page.waitForFunction((n) => window.results && results.length == n, calls.split(',').length, { timeout: 10000 });
  await settle(page, 500);
  return { ...o, before, requested };
}

/** What the page shows after the calls: the results, what ran, the record. */
const outcome = (page, api) =>
  page.evaluate((api) => {
    const cg = api == 'tag' ? window.ConsentGate : window.cg;
    const r = cg.getConsentRecord();
    return {
      results,
      ranAnalytics: !!window.ranAnalytics,
      ranAds: !!window.ranAds,
      record: r && Object.fromEntries(r.choices.map((c) => [c.category, c.granted])),
      gaOff: window['ga-disable-G-QUEUED001'],
      pending: localStorage.getItem('consent-gate-pending'),
    };
  }, api);

const REFUSED = { necessary: true, functional: false, analytics: false, advertising: false };

for (const [api, path] of [
  ['tag', '/q/tag.html'],
  ['esm', '/q/esm.html'],
  ['esm', '/q/esm-first.html'],
]) {
  for (const [calls, record] of [
    ['reject', REFUSED],
    ['set', { necessary: true, functional: true, analytics: false, advertising: false }],
    ['accept,reject', REFUSED],
    ['prefs,bad,reject', REFUSED],
    ['huge,set', { necessary: true, functional: true, analytics: false, advertising: false }],
    ['throws,reject', REFUSED],
  ]) {
    test(`${path}: ${calls} before ready, with everything granted stored: nothing of Google, no gated script or embed, the refusal stored`, async () => {
      const { page, context, net, before, requested } = await returning(path, calls);
      const o = await outcome(page, api);
      assert.equal(net.gtag().length, before.gtag, 'no gtag.js request after the withdrawal: ' + net.google.slice(before.google).join(' '));
      assert.equal(net.google.length, before.google, 'no request to any Google host: ' + net.google.slice(before.google).join(' '));
      assert.deepEqual(net.escaped, []);
      assert.equal(o.ranAnalytics, false, 'the gated analytics script did not run');
      assert.equal(o.ranAds, false, 'the gated advertising script did not run');
      assert.ok(!requested.some((u) => u.includes('/q/ads.js') || u.includes('frame.html?ad')), 'no gated script or embed requested: ' + requested.join(' '));
      assert.equal(o.gaOff, true, 'GA switched off');
      assert.deepEqual(o.record, record, 'the stored record is the withdrawal');
      assert.equal(o.pending, null, 'start took the queue itself: no withdrawal is left pending');
      // Each decision resolves to the state in force after start; an invalid one rejects alone.
      for (const r of o.results) {
        if (r[0] == 'bad') assert.deepEqual(r, ['bad', 'rejected', 'setConsent.chat: expected the id of a configured category']);
        else if (r[0] == 'huge' || r[0] == 'throws') assert.equal(r[1], 'rejected', JSON.stringify(o.results));
        else if (r[0] != 'prefs') assert.deepEqual(r.slice(1), [true, false, false], JSON.stringify(o.results));
      }
      if (calls.startsWith('prefs')) assert.equal(await page.locator('dialog[open]').count(), 1, 'showPreferences() still opens the dialog');
      // The next page of the site goes by the stored refusal too.
      await page.goto(server.url + '/q/home.html');
      await ready(page);
      await settle(page);
      assert.equal(net.google.length, before.google, 'nothing of Google on the next page either');
      await context.close();
    });
  }

  test(`${path}: reject then accept before ready ends accepted: the tag loads once, the gated script runs`, async () => {
    const { page, context, net, before } = await returning(path, 'reject,accept');
    await page.waitForFunction(() => window.ranAnalytics && window.ranAds);
    for (let i = 0; i < 100 && net.gtag().length <= before.gtag; i++) await settle(page, 50);
    await settle(page);
    const o = await outcome(page, api);
    assert.equal(net.gtag().length, before.gtag + 1, 'gtag.js once');
    assert.deepEqual(o.record, { necessary: true, functional: true, analytics: true, advertising: true });
    assert.deepEqual(o.results.map((r) => r.slice(1)), [[true, true, true], [true, true, true]]);
    await context.close();
  });
}

// The page is left before start: its queue dies with it, but the refusals in it were written to
// localStorage at once, and the next page takes them first. Only refusals: the rest is lost.
for (const [link, record] of [
  ['reject', REFUSED],
  ['set', { necessary: true, functional: true, analytics: false, advertising: true }],
  ['wide', { necessary: true, functional: true, analytics: false, advertising: true }],
]) {
  test(`a withdrawal (${link}) queued before ready, then the page left before start: the next page goes by it, not by the stored grant`, async () => {
    const o = await openPage();
    const { page, context, net } = o;
    await context.route('**/q/slow.json', async (r) => {
      await new Promise((res) => setTimeout(res, 3000));
      await r.fulfill({ contentType: 'application/json', body: JSON.stringify(SITE) }).catch(() => {});
    });
    await acceptedEverything(o);
    await page.goto(server.url + '/q/slow.html', { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.ConsentGate);
    assert.equal(await page.evaluate(() => ConsentGate.getConsent()), null, 'not started when the link is clicked');
    const before = net.google.length;
    await Promise.all([page.waitForURL('**/q/after.html'), page.click('#' + link)]);
    await ready(page);
    await settle(page, 800);
    const seen = net.google.slice(before);
    if (link == 'reject') assert.deepEqual(seen, [], 'no request to any Google host on the next page');
    // Advertising is still granted: its tag may load, but nothing of Google Analytics.
    else assert.ok(!seen.some((u) => /G-QUEUED001|google-analytics/.test(u)), 'nothing of Google Analytics: ' + seen.join(' '));
    assert.deepEqual(net.escaped, []);
    const after = await page.evaluate(() => ({
      record: Object.fromEntries(ConsentGate.getConsentRecord().choices.map((c) => [c.category, c.granted])),
      ranAnalytics: !!window.ranAnalytics,
      gaOff: window['ga-disable-G-QUEUED001'],
      pending: localStorage.getItem('consent-gate-pending'),
    }));
    assert.deepEqual(after.record, record, 'the stored record is the withdrawal');
    assert.equal(after.ranAnalytics, false, 'the gated analytics script did not run');
    assert.equal(after.gaOff, true, 'GA switched off');
    assert.equal(after.pending, null, 'the pending withdrawal is deleted once taken');
    await context.close();
  });
}

test('a withdrawal queued on a page whose configuration is broken stays pending: the next page, configured again, goes by it', async () => {
  const o = await openPage();
  const { page, context, net } = o;
  await acceptedEverything(o);
  await page.goto(server.url + '/q/broken.html');
  await page.waitForFunction(() => window.outcome);
  await settle(page, 300);
  assert.match((await page.evaluate(() => localStorage.getItem('consent-gate-pending'))) || '', / \* /, 'the refusal is kept pending when start takes nothing');
  const before = net.google.length;
  await page.goto(server.url + '/q/after.html');
  await ready(page);
  await settle(page, 800);
  assert.deepEqual(net.google.slice(before), [], 'no request to any Google host on the next page');
  const after = await page.evaluate(() => ({
    record: Object.fromEntries(ConsentGate.getConsentRecord().choices.map((c) => [c.category, c.granted])),
    ranAnalytics: !!window.ranAnalytics,
    pending: localStorage.getItem('consent-gate-pending'),
  }));
  assert.deepEqual(after.record, REFUSED, 'the stored record is the withdrawal');
  assert.equal(after.ranAnalytics, false, 'the gated analytics script did not run');
  assert.equal(after.pending, null, 'the pending withdrawal is deleted once taken');
  await context.close();
});

test('a setConsent of 40,000 refusals queued before ready: the pending value stays within what start reads (4,096 characters), the refusals that come first in it, and the page starts', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/q/many.html');
  await ready(page);
  const [written, many] = await page.evaluate(async () => [window.pendingNow, await window.many]);
  assert.ok(written.length <= 4096, 'at most what start reads: ' + written.length + ' characters');
  assert.match(written, /^ analytics advertising k0 /, 'the refusals that came first are in it');
  // Names no configuration has: the call rejects as a whole, as it would after ready.
  assert.match(many, /k0/);
  await context.close();
});

test('localStorage full: a refusal longer than the stored grant removes it, so the grant never outlasts it', async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/q/home.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  // Another script of the origin fills localStorage to the last byte.
  await page.evaluate(() => {
    let chunk = 'x'.repeat(1 << 20);
    for (let i = 0; chunk.length; i++) {
      try {
        localStorage.setItem('fill' + i, chunk);
      } catch (e) {
        chunk = chunk.slice(0, chunk.length >> 1);
      }
    }
  });
  await page.goto(server.url + '/q/zh.html');
  await ready(page);
  const lang = await page.evaluate(() => ConsentGate.rejectAll().then((s) => s.language));
  assert.equal(lang, 'zh-Hant', 'the refusal is made in Traditional Chinese (a longer record)');
  await settle(page, 500);
  const before = net.google.length;
  await page.goto(server.url + '/q/home.html');
  await ready(page);
  await settle(page, 500);
  assert.equal(net.google.length, before, 'nothing of Google on the next page: ' + net.google.slice(before).join(' '));
  const record = await page.evaluate(() => ConsentGate.getConsentRecord()?.choices.map((c) => c.granted));
  // Filled to the last byte, even the refusal may not fit once the grant is gone: then nothing is
  // stored and the visitor is asked again. Never the grant.
  if (record) assert.deepEqual(record, [true, false, false, false], 'a stored record is the refusal');
  else assert.equal(await page.locator('#cg-banner').isVisible(), true, 'nothing stored: the banner asks again');
  await context.close();
});

test('npm init: a configuration getter that throws is an error at its field, not an absent field (an absent sensitivePaths would protect nothing)', async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/q/esm-getter.html');
  await page.waitForFunction(() => window.outcome, null, { timeout: 10000 });
  const outcome = await page.evaluate(() => window.outcome);
  assert.match(outcome, /sensitivePaths/, 'init rejects naming the field: ' + outcome);
  await settle(page, 500);
  assert.equal(net.google.length, 0, 'nothing of Google');
  await context.close();
});

test('a second copy (npm beside the script tag): calls queued before its init() reject, as the README says, instead of waiting for ever; their refusal is kept', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/q/two.html?calls=reject,set');
  await page.waitForFunction(() => window.results && results.length == 2, null, { timeout: 10000 });
  const results = await page.evaluate(() => results);
  assert.deepEqual(results, [
    ['reject', 'rejected', 'consent-gate is not available'],
    ['set', 'rejected', 'consent-gate is not available'],
  ]);
  // The script tag's copy still runs the page, and the withdrawal is not lost: the refusal the
  // second copy queued (kept in consent-gate-pending) is taken by the running copy's start, or,
  // when that copy had started already, waits there for the next page.
  await ready(page);
  const after = await page.evaluate(() => [ConsentGate.getConsent().decided, ConsentGate.getConsent().categories.analytics, localStorage.getItem('consent-gate-pending')]);
  assert.ok((after[0] && after[1] === false && after[2] === null) || after[2] === '*', JSON.stringify(after));
  await context.close();
});
