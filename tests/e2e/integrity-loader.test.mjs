// The wasm's loading, as a page script that runs after consent-gate.js sees it (adversarial round
// B1 and a8 of the size rounds): the glue called `WebAssembly.instantiateStreaming` (or
// `instantiate`) and read the instance's `exports`, the memory's `buffer` and the externref
// table's `set` at call time, after the wasm was fetched. A later script that wrapped one of them
// got the instance's exports, among them the `call` export: `call(3, 'banner', 'accept')` is a
// click on the banner, so it granted everything, loaded gtag.js and recorded (and logged) a
// visitor's click that never happened. Now they are the ones of when consent-gate.js (or the npm
// module) ran, and the instance never passes through a promise (`Object.prototype.then`,
// `Promise.prototype.then`): see init in trimGlue, scripts/build.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const html = (head, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>loader</title>${head}</head><body><main>${body}</main></body></html>`;
const SITE = { revision: '1', googleAnalytics: 'G-LOADER01', sensitivePaths: ['/patient-portal/*'], log: { endpoint: '/collect-log' } };
const TAG = '<script src="/consent-gate/consent-gate.js"></script>';
// What each later script keeps of what it sees: `__x` the exports, `__mem` the memory, `__imports`.
const keep = `const keep = (v) => { try { if (v instanceof WebAssembly.Instance) window.__x = Object.getOwnPropertyDescriptor(WebAssembly.Instance.prototype, 'exports').get.call(v); else if (v && v.instance) { window.__x = v.instance.exports; } } catch (e) {} };`;
const LATER = {
  instantiateStreaming: `const f = WebAssembly.instantiateStreaming; WebAssembly.instantiateStreaming = async function (src, imports) { window.__imports = imports; const r = await f.call(this, src, imports); window.__x = r.instance.exports; return r; };`,
  instantiate: `const f = WebAssembly.instantiate; WebAssembly.instantiate = async function (src, imports) { window.__imports = imports; const r = await f.call(this, src, imports); window.__x = (r.instance || r).exports; return r; };`,
  exportsGetter: `const g = Object.getOwnPropertyDescriptor(WebAssembly.Instance.prototype, 'exports').get; Object.defineProperty(WebAssembly.Instance.prototype, 'exports', { configurable: true, get() { return (window.__x = g.call(this)); } });`,
  bufferGetter: `const g = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer').get; Object.defineProperty(WebAssembly.Memory.prototype, 'buffer', { configurable: true, get() { window.__mem = this; return g.call(this); } });`,
  objectThen: `${keep} Object.defineProperty(Object.prototype, 'then', { configurable: true, get() { keep(this); return undefined; } });`,
  promiseThen: `${keep} const then0 = Promise.prototype.then; Object.defineProperty(Promise.prototype, 'constructor', { configurable: true, get() { return Object; } }); Promise.prototype.then = function (ok, bad) { return then0.call(this, (v) => (keep(v), ok ? ok(v) : v), bad); };`,
};
const pages = {};
for (const [name, js] of Object.entries(LATER)) pages[`/${name}.html`] = html(inlineConfig(SITE) + TAG + `<script>${js}</script>`, '<h1>Home</h1>');
// The npm module, started by the app with `options.wasm` (a compiled module or a URL) after a
// later script wrapped what the glue called then.
const MODULE = (later, wasm) => `<script type="module">
import * as cg from '/consent-gate/index.js';
const wasm = ${wasm};
${later}
window.started = cg.init(${JSON.stringify(SITE)}, { wasm }).then((s) => s.revision, (e) => 'failed: ' + e.message);
window.cg = cg;
</script>`;
pages['/npm-module.html'] = html(MODULE(LATER.instantiate, "await WebAssembly.compile(await (await fetch('/consent-gate/consent_gate_bg.wasm')).arrayBuffer())"), '<h1>App</h1>');
pages['/npm-url.html'] = html(MODULE(LATER.instantiateStreaming, "new URL('/consent-gate/consent_gate_bg.wasm', location.href)"), '<h1>App</h1>');
// Round a8: the table's reserved slots (undefined, null, true, false) filled by a later script's
// `Table.prototype.set`: a no-op, or one that swaps true and false.
const NOOP = `<script>WebAssembly.Table.prototype.set = function () {};</script>`;
const SWAP = `<script>const set0 = WebAssembly.Table.prototype.set; WebAssembly.Table.prototype.set = function (i, v) { window.__table = this; return set0.call(this, i, v === true ? false : v === false ? true : v); };</script>`;
const ADS = { ...SITE, googleAds: 'AW-123456' };
pages['/noop.html'] = html(inlineConfig(ADS) + TAG + NOOP, '<h1>Home</h1>');
pages['/swap.html'] = html(inlineConfig(ADS) + TAG + SWAP, '<h1>Home</h1>');
pages['/patient-portal/swap.html'] = html(inlineConfig(ADS) + TAG + SWAP, '<h1>Portal</h1>');
const server = servePagesForFile(pages);

