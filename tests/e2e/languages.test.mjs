// Languages other than English are files next to the script (pkg/i18n/<lang>.json), fetched only
// for a visitor whose language needs one: the banner is drawn once, in that language; right-to-left
// languages lay out right to left and pass axe, and so do the embed placeholders; a missing or broken
// file, or one that does not answer within 3 seconds, falls back to English (and lang="en") with one
// console message and changes nothing about which tags load. The npm build loads the same texts as a
// chunk its bundler split off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { openPage, ready, root, serveForFile, settle } from './harness.mjs';
import { axe, serveConfig, servePage, testPage } from './ui-helpers.mjs';

const server = serveForFile();

const LANGUAGE_FILE = /\/i18n\/[\w-]+\.(json|js)$/;

/** Records, from the first script on, every time our banner is added and its first button's text. */
function watchBanner() {
  window.__banners = [];
  new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes) if (n.id == 'cg-banner') window.__banners.push(n.querySelector('.cg-btn') && n.querySelector('.cg-btn').textContent);
  }).observe(document, { childList: true, subtree: true });
}

/**
 * Opens a page without <html lang> (so the browser's language decides) as a visitor whose browser
 * asks for `locale`, and records the language files it requests. `route(context)` may fake them.
 */
async function visit(locale, { route, path = '/t/nolang.html', config } = {}) {
  const o = await openPage({ contextOptions: { locale }, initScript: watchBanner });
  if (route) await route(o.context);
  if (config) await serveConfig(o.context, config);
  await servePage(o.context, server.url + '/t/nolang.html', testPage(null));
  o.files = [];
  o.page.on('request', (r) => LANGUAGE_FILE.test(new URL(r.url()).pathname) && o.files.push(new URL(r.url()).pathname));
  await o.page.goto(server.url + path);
  await ready(o.page);
  await o.page.locator('#cg-banner').waitFor({ state: 'visible' });
  return o;
}

const bannerButtons = (page) => page.locator('#cg-banner .cg-btn').allTextContents();
/** Warnings and errors on the console, but the browser's own line for a failed request. */
const warnings = (o) => o.consoleMessages.filter((m) => (m.type == 'warning' || m.type == 'error') && !m.text.startsWith('Failed to load resource'));

describe('language files', () => {
  test('a Spanish visitor gets Spanish from i18n/es.json, drawn once; an English visitor fetches no file', async () => {
    const es = await visit('es-MX');
    assert.deepEqual(await bannerButtons(es.page), ['Aceptar todo', 'Rechazar todo', 'Preferencias']);
    assert.equal(await es.page.locator('#cg-banner').getAttribute('lang'), 'es');
    assert.equal(await es.page.locator('#cg-banner').getAttribute('dir'), 'ltr');
    assert.deepEqual(es.files, ['/consent-gate/i18n/es.json']);
    assert.deepEqual(await es.page.evaluate(() => window.__banners), ['Aceptar todo'], 'one banner, never an English one first');
    assert.deepEqual(warnings(es), []);
    assert.equal((await es.page.evaluate(() => ConsentGate.getConsent())).language, 'es');
    await es.context.close();

    const en = await visit('en-US');
    assert.deepEqual(await bannerButtons(en.page), ['Accept all', 'Reject all', 'Preferences']);
    await settle(en.page);
    assert.deepEqual(en.files, [], 'no language file for English');
    await en.context.close();

    // A language nobody ships and the site does not offer: English, no request.
    const it = await visit('it-IT');
    assert.equal((await bannerButtons(it.page))[0], 'Accept all');
    assert.deepEqual(it.files, []);
    await it.context.close();
  });

  test('browser tags map to the shipped files: zh-TW → zh-Hant, zh-CN → zh-Hans, pt-BR → pt, fil → tl', async () => {
    for (const [locale, file, accept] of [
      ['zh-TW', 'zh-Hant', '全部接受'],
      ['zh-CN', 'zh-Hans', '全部接受'],
      ['pt-BR', 'pt', 'Aceitar todos'],
      ['fil-PH', 'tl', 'Tanggapin lahat'],
    ]) {
      const o = await visit(locale);
      assert.deepEqual(o.files, [`/consent-gate/i18n/${file}.json`], locale);
      assert.equal((await bannerButtons(o.page))[0], accept, locale);
      assert.equal(await o.page.locator('#cg-banner').getAttribute('lang'), file, locale);
      await o.context.close();
    }
  });

  test('a site override wins over the file, and a site may add a language nobody ships', async () => {
    const es = await visit('es-ES', { config: (c) => void (c.texts = { es: { acceptAll: 'Vale' } }) });
    assert.deepEqual(await bannerButtons(es.page), ['Vale', 'Rechazar todo', 'Preferencias']);
    await es.context.close();
    const all = Object.fromEntries(Object.entries(JSON.parse(readFileSync(join(root, 'i18n', 'es.json'), 'utf8')).texts.es).map(([k, v]) => [k, 'it:' + v]));
    const it = await visit('it-IT', { config: (c) => void (c.texts = { it: all }) });
    assert.equal((await bannerButtons(it.page))[0], 'it:Aceptar todo');
    assert.deepEqual(it.files, [], 'the site texts need no file');
    assert.deepEqual(warnings(it), []);
    await it.context.close();
  });
});

