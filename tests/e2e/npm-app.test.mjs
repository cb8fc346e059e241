// consent-gate as an npm package used by real bundlers: tests/npm-app imports 'consent-gate' by
// name from the tarball `npm pack pkg/` makes, and is built twice: by Vite 7 (the app at the
// folder's top) and by webpack 5 (tests/npm-app/webpack); each build is served statically. Both
// must keep the same promises as the script-tag demo: the wasm and the CSS emitted from the
// package and loaded, banner, no Google request before a choice, accept loads gtag.js for the
// app's GA id, reject loads nothing (also after a reload), and the site's own "Cookie settings"
// button opens the preferences dialog. (The React app has its own file: npm-app-react.test.mjs.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { closeBrowser, openPage, root, settle } from './harness.mjs';

const APP = join(root, 'tests', 'npm-app');
const PKG_WASM = readFileSync(join(root, 'pkg', 'consent_gate_bg.wasm'));

const APPS = [
  {
    name: 'vite',
    mounts: { '/': join(APP, 'dist') },
    ga: 'G-NPMAPP0001',
    // Where the page's own HTML points, and where the bundler put the package's wasm.
    index: join(APP, 'dist', 'index.html'),
    wasm: /^\/assets\/consent_gate_bg-[\w-]+\.wasm$/,
    wasmFile: (path) => join(APP, 'dist', path),
    otherPage: '/about.html',
  },
  {
    name: 'webpack',
    mounts: { '/dist/': join(APP, 'webpack', 'dist'), '/': join(APP, 'webpack', 'public') },
    ga: 'G-WEBPACK001',
    index: join(APP, 'webpack', 'public', 'index.html'),
    wasm: /^\/dist\/consent_gate_bg-[0-9a-f]{8}\.wasm$/,
    wasmFile: (path) => join(APP, 'webpack', path),
    otherPage: '/privacy.html',
  },
];

