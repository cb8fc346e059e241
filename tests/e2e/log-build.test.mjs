// The consent log lives in a wasm of its own, consent_gate_log_bg.wasm: a page of a site without
// a `log` downloads only consent_gate_bg.wasm, which has no log; a page whose script tag carries
// `data-log` downloads only the log wasm; a site that configures a `log` without `data-log` still
// logs every decision (the log wasm is loaded once the configuration is read, with one warning).
// The wasm without the log refuses a configuration with one (fails closed, the path `log`
// named), and a log wasm that cannot load leaves nothing of Google loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineConfig, openPage, ready, root, servePagesForFile, settle } from './harness.mjs';

const DEMO = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const LOGGED = { ...DEMO, log: { endpoint: '/log-events' } };
const page = (config, attributes = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>${inlineConfig(config)}` +
  `<script src="/consent-gate/consent-gate.js"${attributes}></script></head><body><main><h1>t</h1></main></body></html>`;
const server = servePagesForFile({
  '/plain/': page(DEMO),
  '/logged/': page(LOGGED, ' data-log'),
  '/logged-no-attribute/': page(LOGGED),
  '/manual/': page(LOGGED, ' data-manual'),
});

const WASM = /\/(consent_gate(_log)?_bg\.wasm|consent-gate-log\.js)$/;

/**
 * A page with the requests for the wasms and the log's delivery (consent-gate-log.js) recorded
 * in `wasms`, and the log's POSTs (the endpoint answers 204).
 */
async function open() {
  const o = await openPage();
  o.wasms = [];
  o.posts = [];
  await o.context.route(WASM, (route) => {
    o.wasms.push(new URL(route.request().url()).pathname.split('/').pop());
    return route.fallback();
  });
  await o.context.route('**/log-events', (route) => {
    o.posts.push(JSON.parse(route.request().postData()));
    return route.fulfill({ status: 204 });
  });
  return o;
}

const warnings = (messages) => messages.filter((m) => m.type == 'warning' && m.text.includes('data-log'));

test('a site without a log downloads only the wasm without it, and its tags still load on consent', async () => {
  const { page, context, wasms, posts, net, pageErrors } = await open();
  try {
    await page.goto(server.url + '/plain/');
    await ready(page);
    assert.deepEqual(wasms, ['consent_gate_bg.wasm'], 'no log wasm, no consent-gate-log.js');
    assert.equal(net.google.length, 0);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => window.ConsentGate.getConsent().decided);
    await settle(page, 500);
    assert.ok(net.gtag().length >= 1, 'gtag.js loads after Accept all');
    assert.deepEqual(posts, [], 'nothing is logged');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('data-log: only the log wasm is downloaded, and a decision is logged', async () => {
  const { page, context, wasms, posts, consoleMessages, pageErrors } = await open();
  try {
    await page.goto(server.url + '/logged/');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    const end = Date.now() + 5000;
    while (!posts.some((e) => e.type == 'decision') && Date.now() < end) await settle(page, 50);
    assert.deepEqual(wasms.sort(), ['consent-gate-log.js', 'consent_gate_log_bg.wasm']);
    const decision = posts.find((e) => e.type == 'decision');
    assert.ok(decision, 'the decision was posted');
    assert.equal(decision.method, 'banner');
    assert.match(decision.noticeHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(warnings(consoleMessages), []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a log configured without data-log: one warning, the log wasm loaded after the other, the decision logged', async () => {
  const { page, context, wasms, posts, consoleMessages, pageErrors } = await open();
  try {
    await page.goto(server.url + '/logged-no-attribute/');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    const end = Date.now() + 5000;
    while (!posts.some((e) => e.type == 'decision') && Date.now() < end) await settle(page, 50);
    assert.ok(posts.some((e) => e.type == 'decision'), 'the decision was posted');
    // An inline configuration object is seen before the wasm is chosen: only the log wasm.
    assert.deepEqual(wasms.sort(), ['consent-gate-log.js', 'consent_gate_log_bg.wasm']);
    assert.deepEqual(pageErrors, []);

    // A configuration fetched from data-config is only seen once it has arrived.
    wasms.length = 0;
    posts.length = 0;
    await context.clearCookies();
    await page.evaluate(() => localStorage.clear());
    await context.route('**/consent.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(LOGGED) }));
    await page.goto(server.url + '/');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    const end2 = Date.now() + 5000;
    while (!posts.some((e) => e.type == 'decision') && Date.now() < end2) await settle(page, 50);
    assert.ok(posts.some((e) => e.type == 'decision'), 'the decision was posted');
    // The log wasm (and its delivery) only once the configuration has said so: after the other.
    assert.equal(wasms[0], 'consent_gate_bg.wasm');
    assert.deepEqual(wasms.slice(1).sort(), ['consent-gate-log.js', 'consent_gate_log_bg.wasm']);
    assert.equal(warnings(consoleMessages).length, 1, 'said once');
    assert.match(warnings(consoleMessages)[0].text, /add data-log to the script tag/);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the wasm without the log refuses a log: fails closed, naming the path `log`', async () => {
  const { page, context, posts, net, consoleMessages, pageErrors } = await open();
  try {
    await page.goto(server.url + '/manual/');
    const problems = await page.evaluate((config) =>
      window.ConsentGate.init(config, { logWasm: '/consent-gate/consent_gate_bg.wasm' }).then(
        () => null,
        (e) => e.problems,
      ),
    LOGGED);
    assert.ok(problems?.some((p) => p.startsWith('log: expected consent_gate_log_bg.wasm')), JSON.stringify(problems));
    assert.ok(consoleMessages.some((m) => m.type == 'error' && m.text.includes('log: expected consent_gate_log_bg.wasm')));
    await settle(page, 500);
    assert.equal(net.google.length, 0, 'nothing of Google loads');
    assert.deepEqual(posts, []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a log wasm that cannot load: nothing of Google loads, the console says why, the page works', async () => {
  const { page, context, net, consoleMessages, pageErrors } = await open();
  try {
    await context.route('**/consent_gate_log_bg.wasm', (route) => route.fulfill({ status: 404, body: 'no' }));
    await page.goto(server.url + '/logged/');
    await page.waitForFunction(() => document.readyState == 'complete');
    await settle(page, 1000);
    const errors = consoleMessages.filter((m) => m.type == 'error' && m.text.includes('could not load'));
    assert.equal(errors.length, 1, JSON.stringify(consoleMessages));
    assert.equal(net.google.length, 0);
    assert.equal(await page.locator('h1').textContent(), 't');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
