// Gating while the page decides again in the middle of a step: a page hook that runs during one of
// the SDK's steps (here a dataLayer.push that withdraws as soon as it sees analytics granted, as a
// Tag Manager tag could) is a step of its own, and the step it interrupted must not then activate
// the gated scripts, or set the switches, of the state it had decided before: both follow the
// state in force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const html = (head, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reentry</title>${head}</head><body><main>${body}</main></body></html>`;

// `when`: the dataLayer entry at which the page's hook withdraws (or does `act`: a route into the
// patient portal).
const reentryPage = (when, act = 'ConsentGate.rejectAll()') =>
  html(
    `<script>
window.withdrawn = 0;
const when = ${when};
window.dataLayer = [];
// Withdraws once, at the entry when() picks.
dataLayer.push = function (entry) {
  Array.prototype.push.call(this, entry);
  if (!withdrawn && when(entry)) {
    withdrawn = 1;
    ${act};
  }
  return this.length;
};
</script>${inlineConfig({ revision: '1', googleAnalytics: 'G-REENTRY01', sensitivePaths: ['/patient-portal/*'], notice: { sections: [{ heading: 'Cookies', blocks: [{ controls: true }] }] } })}<script src="/consent-gate/consent-gate.js"></script>`,
    `<h1>Shop</h1><div data-consent-gate="notice"></div>
<script type="text/plain" data-consent-category="analytics">window.heatmap = 1;</script>`,
  );

// A page whose script wraps the browser's storage (`setItem`) or the `document.cookie` setter, and
// calls `act` once, when the SDK writes the visitor's record: those wrappers run while the SDK
// stores a decision, with its session lent out.
const CONFIG = inlineConfig({ revision: '1', googleAnalytics: 'G-REENTRY01', sensitivePaths: ['/patient-portal/*'] });
const wrapperPage = (wrap, act) =>
  html(
    `<script>
window.acted = 0;
const act = () => { if (!acted) { acted = 1; ${act}; } };
${wrap}
</script>${CONFIG}<script src="/consent-gate/consent-gate.js"></script>`,
    '<h1>Shop</h1>',
  );
const SET_ITEM = `const setItem = Storage.prototype.setItem;
Storage.prototype.setItem = function (key, value) { setItem.call(this, key, value); if (key == 'consent-gate' && /analytics:1/.test(value)) act(); };`;
const COOKIE = `const jar = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
Object.defineProperty(Document.prototype, 'cookie', { configurable: true, get() { return jar.get.call(this); }, set(v) { jar.set.call(this, v); if (/^consent_gate=.*analytics:1/.test(v)) act(); } });`;
const WITHDRAW = 'window.refusal = ConsentGate.rejectAll().then((s) => s && s.categories.analytics, (e) => "rejected: " + e.message)';
const ROUTE = "history.pushState(null, '', '/patient-portal/123')";
const SET_CONSENT = 'window.refusal = ConsentGate.setConsent({ analytics: false, advertising: false }).then((s) => s && s.categories.analytics, (e) => "rejected: " + e.message)';
// A later script's setter of a member of the consent view on Object.prototype: the view is filled
// while the session is lent out (adversarial round 13), and the setter routes into the portal at
// its `routeAt`-th run once armed.
const VIEW_SETTER = `<script>
window.hits = 0; window.armed = 0; window.routeAt = 0;
Object.defineProperty(Object.prototype, 'sensitivePage', { configurable: true,
  set(v) {
    Object.defineProperty(this, 'sensitivePage', { value: v, writable: true, enumerable: true, configurable: true });
    if (armed && ++hits == routeAt) { armed = 0; history.pushState(null, '', '/patient-portal/123'); }
  } });
</script>`;

const server = servePagesForFile({
  '/reentry/setitem-withdraw.html': wrapperPage(SET_ITEM, WITHDRAW),
  '/reentry/cookie-withdraw.html': wrapperPage(COOKIE, WITHDRAW),
  '/reentry/setitem-route.html': wrapperPage(SET_ITEM, ROUTE),
  '/reentry/cookie-route.html': wrapperPage(COOKIE, ROUTE),
  '/reentry/setitem-setconsent.html': wrapperPage(SET_ITEM, SET_CONSENT),
  '/reentry/cookie-setconsent.html': wrapperPage(COOKIE, SET_CONSENT),
  '/reentry/view-setter.html': html(CONFIG + '<script src="/consent-gate/consent-gate.js"></script>' + VIEW_SETTER, '<h1>Shop</h1>'),
  // The moment the SDK tells Consent Mode that analytics is granted.
  '/reentry/withdraw.html': reentryPage("(entry) => entry[0] === 'consent' && entry[1] === 'update' && entry[2].analytics_storage === 'granted'"),
  // The moment the SDK starts loading gtag.js (its `js` command, pushed before the script is inserted).
  '/reentry/withdraw-js.html': reentryPage("(entry) => entry[0] === 'js'"),
  // The same two moments, the hook routing into the patient portal (a single-page app's router).
  '/reentry/route.html': reentryPage(
    "(entry) => entry[0] === 'consent' && entry[1] === 'update' && entry[2].analytics_storage === 'granted'",
    "history.pushState(null, '', '/patient-portal/123')",
  ),
  '/reentry/route-js.html': reentryPage("(entry) => entry[0] === 'js'", "history.pushState(null, '', '/patient-portal/123')"),
});

