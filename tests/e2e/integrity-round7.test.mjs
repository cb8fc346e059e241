// Integrity, round 7: what the sixth adversarial round found and round 6 left open.
//  1. A script's `click()` (or a dispatched MouseEvent: `isTrusted` false) on the banner's buttons
//     was recorded as the visitor's choice, method "banner". Only the visitor's own clicks (mouse,
//     touch, or Enter/Space on the focused button) act on the SDK's controls now.
//  2. Injected markup opened the preferences dialog through the SDK's fixed ids: a
//     `<label for="cg-reopen">` around page text forwarded its clicks to the "Privacy choices"
//     button, and `<button commandfor="cg-prefs" command="show-modal">` opened the dialog. Neither
//     does anything now.
//  3. Injected markup with the SDK's classes (`cg-root cg-banner`) was styled like the banner and
//     laid over it, so the visitor's click on "Reject all" landed on the copy. The banner is shown
//     in the top layer now, above anything the page's markup can draw.
//  4. With the visitor's language shipped as a file, start ran twice and read the configuration's
//     getters twice (the second answer in force). They run once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const html = (head, body, lang = 'en') =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>r7</title>${head}</head><body><main>${body}</main></body></html>`;
const TAG = '<script src="/consent-gate/consent-gate.js"></script>';
const SITE = { revision: '1', googleAnalytics: 'G-R7TEST001', reopenButton: 'bottom-left', log: { endpoint: '/r7/collect' } };
// A look-alike of the banner made of the SDK's classes only: no script, no style attribute.
const FAKE = `<section class="cg-root cg-banner"><h2 class="cg-title">We value your privacy</h2><p class="cg-text">We use cookies.</p>
<div class="cg-actions"><a class="cg-btn" href="https://evil.example.test/" id="fake-accept">Accept all</a><button class="cg-btn" id="fake-reject">Reject all</button><button class="cg-btn cg-btn-quiet">Preferences</button></div></section>`;

const pages = {
  '/r7/home.html': html(inlineConfig(SITE) + TAG, '<h1>Home</h1><p><a href="#x" id="first-link">A link</a></p>'),
  '/r7/ids.html': html(
    inlineConfig(SITE) + TAG,
    `<h1>Home</h1><label for="cg-reopen"><p id="wrapped">Some page text an injection wrapped in a label.</p></label>
<button id="command" commandfor="cg-prefs" command="show-modal">Command</button>
<button id="hide" popovertarget="cg-banner" popovertargetaction="hide">Hide</button>
<button id="hide-command" commandfor="cg-banner" command="hide-popover">Hide by command</button>`,
  ),
  '/r7/fake.html': html(inlineConfig(SITE) + TAG, `<h1>Home</h1><p>A comment: ${FAKE}</p>`),
};
for (const lang of ['en', 'es']) {
  pages[`/r7/getter-${lang}.html`] = html('<script src="/consent-gate/consent-gate.js" data-manual></script>', '<h1>Getter</h1>', lang);
}

const server = servePagesForFile(pages);

/** The consent events the page posted to the log endpoint (answered 204 here). */
async function logged(page) {
  const events = [];
  await page.route('**/r7/collect', (route) => {
    events.push(JSON.parse(route.request().postData()));
    return route.fulfill({ status: 204 });
  });
  return events;
}

