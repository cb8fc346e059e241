// The consent log: one event per decision with the right fields and sources, page-view signal
// events, DNT and GPC as seen, delivery that survives an endpoint outage (none lost, none
// duplicated), no traffic without an endpoint, and the downloadable receipt. Events go to the
// real receiver (receiver/, through tests/e2e/real-receiver.mjs), which validates each with the
// core's own reader and refuses what the schema refuses; the endpoint is configured by serving a
// modified /consent.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS, EXECUTABLE, dntProfile, openPage, ready, root, serveForFile, settle } from './harness.mjs';
import { realReceiver } from './real-receiver.mjs';

const SCHEMA = JSON.parse(readFileSync(join(root, 'schemas', 'consent-event.schema.json'), 'utf8'));
const DEMO = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const OPTIONAL = ['functional', 'analytics', 'advertising'];

const server = serveForFile();

/** The real receiver on a fresh database. */
function newReceiver() {
  return realReceiver();
}

/** Serves the demo configuration with `log` set to every page of `context`. */
async function withLog(context, log) {
  const body = JSON.stringify({ ...DEMO, log });
  await context.route('**/consent.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
}

/** Waits until the receiver holds at least `n` events, then a moment more for stragglers. */
async function events(rec, n) {
  const end = Date.now() + 10000;
  while ((await rec.events()).length < n && Date.now() < end) await new Promise((ok) => setTimeout(ok, 50));
  await new Promise((ok) => setTimeout(ok, 400));
  return rec.events();
}

/** The localStorage queue of undelivered events. */
const queued = (page) => page.evaluate(() => (localStorage.getItem('consent-gate-log') || '').split('\n').length - 1);

/** Checks `value` against the subset of JSON Schema the event schema uses; returns problems. */
function validate(value, schema = SCHEMA, path = '$') {
  const out = [];
  const type = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  if (schema.type) {
    const types = [].concat(schema.type);
    if (!types.includes(type(value)) && !(types.includes('number') && typeof value == 'number')) out.push(`${path}: type ${type(value)}`);
  }
  if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof value == 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) out.push(`${path}: ${value} does not match ${schema.pattern}`);
    if (schema.minLength && value.length < schema.minLength) out.push(`${path}: too short`);
  }
  if (typeof value == 'number' && schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: below minimum`);
  if (type(value) == 'object') {
    for (const k of schema.required || []) if (!(k in value)) out.push(`${path}.${k}: missing`);
    for (const [k, v] of Object.entries(value)) {
      if (schema.properties && k in schema.properties) out.push(...validate(v, schema.properties[k], `${path}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${path}.${k}: not allowed`);
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => out.push(...validate(v, schema.items, `${path}[${i}]`)));
  return out;
}

/** Asserts the fields every event shares. */
function common(e, { path = '/', dnt = 'unset', gpc = 'absent', hashed = true } = {}) {
  assert.deepEqual(validate(e), [], JSON.stringify(e));
  assert.equal(e.revision, DEMO.revision);
  assert.equal(e.language, 'en');
  assert.equal(e.path, path);
  assert.equal(e.sdkVersion, JSON.parse(readFileSync(join(root, 'pkg', 'package.json'), 'utf8')).version);
  assert.equal(new Date(e.time).toISOString(), e.timestamp);
  assert.ok(Math.abs(Date.now() - e.time) < 120000, 'recent');
  if (hashed) assert.match(e.noticeHash, /^[0-9a-f]{64}$/);
  assert.deepEqual(e.signals, { dnt, gpc });
  assert.deepEqual(
    e.choices.map((c) => c.category),
    ['necessary', ...OPTIONAL],
  );
  assert.deepEqual(e.choices[0], { category: 'necessary', granted: true, source: 'default' });
}

const choice = (e, category) => e.choices.find((c) => c.category == category);

test('one event per decision: banner accept, then preferences save, with the record id and user sources', async () => {
  const rec = await newReceiver();
  const { page, context, pageErrors } = await openPage();
  await withLog(context, { endpoint: rec.url });
  try {
    await page.goto(server.url + '/');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    let got = await events(rec, 1);
    assert.equal(got.length, 1, 'nothing but the decision (pageViews is off)');
    const [accept] = got;
    common(accept);
    const receipt = await page.evaluate(() => ConsentGate.getConsentRecord());
    assert.equal(accept.type, 'decision');
    assert.equal(accept.method, 'banner');
    assert.equal(accept.recordId, receipt.id);
    assert.equal(accept.browserId, receipt.id);
    for (const c of OPTIONAL) assert.deepEqual(choice(accept, c), { category: c, granted: true, source: 'user' });

    await page.evaluate(() => ConsentGate.showPreferences());
    await page.click('#cg-prefs [data-cg-category="advertising"]');
    await page.click('#cg-prefs [data-cg-category="functional"]');
    await page.click('#cg-prefs [data-cg="save"]');
    got = await events(rec, 2);
    assert.equal(got.length, 2);
    const save = got[1];
    common(save);
    assert.equal(save.method, 'preferences');
    assert.equal(save.recordId, receipt.id, 'the record keeps its id');
    assert.notEqual(save.eventId, accept.eventId);
    assert.equal(save.noticeHash, accept.noticeHash, 'same notice, same hash');
    assert.deepEqual(choice(save, 'analytics'), { category: 'analytics', granted: true, source: 'user' });
    assert.deepEqual(choice(save, 'advertising'), { category: 'advertising', granted: false, source: 'user' });
    assert.deepEqual(choice(save, 'functional'), { category: 'functional', granted: false, source: 'user' });
    assert.equal(await queued(page), 0, 'delivered events leave the queue');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    await rec.stop();
  }
});

test('pageViews: a signal event on every view, even when nothing changes; API decisions are logged', async () => {
  const rec = await newReceiver();
  const { page, context } = await openPage();
  await withLog(context, { endpoint: rec.url, pageViews: true });
  try {
    await page.goto(server.url + '/');
    await ready(page);
    await page.goto(server.url + '/privacy/');
    await ready(page);
    await page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
    await page.reload();
    await ready(page);
    const got = (await events(rec, 4)).sort((a, b) => a.time - b.time);
    assert.deepEqual(
      got.map((e) => [e.type, e.method, e.path]),
      [
        ['pageview', null, '/'],
        ['pageview', null, '/privacy/'],
        ['decision', 'api', '/privacy/'],
        ['pageview', null, '/privacy/'],
      ],
    );
    // The first page is left at once: its event may have been queued before the digest was ready.
    for (const e of got) common(e, { path: e.path, hashed: e !== got[0] });
    assert.equal(got[0].recordId, null, 'undecided: no record');
    assert.notEqual(got[0].browserId, got[1].browserId, 'nothing identifying is stored before a decision');
    assert.equal(got[3].recordId, got[2].recordId);
    assert.equal(got[3].browserId, got[2].recordId);
    assert.deepEqual(choice(got[3], 'analytics'), { category: 'analytics', granted: true, source: 'user' });
  } finally {
    await context.close();
    await rec.stop();
  }
});

test('a real Do Not Track profile: dnt "on" in every event, and gating is unchanged', async () => {
  const rec = await newReceiver();
  const context = await chromium.launchPersistentContext(dntProfile(), { executablePath: EXECUTABLE, args: ARGS });
  try {
    const { page, net } = await openPage({ context });
    await withLog(context, { endpoint: rec.url, pageViews: true });
    await page.goto(server.url + '/');
    await ready(page);
    assert.equal(await page.evaluate(() => navigator.doNotTrack), '1');
    // The page view's event goes once the notice is hashed; on a busy machine a click can come
    // first, and the events then arrive in the other order. Let it arrive first.
    await events(rec, 1);
    await page.click('#cg-banner [data-cg="reject"]');
    await settle(page, 500);
    assert.deepEqual(net.gtag(), [], 'reject: no gtag.js');
    await page.evaluate(() => ConsentGate.acceptAll());
    await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
    await settle(page);
    assert.equal(net.gtag().length, 1, 'accept: gtag.js requested');
    const got = await events(rec, 3);
    assert.deepEqual(
      got.map((e) => [e.type, e.method]),
      [
        ['pageview', null],
        ['decision', 'banner'],
        ['decision', 'api'],
      ],
    );
    for (const e of got) common(e, { dnt: 'on' });
    assert.deepEqual(choice(got[1], 'analytics'), { category: 'analytics', granted: false, source: 'user' });
    assert.deepEqual(choice(got[2], 'analytics'), { category: 'analytics', granted: true, source: 'user' });
  } finally {
    await context.close();
    await rec.stop();
  }
});

test('GPC: a signal event per page view while undecided, advertising denied with source gpc', async () => {
  const rec = await newReceiver();
  const { page, context, net } = await openPage({ gpc: true });
  await withLog(context, { endpoint: rec.url });
  try {
    await page.goto(server.url + '/');
    await ready(page);
    await page.reload();
    await ready(page);
    let got = await events(rec, 2);
    assert.equal(got.length, 2, 'one per page view');
    for (const e of got) {
      common(e, { gpc: 'true' });
      assert.equal(e.type, 'decision');
      assert.equal(e.method, 'signal');
      assert.equal(e.recordId, null);
      assert.deepEqual(choice(e, 'advertising'), { category: 'advertising', granted: false, source: 'gpc' });
      assert.equal(choice(e, 'analytics').granted, false);
    }
    assert.notEqual(got[0].eventId, got[1].eventId);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.reload();
    await ready(page);
    got = await events(rec, 3);
    assert.equal(got.length, 3, 'decided: no more signal events');
    common(got[2], { gpc: 'true' });
    assert.equal(got[2].method, 'banner');
    assert.deepEqual(choice(got[2], 'advertising'), { category: 'advertising', granted: false, source: 'gpc' });
    assert.deepEqual(choice(got[2], 'analytics'), { category: 'analytics', granted: true, source: 'user' });
    assert.ok(net.gtag().length >= 1, 'analytics still loads');
  } finally {
    await context.close();
    await rec.stop();
  }
});

test('receiver down: events survive reloads and arrive once it is back, none lost, none duplicated', async () => {
  const rec = await newReceiver();
  await rec.stop();
  const { page, context } = await openPage();
  await withLog(context, { endpoint: rec.url, pageViews: true });
  try {
    await page.goto(server.url + '/');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => (localStorage.getItem('consent-gate-log') || '').split('\n').length - 1 == 2);
    await settle(page);
    await page.reload();
    await ready(page);
    await page.waitForFunction(() => (localStorage.getItem('consent-gate-log') || '').split('\n').length - 1 == 3);
    await settle(page);
    assert.equal((await rec.events()).length, 0);

    await rec.start();
    await page.reload();
    await ready(page);
    let got = await events(rec, 4);
    assert.equal(got.length, 4, 'three queued events and this view');
    assert.equal(new Set(got.map((e) => e.eventId)).size, 4, 'no duplicate');
    assert.equal(rec.duplicates, 0, 'nothing in flight was sent twice here');
    assert.deepEqual(got.map((e) => e.type).sort(), ['decision', 'pageview', 'pageview', 'pageview']);
    assert.equal(got.find((e) => e.type == 'decision').method, 'banner');
    await page.waitForFunction(() => (localStorage.getItem('consent-gate-log') || '').split('\n').length - 1 == 0);

    await page.reload();
    await ready(page);
    got = await events(rec, 5);
    assert.equal(got.length, 5, 'only the new page view: nothing is sent twice');
    assert.equal(new Set(got.map((e) => e.eventId)).size, 5);
  } finally {
    await context.close();
    await rec.stop();
  }
});

test('no endpoint: no request to anything but the page\'s own files, and nothing queued', async () => {
  const { page, context } = await openPage();
  const urls = [];
  context.on('request', (r) => urls.push(r.url()));
  try {
    await page.goto(server.url + '/');
    await ready(page);
    await page.click('#cg-banner [data-cg="reject"]');
    await page.evaluate(() => ConsentGate.setConsent({ functional: true }));
    await page.reload();
    await ready(page);
    await settle(page, 800);
    assert.ok(urls.length > 3);
    assert.deepEqual(
      urls.filter((u) => !u.startsWith(server.url + '/')),
      [],
    );
    assert.equal(await page.evaluate(() => localStorage.getItem('consent-gate-log')), null);
  } finally {
    await context.close();
  }
});

test('receipt: "Download my consent record" saves consent-record.json with the record id and choices', async () => {
  const { page, context } = await openPage({ contextOptions: { acceptDownloads: true } });
  try {
    await page.goto(server.url + '/');
    await ready(page);
    await page.click('#cg-banner [data-cg="reject"]');
    await page.evaluate(() => ConsentGate.showPreferences());
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#cg-prefs [data-cg="download"]')]);
    assert.equal(download.suggestedFilename(), 'consent-record.json');
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const record = await page.evaluate(() => ConsentGate.getConsentRecord());
    assert.match(saved.id, /^[0-9a-f]{32}$/);
    assert.equal(saved.id, record.id);
    assert.deepEqual(saved.choices, record.choices);
    assert.deepEqual(
      saved.choices.map((c) => [c.category, c.granted, c.source]),
      [
        ['necessary', true, 'default'],
        ['functional', false, 'user'],
        ['analytics', false, 'user'],
        ['advertising', false, 'user'],
      ],
    );
    assert.equal(saved.method, 'banner');
  } finally {
    await context.close();
  }
});

test('the notice hash identifies the notice: another text, another hash; the same text, the same hash', async () => {
  const rec = await newReceiver();
  const hashOf = async (log, mutate) => {
    const { page, context } = await openPage();
    const cfg = JSON.parse(JSON.stringify(DEMO));
    mutate(cfg);
    const body = JSON.stringify({ ...cfg, log });
    await context.route('**/consent.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
    const before = (await rec.events()).length;
    await page.goto(server.url + '/');
    await ready(page);
    await page.click('#cg-banner [data-cg="reject"]');
    const got = await events(rec, before + 1);
    await context.close();
    return got[before].noticeHash;
  };
  try {
    const log = { endpoint: rec.url };
    const a = await hashOf(log, () => {});
    const b = await hashOf(log, () => {});
    const c = await hashOf(log, (cfg) => cfg.notice.sections[0].blocks.push({ p: 'One more sentence.' }));
    const d = await hashOf(log, (cfg) => (cfg.categories[2].description = 'Changed.'));
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.equal(a, b);
    assert.equal(new Set([a, c, d]).size, 3);
  } finally {
    await rec.stop();
  }
});
