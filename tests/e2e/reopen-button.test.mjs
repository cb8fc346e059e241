// The floating "Privacy choices" button (`reopenButton`): off by default; when on, hidden while
// the banner is open and shown after a decision (on sensitive pages too); keyboard-operable with
// focus coming back to it; axe-clean; its label is a text like the others; its corner is
// configurable; injected markup that copies it can do nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, ready, screenshot, serveForFile, settle } from './harness.mjs';
import { active, axe, serveConfig, tabUntil } from './ui-helpers.mjs';

const server = serveForFile();

const LABEL = 'Your privacy choices';

/** Opens `path` with the demo configuration changed by `mutate`; waits for the banner if `banner`. */
async function open(mutate, { path = '/', width = 1280, banner = true, reducedMotion, colorScheme = 'light' } = {}) {
  const o = await openPage({ viewport: { width, height: 700 }, contextOptions: { colorScheme, ...(reducedMotion ? { reducedMotion } : {}) } });
  await serveConfig(o.context, mutate);
  await o.page.goto(server.url + path);
  await ready(o.page);
  if (banner) await o.page.locator('#cg-banner').waitFor({ state: 'visible' });
  return o;
}

const on = (placement = 'bottom-left') => (c) => {
  c.reopenButton = placement;
};

/** What the visitor can see of the button: shown, its box, its accessible name. */
function seen(page) {
  return page.evaluate(() => {
    const b = document.getElementById('cg-reopen');
    if (!b) return { exists: false };
    const r = b.getBoundingClientRect();
    return { exists: true, shown: b.getClientRects().length > 0, left: r.left, right: r.right, bottom: r.bottom, width: innerWidth, height: innerHeight };
  });
}

async function rejectInBanner(page) {
  await page.click('#cg-banner [data-cg="reject"]');
  await page.locator('#cg-banner').waitFor({ state: 'detached' });
}

test('off by default: no button before or after a decision', async () => {
  const { page, context } = await open(null);
  await rejectInBanner(page);
  await settle(page);
  assert.equal(await page.getByRole('button', { name: LABEL }).count(), 0);
  assert.equal(await page.locator('.cg-reopen, #cg-reopen').count(), 0);
  await context.close();
});

test('on: hidden while the banner is open, shown after a decision; keyboard opens the preferences and focus returns', async () => {
  const { page, context, net } = await open(on(), { reducedMotion: 'reduce' });
  let s = await seen(page);
  assert.ok(s.exists && !s.shown, 'while the banner is open the button is not shown (it would cover or repeat the banner)');
  // Not in the tab order either: Tab through the banner never lands on it.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    assert.notEqual((await active(page)).id, 'cg-reopen');
  }
  await rejectInBanner(page);
  const button = page.getByRole('button', { name: LABEL });
  await button.waitFor({ state: 'visible' });
  s = await seen(page);
  assert.ok(s.left < 40 && s.height - s.bottom < 40, `bottom left: ${JSON.stringify(s)}`);
  // The browser's own accessible name: the label alone (the drawn icon has empty alternative text).
  const cdp = await context.newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const names = nodes.filter((n) => n.role && n.role.value === 'button' && !n.ignored).map((n) => n.name && n.name.value);
  assert.ok(names.includes(LABEL), 'accessible names: ' + JSON.stringify(names));
  const icon = await page.locator('#cg-reopen').evaluate((b) => [getComputedStyle(b, '::before').content, getComputedStyle(b, '::after').content]);
  assert.ok(icon[0].includes('\u2713') && icon[1].includes('\u2715'), 'the check and the x are drawn: ' + icon);
  await screenshot(page, 'reopen-button');
  // Reachable with Tab; a visible focus ring.
  const reached = await tabUntil(page, (a) => a.id === 'cg-reopen');
  assert.equal(reached.text, LABEL, 'the label is the whole accessible text (the icon is hidden from it)');
  const ring = await page.locator('#cg-reopen').evaluate((b) => {
    const st = getComputedStyle(b);
    return { style: st.outlineStyle, width: parseFloat(st.outlineWidth), transition: st.transitionDuration, animation: st.animationName };
  });
  assert.equal(ring.style, 'solid');
  assert.ok(ring.width >= 2, 'focus outline at least 2px: ' + ring.width);
  assert.deepEqual([ring.transition, ring.animation], ['0s', 'none'], 'nothing moves (so reduced motion holds)');
  // Enter opens the preferences; Escape closes them; focus is back on the button.
  await page.keyboard.press('Enter');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.getElementById('cg-prefs').open), true);
  await page.keyboard.press('Escape');
  await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
  assert.equal((await active(page)).id, 'cg-reopen');
  // Space works as well, and a choice made there is recorded as made in the preferences.
  await page.keyboard.press('Space');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await page.click('#cg-prefs [data-cg="accept"]');
  await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
  assert.equal((await active(page)).id, 'cg-reopen');
  const record = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.equal(record.method, 'preferences');
  assert.ok(net.gtag().length > 0, 'accepting there loads the Google tag');
  assert.deepEqual(await axe(page), [], 'axe with the button shown');
  await context.close();
});