test("a script's click() or dispatched click on the banner or the dialog decides nothing and records nothing", async () => {
  const { page, context, net, pageErrors } = await openPage();
  const events = await logged(page);
  await page.goto(server.url + '/r7/home.html');
  await ready(page);
  await page.evaluate(() => {
    const [accept, prefs] = ['accept', 'prefs'].map((a) => document.querySelector(`#cg-banner [data-cg=${a}]`));
    accept.click();
    accept.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    prefs.click();
  });
  await settle(page, 600);
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).decided, false);
  assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord()), null);
  assert.equal(await page.locator('dialog[open]').count(), 0, 'a synthetic click on Preferences opens nothing');
  assert.deepEqual(net.gtag(), []);
  // The visitor opens the dialog; a script's click on a switch or on Accept all there does nothing.
  await page.locator('#cg-banner [data-cg=prefs]').click();
  await page.locator('dialog[open]').waitFor();
  await page.evaluate(() => {
    document.querySelector('dialog [data-cg-category=analytics]').click();
    document.querySelector('dialog [data-cg=accept]').click();
  });
  await settle(page, 600);
  assert.equal(await page.locator('dialog [data-cg-category=analytics]').getAttribute('aria-checked'), 'false');
  assert.equal(await page.locator('dialog[open]').count(), 1);
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).decided, false);
  assert.equal(
    events.filter((e) => e.type == 'decision').length,
    0,
    'no decision event went to the log',
  );
  // The visitor's own click still decides, recorded as theirs.
  await page.locator('dialog [data-cg=reject]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  assert.equal((await page.evaluate(() => ConsentGate.getConsentRecord())).method, 'preferences');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the keyboard still works: Enter on Preferences, Space on a switch, Enter on Save, Enter on the "Privacy choices" button', async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/r7/home.html');
  await ready(page);
  // The banner is first in the page: Tab reaches its buttons before the page's link.
  const focused = async () => page.evaluate(() => document.activeElement.getAttribute('data-cg') || document.activeElement.getAttribute('data-cg-category') || document.activeElement.id);
  for (let i = 0; i < 10 && (await focused()) != 'prefs'; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(), 'prefs');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  for (let i = 0; i < 10 && (await focused()) != 'analytics'; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(), 'analytics');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('dialog [data-cg-category=analytics]').getAttribute('aria-checked'), 'true');
  for (let i = 0; i < 20 && (await focused()) != 'save'; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  const state = await page.evaluate(() => ConsentGate.getConsent());
  assert.deepEqual([...state.allowed].sort(), ['analytics', 'necessary']);
  assert.equal((await page.evaluate(() => ConsentGate.getConsentRecord())).method, 'preferences');
  await page.waitForFunction(() => document.querySelector('script[src*="/gtag/js"]'));
  assert.equal(net.gtag().length, 1);
  // The "Privacy choices" button, by keyboard.
  await page.locator('#cg-reopen').focus();
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  await context.close();
});

test('a label for the "Privacy choices" button or an invoker command for the dialog in page markup opens nothing', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/r7/ids.html');
  await ready(page);
  await page.locator('#cg-banner [data-cg=reject]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  // A click on the page text inside the injected label opens nothing.
  await page.locator('#wrapped').click();
  await settle(page);
  assert.equal(await page.locator('dialog[open]').count(), 0, 'the label forwarded its click to the "Privacy choices" button');
  // The real button opens the dialog; once closed, the injected command button does not reopen it.
  await page.locator('#cg-reopen').click();
  await page.locator('dialog[open]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({ state: 'detached' });
  await page.locator('#command').click();
  await settle(page);
  assert.equal(await page.locator('dialog[open]').count(), 0, 'commandfor="cg-prefs" opened the dialog');
  assert.deepEqual((await page.evaluate(() => ConsentGate.getConsent())).allowed, ['necessary']);
  await context.close();
});

test('the banner is in the top layer, and popover targets or commands in page markup cannot take it out', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/r7/ids.html');
  await ready(page);
  assert.equal(await page.evaluate(() => document.getElementById('cg-banner').matches(':popover-open')), true);
  await page.locator('#hide').click();
  await page.locator('#hide-command').click();
  await settle(page);
  assert.equal(await page.evaluate(() => document.getElementById('cg-banner').matches(':popover-open')), true);
  await page.locator('#cg-banner [data-cg=reject]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await context.close();
});

test("a look-alike banner made of the SDK's classes cannot cover the real one: the visitor's click on Reject all reaches it", async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/r7/fake.html');
  await ready(page);
  const box = await page.locator('#cg-banner [data-cg=reject]').boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  assert.equal(
    await page.evaluate(([x, y]) => document.elementFromPoint(x, y).closest('#cg-banner') !== null, [x, y]),
    true,
    'the look-alike lies over the real banner',
  );
  // A mouse click where the visitor sees Reject all.
  await page.mouse.click(x, y);
  await page.waitForFunction(() => ConsentGate.getConsent().decided, null, { timeout: 3000 });
  assert.deepEqual((await page.evaluate(() => ConsentGate.getConsent())).allowed, ['necessary']);
  assert.equal(page.url(), server.url + '/r7/fake.html');
  assert.deepEqual(net.gtag(), []);
  await context.close();
});

test('a getter in the configuration runs once, also when the visitor’s language is a file', async () => {
  for (const lang of ['en', 'es']) {
    const { page, context } = await openPage();
    await page.goto(server.url + `/r7/getter-${lang}.html`);
    const r = await page.evaluate(() => {
      let reads = 0;
      const config = { googleAnalytics: 'G-R7TEST001' };
      Object.defineProperty(config, 'revision', { enumerable: true, get: () => 'read-' + ++reads });
      return ConsentGate.init(config).then((s) => ({ reads, revision: s.revision, language: s.language }));
    });
    assert.deepEqual(r, { reads: 1, revision: 'read-1', language: lang });
    await context.close();
  }
});