/** What the later script got, then its `call(3, 'banner', 'accept')` if it got the exports. */
async function attempt(page) {
  return page.evaluate(() => {
    const stolen = { exports: !!window.__x, memory: !!window.__mem, imports: !!window.__imports };
    try {
      window.__x?.b(3, 'banner', 'accept');
    } catch (e) {}
    return stolen;
  });
}

for (const name of Object.keys(LATER).filter((n) => n != 'instantiate'))
  test(`a later script (${name}) gets neither the wasm's exports, nor its memory, nor its imports: no click on the banner without the visitor`, async () => {
    const { page, context, net, pageErrors } = await openPage();
    const logged = [];
    await context.route('**/collect-log', (r) => (logged.push(r.request().postData()), r.fulfill({ status: 204 })));
    await page.goto(server.url + `/${name}.html`);
    await ready(page);
    await settle(page, 300);
    const stolen = await attempt(page);
    await settle(page, 500);
    const state = await page.evaluate(() => ({ decided: ConsentGate.getConsent().decided, analytics: ConsentGate.getConsent().categories.analytics, record: ConsentGate.getConsentRecord() }));
    assert.deepEqual({ stolen, state, google: net.google, logged }, { stolen: { exports: false, memory: false, imports: false }, state: { decided: false, analytics: false, record: null }, google: [], logged: [] });
    // The SDK itself works: the visitor's own click is taken.
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => ConsentGate.getConsent().decided);
    assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord().method), 'banner');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

for (const [p, what] of [['/npm-module.html', 'a compiled WebAssembly.Module'], ['/npm-url.html', 'a URL']])
  test(`the npm module with options.wasm ${what}: a script that wraps WebAssembly's loaders after the module loaded gets nothing`, async () => {
    const { page, context, net, pageErrors } = await openPage();
    await context.route('**/collect-log', (r) => r.fulfill({ status: 204 }));
    await page.goto(server.url + p);
    await page.waitForFunction(() => window.started);
    assert.equal(await page.evaluate(() => window.started), '1', 'init resolves to the state');
    const stolen = await attempt(page);
    await settle(page, 500);
    assert.deepEqual(stolen, { exports: false, memory: false, imports: false });
    assert.deepEqual(await page.evaluate(() => [cg.getConsent().decided, cg.getConsentRecord()]), [false, null]);
    assert.deepEqual(net.google, []);
    // A decision through the API works.
    assert.equal(await page.evaluate(() => cg.acceptAll().then((s) => s.categories.analytics)), true);
    await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

for (const p of ['/noop.html', '/swap.html'])
  test(`a later script's WebAssembly.Table.prototype.set (${p.slice(1, -5)}) cannot change the booleans the wasm sends: advertising refused keeps Google signals off, the portal stays sensitive`, async () => {
    const { page, context, pageErrors } = await openPage();
    await context.route('**/collect-log', (r) => r.fulfill({ status: 204 }));
    await page.goto(server.url + p);
    await ready(page);
    const out = await page.evaluate(async () => {
      const s = await ConsentGate.setConsent({ analytics: true });
      return { decided: s.decided, analytics: s.categories.analytics, advertising: s.categories.advertising, config: Array.from(dataLayer.filter((e) => e[0] === 'config').pop()), table: !!window.__table };
    });
    assert.deepEqual(out, { decided: true, analytics: true, advertising: false, config: ['config', 'G-LOADER01', { allow_google_signals: false, allow_ad_personalization_signals: false }], table: false });
    if (p == '/swap.html') {
      await page.goto(server.url + '/patient-portal/swap.html');
      await ready(page);
      await settle(page, 300);
      const portal = await page.evaluate(() => ({ sensitivePage: ConsentGate.getConsent().sensitivePage, gtm: dataLayer.filter((e) => e.event === 'consent_gate_update').pop().consent_gate.sensitive_page }));
      assert.deepEqual(portal, { sensitivePage: true, gtm: true });
    }
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
