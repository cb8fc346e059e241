// Gating: Consent Mode, Google tags from configuration, generic script/iframe gating, sensitive
// pages, GPC, withdrawal. Google's hosts are intercepted and counted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { ARGS, EXECUTABLE, closeBrowser, demoServer, openPage, ready, settle, cookiesWhen } from './harness.mjs';

let server;
before(async () => {
  // `?delay=ms` slows a fixture down, to prove that gated scripts run in order, not as they arrive.
  const hook = async (req) => {
    const delay = Number(new URL(req.url, 'http://x').searchParams.get('delay') || 0);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    return false;
  };
  server = await demoServer({ hook });
});
after(async () => {
  await server.close();
  await closeBrowser();
});

const consentEntries = (page) =>
  page.evaluate(() => dataLayer.filter((e) => e[0] === 'consent').map((e) => ({ kind: Object.prototype.toString.call(e), action: e[1], params: e[2] })));
const lastUpdate = async (page) => (await consentEntries(page)).filter((e) => e.action === 'update').pop().params;
const configs = (page) => page.evaluate(() => dataLayer.filter((e) => e[0] === 'config').map((e) => e[1]));

test('accepting analytics only loads GA; Ads is never configured or requested', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  await settle(page);
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-DEMO12345']);
  assert.ok(!net.google.some((u) => u.includes('AW-')), net.google.join());
  assert.deepEqual(await configs(page), ['G-DEMO12345']);
  const update = await lastUpdate(page);
  assert.equal(update.analytics_storage, 'granted');
  assert.equal(update.ad_storage, 'denied');
  assert.equal(update.ad_personalization, 'denied');
  // Google signals (demographics, remarketing lists) stay off while advertising is not granted.
  const sets = await page.evaluate(() => dataLayer.filter((e) => e[0] === 'set' && typeof e[1] == 'string').map((e) => [e[1], e[2]]));
  assert.deepEqual(sets.filter(([k]) => k === 'allow_google_signals').pop(), ['allow_google_signals', false]);
  assert.deepEqual(sets.filter(([k]) => k === 'allow_ad_personalization_signals').pop(), ['allow_ad_personalization_signals', false]);
  await context.close();
});

test('Global Privacy Control: no Ads ever, ad_* denied, source gpc, and the banner says so', async () => {
  const { page, net, context } = await openPage({ gpc: true });
  await page.goto(server.url + '/');
  await ready(page);
  await assert.doesNotReject(page.locator('#cg-banner .cg-gpc').waitFor());
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  await page.reload();
  await ready(page);
  await settle(page);
  assert.ok(!net.google.some((u) => u.includes('AW-')), net.google.join());
  assert.ok(!(await configs(page)).includes('AW-123456789'));
  const update = await lastUpdate(page);
  for (const t of ['ad_storage', 'ad_user_data', 'ad_personalization']) assert.equal(update[t], 'denied', t);
  assert.equal(update.analytics_storage, 'granted');
  const consent = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(consent.gpcHonoured, true);
  assert.equal(consent.sources.advertising, 'gpc');
  assert.equal(consent.categories.advertising, false);
  const record = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.deepEqual(record.choices.find((c) => c.category === 'advertising'), { category: 'advertising', granted: false, source: 'gpc' });
  assert.equal(record.signals.gpc, 'true');
  await context.close();
});

test('advertising granted without GPC configures Ads', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => dataLayer.some((e) => e[0] === 'config' && e[1] === 'AW-123456789'));
  const update = await lastUpdate(page);
  for (const t of ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage']) assert.equal(update[t], 'granted', t);
  // Google signals follow advertising in every config command (made in bridge.js's `send`).
  const config = await page.evaluate(() => [...dataLayer.find((e) => e[0] === 'config' && e[1] === 'AW-123456789')]);
  assert.deepEqual(config, ['config', 'AW-123456789', { allow_google_signals: true, allow_ad_personalization_signals: true }]);
  await context.close();
});

