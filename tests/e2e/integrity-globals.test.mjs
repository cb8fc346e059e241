// A later page script's names and polyfills cannot blind the SDK (adversarial round 15).
// A classic script's top-level `const`/`let` shadows a global's bare name for every script of the
// page, and `navigation` is [Replaceable] (a `var` replaces `window.navigation` itself): bridge.js
// reads page globals as `window.x`, takes `navigation` when it loads, and starts each watcher on
// its own, the click handler first. Lists the wasm made are searched by a loop, not by an
// `Array.prototype.includes` a buggy polyfill answers -1 (truthy) from. Each page has a control
// without the later script. Before the fix, every case with a later script failed but four: the
// banner clicks on the menu-element and widget pages, and the pushState routes on the widget and
// menu-data pages while the Navigation API is there to see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const TAG = '<script src="/consent-gate/consent-gate.js"></script>';
const SITE = { revision: '1', googleAnalytics: 'G-GLOBALS01', googleAds: 'AW-123456789', sensitivePaths: ['/patient-portal/*'] };
const page0 = (later, body, app = '', config = SITE) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>app</title>${inlineConfig(config)}${TAG}</head><body>${body}${later}${app}</body></html>`;

// An app whose links route by `history.pushState` (read as `window.history`, so a page's own
// `history` name does not matter to it) and mount a gated map on the new route.
const PUSH_APP = `<script>
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-route]'); if (!a) return; e.preventDefault();
  window.history.pushState(null, '', a.href);
  const main = document.querySelector('main'); main.innerHTML = '<h1>' + location.pathname + '</h1>';
  const f = document.createElement('iframe'); f.dataset.consentCategory = 'analytics'; f.dataset.src = 'https://www.google.com/maps/embed?pb=portal'; f.title = 'map'; main.append(f);
});
</script>`;
// An app that routes through the Navigation API (`navigate` intercepted: no history method).
const NAV_APP = `<script>
window.navigation.addEventListener('navigate', (e) => {
  if (!e.canIntercept) return;
  e.intercept({ handler: async () => {
    const path = new URL(e.destination.url).pathname;
    const main = document.querySelector('main'); main.innerHTML = '<h1>' + path + '</h1>';
    const f = document.createElement('iframe'); f.dataset.consentCategory = 'analytics'; f.dataset.src = 'https://www.google.com/maps/embed?pb=portal'; f.title = 'map'; main.append(f);
  } });
});
</script>`;
const LINKS = '<nav><a id="go" data-route href="/patient-portal/results">My results</a></nav><main><h1>Home</h1></main>';

const COOKIE_HELPER = '<script>const cookieStore = new Map();</script>';
const MENU_ELEMENT = "<script>const navigation = document.querySelector('nav');</script>";
const MENU_DATA = "<script>var navigation = [{ label: 'Home', href: '/' }];</script>";
const WIDGET = '<script>const history = [];</script>';
const NAVIGATOR = "<script>let navigator = { userAgent: 'widget' };</script>";
// An honest write-through cache whose reads come from a snapshot taken when it loaded.
const STORAGE_CACHE = `<script>
const real = window.localStorage; const snap = {};
for (let i = 0; i < real.length; i++) { const k = real.key(i); snap[k] = real.getItem(k); }
let localStorage = {
  getItem: (k) => (k in snap ? snap[k] : null),
  setItem(k, v) { snap[k] = String(v); real.setItem(k, v); },
  removeItem(k) { delete snap[k]; real.removeItem(k); },
};
</script>`;
const INCLUDES = '<script>Array.prototype.includes = function (v) { return this.indexOf(v); };</script>';
const GATED =
  '<main><h1>Home</h1><script type="text/plain" data-consent-category="analytics" data-src="https://www.googletagmanager.com/gtag/js?id=G-GATED0001"></script>' +
  '<iframe data-consent-category="advertising" data-src="https://www.youtube.com/embed/x" title="video"></iframe></main>';
const ODD_GET_ITEM = `<script>
const gi = Storage.prototype.getItem; window.odd = false;
Storage.prototype.getItem = function (k) { return odd && k == 'consent-gate-log' ? { toString() { throw new Error('odd value'); } } : gi.call(this, k); };
</script>`;

// A setter on `Object.prototype` for a member the SDK sets on its Consent Mode default's extra
// members: it adds a grant to the object.
const SETTER = `<script>
Object.defineProperty(Object.prototype, 'wait_for_update', { configurable: true, set(v) {
  Object.defineProperty(this, 'wait_for_update', { value: v, enumerable: true, writable: true, configurable: true });
  this.analytics_storage = 'granted'; this.ad_storage = 'granted';
} });
</script>`;
const pages = {};
for (const [name, later] of [['control', ''], ['cookie-helper', COOKIE_HELPER], ['menu-element', MENU_ELEMENT], ['menu-data', MENU_DATA], ['widget', WIDGET], ['navigator', NAVIGATOR], ['storage-cache', STORAGE_CACHE], ['odd-get-item', ODD_GET_ITEM]]) {
  pages[`/push/${name}.html`] = page0(later, LINKS, PUSH_APP);
  pages[`/nav/${name}.html`] = page0(later, LINKS, NAV_APP);
}
for (const [name, later] of [['control', ''], ['includes', INCLUDES]]) {
  pages[`/gated/${name}.html`] = page0(later, GATED);
  pages[`/patient-portal/gated-${name}.html`] = page0(later, GATED);
}
for (const [name, later] of [['control', ''], ['setter', SETTER]]) pages[`/wait/${name}.html`] = page0(later, LINKS, '', { ...SITE, waitForUpdate: 800 });
const server = servePagesForFile(pages);

const state = (page) =>
  page.evaluate(() => {
    const s = ConsentGate.getConsent();
    return {
      decided: s.decided,
      analytics: s.categories.analytics,
      advertising: s.categories.advertising,
      sensitive: s.sensitivePage,
      update: dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'update').pop()?.[2].analytics_storage,
      banner: !!document.querySelector('#cg-banner'),
    };
  });

for (const name of ['control', 'cookie-helper', 'menu-element', 'menu-data', 'widget']) {
  test(`${name}: the visitor's click on "Reject all" is carried out`, async () => {
    const { page, context, net } = await openPage();
    await page.goto(server.url + `/push/${name}.html`);
    await ready(page);
    await page.click('#cg-banner [data-cg="reject"]');
    await page.waitForFunction(() => ConsentGate.getConsent().decided, null, { timeout: 3000 }).catch(() => {});
    const s = await state(page);
    assert.deepEqual({ decided: s.decided, analytics: s.analytics, banner: s.banner }, { decided: true, analytics: false, banner: false });
    assert.deepEqual(net.google, []);
    await context.close();
  });
}