describe('right to left', () => {
  for (const lang of ['ar', 'fa']) {
    test(`${lang}: banner, dialog and notice are dir=rtl and lang=${lang}, laid out right to left, and axe passes`, async () => {
      const o = await visit(lang, { path: '/privacy/', config: (c) => void (c.language = lang) });
      const { page } = o;
      const banner = page.locator('#cg-banner');
      assert.equal(await banner.getAttribute('dir'), 'rtl');
      assert.equal(await banner.getAttribute('lang'), lang);
      assert.equal(await banner.evaluate((b) => getComputedStyle(b).direction), 'rtl');
      const notice = page.locator('.cg-notice');
      assert.equal(await notice.getAttribute('dir'), 'rtl');
      assert.equal(await notice.getAttribute('lang'), lang);
      // Text starts at the right: the first button is to the right of the second.
      const [first, second] = await page.locator('#cg-banner .cg-btn').evaluateAll((bs) => bs.slice(0, 2).map((b) => b.getBoundingClientRect().left));
      assert.ok(first > second, `first button at ${first}, second at ${second}`);
      assert.deepEqual(await axe(page), [], 'banner and notice');
      await page.click('#cg-banner [data-cg="prefs"]');
      const dialog = page.locator('#cg-prefs');
      await dialog.waitFor({ state: 'visible' });
      assert.equal(await dialog.getAttribute('dir'), 'rtl');
      assert.equal(await dialog.getAttribute('lang'), lang);
      // A switch's knob is placed from the start (the right): off near it, on away from it.
      const sw = dialog.locator('[data-cg-category="analytics"]');
      const knob = () => sw.evaluate((s) => getComputedStyle(s, '::after').right);
      assert.equal(await knob(), '4px');
      await sw.click();
      assert.equal(await sw.getAttribute('aria-checked'), 'true');
      await settle(page);
      assert.equal(await knob(), '24px');
      assert.deepEqual(await axe(page), [], 'dialog');
      assert.deepEqual(warnings(o), []);
      await o.context.close();
    });
  }
});

describe('embed placeholders', () => {
  // The demo's home page has an advertising iframe, behind its placeholder until a choice.
  for (const [lang, dir] of [
    ['ar', 'rtl'],
    ['fa', 'rtl'],
    ['en', 'ltr'],
  ]) {
    test(`${lang}: the placeholder of a gated iframe has lang=${lang} and dir=${dir}, as the banner, and axe passes`, async () => {
      const o = await visit(lang, { path: '/', config: (c) => void (c.language = lang) });
      const { page } = o;
      const holder = page.locator('.cg-embed');
      await holder.waitFor({ state: 'visible' });
      const banner = page.locator('#cg-banner');
      assert.deepEqual([await banner.getAttribute('lang'), await banner.getAttribute('dir')], [lang, dir], 'the banner');
      assert.deepEqual([await holder.getAttribute('lang'), await holder.getAttribute('dir')], [lang, dir], 'the placeholder');
      assert.equal(await holder.evaluate((h) => getComputedStyle(h).direction), dir);
      // Its text is the visitor's language too (the banner's Preferences button's text).
      assert.equal(await holder.locator('[data-consent-gate="preferences"]').textContent(), await banner.locator('[data-cg="prefs"]').textContent());
      assert.deepEqual(await axe(page), []);
      assert.deepEqual(warnings(o), []);
      await o.context.close();
    });
  }
});