before(async () => {
  // Packs pkg/, installs the tarball and builds the apps, each only when its inputs changed.
  execFileSync('bash', [join(APP, 'prepare.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const app of APPS) app.server = await serve({ mounts: app.mounts, hook: injectedBase(app) });
});
after(async () => {
  for (const app of APPS) await app.server?.close();
  await closeBrowser();
});

// `/?base` is the app's page with an HTML injection in its body: a <base href> to another host.
const INJECTED_BASE = 'http://evil.example.test/';
function injectedBase(app) {
  return (req, res) => {
    if (req.url !== '/?base') return false;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(readFileSync(app.index, 'utf8').replace('<body>', `<body><base href="${INJECTED_BASE}">`));
    return true;
  };
}

async function start(app) {
  const s = await openPage();
  await s.page.goto(app.server.url + '/');
  await s.page.locator('#cg-banner').waitFor({ state: 'visible' });
  return s;
}

const gtagUrl = (app) => 'https://www.googletagmanager.com/gtag/js?id=' + app.ga;

test('npm app: consent-gate is installed from the packed tarball', () => {
  const installed = JSON.parse(readFileSync(join(APP, 'node_modules', 'consent-gate', 'package.json'), 'utf8'));
  const packed = JSON.parse(readFileSync(join(root, 'pkg', 'package.json'), 'utf8'));
  assert.equal(installed.version, packed.version);
  // Installed from the packed file, not linked to pkg/.
  assert.equal(execFileSync('readlink', ['-f', join(APP, 'node_modules', 'consent-gate')]).toString().trim(), join(APP, 'node_modules', 'consent-gate'));
});

test('npm app (vite): the bundle and the stylesheet are linked from the page', () => {
  const html = readFileSync(APPS[0].index, 'utf8');
  assert.match(html, /<script type="module" crossorigin src="\/assets\/main-[\w-]+\.js">/);
  assert.match(html, /<link rel="stylesheet" crossorigin href="\/assets\/main-[\w-]+\.css">/);
});

for (const app of APPS) {
  test(`npm app (${app.name}): the package's wasm is emitted and loaded, the banner is styled by the imported css, nothing goes to Google before a choice`, async () => {
    const { page, net, context, pageErrors, consoleMessages } = await start(app);
    const wasm = [];
    page.on('response', (r) => new URL(r.url()).pathname.endsWith('.wasm') && wasm.push({ path: new URL(r.url()).pathname, status: r.status(), type: r.headers()['content-type'] }));
    await page.reload();
    await page.locator('#cg-banner').waitFor({ state: 'visible' });
    await settle(page, 500);
    assert.equal(await page.locator('#cg-banner').evaluate((b) => getComputedStyle(b).position), 'fixed');
    assert.equal(wasm.length, 1, JSON.stringify(wasm));
    assert.match(wasm[0].path, app.wasm);
    assert.equal(wasm[0].status, 200);
    assert.equal(wasm[0].type, 'application/wasm');
    assert.ok(readFileSync(app.wasmFile(wasm[0].path)).equals(PKG_WASM), "the emitted wasm is the package's");
    assert.deepEqual(net.google, []);
    assert.deepEqual(net.escaped, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleMessages.filter((m) => m.type === 'error' || m.type === 'warning'), []);
    await context.close();
  });

  test(`npm app (${app.name}): accept all requests gtag.js for the app GA id, once`, async () => {
    const { page, net, context } = await start(app);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
    await settle(page);
    assert.deepEqual(net.gtag(), [gtagUrl(app)]);
    assert.equal(await page.locator('#cg-banner').count(), 0);
    assert.equal(await page.locator('#consent-status').textContent(), 'Consent: analytics allowed');
    await context.close();
  });

  test(`npm app (${app.name}): reject all requests nothing, also after a reload and on another page`, async () => {
    const { page, net, context, pageErrors } = await start(app);
    await page.click('#cg-banner [data-cg="reject"]');
    await settle(page);
    await page.reload();
    await page.waitForFunction(() => document.getElementById('consent-status').textContent.includes('refused'));
    await page.click(`a[href="${app.otherPage}"]`);
    await page.waitForURL((u) => u.pathname === app.otherPage);
    await settle(page, 500);
    assert.equal(await page.locator('#cg-banner').count(), 0, 'no banner after a decision');
    assert.deepEqual(net.google, []);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test(`npm app (${app.name}): the site's "Cookie settings" button reopens the preferences dialog after a choice, from chunks of its own`, async () => {
    const { page, net, context } = await start(app);
    await page.click('#cg-banner [data-cg="reject"]');
    const scripts = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await page.reload();
    await page.waitForFunction(() => document.getElementById('consent-status').textContent.includes('refused'));
    await settle(page, 300);
    assert.equal(scripts.length, 1, 'the app bundle only until the dialog opens: ' + scripts.join(' '));
    await page.click('#cookie-settings');
    const dialog = page.locator('#cg-prefs');
    await dialog.waitFor({ state: 'visible' });
    // The dialog's chunk and its English words' (i18n/english.js: the wasm without the log has
    // them as marks).
    assert.equal(scripts.length, 3, 'two chunks more for the dialog: ' + scripts.join(' '));
    assert.equal(await dialog.evaluate((d) => d.open), true);
    assert.equal((await dialog.locator('h2').textContent()).trim(), 'Privacy preferences');
    assert.equal(await dialog.locator('[data-cg-category="analytics"]').getAttribute('aria-checked'), 'false');
    // Changing the choice from the dialog loads the tag.
    await dialog.locator('[data-cg="accept"]').click();
    await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
    assert.deepEqual(net.gtag(), [gtagUrl(app)]);
    await context.close();
  });

  test(`npm app (${app.name}): the notice renderer is a chunk of its own, loaded on the page with a notice container only`, async () => {
    const { page, net, context, pageErrors } = await openPage();
    const scripts = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await page.goto(app.server.url + '/');
    await page.locator('#cg-banner').waitFor({ state: 'visible' });
    await settle(page, 500);
    // The visitor has not decided: the banner's chunk comes too.
    assert.equal(scripts.length, 2, 'the app bundle and the banner only: ' + scripts.join(' '));
    const [bundle, banner] = scripts;
    await page.goto(app.server.url + app.otherPage);
    const notice = page.locator('[data-consent-gate="notice"] .cg-notice');
    await notice.waitFor({ state: 'visible' });
    assert.equal(await notice.locator('[data-cg-category="analytics"]').getAttribute('aria-checked'), 'false');
    const chunks = scripts.slice(2).filter((s) => s !== bundle && s !== banner);
    assert.equal(chunks.length, 1, 'one chunk more: ' + scripts.join(' '));
    // The switches act: allowing analytics there loads the tag.
    await notice.getByRole('switch', { name: 'Analytics' }).click();
    await notice.locator('[data-cg="save"]').click();
    await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
    assert.deepEqual(net.gtag(), [gtagUrl(app)]);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test(`npm app (${app.name}): a <base href> injected into the page does not move where the wasm comes from`, async () => {
    const { page, context } = await openPage();
    const wasm = [];
    page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(r.url()));
    await page.goto(app.server.url + '/?base');
    assert.equal(await page.evaluate(() => document.baseURI), INJECTED_BASE, 'the injection is in force');
    await page.locator('#cg-banner').waitFor({ state: 'visible' });
    assert.equal(wasm.length, 1, wasm.join(' '));
    assert.equal(new URL(wasm[0]).origin, app.server.url);
    await context.close();
  });
}