test('on a sensitive page nothing loads, even with everything granted', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  const before = net.google.length;
  for (const path of ['/patient-portal/', '/appointments/', '/patient-portal']) {
    await page.goto(server.url + path);
    await ready(page);
    await settle(page);
    const consent = await page.evaluate(() => ConsentGate.getConsent());
    assert.equal(consent.sensitivePage, true, path);
    assert.deepEqual(consent.allowed, ['necessary', 'functional'].filter((c) => consent.categories[c]), path);
    assert.equal(await page.evaluate(() => window['ga-disable-G-DEMO12345']), true, path);
    const update = await lastUpdate(page);
    assert.equal(update.analytics_storage, 'denied', path);
    assert.equal(update.ad_storage, 'denied', path);
  }
  assert.equal(net.google.length, before, 'zero Google requests on sensitive pages: ' + net.google.slice(before).join());
  await context.close();
});

test('a page rule is a source: on a sensitive page getConsent() says page-rule for what it keeps off', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.evaluate(() => ConsentGate.setConsent({ functional: true, analytics: true, advertising: false }));
  await page.goto(server.url + '/patient-portal/');
  await ready(page);
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.deepEqual([c.categories.analytics, c.sources.analytics], [false, 'page-rule'], 'granted, kept off by the page rule');
  assert.deepEqual([c.categories.functional, c.sources.functional], [true, 'user'], 'functional runs on sensitive pages');
  assert.deepEqual([c.categories.advertising, c.sources.advertising], [false, 'user'], 'refused by the visitor, not the rule');
  // The visitor's own choice is unchanged: the switch still shows it, and the record keeps it.
  await page.evaluate(() => ConsentGate.showPreferences());
  assert.equal(await page.locator('#cg-prefs [data-cg-category="analytics"]').getAttribute('aria-checked'), 'true');
  const recorded = await page.evaluate(() => ConsentGate.getConsentRecord().choices.find((x) => x.category === 'analytics'));
  assert.deepEqual([recorded.granted, recorded.source], [true, 'user']);
  await page.evaluate(() => history.pushState(null, '', '/'));
  await page.waitForFunction(() => ConsentGate.getConsent().sources.analytics === 'user' && ConsentGate.getConsent().categories.analytics === true);
  await context.close();
});

test('waitForUpdate: the configured wait reaches a Consent Mode default before any tag loads', async () => {
  const defaults = async (config) => {
    const { page, context } = await openPage();
    await page.route('**/consent.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(config) }));
    await page.goto(server.url + '/');
    await ready(page);
    await page.evaluate(() => ConsentGate.acceptAll());
    await page.waitForFunction(() => dataLayer.some((e) => e[0] === 'config'));
    const entries = await page.evaluate(() => dataLayer.map((e) => [e[0], e[1], e[2] && e[2].region ? 'region' : e[2] && e[2].wait_for_update]));
    await context.close();
    const firstTag = entries.findIndex(([a]) => a === 'js' || a === 'config');
    const waits = entries.filter(([a, b, w], i) => a === 'consent' && b === 'default' && w !== 'region' && i < firstTag).map(([, , w]) => w);
    return waits;
  };
  // Before the configuration is known the stub waits 500 ms; the configured wait follows it, so
  // it is the one in force when gtag.js reads the queue.
  assert.deepEqual(await defaults({ revision: '1', googleAnalytics: 'G-DEMO12345', waitForUpdate: 2000 }), [500, 2000]);
  assert.deepEqual(await defaults({ revision: '1', googleAnalytics: 'G-DEMO12345', waitForUpdate: 0 }), [500, 0]);
  assert.deepEqual(await defaults({ revision: '1', googleAnalytics: 'G-DEMO12345' }), [500]);
});

test('a single-page app that navigates into a sensitive path stops at once and resumes on leaving', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  await page.evaluate(() => history.pushState({}, '', '/patient-portal/messages'));
  let state = await page.evaluate(() => ({ c: ConsentGate.getConsent(), off: window['ga-disable-G-DEMO12345'] }));
  assert.equal(state.c.sensitivePage, true);
  assert.equal(state.off, true);
  assert.equal((await lastUpdate(page)).analytics_storage, 'denied');
  await page.evaluate(() => history.replaceState({}, '', '/'));
  state = await page.evaluate(() => ({ c: ConsentGate.getConsent(), off: window['ga-disable-G-DEMO12345'] }));
  assert.equal(state.c.sensitivePage, false);
  assert.equal(state.off, false);
  assert.equal((await lastUpdate(page)).analytics_storage, 'granted');
  await page.evaluate(() => history.pushState({}, '', '/appointments/new'));
  await page.evaluate(() => history.pushState({}, '', '/about'));
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().sensitivePage), false);
  await page.goBack();
  await page.waitForFunction(() => ConsentGate.getConsent().sensitivePage === true);
  assert.equal(await page.evaluate(() => window['ga-disable-G-DEMO12345']), true);
  assert.equal(net.gtag().length, 1, 'gtag.js is never injected twice');
  await context.close();
});

