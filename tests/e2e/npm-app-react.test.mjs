// consent-gate in a React single-page app: tests/npm-app/react (Vite 7 + React 19 + React Router 7,
// <StrictMode> on, built with React's development build so that StrictMode really runs every
// effect twice) imports 'consent-gate' from the packed tarball. It starts consent-gate at module
// level and reads its state through a useSyncExternalStore hook on getConsent() and the `change`
// event (react/src/consent.ts). What a visitor of such an app must get: consent-gate started once,
// one banner and one notice (also on a route reached by a client-side link), the app showing each
// new choice at once, and no tag on a sensitive page reached by a client-side link.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { closeBrowser, openPage, root, settle } from './harness.mjs';
import { axe } from './ui-helpers.mjs';

const APP = join(root, 'tests', 'npm-app');
const DIST = join(APP, 'react', 'dist');
const GA = 'G-REACTAPP01';
const GTAG = 'https://www.googletagmanager.com/gtag/js?id=' + GA;
const STATUS = '#consent-status';
let server;

before(async () => {
  // Packs pkg/, installs the tarball and builds the apps, each only when its inputs changed.
  execFileSync('bash', [join(APP, 'prepare.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  // A single-page app's server answers every route with index.html, so that /privacy can be
  // opened directly; files (with an extension) are served as they are.
  const index = readFileSync(join(DIST, 'index.html'));
  const spaFallback = (req, res) => {
    if (/\.\w+$/.test(new URL(req.url, 'http://x').pathname)) return false;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(index);
    return true;
  };
  server = await serve({ mounts: { '/': DIST }, hook: spaFallback });
});
after(async () => {
  await server?.close();
  await closeBrowser();
});

// Counts consent-gate's `ready` and `change` events (as CustomEvents on document, which the SDK
// fires for every one) from before the app's first script runs.
function countEvents() {
  window.cgEvents = { ready: 0, change: 0 };
  for (const name of ['ready', 'change']) document.addEventListener('consent-gate:' + name, () => window.cgEvents[name]++);
}

async function start(path = '/') {
  const s = await openPage({ initScript: countEvents });
  s.wasm = [];
  s.page.on('request', (r) => r.url().endsWith('.wasm') && s.wasm.push(r.url()));
  await s.page.goto(server.url + path);
  await s.page.locator('#cg-banner').waitFor({ state: 'visible' });
  return s;
}

const status = (page) => page.locator(STATUS).textContent();
const waitStatus = (page, text) => page.waitForFunction(([sel, t]) => document.querySelector(sel)?.textContent.includes(t), [STATUS, text]);
const lastConsentUpdate = (page) => page.evaluate(() => [...dataLayer].reverse().find((e) => e[0] === 'consent' && e[1] === 'update')?.[2]);

test('react app: React development build with StrictMode, consent-gate from the installed package', () => {
  const assets = readdirSync(join(DIST, 'assets'));
  // The entry chunk the page loads (the language files are chunks of their own).
  const entry = /<script type="module"[^>]* src="\/assets\/([^"]+\.js)"/.exec(readFileSync(join(DIST, 'index.html'), 'utf8'))[1];
  const bundle = readFileSync(join(DIST, 'assets', entry), 'utf8');
  // The development build: the one in which StrictMode runs effects twice.
  assert.match(bundle, /jsxDEV/);
  assert.match(bundle, /StrictMode/);
  const wasm = assets.find((f) => f.endsWith('.wasm'));
  assert.ok(wasm, 'vite emitted the wasm');
  assert.ok(readFileSync(join(DIST, 'assets', wasm)).equals(readFileSync(join(root, 'pkg', 'consent_gate_bg.wasm'))), "the emitted wasm is the package's");
});

test("react app: every line of the README's React snippets is in the app's sources", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## React\n'), readme.indexOf('\n## ', readme.indexOf('\n## React\n') + 1));
  const snippets = [...section.matchAll(/```tsx?\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(snippets.length, 2, 'the ts and the tsx snippet');
  const sources = ['consent.ts', 'App.tsx', 'main.tsx'].map((f) => readFileSync(join(APP, 'react', 'src', f), 'utf8')).join('\n');
  const lines = new Set(sources.split('\n').map((l) => l.trim()));
  for (const line of snippets.join('\n').split('\n').map((l) => l.trim()).filter(Boolean)) assert.ok(lines.has(line), 'not in the app: ' + line);
  // consent.ts is shown whole, in order.
  const consent = readFileSync(join(APP, 'react', 'src', 'consent.ts'), 'utf8');
  assert.ok(consent.endsWith(snippets[0]), 'README shows consent.ts as it is');
});

test('react app: under StrictMode consent-gate starts once: one ready event, one wasm request, one banner', async () => {
  const { page, net, context, wasm, pageErrors, consoleMessages } = await start();
  await waitStatus(page, 'not decided');
  await settle(page, 500);
  assert.deepEqual(await page.evaluate(() => window.cgEvents.ready), 1);
  assert.equal(wasm.length, 1, wasm.join(' '));
  assert.equal(await page.locator('#cg-banner').count(), 1);
  assert.equal(await page.locator(STATUS).count(), 1);
  // StrictMode is in force: React's development build announces itself on the console.
  assert.ok(consoleMessages.some((m) => /React DevTools/.test(m.text)), 'React development build');
  // init() was called once: a second call would have warned.
  assert.deepEqual(consoleMessages.filter((m) => /consent-gate/.test(m.text)), []);
  // getConsent() is the hook's snapshot: were it a new object on each call, React's development
  // build would say "The result of getSnapshot should be cached" (and render in a loop).
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(net.google, [], 'nothing goes to Google before a choice');
  assert.deepEqual(net.escaped, []);
  // One click, one decision: one change event for it and gtag.js requested once.
  const changes = await page.evaluate(() => window.cgEvents.change);
  await page.click('#cg-banner [data-cg="accept"]');
  await waitStatus(page, 'analytics allowed');
  await settle(page, 500);
  assert.equal(await page.evaluate(() => window.cgEvents.change), changes + 1);
  assert.deepEqual(net.gtag(), [GTAG]);
  assert.equal(await page.locator('#cg-banner').count(), 0);
  await context.close();
});

test('react app: the useSyncExternalStore hook re-renders the component with each new state', async () => {
  const { page, net, context } = await start();
  assert.match(await status(page), /^Consent: analytics not decided; tags on this page: necessary$/);
  await page.click('#cg-banner [data-cg="accept"]');
  await waitStatus(page, 'analytics allowed');
  assert.match(await status(page), /^Consent: analytics allowed; tags on this page: necessary, functional, analytics, advertising$/);
  // The app's own button opens the preferences; rejecting there re-renders the component.
  await page.getByRole('button', { name: 'Cookie settings' }).click();
  const dialog = page.locator('#cg-prefs');
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('[data-cg="reject"]').click();
  await waitStatus(page, 'analytics refused');
  assert.match(await status(page), /^Consent: analytics refused; tags on this page: necessary$/);
  assert.equal((await lastConsentUpdate(page)).analytics_storage, 'denied');
  assert.deepEqual(net.gtag(), [GTAG], 'gtag.js only from the accept');
  await context.close();
});

test('react app: a router Link into a sensitive path turns tags off at once, and leaving turns them on again', async () => {
  const { page, net, context } = await start();
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await waitStatus(page, 'analytics allowed');
  const before = net.google.length;
  const documents = [];
  page.on('request', (r) => r.resourceType() === 'document' && documents.push(r.url()));

  await page.getByRole('link', { name: 'Patient portal' }).click();
  await page.waitForURL(/\/patient-portal\/appointments$/);
  await waitStatus(page, 'off (sensitive page)');
  assert.equal(await page.getByRole('heading', { name: 'Your appointments' }).count(), 1);
  assert.deepEqual(documents, [], 'a client-side navigation, not a page load');
  // Tags off, as for a sensitive page loaded directly: Consent Mode denied, GA switched off, and
  // the next page gets only the origin as referrer.
  assert.equal(await page.evaluate((id) => window['ga-disable-' + id], GA), true);
  const update = await lastConsentUpdate(page);
  for (const t of ['analytics_storage', 'ad_storage', 'ad_user_data', 'ad_personalization']) assert.equal(update[t], 'denied', t);
  assert.equal(await page.evaluate(() => [...document.querySelectorAll('meta[name=referrer]')].pop()?.content), 'strict-origin');
  await settle(page, 500);
  assert.deepEqual(net.google.slice(before), [], 'no Google request on the sensitive page');

  await page.getByRole('link', { name: 'Home' }).click();
  await waitStatus(page, 'tags on this page: necessary, functional, analytics, advertising');
  assert.equal(await page.evaluate((id) => window['ga-disable-' + id], GA), false);
  assert.equal((await lastConsentUpdate(page)).analytics_storage, 'granted');
  assert.deepEqual(net.gtag(), [GTAG], 'gtag.js is never injected twice');
  await context.close();
});

test('react app: accepting on a sensitive page reached by a Link loads nothing until the visitor leaves it', async () => {
  const { page, net, context } = await start();
  await page.getByRole('link', { name: 'Patient portal' }).click();
  await waitStatus(page, 'off (sensitive page)');
  await page.click('#cg-banner [data-cg="accept"]');
  // The state in force on a sensitive page reads analytics off (source `page-rule`); the visitor's
  // choice is in the stored record.
  await waitStatus(page, 'analytics refused');
  assert.match(await status(page), /tags on this page: off \(sensitive page\)$/);
  assert.match(await page.evaluate(() => localStorage.getItem('consent-gate')), /analytics:1u/);
  await settle(page, 500);
  assert.deepEqual(net.google, [], 'no Google request on the sensitive page, whatever the choice');
  assert.equal(await page.evaluate((id) => window['ga-disable-' + id], GA), true);
  await page.getByRole('link', { name: 'Home' }).click();
  await page.waitForFunction(() => document.querySelector('script[src*="googletagmanager.com/gtag/js"]'));
  await waitStatus(page, 'analytics allowed');
  assert.deepEqual(net.gtag(), [GTAG]);
  await context.close();
});

test('react app: a client-side Link to the privacy route shows the notice once, with one working switch per category, and one dialog', async () => {
  const { page, context, pageErrors } = await start();
  const documents = [];
  page.on('request', (r) => r.resourceType() === 'document' && documents.push(r.url()));
  // The route mounts its notice container after consent-gate started.
  await page.getByRole('link', { name: 'Privacy', exact: true }).click();
  await page.waitForURL(/\/privacy$/);
  const notice = page.locator('[data-consent-gate="notice"] .cg-notice');
  await notice.waitFor({ state: 'visible', timeout: 3000 });
  assert.deepEqual(documents, [], 'a client-side navigation, not a page load');
  await settle(page, 500);
  assert.equal(await page.locator('#cg-banner').count(), 1);
  assert.equal(await page.locator('.cg-notice').count(), 1);
  assert.equal(await notice.getByRole('heading', { name: 'Your choices' }).count(), 1);
  for (const c of ['necessary', 'functional', 'analytics', 'advertising']) assert.equal(await page.locator(`.cg-notice [data-cg-category="${c}"]`).count(), 1, c);
  // A choice saved in the notice reaches the app's hook.
  await notice.locator('[data-cg-category="analytics"]').click();
  await notice.locator('[data-cg="save"]').click();
  await waitStatus(page, 'analytics allowed');
  assert.equal(await page.locator('#cg-banner').count(), 0);
  // Opening the preferences twice shows one dialog.
  for (let i = 0; i < 2; i++) {
    await page.getByRole('button', { name: 'Cookie settings' }).click();
    await page.locator('#cg-prefs').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
  }
  assert.equal(await page.locator('#cg-prefs').count(), 1);
  assert.equal(await page.locator(STATUS).count(), 1);
  assert.deepEqual(documents, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('react app: axe finds nothing on the banner, the notice and the dialog; the keyboard reaches the app\'s button and focus comes back to it', async () => {
  const { page, context } = await start('/privacy');
  await page.locator('.cg-notice').waitFor({ state: 'visible' });
  assert.deepEqual(await axe(page), [], 'banner and notice');
  await page.click('#cg-banner [data-cg="reject"]');
  await waitStatus(page, 'analytics refused');
  // Keyboard only: Tab to the app's own button (rendered by React), Enter opens the dialog.
  const button = page.getByRole('button', { name: 'Cookie settings' });
  for (let i = 0; i < 30 && !(await button.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
  assert.equal(await button.evaluate((b) => b === document.activeElement), true, 'Tab reaches the Cookie settings button');
  await page.keyboard.press('Enter');
  const dialog = page.locator('#cg-prefs');
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('#cg-prefs')), true, 'focus moves into the dialog');
  assert.deepEqual(await axe(page), [], 'dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await button.evaluate((b) => b === document.activeElement), true, 'focus returns to the button that opened it');
  await context.close();
});

test('react app: leaving the privacy route and coming back mounts the notice again, once, in step with a choice made elsewhere', async () => {
  const { page, context, pageErrors } = await start();
  const notice = page.locator('[data-consent-gate="notice"] .cg-notice');
  await page.getByRole('link', { name: 'Privacy', exact: true }).click();
  await notice.waitFor({ state: 'visible', timeout: 3000 });
  assert.equal(await notice.locator('[data-cg-category="analytics"]').getAttribute('aria-checked'), 'false');
  // The router unmounts the container; the visitor accepts on the home page; the route mounts a
  // new container.
  await page.getByRole('link', { name: 'Home' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  // React unmounts the route's elements after the URL has changed: wait for it.
  await page.locator('[data-consent-gate="notice"]').waitFor({ state: 'detached', timeout: 3000 });
  assert.equal(await page.locator('[data-consent-gate="notice"]').count(), 0);
  await page.click('#cg-banner [data-cg="accept"]');
  await waitStatus(page, 'analytics allowed');
  await page.getByRole('link', { name: 'Privacy', exact: true }).click();
  await notice.waitFor({ state: 'visible', timeout: 3000 });
  await settle(page, 500);
  assert.equal(await page.locator('.cg-notice').count(), 1);
  assert.equal(await notice.locator('[data-cg-category="analytics"]').getAttribute('aria-checked'), 'true');
  const dupes = await page.evaluate(() => {
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    return ids.filter((id, i) => ids.indexOf(id) !== i);
  });
  assert.deepEqual(dupes, [], 'duplicate ids');
  // Its switches act: withdrawing there re-renders the app.
  await notice.getByRole('switch', { name: 'Analytics' }).click();
  await notice.locator('[data-cg="save"]').click();
  await waitStatus(page, 'analytics refused');
  assert.equal((await lastConsentUpdate(page)).analytics_storage, 'denied');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