test('on a sensitive page it is there too, and at 320 px in the dark scheme it is axe-clean and inside the viewport', async () => {
  const { page, context } = await open(on(), { width: 320, colorScheme: 'dark' });
  await rejectInBanner(page);
  await page.goto(server.url + '/patient-portal/');
  await ready(page);
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).sensitivePage, true);
  const button = page.getByRole('button', { name: LABEL });
  await button.waitFor({ state: 'visible' });
  const s = await seen(page);
  assert.ok(s.left >= 0 && s.right <= s.width, `inside the viewport: ${JSON.stringify(s)}`);
  const box = await button.boundingBox();
  assert.ok(box.height >= 44 && box.width >= 44, 'a 44 px target');
  assert.deepEqual(await axe(page), []);
  // It follows the dark scheme, like the banner and the dialog.
  assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(27, 27, 31)');
  await button.click();
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.deepEqual(await axe(page), [], 'dialog opened from the button');
  await context.close();
});

test('the banner asked again (decision cleared in another tab): the button goes, and comes back after the new decision', async () => {
  const { page, context } = await open(on());
  await rejectInBanner(page);
  await page.getByRole('button', { name: LABEL }).waitFor({ state: 'visible' });
  const other = await context.newPage();
  await other.goto(server.url + '/');
  await ready(other);
  await other.evaluate(() => localStorage.removeItem('consent-gate'));
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  assert.equal((await seen(page)).shown, false, 'hidden again while the banner is back');
  await rejectInBanner(page);
  await page.getByRole('button', { name: LABEL }).waitFor({ state: 'visible' });
  await context.close();
});

test('placement bottom-right and a label from texts (per language)', async () => {
  const { page, context } = await open((c) => {
    c.reopenButton = 'bottom-right';
    c.texts = { en: { reopenButton: 'Cookie choices' } };
  });
  await rejectInBanner(page);
  await page.getByRole('button', { name: 'Cookie choices', exact: true }).waitFor({ state: 'visible' });
  const s = await seen(page);
  assert.ok(s.width - s.right < 40 && s.left > s.width / 2, `bottom right: ${JSON.stringify(s)}`);
  assert.match(await page.locator('#cg-reopen').getAttribute('class'), /\bcg-right\b/);
  await context.close();
  // Spanish: the built-in Spanish label, and the button says which language it is in.
  const es = await open((c) => {
    c.reopenButton = 'bottom-left';
    c.language = 'es';
  });
  await rejectInBanner(es.page);
  const b = es.page.getByRole('button', { name: 'Sus opciones de privacidad', exact: true });
  await b.waitFor({ state: 'visible' });
  assert.equal(await b.getAttribute('lang'), 'es');
  await es.context.close();
});

test('a wrong value fails closed, says so once with the field path, and draws no button', async () => {
  const { page, context, consoleMessages, net } = await open((c) => {
    c.reopenButton = 'top-left';
  });
  const errors = consoleMessages.filter((m) => m.type === 'error' && m.text.includes('reopenButton'));
  assert.equal(errors.length, 1, JSON.stringify(consoleMessages));
  assert.match(errors[0].text, /reopenButton: expected one of "off", "bottom-left", "bottom-right", got "top-left"/);
  await page.click('#cg-banner [data-cg="accept"]');
  await settle(page);
  assert.equal(await page.locator('#cg-reopen').count(), 0);
  assert.deepEqual(net.gtag(), [], 'fail closed: no Google tag');
  await context.close();
});

test('injected markup copying the button can neither give consent nor open the dialog', async () => {
  const { page, context, net } = await open(on());
  // An HTML injection that imitates the button, with the SDK's classes, id and attributes.
  await page.evaluate(() => {
    document.body.insertAdjacentHTML(
      'beforeend',
      '<button type="button" id="fake-open" class="cg-root cg-reopen cg-right" data-cg="prefs" data-cg-scope="reopen">Your privacy choices</button>' +
        '<div data-cg-scope="reopen"><button type="button" id="fake-accept" data-cg="accept">Accept</button></div>',
    );
  });
  await page.evaluate(() => document.getElementById('fake-accept').click());
  await settle(page);
  assert.equal((await page.evaluate(() => ConsentGate.getConsent())).decided, false);
  assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord()), null);
  // After a real decision the fake opener still opens nothing (only the SDK's own does).
  await rejectInBanner(page);
  await page.evaluate(() => document.getElementById('fake-open').click());
  await settle(page);
  assert.equal(await page.evaluate(() => !!document.querySelector('#cg-prefs[open]')), false);
  await page.evaluate(() => document.getElementById('fake-accept').click());
  await settle(page);
  assert.deepEqual((await page.evaluate(() => ConsentGate.getConsent())).allowed, ['necessary']);
  assert.deepEqual(net.gtag(), []);
  // The real one still works.
  await page.locator('#cg-reopen').click();
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await context.close();
});