test('basic mode direct entry to a sensitive path makes zero Google requests from a fresh visitor', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/patient-portal/');
  await ready(page);
  await page.evaluate(() => ConsentGate.acceptAll());
  await settle(page, 500);
  assert.deepEqual(net.google, []);
  await context.close();
});

test('gated scripts run in document order after consent, keep their attributes, and late ones run too', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/fixtures/gating.html');
  await ready(page);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.type = 'text/plain';
    s.setAttribute('data-consent-category', 'analytics');
    s.textContent = "(window.__order = window.__order || []).push('added-before-consent')";
    document.body.appendChild(s);
  });
  await settle(page);
  assert.equal(await page.evaluate(() => window.__order), undefined, 'nothing ran before consent');
  await page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
  await page.waitForFunction(() => (window.__order || []).length >= 4);
  assert.deepEqual(await page.evaluate(() => window.__order), ['first', 'inline', 'third', 'added-before-consent']);
  assert.equal(await page.locator('script[data-extra="kept"][src*="name=first"]').count(), 1, 'attributes are kept');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.type = 'text/plain';
    s.setAttribute('data-consent-category', 'analytics');
    s.setAttribute('data-src', '/fixtures/order.js?name=added-after');
    document.body.appendChild(s);
  });
  await page.waitForFunction(() => window.__order.includes('added-after'));
  assert.ok(!(await page.evaluate(() => window.__order)).includes('ads'), 'advertising scripts stay inert');
  await context.close();
});

test('iframes show a placeholder until their category is granted, then load', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/fixtures/gating.html');
  await ready(page);
  const holder = page.locator('.cg-embed');
  await assert.doesNotReject(holder.waitFor());
  assert.match(await holder.textContent(), /This content is from Video Co and sets cookies/);
  assert.equal(await page.locator('iframe[src]').count(), 0);
  await page.evaluate(() => ConsentGate.setConsent({ advertising: true }));
  await page.waitForFunction(() => document.querySelector('iframe[src$="/fixtures/frame.html"]'));
  assert.equal(await page.locator('.cg-embed').count(), 0);
  await page.waitForFunction(() => (window.__order || []).length > 0);
  assert.deepEqual(await page.evaluate(() => window.__order), ['ads']);
  await context.close();
});

