// Distribution: the script tag served from any folder, with inline configuration, included twice;
// the npm tarball's contents; one version for the crate, the npm package and the consent records.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { closeBrowser, openPage, root, settle } from './harness.mjs';

const PKG = join(root, 'pkg');
let server;
before(async () => {
  server = await serve({
    mounts: {
      '/static/cg/v1/': PKG,
      '/consent-gate/': PKG,
      '/shop/': join(root, 'tests', 'e2e', 'fixtures', 'distribution'),
      '/': join(root, 'www'),
    },
  });
});
after(async () => {
  await server.close();
  await closeBrowser();
});

/** Records the path of every request the page makes to the test server. */
function paths(page) {
  const seen = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === server.url) seen.push(u.pathname);
  });
  return seen;
}

/** Waits for the banner; on a time-out, says what the page printed and requested. */
async function bannerShown(page, consoleMessages, seen) {
  try {
    await page.locator('#cg-banner').waitFor({ state: 'visible', timeout: 10000 });
  } catch (e) {
    throw new Error(`no banner: console ${JSON.stringify(consoleMessages)}, requests ${seen.join(' ')}`, { cause: e });
  }
}

test('script tag from another folder: wasm and css are fetched next to the script, inline config is used', async () => {
  const { page, net, context, pageErrors, consoleMessages } = await openPage();
  const seen = paths(page);
  await page.goto(server.url + '/shop/deep/');
  const banner = page.locator('#cg-banner');
  await bannerShown(page, consoleMessages, seen);
  assert.ok(seen.includes('/static/cg/v1/consent_gate_bg.wasm'), seen.join(' '));
  assert.ok(seen.includes('/static/cg/v1/consent-gate.css'), seen.join(' '));
  assert.deepEqual(seen.filter((p) => p.startsWith('/consent-gate/') || p === '/consent.json'), [], 'nothing from the default folder');
  assert.equal(await banner.evaluate((b) => getComputedStyle(b).position), 'fixed', 'the stylesheet applies');
  // The inline configuration is in force: its revision and GA id.
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().revision), 'static-7');
  await settle(page, 300);
  assert.deepEqual(net.google, []);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.locator('#demo-analytics-status .demo-ran').waitFor();
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await settle(page);
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-STATIC0001']);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  await context.close();
});

test('script tag included twice: one banner, one warning, no error, one wasm and css load, gating works', async () => {
  const { page, net, context, pageErrors, consoleMessages } = await openPage();
  const seen = paths(page);
  await page.goto(server.url + '/shop/twice.html');
  await bannerShown(page, consoleMessages, seen);
  await settle(page, 500);
  assert.equal(await page.locator('#cg-banner').count(), 1);
  assert.equal(await page.locator('link[href$="consent-gate.css"]').count(), 1);
  assert.equal(seen.filter((p) => p.endsWith('.wasm')).length, 1, seen.join(' '));
  const warnings = consoleMessages.filter((m) => m.type === 'warning');
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.match(warnings[0].text, /consent-gate: another copy runs on this page/);
  assert.deepEqual(net.google, []);

  await page.click('#cg-banner [data-cg="accept"]');
  await page.locator('#demo-analytics-status .demo-ran').waitFor();
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await settle(page);
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-DEMO12345']);
  assert.equal(await page.locator('#demo-analytics-status .demo-ran').count(), 1, 'the gated script ran once');
  assert.equal(await page.locator('#cg-banner').count(), 0);

  // Withdrawal through the dialog still works with two copies on the page.
  await page.click('footer a[data-consent-gate="preferences"]');
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
  assert.equal(page.url(), server.url + '/shop/twice.html', 'the link opened the dialog instead of navigating');
  await page.click('#cg-prefs [data-cg="reject"]');
  await page.reload();
  await page.waitForFunction(() => window.ConsentGate && ConsentGate.getConsent());
  await settle(page, 500);
  assert.equal(net.gtag().length, 1, 'no tag after the withdrawal and reload');
  assert.equal(await page.locator('#cg-banner').count(), 0);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), []);
  assert.equal(consoleMessages.filter((m) => m.type === 'warning').length, 2, 'one warning per page load');
  await context.close();
});

test('npm pack of pkg/ holds every file package.json points to', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', './pkg', '--dry-run', '--json', '--loglevel=error'], { cwd: root }).toString());
  const files = packed.files.map((f) => f.path).sort();
  const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
  assert.equal(packed.name, 'consent-gate');
  const wanted = new Set(['package.json', 'README.md', manifest.main, manifest.types]);
  for (const target of Object.values(manifest.exports)) {
    for (const t of typeof target == 'string' ? [target] : Object.values(target)) wanted.add(t);
  }
  for (const f of wanted) {
    const path = f.replace(/^\.\//, '');
    // The JSON schemas are optional until schemas/ exists (build.mjs copies them when present).
    if (/\.schema\.json$/.test(path) && !files.includes(path)) continue;
    assert.ok(files.includes(path), `${path} is in the tarball (${files.join(', ')})`);
  }
  for (const f of ['index.js', 'index.d.ts', 'consent_gate_bg.wasm', 'consent-gate.js', 'consent-gate.css']) assert.ok(files.includes(f), f);
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.exports['.'].types, './index.d.ts');
  // `import 'consent-gate/consent-gate.css'` must survive bundlers that honour "sideEffects".
  assert.ok(manifest.sideEffects === true || (Array.isArray(manifest.sideEffects) && manifest.sideEffects.includes('./consent-gate.css')), JSON.stringify(manifest.sideEffects));
});

test('one version: Cargo.toml = pkg/package.json = the sdkVersion in a consent record', async () => {
  const cargo = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))[1];
  const npm = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).version;
  assert.equal(npm, cargo);
  const { page, context } = await openPage();
  await page.goto(server.url + '/');
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord()), null, 'no record before a choice');
  await page.click('#cg-banner [data-cg="reject"]');
  const record = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.equal(record.sdkVersion, cargo);
  // The same after a reload, i.e. in the stored record.
  await page.reload();
  await page.waitForFunction(() => window.ConsentGate && ConsentGate.getConsentRecord());
  assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord().sdkVersion), cargo);
  await context.close();
});