// Each app and each later script: a visitor who accepted routes into /patient-portal/.
const routes = [
  ['push', 'control', {}],
  ['push', 'cookie-helper', {}],
  ['push', 'widget', {}],
  ['push', 'menu-data', {}],
  // Without the Navigation API, `history.pushState` is the only way to see the route.
  ['push', 'widget', { initScript: () => delete window.navigation }],
  ['nav', 'control', {}],
  ['nav', 'menu-element', {}],
];
for (const [app, name, opts] of routes) {
  test(`${app}/${name}${opts.initScript ? ' (no Navigation API)' : ''}: a visitor who accepted follows an app link into /patient-portal/: sensitive, Consent Mode denied, nothing to Google`, async () => {
    const { page, context, net } = await openPage(opts);
    await page.goto(server.url + `/${app}/${name}.html`);
    await ready(page);
    await page.evaluate(() => ConsentGate.acceptAll());
    await settle(page, 300);
    const before = net.google.length;
    await page.click('#go');
    await page.waitForFunction(() => location.pathname == '/patient-portal/results');
    await page.waitForFunction(() => ConsentGate.getConsent().sensitivePage, null, { timeout: 3000 }).catch(() => {});
    await settle(page, 500);
    const s = await state(page);
    assert.deepEqual({ sensitive: s.sensitive, update: s.update }, { sensitive: true, update: 'denied' });
    assert.deepEqual(net.google.slice(before), [], 'no Google request on the portal route');
    await context.close();
  });
}

for (const name of ['control', 'navigator']) {
  test(`${name}: the browser's Global Privacy Control is honoured though a later script names its own \`navigator\``, async () => {
    const { page, context } = await openPage({ gpc: true });
    await page.goto(server.url + `/push/${name}.html`);
    await ready(page);
    await page.evaluate(() => ConsentGate.acceptAll());
    const s = await state(page);
    assert.deepEqual({ analytics: s.analytics, advertising: s.advertising }, { analytics: true, advertising: false });
    await context.close();
  });
}