describe('a language file that never answers', () => {
  test('after 3 seconds: English (lang="en"), one console message; the file arriving later redraws nothing, and gating is unchanged', async () => {
    let held;
    const o = await visit('es-ES', { route: (context) => context.route('**/i18n/es.json', (r) => void (held = r)) });
    const { page, net } = o;
    assert.deepEqual(o.files, ['/consent-gate/i18n/es.json']);
    assert.deepEqual(await bannerButtons(page), ['Accept all', 'Reject all', 'Preferences']);
    assert.equal(await page.locator('#cg-banner').getAttribute('lang'), 'en');
    assert.equal((await page.evaluate(() => ConsentGate.getConsent())).language, 'en');
    await settle(page);
    const said = warnings(o);
    assert.equal(said.length, 1, JSON.stringify(said));
    assert.equal(said[0].text, 'consent-gate: language file i18n/es: not loaded within 3 seconds; the texts stay in English');
    assert.deepEqual(net.google, [], 'no Google request before a choice');

    // The file arrives now, complete and valid: nothing is drawn again, nothing starts again.
    const arrived = page.waitForEvent('requestfinished', (r) => r.url().endsWith('/i18n/es.json'));
    await held.fulfill({ status: 200, contentType: 'application/json', body: readFileSync(join(root, 'i18n', 'es.json'), 'utf8') });
    await arrived;
    await settle(page);
    assert.deepEqual(await page.evaluate(() => window.__banners), ['Accept all'], 'one banner, never a Spanish one after it');
    assert.deepEqual(await bannerButtons(page), ['Accept all', 'Reject all', 'Preferences']);
    assert.equal(await page.locator('#cg-banner').getAttribute('lang'), 'en');
    assert.equal((await page.evaluate(() => ConsentGate.getConsent())).language, 'en');
    assert.equal(warnings(o).length, 1);

    await acceptsInEnglish(page, net);
    await o.context.close();
  });
});

/** After a language file that was not used: accepting loads gtag.js once, as with English, and the
 * record says English. */
async function acceptsInEnglish(page, net) {
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().allowed.includes('analytics'));
  await settle(page);
  assert.equal(net.gtag().length, 1, 'accepting loads gtag.js once, as with English');
  assert.equal(await page.evaluate(() => ConsentGate.getConsentRecord().language), 'en');
  assert.deepEqual(net.escaped, []);
}

describe('a broken language file', () => {
  const cases = [
    ['missing (404)', (r) => r.fulfill({ status: 404, body: 'not found' }), /HTTP 404/],
    ['not JSON', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: '{"texts": {"es": ' }), /JSON/],
    [
      'incomplete',
      (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ texts: { es: { acceptAll: 'Aceptar todo' } } }) }),
      /: expected every text as a string, under texts\.<its language>;/,
    ],
    [
      'a value that is not a string',
      (r) => {
        const file = JSON.parse(readFileSync(join(root, 'i18n', 'es.json'), 'utf8'));
        file.texts.es.acceptAll = { html: '<b>x</b>' };
        return r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(file) });
      },
      /: expected every text as a string, under texts\.<its language>;/,
    ],
  ];
  for (const [what, answer, reason] of cases) {
    test(`${what}: English (and lang="en"), one console message naming the file, and gating unchanged`, async () => {
      const o = await visit('es-ES', { route: (context) => context.route('**/i18n/es.json', answer) });
      const { page, net } = o;
      assert.deepEqual(await bannerButtons(page), ['Accept all', 'Reject all', 'Preferences']);
      // The texts are English, so is the language the banner, the state and the record name.
      assert.equal(await page.locator('#cg-banner').getAttribute('lang'), 'en');
      assert.equal((await page.evaluate(() => ConsentGate.getConsent())).language, 'en');
      assert.deepEqual(await page.evaluate(() => window.__banners), ['Accept all'], 'one banner');
      await settle(page);
      const said = warnings(o);
      assert.equal(said.length, 1, JSON.stringify(said));
      assert.match(said[0].text, /^consent-gate: language file i18n\/es: .*; the texts stay in English$/);
      assert.match(said[0].text, reason);
      assert.deepEqual(net.gtag(), [], 'no Google tag before a choice');
      await acceptsInEnglish(page, net);
      await o.context.close();
    });
  }
});