test('withdrawal: update denied, ga-disable set, GA and Ads cookies erased on every domain variant, no re-injection', async () => {
  const b = await chromium.launch({ executablePath: EXECUTABLE, args: [...ARGS, '--host-resolver-rules=MAP *.example.test 127.0.0.1'] });
  const { page, net, context } = await openPage({ browserInstance: b });
  const origin = `http://www.example.test:${server.port}`;
  await page.goto(origin + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  // What gtag.js would have written: on the parent domain, on the host, and host-only.
  await context.addCookies([
    { name: '_ga', value: 'GA1.1.1', domain: '.example.test', path: '/' },
    { name: '_ga_DEMO12345', value: 'GS1', domain: '.example.test', path: '/' },
    { name: '_gid', value: 'x', domain: 'www.example.test', path: '/' },
    { name: '_gcl_au', value: '1.1', domain: '.example.test', path: '/' },
    { name: '_gac_UA1', value: 'x', domain: '.example.test', path: '/' },
    { name: 'video_pref', value: 'x', url: origin },
    { name: 'site_pref', value: 'kept', url: origin },
  ]);
  await page.click('[data-consent-gate="preferences"]');
  await page.click('#cg-prefs [data-cg="reject"]');
  const kept = (cookies) => cookies.map((c) => c.name).filter((n) => n !== 'consent_gate').sort();
  assert.deepEqual(kept(await cookiesWhen(context, (cookies) => kept(cookies).join() === 'site_pref')), ['site_pref']);
  assert.equal(await page.evaluate(() => window['ga-disable-G-DEMO12345']), true);
  const update = await lastUpdate(page);
  assert.equal(update.analytics_storage, 'denied');
  assert.equal(update.ad_storage, 'denied');
  const gtagCount = net.gtag().length;
  await page.reload();
  await ready(page);
  await settle(page);
  assert.equal(net.gtag().length, gtagCount, 'no re-injection after withdrawal');
  await context.close();
  await b.close();
});

test('events: on/off, CustomEvents on document, late subscribers, and calls queued before ready', async () => {
  const { page, context } = await openPage({
    initScript: () => {
      window.__events = [];
      document.addEventListener('consent-gate:change', (e) => window.__events.push(['dom-change', e.detail.categories.analytics]));
      document.addEventListener('consent-gate:ready', () => window.__events.push(['dom-ready']));
    },
  });
  await page.goto(server.url + '/');
  // Queued before the wasm is ready: must not be lost.
  await page.evaluate(() => {
    window.__queued = ConsentGate.setConsent({ analytics: true }).then((s) => s.categories.analytics);
  });
  await ready(page);
  assert.equal(await page.evaluate(() => window.__queued), true);
  const late = await page.evaluate(
    () =>
      new Promise((resolve) => {
        ConsentGate.on('ready', (s) => resolve(s.decided));
      }),
  );
  assert.equal(late, true, 'a late subscriber receives the current state');
  const signal = await page.evaluate(() => new Promise((resolve) => ConsentGate.on('signal', resolve)));
  assert.deepEqual(signal, { dnt: 'unset', gpc: 'absent' });
  await page.evaluate(() => {
    window.__changes = [];
    window.__h = (s) => window.__changes.push(s.categories.analytics);
    ConsentGate.on('change', window.__h);
  });
  await page.evaluate(() => ConsentGate.rejectAll());
  await page.evaluate(() => ConsentGate.off('change', window.__h));
  await page.evaluate(() => ConsentGate.acceptAll());
  // on() replays the last change (analytics true) at once, then rejectAll; off() stops the rest.
  assert.deepEqual(await page.evaluate(() => window.__changes), [true, false]);
  const events = await page.evaluate(() => window.__events);
  assert.deepEqual(events.filter((e) => e[0] === 'dom-ready').length, 1);
  assert.deepEqual(events.filter((e) => e[0] === 'dom-change').map((e) => e[1]).slice(-2), [false, true]);
  await context.close();
});

test('reload keeps every decision', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/');
  await ready(page);
  await page.evaluate(() => ConsentGate.setConsent({ analytics: true, functional: true, advertising: false }));
  const beforeReload = await page.evaluate(() => ConsentGate.getConsentRecord());
  await page.reload();
  await ready(page);
  const afterReload = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.deepEqual(afterReload, beforeReload);
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.deepEqual(c.categories, { necessary: true, functional: true, analytics: true, advertising: false });
  await context.close();
});

