// Documented promises that no other browser test showed the effect of (issue 13's audit):
//  - the script tag's `data-region`, which wins over `<html data-consent-region>`;
//  - `data-manual`: the script tag does not start, and `init(config, { region })` starts it; a
//    region that is not a string is no region (README "npm");
//  - the `consent-gate:signal` event on document;
//  - a gated script's `data-type="module"`;
//  - an embed placeholder named by `title`, else by the host of `data-src`;
//  - a consent event's `dropped`, when the browser's queue of 50 was full;
//  - the options of `consentDefaults()` (npm), and that only its first call acts;
//  - `init`'s `wasm` option as a Response and as a compiled WebAssembly.Module (index.d.ts);
//  - an embed's "Load content": this one embed, this page view, no consent recorded; its
//    "Preferences" button; the placeholder's texts from `texts`;
//  - `signals.choiceOverridesGpc`: once the visitor grants advertising, GPC keeps nothing off
//    (`gpcHonoured` false, no "honoured: advertising is off" line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const html = (head, body) =>
  `<!doctype html><html lang="en"${head.root || ''}><head><meta charset="utf-8"><title>promises</title>${head.tags}</head><body><main>${body}</main></body></html>`;
// A visitor in US-WA starts with analytics off, anyone else with it on.
const REGIONAL = {
  revision: '1',
  categories: [{ id: 'necessary' }, { id: 'analytics', default: true }],
  regions: [{ codes: ['US-WA'], defaults: { analytics: false } }],
};
const ENDPOINT = 'http://log.example.test/events';

const pages = {
  '/p/region.html': html(
    { root: ' data-consent-region="DE"', tags: `${inlineConfig(REGIONAL)}<script src="/consent-gate/consent-gate.js" data-region="us-wa"></script>` },
    '<h1>Region</h1>',
  ),
  '/p/manual.html': html(
    { tags: `<script src="/consent-gate/consent-gate.js" data-manual data-config="/p/never.json"></script>` },
    '<h1>Manual</h1>',
  ),
  '/p/signal.html': html(
    {
      tags: `<script>window.signals = []; document.addEventListener('consent-gate:signal', (e) => signals.push(e.detail));</script>
${inlineConfig({ revision: '1' })}<script src="/consent-gate/consent-gate.js"></script>`,
    },
    '<h1>Signal</h1>',
  ),
  '/p/gated.html': html(
    { tags: `${inlineConfig({ revision: '1' })}<script src="/consent-gate/consent-gate.js"></script>` },
    `<script type="text/plain" data-consent-category="analytics" data-type="module">window.metaType = typeof import.meta;</script>
<iframe id="titled" data-consent-category="advertising" data-src="/fixtures/frame.html" title="Clinic tour"></iframe>
<iframe id="bare" data-consent-category="advertising" data-src="http://video.example.test/embed/42"></iframe>`,
  ),
  '/p/defaults.html': html(
    {
      tags: `<script type="module">import { consentDefaults } from '/consent-gate/index.js';
const options = new URLSearchParams(location.search).has('options') ? { waitForUpdate: 1200, urlPassthrough: true, adsDataRedaction: false } : undefined;
consentDefaults(options);
consentDefaults({ waitForUpdate: 9 });
window.done = 1;</script>`,
    },
    '<h1>Defaults</h1>',
  ),
  '/p/embeds.html': html(
    {
      tags: `${inlineConfig({ revision: '1', googleAds: 'AW-EMBED1', texts: { en: { embedNotice: 'Video by {name}: it sets cookies.', embedLoad: 'Play this video' } } })}
<script src="/consent-gate/consent-gate.js"></script>`,
    },
    `<iframe id="one" data-consent-category="advertising" data-src="/fixtures/frame.html?one" data-consent-name="Video Co"></iframe>
<iframe id="two" data-consent-category="advertising" data-src="/fixtures/frame.html?two" data-consent-name="Video Co"></iframe>`,
  ),
  '/p/overrides.html': html(
    { tags: `${inlineConfig({ revision: '1', signals: { choiceOverridesGpc: true } })}<script src="/consent-gate/consent-gate.js"></script>` },
    '<h1>Overrides</h1>',
  ),
  '/p/log.html': html(
    { tags: `${inlineConfig({ revision: '1', log: { endpoint: ENDPOINT } })}<script src="/consent-gate/consent-gate.js"></script>` },
    '<h1>Log</h1>',
  ),
};

const server = servePagesForFile(pages);