describe('npm build', () => {
  const APP = join(root, 'tests', 'npm-app');
  let app;
  before(async () => {
    execFileSync('bash', [join(APP, 'prepare.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    app = await serve({ mounts: { '/': join(APP, 'dist') } });
  });
  after(async () => {
    await app?.close();
  });

  test('the bundler split every language into its own chunk, and a French visitor loads only French', async () => {
    const assets = readdirSync(join(APP, 'dist', 'assets'));
    const chunks = assets.filter((f) => /^(fr|es|ar|zh-Hant)-[\w-]+\.js$/.test(f));
    assert.equal(chunks.length, 4, assets.join(' '));
    const html = readFileSync(join(APP, 'dist', 'index.html'), 'utf8');
    assert.ok(!/i18n|\/fr-/.test(html), 'no language is preloaded by the page');
    // The app's page, as a French page (<html lang="fr">).
    const o = await openPage({ contextOptions: { locale: 'fr-FR' }, initScript: watchBanner });
    await servePage(o.context, app.url + '/', html.replace('<html lang="en">', '<html lang="fr">'));
    const scripts = [];
    o.page.on('request', (r) => r.resourceType() == 'script' && scripts.push(new URL(r.url()).pathname));
    await o.page.goto(app.url + '/');
    await o.page.locator('#cg-banner').waitFor({ state: 'visible' });
    assert.deepEqual(await bannerButtons(o.page), ['Tout accepter', 'Tout refuser', 'Préférences']);
    assert.deepEqual(await o.page.evaluate(() => window.__banners), ['Tout accepter']);
    // (The banner's own chunk comes on a first visit too.)
    const languageChunks = scripts.filter((p) => !/\/(main|consent-gate-banner)-/.test(p));
    assert.equal(languageChunks.length, 1, scripts.join(' '));
    assert.match(languageChunks[0], /^\/assets\/fr-[\w-]+\.js$/);
    assert.deepEqual(o.net.google, []);
    await o.context.close();
  });

  test('a language chunk that never answers: English after 3 seconds, one console message, gating unchanged', async () => {
    const html = readFileSync(join(APP, 'dist', 'index.html'), 'utf8');
    const o = await openPage({ contextOptions: { locale: 'fr-FR' }, initScript: watchBanner });
    await o.context.route(/\/assets\/fr-[\w-]+\.js$/, () => {});
    await servePage(o.context, app.url + '/', html.replace('<html lang="en">', '<html lang="fr">'));
    await o.page.goto(app.url + '/');
    await o.page.locator('#cg-banner').waitFor({ state: 'visible' });
    assert.deepEqual(await bannerButtons(o.page), ['Accept all', 'Reject all', 'Preferences']);
    assert.equal(await o.page.locator('#cg-banner').getAttribute('lang'), 'en');
    await settle(o.page);
    assert.deepEqual(await o.page.evaluate(() => window.__banners), ['Accept all']);
    const said = warnings(o);
    assert.equal(said.length, 1, JSON.stringify(said));
    assert.equal(said[0].text, 'consent-gate: language file i18n/fr: not loaded within 3 seconds; the texts stay in English');
    assert.deepEqual(o.net.google, [], 'no Google request before a choice');
    await o.page.click('#cg-banner [data-cg="accept"]');
    await o.page.waitForFunction(() => document.querySelector('script[src*="/gtag/js"]'));
    await settle(o.page);
    assert.equal(o.net.gtag().length, 1, 'accepting loads gtag.js once');
    await o.context.close();
  });
});
