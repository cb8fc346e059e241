// The configuration reader's messages are marks in the release wasms (U+0001 and a letter); their
// words are i18n/problems.json, which start asks for only when the configuration has problems to
// show. A valid configuration never requests it; an invalid one requests it once and the console
// and init()'s rejection read in full words; when the file cannot load, the console says so once
// and each message shows its letter, and the gate stays closed either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineConfig, openPage, ready, root, servePagesForFile, settle } from './harness.mjs';

const DEMO = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const BAD = { ...DEMO, categories: 5, sensitivPaths: ['/portal/*'] };
const page = (config, lang = 'en') =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>t</title>${inlineConfig(config)}` +
  `<script src="/consent-gate/consent-gate.js"></script></head><body><main><h1>t</h1></main></body></html>`;
// A refusal the page asks for before start (an inline script right after the SDK's).
const REJECT = '<script>window.rejected = ConsentGate.rejectAll().then(() => "resolved", (e) => String(e));</script>';
const server = servePagesForFile({
  '/ok/': page(DEMO),
  '/bad/': page(BAD),
  '/bad-es/': page(BAD, 'es'),
  '/bad-reject/': page(BAD).replace('</script></head>', '</script>' + REJECT + '</head>'),
});

const FULL = ['categories: expected an array of categories, got 5', 'sensitivPaths: unknown field (did you mean "sensitivePaths"?)'];

/** A page with the requests for i18n/problems.json counted (`words`), answered by `answer`. */
async function open(answer = (route) => route.fallback()) {
  const o = await openPage();
  o.words = 0;
  await o.context.route('**/i18n/problems.json', (route) => {
    o.words++;
    return answer(route);
  });
  return o;
}

const ours = (messages) => messages.filter((m) => m.text.startsWith('consent-gate'));
const errorLines = (messages) => {
  const errors = ours(messages).filter((m) => m.type == 'error');
  assert.equal(errors.length, 1, JSON.stringify(errors));
  return errors[0].text.split('\n').slice(1).map((l) => l.trim());
};
const rejection = (page) =>
  page.evaluate(() =>
    window.ConsentGate.init({}).then(
      () => null,
      (e) => ({ problems: e.problems, message: e.message }),
    ),
  );

/** Accept all, and nothing of Google loads: the configuration's errors keep the gate closed. */
async function acceptLoadsNothing(page, net) {
  await page.click('#cg-banner [data-cg="accept"]');
  await settle(page, 500);
  assert.deepEqual(net.google, [], 'fail closed');
}

test('a valid configuration never requests the words, and its tags load on consent', async () => {
  const { page, context, words, net, consoleMessages, pageErrors } = await open();
  try {
    await page.goto(server.url + '/ok/');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await settle(page, 500);
    assert.ok(net.gtag().length >= 1, 'gtag.js loads after Accept all');
    assert.equal(words, 0);
    assert.deepEqual(ours(consoleMessages), []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('an invalid configuration: the words requested once, the console and init() in full words, nothing loads', async () => {
  const o = await open();
  const { page, context, net, consoleMessages, pageErrors } = o;
  try {
    await page.goto(server.url + '/bad/');
    await ready(page);
    assert.deepEqual(errorLines(consoleMessages).sort(), FULL);
    assert.ok(!consoleMessages.some((m) => m.text.includes('\u0001')), 'no mark left on the console');
    const r = await rejection(page);
    assert.deepEqual(r.problems.sort(), FULL);
    assert.ok(!r.message.includes('\u0001'));
    await acceptLoadsNothing(page, net);
    assert.equal(o.words, 1);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a Spanish visitor with an invalid configuration: the words, then the Spanish texts; the banner in Spanish', async () => {
  const o = await open();
  const { page, context, net, consoleMessages, pageErrors } = o;
  try {
    await page.goto(server.url + '/bad-es/');
    await ready(page);
    assert.equal((await page.locator('#cg-banner [data-cg="accept"]').textContent()).trim(), 'Aceptar todo');
    assert.deepEqual(errorLines(consoleMessages).sort(), FULL);
    await acceptLoadsNothing(page, net);
    assert.equal(o.words, 1);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the words cannot load: one warning naming the file, each message shows its letter, nothing loads', async () => {
  const o = await open((route) => route.fulfill({ status: 404, body: 'not found' }));
  const { page, context, net, consoleMessages, pageErrors } = o;
  try {
    await page.goto(server.url + '/bad/');
    await ready(page);
    const said = ours(consoleMessages).filter((m) => m.text.includes('problems.json'));
    assert.deepEqual(said.map((m) => [m.type, m.text]), [['warning', 'consent-gate: i18n/problems.json: HTTP 404']]);
    const lines = errorLines(consoleMessages).sort();
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.match(lines[0], /^categories: expected \[[A-Za-z]\], got 5$/);
    assert.match(lines[1], /^sensitivPaths: \[[A-Za-z]\]\[[A-Za-z]\]sensitivePaths"\?\)$/);
    assert.deepEqual((await rejection(page)).problems.sort(), lines);
    await acceptLoadsNothing(page, net);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

// Found by an adversarial round: words whose value cannot become a string made `said` throw before
// the page's queued refusal was written back, so the next page loaded tags on an older grant.
for (const [what, body] of [
  ['a word that cannot become a string', JSON.stringify({ L: { toString: 1 }, A: ['x'] })],
  ['not an object of words', 'null'],
]) {
  test(`words file with ${what}: a refusal queued on the page is kept for the next page, and the calls settle`, async () => {
    const o = await open((route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
    const { page, context, net, consoleMessages, pageErrors } = o;
    try {
      await page.goto(server.url + '/ok/');
      await ready(page);
      await page.click('#cg-banner [data-cg="accept"]');
      await page.waitForFunction(() => window.ConsentGate.getConsent().decided);
      await settle(page, 300);
      const granted = net.google.length;
      assert.ok(granted >= 1, 'the grant loaded tags');
      await page.goto(server.url + '/bad-reject/');
      await page.waitForFunction(() => window.rejected, null, { timeout: 10000 });
      assert.ok(await page.evaluate(() => window.rejected));
      const lines = errorLines(consoleMessages);
      assert.ok(lines.some((l) => /^categories: expected \[L\], got 5$/.test(l)), JSON.stringify(lines));
      await page.goto(server.url + '/ok/');
      await ready(page);
      await settle(page, 500);
      assert.equal((await page.evaluate(() => window.ConsentGate.getConsent())).categories.analytics, false, 'the refusal holds');
      assert.deepEqual(net.google.slice(granted), [], 'nothing of Google after the refusal');
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