test('the script tag\'s data-region sets the region (any case) and wins over <html data-consent-region>', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/p/region.html');
  await ready(page);
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.deepEqual({ region: c.region, analytics: c.categories.analytics, source: c.sources.analytics }, { region: 'US-WA', analytics: false, source: 'region' });
  // The region rule's Consent Mode default reaches gtag with its codes (for every visitor).
  const defaults = await page.evaluate(() =>
    (window.dataLayer || []).filter((e) => e && e[0] === 'consent' && e[1] === 'default' && e[2].region).map((e) => [e[2].region, e[2].analytics_storage]));
  assert.deepEqual(defaults, [[['US-WA'], 'denied']]);
  await context.close();
});

test('data-manual: the script tag reads no configuration and does not start; init(config, { region }) starts it', async () => {
  const { page, context } = await openPage();
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(server.url + '/p/manual.html');
  await settle(page, 500);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent()), null);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  assert.ok(!fetched.includes('/p/never.json') && !fetched.some((p) => p.endsWith('.wasm')), fetched.join(' '));
  // The Consent Mode defaults went out all the same.
  assert.equal(await page.evaluate(() => dataLayer.filter((e) => e[0] == 'consent' && e[1] == 'default').length), 1);
  const c = await page.evaluate((config) => ConsentGate.init(config, { region: 'US-WA' }), REGIONAL);
  assert.deepEqual({ region: c.region, analytics: c.categories.analytics, source: c.sources.analytics }, { region: 'US-WA', analytics: false, source: 'region' });
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  await context.close();
});

test('init(config, { region }) with a region that is not a string starts without a region, the banner shown', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/p/manual.html');
  await settle(page, 300);
  const c = await page.evaluate((config) => ConsentGate.init(config, { region: 42 }), REGIONAL);
  assert.deepEqual({ region: c.region, analytics: c.categories.analytics, source: c.sources.analytics }, { region: null, analytics: true, source: 'default' });
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the signal event is also a consent-gate:signal event on document, with the signals', async () => {
  const { page, context } = await openPage({ gpc: true });
  await page.goto(server.url + '/p/signal.html');
  await ready(page);
  assert.deepEqual(await page.evaluate(() => window.signals), [{ dnt: 'unset', gpc: 'true' }]);
  await context.close();
});

test('a gated script with data-type="module" runs as a module; embed placeholders are named by title, else by host', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/p/gated.html');
  await ready(page);
  // The placeholders are drawn by consent-gate-gating.js, which may arrive after start.
  await page.locator('.cg-embed p').nth(1).waitFor();
  const names = await page.locator('.cg-embed p').allTextContents();
  assert.deepEqual(names, ['This content is from Clinic tour and sets cookies.', `This content is from video.example.test and sets cookies.`]);
  assert.equal(await page.evaluate(() => window.metaType), undefined, 'nothing runs before consent');
  await page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
  await page.waitForFunction(() => window.metaType !== undefined);
  // `import.meta` exists only in a module (a classic script would not even parse).
  assert.equal(await page.evaluate(() => window.metaType), 'object');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a full queue (50 undelivered events): the oldest goes, and the next event says so in "dropped"', async () => {
  const { page, context } = await openPage();
  const posted = [];
  // The endpoint is down: every event stays queued.
  await context.route(ENDPOINT, (route) => {
    posted.push(JSON.parse(route.request().postData()));
    return route.fulfill({ status: 503, body: '' });
  });
  await page.goto(server.url + '/fixtures/frame.html');
  await page.evaluate(() => {
    // The SDK's format (README "Consent log"): a header with the dropped count, then a line per
    // event: time, id, JSON.
    const old = (i, time = Date.now() - 1000 + i) => `${time} old${i} ${JSON.stringify({ type: 'pageview', eventId: 'old' + i, time })}`;
    localStorage.setItem('consent-gate-log', ['consent-gate-log/1 0', ...Array.from({ length: 50 }, (_, i) => old(i))].join('\n'));
  });
  await page.goto(server.url + '/p/log.html');
  await ready(page);
  await page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
  await page.evaluate(() => ConsentGate.setConsent({ analytics: false }));
  const decisions = () => posted.filter((e) => e.type == 'decision');
  for (let i = 0; i < 100 && decisions().length < 2; i++) await settle(page, 50);
  const [first, second] = decisions();
  assert.equal(first.dropped, undefined, 'the event that filled the queue dropped none before it');
  assert.equal(second.dropped, 1, 'the next event counts the one dropped');
  const queue = await page.evaluate(() =>
    localStorage
      .getItem('consent-gate-log')
      .split('\n')
      .slice(1)
      .map((line) => line.split(' ')[1]),
  );
  assert.equal(queue.length, 50);
  assert.deepEqual(queue.slice(0, 2), ['old2', 'old3'], 'the two oldest went');
  assert.deepEqual(queue.slice(-2), [first.eventId, second.eventId]);
  await context.close();
});

