// Strict Content-Security-Policy: consent-gate needs no inline script or style and no eval, only
// 'wasm-unsafe-eval'. Every `securitypolicyviolation` event (in any frame) is recorded from the
// first moment of each document and must not happen.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, settle } from './harness.mjs';
import { openWatched, siteServer, STRICT_CSP as STRICT } from './csp-watch.mjs';

const WITH_GTM = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' https://www.googletagmanager.com; style-src 'self'; img-src 'self'";
const NONCE = 'cgN0nce4Test';
const NONCE_CSP = `default-src 'self'; script-src 'nonce-${NONCE}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'`;

const servers = [];
/** The demo site and the distribution fixtures (/shop/) with `csp` on every response. */
async function cspServer(csp) {
  const s = await siteServer({ csp });
  servers.push(s);
  return s;
}
after(async () => {
  for (const s of servers) await s.close();
  await closeBrowser();
});

test('strict CSP as written: banner, dialog, reject and reload work with no CSP violation', async () => {
  const server = await cspServer(STRICT);
  const { page, net, context, pageErrors, violations } = await openWatched();
  const response = await page.goto(server.url + '/');
  assert.equal(response.headers()['content-security-policy'], STRICT);
  const banner = page.locator('#cg-banner');
  await banner.waitFor({ state: 'visible' });
  assert.equal(await banner.evaluate((b) => getComputedStyle(b).position), 'fixed', 'the stylesheet loaded under style-src');
  await page.click('#cg-banner [data-cg="prefs"]');
  const dialog = page.locator('#cg-prefs');
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('[data-cg-category="analytics"]').click();
  assert.equal(await dialog.locator('[data-cg-category="analytics"]').getAttribute('aria-checked'), 'true');
  await dialog.locator('[data-cg="reject"]').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await banner.count(), 0);
  await page.reload();
  await page.waitForFunction(() => window.ConsentGate && ConsentGate.getConsent());
  await page.click('footer a[data-consent-gate="preferences"]');
  await dialog.waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await settle(page, 300);
  assert.deepEqual(violations, []);
  assert.deepEqual(net.google, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('CSP that also allows googletagmanager.com: accept loads gtag.js and the gated script, no violation', async () => {
  const server = await cspServer(WITH_GTM);
  const { page, net, context, pageErrors, violations } = await openWatched();
  await page.goto(server.url + '/');
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  await settle(page, 300);
  assert.deepEqual(net.google, [], 'nothing before a choice');
  await page.click('#cg-banner [data-cg="accept"]');
  await page.locator('#demo-analytics-status .demo-ran').waitFor();
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await settle(page);
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-DEMO12345']);
  // The advertising embed loads in its iframe (frame-src falls back to default-src 'self').
  await page.frameLocator('iframe[title="Example video"]').locator('body').waitFor();
  assert.deepEqual(violations, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('nonce CSP: the preferences dialog loads under the script\'s nonce; gtag.js and the gated scripts (external and inline) get the configured nonce and run', async () => {
  const server = await cspServer(NONCE_CSP);
  const { page, net, context, pageErrors, violations } = await openWatched();
  await page.goto(server.url + '/shop/nonce.html');
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  // consent-gate-dialog.js is imported by the nonced script: the policy allows it by that nonce.
  await page.click('#cg-banner [data-cg="prefs"]');
  const dialog = page.locator('#cg-prefs');
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('[data-cg="accept"]').click();
  await page.locator('#demo-analytics-status .demo-ran').waitFor();
  await page.waitForFunction(() => document.getElementById('inline-status').textContent.endsWith(' ran'));
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await settle(page);
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-NONCE0001']);
  const nonces = await page.evaluate(() =>
    [...document.scripts].filter((s) => s.type !== 'application/json').map((s) => ({ src: s.getAttribute('src') || 'inline', nonce: s.nonce })),
  );
  assert.deepEqual(nonces.filter((s) => s.nonce !== 'cgN0nce4Test'), [], JSON.stringify(nonces));
  assert.equal(nonces.length, 4, JSON.stringify(nonces)); // the SDK, gtag.js, the external and the inline gated script
  assert.deepEqual(violations, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('nonce CSP without the nonce option: the same scripts are blocked (the nonce test can fail)', async () => {
  const server = await cspServer(NONCE_CSP);
  const { page, net, context, violations } = await openWatched();
  await page.goto(server.url + '/shop/no-nonce.html');
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await settle(page, 800);
  assert.deepEqual(net.gtag(), [], 'the browser refused gtag.js before any request');
  assert.equal(await page.locator('#demo-analytics-status .demo-ran').count(), 0);
  assert.equal(await page.locator('#inline-status').textContent(), 'Inline gated script:');
  const blocked = violations.map((v) => v.blocked);
  assert.ok(blocked.includes('https://www.googletagmanager.com/gtag/js?id=G-NONCE0001'), JSON.stringify(violations));
  assert.ok(blocked.includes(server.url + '/demo-analytics.js'), JSON.stringify(violations));
  assert.ok(blocked.includes('inline'), JSON.stringify(violations));
  await context.close();
});