test('a withdrawal made by a page hook during an accept leaves the analytics scripts gated, the switches off and gtag.js unloaded', async () => {
  const { page, context, net, pageErrors } = await openPage();
  await page.goto(server.url + '/reentry/withdraw.html');
  await ready(page);
  const notice = page.locator('.cg-notice [data-cg-category="analytics"]');
  await notice.waitFor();
  await page.click('#cg-banner [data-cg="accept"]');
  await settle(page);
  const st = await page.evaluate(() => ({ withdrawn, heatmap: window.heatmap, allowed: ConsentGate.getConsent().allowed.join() }));
  assert.deepEqual(st, { withdrawn: 1, heatmap: undefined, allowed: 'necessary' });
  assert.equal(await notice.getAttribute('aria-checked'), 'false', "the notice's analytics switch");
  // The accept's plan loaded gtag.js and configured the tag after the hook's step: not any more.
  assert.deepEqual(net.gtag(), []);
  assert.equal(await page.evaluate(() => dataLayer.some((e) => e[0] === 'config')), false, 'no config command');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a withdrawal made by a page hook while gtag.js starts loading is kept: the choice in force and stored is the refusal, and gtag.js is not inserted', async () => {
  const { page, context, net, pageErrors } = await openPage();
  await page.goto(server.url + '/reentry/withdraw-js.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await settle(page);
  const st = await page.evaluate(() => ({
    withdrawn,
    heatmap: window.heatmap,
    allowed: ConsentGate.getConsent().allowed.join(),
    stored: ConsentGate.getConsentRecord()?.choices.find((c) => c.category == 'analytics')?.granted,
  }));
  assert.deepEqual(st, { withdrawn: 1, heatmap: undefined, allowed: 'necessary', stored: false });
  assert.deepEqual(net.gtag(), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

for (const [moment, path] of [
  ['when Consent Mode is told analytics is granted', '/reentry/route.html'],
  ['when gtag.js starts loading', '/reentry/route-js.html'],
]) {
  test(`a page hook routing into a sensitive page ${moment}: nothing of Google loads there, the kill switch is on`, async () => {
    const { page, context, net, pageErrors } = await openPage();
    await page.goto(server.url + path);
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await settle(page, 500);
    const st = await page.evaluate(() => ({
      withdrawn,
      path: location.pathname,
      sensitive: ConsentGate.getConsent().sensitivePage,
      killSwitch: window['ga-disable-G-REENTRY01'],
      heatmap: window.heatmap,
    }));
    assert.deepEqual(st, { withdrawn: 1, path: '/patient-portal/123', sensitive: true, killSwitch: true, heatmap: undefined });
    assert.deepEqual(net.google, [], 'no Google request on the patient portal');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
}

for (const [wrapper, name] of [
  ['localStorage.setItem', 'setitem'],
  ['the document.cookie setter', 'cookie'],
]) {
  for (const [call, file] of [['rejectAll()', 'withdraw'], ['setConsent()', 'setconsent']]) test(`a withdrawal (${call}) made by a page's wrapper of ${wrapper} while an accept is stored is carried out and stored, and its promise resolves to the refusal`, async () => {
    const { page, context, pageErrors } = await openPage();
    await page.goto(server.url + `/reentry/${name}-${file}.html`);
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => window.refusal);
    const st = await page.evaluate(async () => ({
      acted,
      resolved: await window.refusal,
      analytics: ConsentGate.getConsent().categories.analytics,
      killSwitch: window['ga-disable-G-REENTRY01'],
      update: dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'update').pop()?.[2].analytics_storage,
    }));
    assert.deepEqual(st, { acted: 1, resolved: false, analytics: false, killSwitch: true, update: 'denied' });
    await page.reload();
    await ready(page);
    assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false, 'the refusal was stored');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test(`a route into a sensitive page made by a page's wrapper of ${wrapper} while an accept is stored is heard: the kill switch is on and Consent Mode denies`, async () => {
    const { page, context, pageErrors } = await openPage();
    await page.goto(server.url + `/reentry/${name}-route.html`);
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => acted);
    await settle(page);
    const st = await page.evaluate(() => ({
      path: location.pathname,
      sensitive: ConsentGate.getConsent().sensitivePage,
      killSwitch: window['ga-disable-G-REENTRY01'],
      update: dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'update').pop()?.[2].analytics_storage,
    }));
    assert.deepEqual(st, { path: '/patient-portal/123', sensitive: true, killSwitch: true, update: 'denied' });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
}

// The view each call answers with is made with the session lent out; a route a page's hook takes
// while it is made was heard only when it was made inside a step's effects (the change event's),
// not as the call's answer: the portal route went on with analytics granted.
// acceptAll() makes three views (the change event's, its answer, the route's); setConsent({}) one.
for (const [how, call, runs] of [
  ['acceptAll()', 'ConsentGate.acceptAll()', [1, 2, 3]],
  ['setConsent({})', 'ConsentGate.setConsent({})', [1]],
]) {
  for (const at of runs) {
    test(`a route into a sensitive page made by a page's hook while the view of ${how} is made (its run ${at}) is heard: the kill switch is on and Consent Mode denies`, async () => {
      const { page, context, pageErrors } = await openPage();
      await page.goto(server.url + '/reentry/view-setter.html');
      await ready(page);
      await page.click('#cg-banner [data-cg="accept"]');
      await page.waitForFunction(() => ConsentGate.getConsent().decided);
      await settle(page);
      const st = await page.evaluate(
        async ({ call, at }) => {
          window.routeAt = at;
          window.armed = 1;
          await (0, eval)(call);
          await new Promise((r) => setTimeout(r, 200));
          return {
            routed: window.hits >= at,
            path: location.pathname,
            sensitive: ConsentGate.getConsent().sensitivePage,
            killSwitch: window['ga-disable-G-REENTRY01'],
            update: dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'update').pop()?.[2].analytics_storage,
          };
        },
        { call, at },
      );
      assert.deepEqual(st, { routed: true, path: '/patient-portal/123', sensitive: true, killSwitch: true, update: 'denied' });
      assert.deepEqual(pageErrors, []);
      await context.close();
    });
  }
}