test('advanced mode loads gtag.js at once under denied defaults; Ads config still waits', async () => {
  const { page, net, context } = await openPage();
  await page.route('**/consent.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ revision: '1', consentMode: 'advanced', googleAnalytics: 'G-ADV1', googleAds: 'AW-1', sensitivePaths: ['/patient-portal/*'] }) }),
  );
  await page.goto(server.url + '/');
  await ready(page);
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-ADV1']);
  assert.deepEqual(await configs(page), ['G-ADV1']);
  assert.equal((await lastUpdate(page)).analytics_storage, 'denied');
  // The point of advanced mode: GA is not switched off, it sends cookieless pings until consent.
  assert.equal(await page.evaluate(() => window['ga-disable-G-ADV1']), false);
  await page.evaluate(() => ConsentGate.acceptAll());
  assert.deepEqual(await configs(page), ['G-ADV1', 'AW-1']);
  assert.equal(await page.evaluate(() => window['ga-disable-G-ADV1']), false);
  // On a sensitive page no Google tag may act, advanced mode or not.
  await page.evaluate(() => history.pushState(null, '', '/patient-portal/x'));
  await page.waitForFunction(() => window['ga-disable-G-ADV1'] === true);
  await context.close();
});

test('regional defaults: a visitor the page marks in US-WA starts with analytics and ads off (source region)', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/fixtures/region.html');
  await ready(page);
  await settle(page);
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(c.region, 'US-WA');
  assert.equal(c.decided, false);
  assert.deepEqual([c.categories.analytics, c.sources.analytics], [false, 'region']);
  assert.deepEqual([c.categories.advertising, c.sources.advertising], [false, 'region']);
  assert.deepEqual(net.google, []);
  const defaults = (await consentEntries(page)).filter((e) => e.action === 'default');
  assert.ok(defaults.some((d) => Array.isArray(d.params.region) && d.params.region.includes('US-WA') && d.params.analytics_storage === 'denied'), JSON.stringify(defaults));
  await context.close();
});

test('opt-out defaults elsewhere load the tag without a click; url_passthrough and ads_data_redaction follow the config', async () => {
  const { page, net, context } = await openPage();
  await page.goto(server.url + '/fixtures/opt-out.html');
  await ready(page);
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  const c = await page.evaluate(() => ConsentGate.getConsent());
  assert.equal(c.decided, false, 'the banner still asks');
  assert.deepEqual([c.categories.analytics, c.sources.analytics], [true, 'default']);
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-REGION1']);
  const sets = await page.evaluate(() => dataLayer.filter((e) => e[0] === 'set' && typeof e[1] == 'string').map((e) => [e[1], e[2]]));
  assert.deepEqual(sets.filter(([k]) => k === 'url_passthrough'), [['url_passthrough', true]]);
  assert.deepEqual(sets.filter(([k]) => k === 'ads_data_redaction').pop(), ['ads_data_redaction', false]);
  await page.click('#cg-banner [data-cg="reject"]');
  assert.equal(await page.evaluate(() => window['ga-disable-G-REGION1']), true);
  await context.close();
});

test('reloadOnWithdraw reloads the page after a withdrawal, once a tag has loaded', async () => {
  const { page, context } = await openPage();
  await page.route('**/consent.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ revision: '1', googleAnalytics: 'G-RELOAD1', reloadOnWithdraw: true }) }),
  );
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  await page.evaluate(() => (window.__beforeReload = true));
  await Promise.all([page.waitForEvent('load'), page.evaluate(() => ConsentGate.rejectAll())]);
  await ready(page);
  assert.equal(await page.evaluate(() => window.__beforeReload), undefined, 'the page was reloaded');
  assert.equal(await page.locator('script[src*="gtag/js"]').count(), 0);
  await context.close();
});