for (const [name, noCookieStore] of [['control', 0], ['storage-cache', 0], ['storage-cache', 1]]) {
  test(`${name}${noCookieStore ? ' (no Cookie Store API; the tab shown again)' : ''}: a grant stored earlier, then rejectAll() on a page whose later script keeps its own \`localStorage\`: the refusal stays in force`, async () => {
    const { page, context, net } = await openPage(noCookieStore ? { initScript: () => delete window.cookieStore } : {});
    await page.goto(server.url + '/push/control.html');
    await ready(page);
    await page.evaluate(() => ConsentGate.acceptAll());
    await settle(page, 300);
    await page.goto(server.url + `/push/${name}.html`);
    await ready(page);
    assert.equal(await page.evaluate(async () => (await ConsentGate.rejectAll()).categories.analytics), false);
    await settle(page, 500);
    // The SDK's own consent-cookie write fires the Cookie Store API's `change`; without it, the
    // visitor coming back to the tab makes the SDK look again.
    if (noCookieStore) await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await settle(page, 300);
    const before = net.google.length;
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.type = 'text/plain';
      s.dataset.consentCategory = 'analytics';
      s.dataset.src = 'https://www.googletagmanager.com/gtag/js?id=G-AFTERREFUSAL';
      document.body.append(s);
    });
    await settle(page, 500);
    const s = await state(page);
    assert.deepEqual({ analytics: s.analytics, update: s.update }, { analytics: false, update: 'denied' });
    assert.deepEqual(net.google.slice(before), [], 'no Google request after the refusal');
    await context.close();
  });
}

for (const name of ['control', 'includes']) {
  test(`${name}: gated scripts and embeds stay inert before a decision and on /patient-portal/ after a refusal, whatever \`Array.prototype.includes\` answers`, async () => {
    const { page, context, net } = await openPage();
    await page.goto(server.url + `/gated/${name}.html`);
    await ready(page);
    await settle(page, 500);
    assert.deepEqual(net.google, [], 'before any decision');
    await page.evaluate(() => ConsentGate.rejectAll());
    await page.goto(server.url + `/patient-portal/gated-${name}.html`);
    await ready(page);
    await settle(page, 500);
    assert.deepEqual(net.google, [], 'after a refusal, on the portal');
    // The preferences dialog shows the refused categories switched off.
    await page.evaluate(() => ConsentGate.showPreferences());
    await page.waitForFunction(() => document.querySelector('.cg-dialog [data-cg-category="analytics"]'));
    // Read without `includes` (Playwright's own selector code uses it).
    const on = await page.evaluate(() => {
      const out = [];
      for (const x of document.querySelectorAll('.cg-dialog [data-cg-category]')) if (x.ariaChecked == 'true') out.push(x.dataset.cgCategory);
      return out;
    });
    assert.deepEqual(on, ['necessary']);
    await context.close();
  });
}

test('a getItem wrapper that returns a non-string for the consent log once: the refusal is carried out and later calls work', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/push/odd-get-item.html');
  await ready(page);
  await page.evaluate(() => ConsentGate.acceptAll());
  const r = await page.evaluate(async () => {
    odd = true;
    const a = await ConsentGate.rejectAll().then((s) => s.allowed.join(), (e) => 'rejected: ' + e.message);
    odd = false;
    const b = await ConsentGate.rejectAll().then((s) => s.allowed.join(), (e) => 'rejected: ' + e.message);
    return { a, b, analytics: ConsentGate.getConsent().categories.analytics };
  });
  assert.deepEqual(r, { a: 'necessary', b: 'necessary', analytics: false });
  await context.close();
});

for (const name of ['control', 'setter']) {
  test(`${name}: every Consent Mode default the SDK sends before a decision denies analytics and ads, whatever a setter on Object.prototype adds`, async () => {
    const { page, context, net } = await openPage();
    await page.goto(server.url + `/wait/${name}.html`);
    await ready(page);
    const defaults = await page.evaluate(() => dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'default').map((e) => [e[2].analytics_storage, e[2].ad_storage]));
    assert.ok(defaults.length > 0);
    assert.deepEqual(defaults.filter(([a, b]) => a != 'denied' || b != 'denied'), []);
    assert.deepEqual(net.google, []);
    await context.close();
  });
}