test('consentDefaults(options): the wait, url_passthrough and ads_data_redaction follow them; a second call sends nothing', async () => {
  const { page, context, net } = await openPage();
  const sent = async (query) => {
    await page.goto(server.url + '/p/defaults.html' + query);
    await page.waitForFunction(() => window.done);
    return page.evaluate(() =>
      dataLayer.map((e) => [...e]).map(([a, b, c]) => (a == 'consent' ? [a, b, c.wait_for_update, c.analytics_storage, c.security_storage] : [a, b, c])),
    );
  };
  assert.deepEqual(await sent(''), [
    ['consent', 'default', 500, 'denied', 'granted'],
    ['set', 'ads_data_redaction', true],
  ]);
  assert.deepEqual(await sent('?options'), [
    ['consent', 'default', 1200, 'denied', 'granted'],
    ['set', 'url_passthrough', true],
  ]);
  assert.deepEqual(net.google, []);
  await context.close();
});

test("init's wasm option takes a Response and a compiled WebAssembly.Module", async () => {
  for (const kind of ['Response', 'Module']) {
    const { page, context, net } = await openPage();
    const wasm = [];
    page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(new URL(r.url()).pathname));
    await page.goto(server.url + '/p/manual.html');
    const state = await page.evaluate(async (kind) => {
      const response = await fetch('/consent-gate/consent_gate_bg.wasm');
      const wasm = kind == 'Response' ? response : await WebAssembly.compile(await response.arrayBuffer());
      const s = await ConsentGate.init({ revision: 'r-' + kind, googleAnalytics: 'G-WASMOPT1' }, { wasm });
      await ConsentGate.acceptAll();
      return s.revision;
    }, kind);
    assert.equal(state, 'r-' + kind);
    assert.deepEqual(wasm, ['/consent-gate/consent_gate_bg.wasm'], kind + ': the one fetched by the page, nothing from the script tag');
    await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
    assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-WASMOPT1']);
    await context.close();
  }
});

test('"Load content" loads that one embed for this page view and records no consent; "Preferences" opens the dialog', async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/p/embeds.html');
  await ready(page);
  const holders = page.locator('.cg-embed');
  // The placeholders are drawn by consent-gate-gating.js, which may arrive after start.
  await holders.locator('p').nth(1).waitFor();
  assert.deepEqual(await holders.locator('p').allTextContents(), ['Video by Video Co: it sets cookies.', 'Video by Video Co: it sets cookies.']);
  await holders.first().getByRole('button', { name: 'Play this video' }).click();
  await page.waitForFunction(() => document.querySelector('#one[src$="/fixtures/frame.html?one"]'));
  assert.equal(await page.locator('#two').getAttribute('src'), null, 'the other embed of the category stays unloaded');
  assert.equal(await holders.count(), 1);
  const state = await page.evaluate(() => [ConsentGate.getConsent().decided, ConsentGate.getConsent().categories.advertising, ConsentGate.getConsentRecord()]);
  assert.deepEqual(state, [false, false, null], 'no consent recorded');
  assert.deepEqual(net.google, []);
  await holders.first().getByRole('button', { name: 'Preferences' }).click();
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  // The next page view asks again.
  await page.reload();
  await ready(page);
  await page.locator('.cg-embed').nth(1).waitFor();
  assert.equal(await page.locator('.cg-embed').count(), 2);
  assert.equal(await page.locator('iframe[src]').count(), 0);
  await context.close();
});

test('choiceOverridesGpc: GPC keeps advertising off until the visitor grants it; then nothing says it is honoured', async () => {
  const { page, context } = await openPage({ gpc: true });
  await page.goto(server.url + '/p/overrides.html');
  await ready(page);
  const view = () => page.evaluate(() => (({ gpcHonoured, categories, sources }) => [gpcHonoured, categories.advertising, sources.advertising])(ConsentGate.getConsent()));
  assert.deepEqual(await view(), [true, false, 'gpc']);
  assert.equal(await page.locator('#cg-banner .cg-gpc').count(), 1);
  await page.evaluate(() => ConsentGate.setConsent({ advertising: true }));
  assert.deepEqual(await view(), [false, true, 'user']);
  await page.evaluate(() => ConsentGate.showPreferences());
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#cg-prefs [data-cg-category="advertising"]').getAttribute('aria-checked'), 'true');
  assert.equal(await page.locator('#cg-prefs .cg-gpc').count(), 0, 'no "honoured: advertising is off" beside a switch that is on');
  await context.close();
});
