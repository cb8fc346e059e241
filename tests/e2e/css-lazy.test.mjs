// The script tag links its stylesheets only when something of consent-gate's is drawn:
// consent-gate.css (the theme, the "Privacy choices" button, embed placeholders) with the first
// banner, dialog, notice, button or placeholder, and consent-gate-ui.css (the banner's, dialog's
// and notice's rules) when the first of those three is to be drawn, right after the first; the
// part is drawn once their rules apply. A visitor who decided, on a page without a notice, a
// button or a gated embed, downloads neither. When one cannot load, the banner, dialog and
// notice are not drawn (as when their own file cannot load: unstyled, the site's rules could
// hide a banner that still takes clicks) and the "Privacy choices" button stays hidden; the
// console says so once for each, and nothing of Google loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineConfig, openPage, ready, root, servePagesForFile, settle } from './harness.mjs';

const UI = /\/consent-gate-ui\.css$/;
const THEME = /\/consent-gate\.css$/;
const DEMO = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
const server = servePagesForFile({
  '/button/':
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title><link rel="stylesheet" href="/site.css">` +
    `${inlineConfig({ ...DEMO, reopenButton: 'bottom-right' })}<script src="/consent-gate/consent-gate.js"></script></head>` +
    `<body><main><h1>t</h1></main></body></html>`,
});

/**
 * A page with the requests for consent-gate-ui.css (`requests`) and consent-gate.css
 * (`themeRequests`) counted; `answer` and `answerTheme` handle them (the file by default).
 */
async function open(answer = (route) => route.fallback(), answerTheme = (route) => route.fallback()) {
  const o = await openPage();
  o.requests = [];
  o.themeRequests = [];
  await o.context.route(UI, (route) => {
    o.requests.push(route.request().url());
    return answer(route);
  });
  await o.context.route(THEME, (route) => {
    o.themeRequests.push(route.request().url());
    return answerTheme(route);
  });
  return o;
}

const sheets = (page) => page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => new URL(l.href).pathname));

test('a first visit links it once, right after consent-gate.css, and shows the banner only with its rules in force', async () => {
  let release;
  const held = new Promise((r) => (release = r));
  const { page, context, requests, net, pageErrors, consoleMessages } = await open(async (route) => {
    await held;
    await route.fallback();
  });
  // (A stylesheet on its way holds the page's load event: not waited for.)
  await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
  await ready(page);
  await settle(page, 300);
  assert.deepEqual(requests, [server.url + '/consent-gate/consent-gate-ui.css']);
  assert.equal(await page.locator('#cg-banner').count(), 0, 'not drawn while its stylesheet is on its way');
  // The banner is checked at the moment it enters the page: already laid out by its rules.
  await page.evaluate(() => {
    new MutationObserver((_, o) => {
      const b = document.getElementById('cg-banner');
      if (b) {
        window.positionWhenDrawn = getComputedStyle(b).position;
        o.disconnect();
      }
    }).observe(document.body, { childList: true });
  });
  release();
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => window.positionWhenDrawn), 'fixed');
  assert.deepEqual(await sheets(page), ['/site.css', '/consent-gate/consent-gate.css', '/consent-gate/consent-gate-ui.css']);
  // Opening the dialog and drawing the notice do not link it again.
  await page.click('#cg-banner [data-cg="prefs"]');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.goto(server.url + '/privacy/');
  await page.locator('[data-consent-gate="notice"] .cg-switch').first().waitFor();
  assert.equal(await page.locator('[data-consent-gate="notice"] .cg-switch').first().evaluate((s) => getComputedStyle(s).width), '52px', 'the switches are styled');
  await settle(page, 300);
  assert.equal(requests.length, 2, 'once per page that draws one: ' + requests.join(' '));
  assert.deepEqual(net.google, [], 'nothing of Google before a decision');
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type == 'error'), []);
  await context.close();
});

test('a visitor who decided downloads neither on an ordinary page; the dialog opened later links both', async () => {
  const { page, context, requests, themeRequests, pageErrors } = await open();
  await page.goto(server.url + '/');
  await ready(page);
  await page.click('#cg-banner [data-cg="reject"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  requests.length = 0;
  themeRequests.length = 0;
  await page.goto(server.url + '/appointments/');
  await ready(page);
  await settle(page, 500);
  assert.deepEqual(requests, [], 'not downloaded');
  assert.deepEqual(themeRequests, [], 'not downloaded');
  assert.deepEqual(await sheets(page), ['/site.css']);
  await page.click('footer [data-consent-gate="preferences"]');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.equal(requests.length, 1);
  assert.equal(themeRequests.length, 1);
  assert.deepEqual(await sheets(page), ['/site.css', '/consent-gate/consent-gate.css', '/consent-gate/consent-gate-ui.css']);
  assert.equal(await page.locator('#cg-prefs').evaluate((g) => getComputedStyle(g).padding), '0px', 'the dialog is styled (a browser\'s own dialog has padding)');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("when it cannot load, no banner or dialog is drawn (unstyled, the site's rules could hide one that still takes clicks), the console says so once per part, and nothing loads", async () => {
  const { page, context, net, consoleMessages, pageErrors } = await open((route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
  await ready(page);
  await settle(page, 500);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  await page.click('footer [data-consent-gate="preferences"]');
  await settle(page, 300);
  assert.equal(await page.locator('#cg-prefs').count(), 0);
  // (The browser adds its own line for the failed request.)
  const errors = consoleMessages.filter((m) => m.type == 'error' && m.text.startsWith('consent-gate')).map((m) => m.text);
  assert.deepEqual(errors, [
    'consent-gate: consent-gate-banner.js could not load (its stylesheet, consent-gate-ui.css, did not load), so the banner is not shown',
    'consent-gate: consent-gate-dialog.js could not load (its stylesheet, consent-gate-ui.css, did not load), so the preferences dialog is not shown',
  ]);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().decided), false);
  assert.deepEqual(net.google, [], 'no Google request');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the "Privacy choices" button shows once consent-gate.css applies; without it, it stays hidden and the console says so once', async () => {
  // A visitor who decided, on a page with the button: consent-gate.css only, not the interface's.
  const ok = await open();
  await ok.page.goto(server.url + '/button/');
  await ready(ok.page);
  await ok.page.evaluate(() => ConsentGate.rejectAll());
  await ok.page.reload();
  await ready(ok.page);
  ok.requests.length = 0;
  await ok.page.locator('#cg-reopen').waitFor({ state: 'visible' });
  assert.equal(await ok.page.locator('#cg-reopen').evaluate((b) => getComputedStyle(b).position), 'fixed', 'styled when shown');
  assert.deepEqual(await sheets(ok.page), ['/site.css', '/consent-gate/consent-gate.css']);
  assert.deepEqual(ok.requests, []);
  assert.deepEqual(ok.pageErrors, []);
  await ok.context.close();

  const { page, context, net, consoleMessages, pageErrors } = await open(undefined, (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto(server.url + '/button/');
  await ready(page);
  await page.evaluate(() => ConsentGate.rejectAll());
  consoleMessages.length = 0;
  await page.reload();
  await ready(page);
  await settle(page, 500);
  assert.equal(await page.locator('#cg-reopen').count(), 1);
  assert.equal(await page.locator('#cg-reopen').isVisible(), false, 'not shown unstyled');
  const errors = consoleMessages.filter((m) => m.type == 'error' && m.text.includes('"Privacy choices" button'));
  assert.deepEqual(
    errors.map((m) => m.text),
    ['consent-gate: its stylesheet, consent-gate.css, did not load, so the "Privacy choices" button is not shown'],
  );
  assert.deepEqual(net.google, [], 'refused: nothing of Google');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
