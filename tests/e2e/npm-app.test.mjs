// consent-gate as an npm package used by a real bundler: tests/npm-app imports 'consent-gate' by
// name from the tarball `npm pack pkg/` makes, is built with `vite build`, and is served statically.
// The same promises as the script-tag demo: banner, no Google request before a choice, accept
// loads gtag.js for the app's GA id, reject loads nothing (also after a reload), and the site's own
// "Cookie settings" button opens the preferences dialog.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { closeBrowser, openPage, root, settle } from './harness.mjs';

const APP = join(root, 'tests', 'npm-app');
const GTAG = 'https://www.googletagmanager.com/gtag/js?id=G-NPMAPP0001';
let server;

before(async () => {
  // Packs pkg/, installs the tarball and runs `vite build`, each only when its inputs changed.
  execFileSync('bash', [join(APP, 'prepare.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  server = await serve({ mounts: { '/': join(APP, 'dist') } });
});
after(async () => {
  await server?.close();
  await closeBrowser();
});

async function start() {
  const s = await openPage();
  await s.page.goto(server.url + '/');
  await s.page.locator('#cg-banner').waitFor({ state: 'visible' });
  return s;
}

test('npm app: the bundle comes from the installed package (wasm and css emitted by vite)', () => {
  const html = readFileSync(join(APP, 'dist', 'index.html'), 'utf8');
  assert.match(html, /<script type="module" crossorigin src="\/assets\/main-[\w-]+\.js">/);
  assert.match(html, /<link rel="stylesheet" crossorigin href="\/assets\/main-[\w-]+\.css">/);
  const installed = JSON.parse(readFileSync(join(APP, 'node_modules', 'consent-gate', 'package.json'), 'utf8'));
  const packed = JSON.parse(readFileSync(join(root, 'pkg', 'package.json'), 'utf8'));
  assert.equal(installed.version, packed.version);
  // Installed from the packed file, not linked to pkg/.
  assert.equal(execFileSync('readlink', ['-f', join(APP, 'node_modules', 'consent-gate')]).toString().trim(), join(APP, 'node_modules', 'consent-gate'));
});

test('npm app: the banner is shown, styled by the imported css, and nothing goes to Google before a choice', async () => {
  const { page, net, context, pageErrors, consoleMessages } = await start();
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.reload();
  await page.locator('#cg-banner').waitFor({ state: 'visible' });
  await settle(page, 500);
  assert.equal(await page.locator('#cg-banner').evaluate((b) => getComputedStyle(b).position), 'fixed');
  assert.ok(requested.some((p) => /^\/assets\/consent_gate_bg-[\w-]+\.wasm$/.test(p)), requested.join(' '));
  assert.deepEqual(net.google, []);
  assert.deepEqual(net.escaped, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), []);
  await context.close();
});

test('npm app: accept all requests gtag.js for the app GA id, once', async () => {
  const { page, net, context } = await start();
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await settle(page);
  assert.deepEqual(net.gtag(), [GTAG]);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  assert.equal(await page.locator('#consent-status').textContent(), 'Consent: analytics allowed');
  await context.close();
});

test('npm app: reject all requests nothing, also after a reload and on another page', async () => {
  const { page, net, context, pageErrors } = await start();
  await page.click('#cg-banner [data-cg="reject"]');
  await settle(page);
  await page.reload();
  await page.waitForFunction(() => document.getElementById('consent-status').textContent.includes('refused'));
  await page.click('a[href="/about.html"]');
  await page.waitForURL(/about\.html$/);
  await settle(page, 500);
  assert.equal(await page.locator('#cg-banner').count(), 0, 'no banner after a decision');
  assert.deepEqual(net.google, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('npm app: the site\'s "Cookie settings" button reopens the preferences dialog after a choice', async () => {
  const { page, net, context } = await start();
  await page.click('#cg-banner [data-cg="reject"]');
  await page.reload();
  await page.waitForFunction(() => document.getElementById('consent-status').textContent.includes('refused'));
  await page.click('#cookie-settings');
  const dialog = page.locator('#cg-prefs');
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await dialog.evaluate((d) => d.open), true);
  assert.equal(await dialog.locator('[data-cg-category="analytics"]').getAttribute('aria-checked'), 'false');
  // Changing the choice from the dialog loads the tag.
  await dialog.locator('[data-cg="accept"]').click();
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  assert.deepEqual(net.gtag(), [GTAG]);
  await context.close();
});
