// Accessibility: axe-core (WCAG 2.0/2.1/2.2 A and AA) on the banner, the dialog and the notice at
// 1280 and 320 px, light and dark; reflow; target sizes; a keyboard-only decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, ready, screenshot, serveForFile } from './harness.mjs';
import { active, axe, tabUntil } from './ui-helpers.mjs';

const server = serveForFile();

async function open(path, width, colorScheme = 'light') {
  const o = await openPage({ viewport: { width, height: width < 400 ? 640 : 800 }, contextOptions: { colorScheme } });
  await o.page.goto(server.url + path);
  await ready(o.page);
  await o.page.locator('#cg-banner').waitFor({ state: 'visible' });
  return o;
}

async function openDialog(page) {
  await page.click('#cg-banner [data-cg="prefs"]');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
}

/** Widths of the document and of each of our elements that sticks out of the viewport. */
function reflow(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    wide: [...document.querySelectorAll('.cg-root, .cg-root *')]
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5 && e.getClientRects().length)
      .map((e) => e.className || e.tagName),
  }));
}

/** Our buttons and switches smaller than 24×24 CSS px (WCAG 2.5.8). */
function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.cg-root button')]
      .filter((b) => b.getClientRects().length)
      .map((b) => ({ what: b.getAttribute('data-cg') || b.getAttribute('data-cg-category') || b.textContent, r: b.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 24 || r.height < 24)
      .map(({ what, r }) => `${what} ${r.width}x${r.height}`),
  );
}

for (const colorScheme of ['light', 'dark']) {
  for (const width of [1280, 320]) {
    test(`axe: zero violations, reflow and target size at ${width} px (${colorScheme})`, async () => {
      const home = await open('/', width, colorScheme);
      assert.deepEqual(await axe(home.page), [], 'banner');
      let r = await reflow(home.page);
      assert.ok(r.scrollWidth <= width, `banner: no horizontal scrolling (${r.scrollWidth}px) ${r.wide}`);
      assert.deepEqual(await smallTargets(home.page), [], 'banner targets');
      await openDialog(home.page);
      assert.deepEqual(await axe(home.page), [], 'dialog');
      r = await reflow(home.page);
      assert.ok(r.scrollWidth <= width, `dialog: no horizontal scrolling (${r.scrollWidth}px) ${r.wide}`);
      assert.deepEqual(await smallTargets(home.page), [], 'dialog targets');
      if (width == 320) await screenshot(home.page, `a11y-dialog-320-${colorScheme}`);
      await home.context.close();

      const notice = await open('/privacy/', width, colorScheme);
      assert.deepEqual(await axe(notice.page), [], 'notice page');
      r = await reflow(notice.page);
      assert.ok(r.scrollWidth <= width, `notice: no horizontal scrolling (${r.scrollWidth}px) ${r.wide}`);
      assert.deepEqual(await smallTargets(notice.page), [], 'notice targets');
      if (width == 320) await screenshot(notice.page, `a11y-notice-320-${colorScheme}`);
      await notice.context.close();
    });
  }
}

test('visible focus on a switch and on the banner buttons', async () => {
  const { page, context } = await open('/', 1280);
  for (const sel of ['#cg-banner [data-cg="accept"]', '#cg-banner [data-cg="reject"]']) {
    await page.locator(sel).focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const o = await page.locator(sel).evaluate((e) => [document.activeElement == e, getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]);
    assert.deepEqual(o, [true, 'solid', '3px'], sel);
  }
  await openDialog(page);
  const sw = await tabUntil(page, (a) => a.category == 'analytics');
  assert.equal(sw.category, 'analytics');
  const o = await page.locator('#cg-prefs [data-cg-category="analytics"]').evaluate((e) => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]);
  assert.deepEqual(o, ['solid', '3px']);
  await context.close();
});

test('keyboard only: reject on the banner, reopen from the footer, allow analytics, save', async () => {
  const { page, context, net } = await open('/', 1280);
  // The banner comes first in the tab order.
  const reject = await tabUntil(page, (a) => a.cg == 'reject', 10);
  assert.equal(reject.text, 'Reject all');
  await page.keyboard.press('Enter');
  await page.locator('#cg-banner').waitFor({ state: 'detached' });
  let r = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.equal(r.method, 'banner');
  assert.equal(r.choices.find((c) => c.category == 'analytics').granted, false);
  // To the footer's "Cookie settings" link, and open the dialog with Enter.
  const link = await tabUntil(page, (a) => a.text == 'Cookie settings' && a.tag == 'a');
  assert.equal(link.tag, 'a');
  await page.keyboard.press('Enter');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.equal((await active(page, '#cg-prefs')).inside, true);
  await tabUntil(page, (a) => a.category == 'analytics', 10);
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#cg-prefs [data-cg-category="analytics"]').getAttribute('aria-checked'), 'true');
  await tabUntil(page, (a) => a.cg == 'save', 10);
  await page.keyboard.press('Enter');
  await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cookie settings', 'focus back on the link');
  r = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.equal(r.method, 'preferences');
  assert.equal(r.choices.find((c) => c.category == 'analytics').granted, true);
  assert.equal(r.choices.find((c) => c.category == 'advertising').granted, false);
  assert.match(await page.evaluate(() => localStorage.getItem('consent-gate')), /analytics:1u/);
  await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-DEMO12345']);
  assert.equal(page.url(), server.url + '/', 'no navigation');
  await context.close();
});
