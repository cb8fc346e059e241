// The notice's renderer is only in consent_gate_log_bg.wasm; consent_gate_bg.wasm (every other
// page) draws no notice and gives the preferences dialog's English texts as marks, whose words
// (i18n/english.json) load with the dialog. A page whose script tag says `data-notice` downloads
// only the log wasm; a page with a notice container when it starts, without it, loads the other
// first and then the log wasm (the notice is drawn); a container mounted after start on a page
// that did neither stays empty and the console says what to add. Without its words the dialog is
// not drawn (the console says why), and no tag loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineConfig, openPage, ready, root, servePagesForFile, settle } from './harness.mjs';

const DEMO = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const page = (attributes = '', body = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>${inlineConfig(DEMO)}` +
  `<script src="/consent-gate/consent-gate.js"${attributes}></script></head><body><main><h1>t</h1>${body}</main></body></html>`;
const CONTAINER = '<div data-consent-gate="notice"></div>';
const server = servePagesForFile({
  '/plain/': page(),
  '/privacy-said/': page(' data-notice', CONTAINER),
  '/privacy-unsaid/': page('', CONTAINER),
});

const FILES = /\/(consent_gate(_log)?_bg\.wasm|i18n\/english\.json)$/;

/** A page with its requests for the wasms and the dialog's words recorded in `files`. */
async function open(answer = (route) => route.fallback()) {
  const o = await openPage();
  o.files = [];
  await o.context.route(FILES, (route) => {
    o.files.push(new URL(route.request().url()).pathname.split('/').slice(-1)[0]);
    return /english/.test(route.request().url()) ? answer(route) : route.fallback();
  });
  return o;
}

const ours = (messages, type) => messages.filter((m) => m.type == type && m.text.startsWith('consent-gate'));
const noticeSwitches = (page) => page.locator('[data-consent-gate="notice"] .cg-notice [data-cg-category]').count();

test('data-notice: only the log wasm is downloaded and the notice is drawn', async () => {
  const { page, context, files, consoleMessages, pageErrors } = await open();
  try {
    await page.goto(server.url + '/privacy-said/');
    await ready(page);
    await page.locator('[data-consent-gate="notice"] .cg-notice').waitFor();
    assert.ok((await noticeSwitches(page)) >= 4);
    assert.deepEqual(files, ['consent_gate_log_bg.wasm']);
    assert.deepEqual(ours(consoleMessages, 'error'), []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a notice container at start without data-notice: the other wasm, then the log wasm; the notice is drawn', async () => {
  const { page, context, files, net, consoleMessages, pageErrors } = await open();
  try {
    await page.goto(server.url + '/privacy-unsaid/');
    await ready(page);
    await page.locator('[data-consent-gate="notice"] .cg-notice').waitFor();
    assert.deepEqual(files, ['consent_gate_bg.wasm', 'consent_gate_log_bg.wasm']);
    // The notice's switches act.
    await page.locator('[data-consent-gate="notice"] [data-cg-category="analytics"]').click();
    await page.locator('[data-consent-gate="notice"] [data-cg="save"]').click();
    await page.waitForFunction(() => window.ConsentGate.getConsent().decided);
    await settle(page, 500);
    assert.ok(net.gtag().length >= 1, 'analytics allowed in the notice: gtag.js loads');
    assert.deepEqual(ours(consoleMessages, 'error'), []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a container mounted after start without data-notice stays empty, and the console says to add data-notice', async () => {
  const { page, context, files, consoleMessages, pageErrors } = await open();
  try {
    await page.goto(server.url + '/plain/');
    await ready(page);
    await page.evaluate(() => {
      const c = document.createElement('div');
      c.setAttribute('data-consent-gate', 'notice');
      document.querySelector('main').append(c);
    });
    await settle(page, 800);
    assert.equal(await noticeSwitches(page), 0);
    assert.deepEqual(
      ours(consoleMessages, 'error').map((m) => m.text),
      ['consent-gate: to draw the notice, add data-notice to the script tag'],
    );
    assert.deepEqual(files, ['consent_gate_bg.wasm']);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the dialog on an ordinary page: its English words load once with it, no mark is left, the switches work', async () => {
  const { page, context, files, net, pageErrors } = await open();
  try {
    await page.goto(server.url + '/plain/');
    await ready(page);
    assert.deepEqual(files, ['consent_gate_bg.wasm'], 'the words are not loaded before the dialog opens');
    await page.click('#cg-banner [data-cg="prefs"]');
    const dialog = page.locator('#cg-prefs');
    await dialog.waitFor({ state: 'visible' });
    assert.equal((await dialog.locator('h2').textContent()).trim(), 'Privacy preferences');
    assert.equal(await dialog.locator('[data-cg="close"]').getAttribute('aria-label'), 'Close');
    assert.equal((await dialog.locator('[data-cg="save"]').textContent()).trim(), 'Save choices');
    const text = await dialog.evaluate((d) => d.textContent);
    assert.ok(!text.includes('\u0001') && !/\[.\]/.test(text), 'no mark and no letter left: ' + text);
    assert.match(text, /Strictly necessary.*Analytics.*Google Analytics/s);
    await dialog.getByRole('switch', { name: 'Analytics' }).click();
    await dialog.locator('[data-cg="save"]').click();
    await page.waitForFunction(() => window.ConsentGate.getConsent().decided);
    await settle(page, 500);
    assert.ok(net.gtag().length >= 1);
    // Opened again: no second download of the words.
    await page.evaluate(() => window.ConsentGate.showPreferences());
    await dialog.waitFor({ state: 'visible' });
    assert.deepEqual(files, ['consent_gate_bg.wasm', 'english.json']);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the dialog without its words is not drawn: the console says why, once, and no tag loads', async () => {
  const { page, context, net, consoleMessages, pageErrors } = await open((route) => route.fulfill({ status: 404, body: 'not found' }));
  try {
    await page.goto(server.url + '/plain/');
    await ready(page);
    await page.click('#cg-banner [data-cg="prefs"]');
    await settle(page, 800);
    assert.equal(await page.locator('#cg-prefs').count(), 0);
    const errors = ours(consoleMessages, 'error').map((m) => m.text);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0], /^consent-gate: consent-gate-dialog\.js could not load \(i18n\/english\.json: HTTP 404\), so the preferences dialog is not shown$/);
    // The banner still works.
    await page.click('#cg-banner [data-cg="reject"]');
    await settle(page, 500);
    assert.deepEqual(net.google, []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

// Found by an adversarial round: a words file that holds no words (or words that are not strings)
// drew the dialog with its marks' letters, or threw on the page.
for (const [what, body] of [
  ['empty', '{}'],
  ['null', 'null'],
  ['values that are not strings', JSON.stringify({ o: { toString: 1 }, p: 5, q: ['x'] })],
]) {
  test(`the dialog's words file ${what}: the dialog is not drawn, the console says so once, nothing throws`, async () => {
    const { page, context, net, consoleMessages, pageErrors } = await open((route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
    try {
      await page.goto(server.url + '/plain/');
      await ready(page);
      await page.click('#cg-banner [data-cg="prefs"]');
      await settle(page, 800);
      assert.equal(await page.locator('#cg-prefs').count(), 0);
      const errors = ours(consoleMessages, 'error').map((m) => m.text);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(errors[0], /^consent-gate: consent-gate-dialog\.js could not load \(i18n\/english\.json: .*\), so the preferences dialog is not shown$/);
      assert.deepEqual(net.google, []);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
