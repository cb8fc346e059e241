// The notice in pages that mount its container after start, as a single-page app's router does:
// a container a script appends later gets the notice once, with switches showing the state in
// force and ids unique in the page; one the router removes and puts back (or mounts anew) shows
// the state of now; an element made a container by setting the attribute is drawn too; with a
// nonce configured, an injected container stays empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, ready, serveForFile, settle } from './harness.mjs';
import { serveConfig, servePage, testPage } from './ui-helpers.mjs';

const NONCE = 'spaN0nce';
const server = serveForFile();

async function open(mutate) {
  const o = await openPage();
  if (mutate) await serveConfig(o.context, mutate);
  await servePage(o.context, server.url + '/t/spa.html', testPage('en', ' data-notice'));
  await o.page.goto(server.url + '/t/spa.html');
  await ready(o.page);
  // Started, with no container in the page.
  assert.equal(await o.page.locator('[data-consent-gate="notice"]').count(), 0);
  return o;
}

/** Appends a notice container to <main> (with `nonce` when given) and returns its id. */
function mount(page, id, nonce) {
  return page.evaluate(
    ([id, nonce]) => {
      const c = document.createElement('div');
      c.setAttribute('data-consent-gate', 'notice');
      c.id = id;
      if (nonce) c.setAttribute('nonce', nonce);
      document.querySelector('main').append(c);
    },
    [id, nonce],
  );
}

const duplicateIds = (page) =>
  page.evaluate(() => {
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    return ids.filter((id, i) => ids.indexOf(id) !== i);
  });
const checked = (page, sel) => page.locator(sel).getAttribute('aria-checked');

test('a container appended after start gets the notice once, its switches in the state in force, and they act', async () => {
  const { page, context, pageErrors } = await open();
  // Decided before the container exists: its switches must show it.
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await mount(page, 'late');
  const notice = page.locator('#late .cg-notice');
  await notice.waitFor({ state: 'visible', timeout: 3000 });
  assert.equal(await checked(page, '#late [data-cg-category="analytics"]'), 'true');
  // A link target of the demo notice, and no id twice.
  assert.equal(await page.locator('#late #cookies').count(), 1);
  assert.deepEqual(await duplicateIds(page), []);
  // The switches act: refusing analytics there is the visitor's choice.
  await notice.getByRole('switch', { name: 'Analytics' }).click();
  await notice.locator('[data-cg="save"]').click();
  await page.waitForFunction(() => ConsentGate.getConsent().categories.analytics === false);
  assert.match(await page.evaluate(() => localStorage.getItem('consent-gate')), /analytics:0u/);
  // More mutations (the status line, a second container) never draw into it again.
  await mount(page, 'second');
  await page.locator('#second .cg-notice').waitFor({ timeout: 3000 });
  await settle(page, 300);
  assert.equal(await page.locator('#late .cg-notice').count(), 1, 'drawn once');
  assert.equal(await page.locator('#late').evaluate((c) => c.children.length), 1);
  assert.equal(await page.locator('.cg-notice').count(), 2);
  assert.equal(await checked(page, '#second [data-cg-category="analytics"]'), 'false', 'the second one shows the choice of now');
  assert.deepEqual(await duplicateIds(page), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a container removed and put back keeps one notice and shows changes made while it was out; one mounted anew is drawn', async () => {
  const { page, context } = await open();
  await mount(page, 'box');
  await page.locator('#box .cg-notice').waitFor({ timeout: 3000 });
  assert.equal(await checked(page, '#box [data-cg-category="analytics"]'), 'false');
  // Taken out of the page (a route left), the visitor accepts meanwhile, then it comes back.
  await page.evaluate(() => (window.box = document.getElementById('box')).remove());
  await settle(page, 100);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await page.evaluate(() => document.querySelector('main').append(window.box));
  await page.waitForFunction(() => document.querySelector('#box [data-cg-category="analytics"]').getAttribute('aria-checked') === 'true', null, { timeout: 3000 });
  await settle(page, 300);
  assert.equal(await page.locator('#box .cg-notice').count(), 1, 'not drawn twice');
  assert.equal(await page.locator('#box').evaluate((c) => c.children.length), 1);
  // A router that unmounts the element and mounts a new one: the new one is drawn, with the
  // section ids (link targets) the removed one had.
  await page.evaluate(() => document.getElementById('box').remove());
  await mount(page, 'box2');
  await page.locator('#box2 .cg-notice').waitFor({ timeout: 3000 });
  assert.equal(await page.locator('#box2 #cookies').count(), 1);
  assert.equal(await checked(page, '#box2 [data-cg-category="analytics"]'), 'true');
  assert.equal(await page.locator('.cg-notice').count(), 1);
  assert.deepEqual(await duplicateIds(page), []);
  await context.close();
});

test('an element already in the page that a script makes a notice container (the attribute set later) gets the notice', async () => {
  const { page, context } = await open();
  await page.evaluate(() => {
    const c = document.createElement('div');
    c.id = 'later';
    document.querySelector('main').append(c);
  });
  await settle(page, 300);
  assert.equal(await page.locator('#later').evaluate((c) => c.children.length), 0);
  // Only the attribute changes: no element enters or leaves the page.
  await page.evaluate(() => document.getElementById('later').setAttribute('data-consent-gate', 'notice'));
  await page.locator('#later .cg-notice').waitFor({ timeout: 3000 });
  assert.equal(await checked(page, '#later [data-cg-category="analytics"]'), 'false');
  assert.equal(await page.locator('.cg-notice').count(), 1);
  await context.close();
});

test('with a nonce configured, a container appended later is drawn only when it carries the nonce', async () => {
  const { page, context } = await open((c) => void (c.nonce = NONCE));
  await mount(page, 'injected');
  await mount(page, 'site', NONCE);
  await page.locator('#site .cg-notice').waitFor({ timeout: 3000 });
  await settle(page, 300);
  assert.equal(await page.locator('#injected').evaluate((c) => c.children.length), 0, 'the injected container stays empty');
  assert.equal(await page.locator('#injected [data-cg-category]').count(), 0);
  assert.equal(await page.locator('.cg-notice').count(), 1);
  // An injected one appended after the site's was drawn stays empty too.
  await mount(page, 'injected2');
  await settle(page, 300);
  assert.equal(await page.locator('#injected2').evaluate((c) => c.children.length), 0);
  await context.close();
});
