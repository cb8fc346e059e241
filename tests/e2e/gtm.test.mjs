// Google Tag Manager: consent-gate pushes a `consent_gate_update` event after every Consent Mode
// command it sends, so that GTM triggers and variables can react. gtm.js is served by a stub that
// records what the container would see, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, ready, serveForFile } from './harness.mjs';

const server = serveForFile();

// A stand-in for gtm.js: it reads the queue that was there when it loaded, then every push,
// as the real container does, and keeps a plain copy of each entry for the test.
const GTM_STUB = `(function () {
  var seen = (window.__gtmSeen = []);
  var copy = function (e) {
    var kind = Object.prototype.toString.call(e);
    seen.push(kind === '[object Arguments]' ? { command: Array.prototype.slice.call(e) } : JSON.parse(JSON.stringify(e)));
  };
  var dl = window.dataLayer;
  dl.forEach(copy);
  var push = dl.push;
  dl.push = function () {
    for (var i = 0; i < arguments.length; i++) copy(arguments[i]);
    return push.apply(dl, arguments);
  };
})();`;

async function open() {
  const o = await openPage();
  const requested = [];
  await o.context.route('https://www.googletagmanager.com/gtm.js*', (route) => {
    requested.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: GTM_STUB });
  });
  await o.page.goto(server.url + '/fixtures/gtm.html');
  await ready(o.page);
  await o.page.waitForFunction(() => window.__gtmSeen && window.__gtmSeen.some((e) => e.event === 'consent_gate_update'));
  return { ...o, requested };
}

const seen = (page) => page.evaluate(() => window.__gtmSeen);
const isDefault = (e) => e.command && e.command[0] === 'consent' && e.command[1] === 'default' && !e.command[2].region;
const isUpdate = (e) => e.command && e.command[0] === 'consent' && e.command[1] === 'update';
const updates = (entries) => entries.filter((e) => e.event === 'consent_gate_update');

test('Tag Manager: the consent_gate_update event follows the default and the update it reflects, and carries the state', async () => {
  const { page, context, requested } = await open();
  assert.deepEqual(requested, ['https://www.googletagmanager.com/gtm.js?id=GTM-TEST']);
  let entries = await seen(page);
  const first = entries.findIndex((e) => e.event === 'consent_gate_update');
  assert.ok(entries.findIndex(isDefault) >= 0 && entries.findIndex(isDefault) < first, 'the default comes first: ' + JSON.stringify(entries));
  const update = entries.slice(0, first).filter(isUpdate).pop();
  assert.ok(update, 'a Consent Mode update before the event');
  const event = entries[first].consent_gate;
  assert.deepEqual(event.consent_mode, update.command[2]);
  assert.equal(event.consent_mode.analytics_storage, 'denied');
  assert.equal(event.consent_mode.ad_storage, 'denied');
  assert.deepEqual(event.allowed, ['necessary']);
  assert.equal(event.decided, false);
  // The visitor allows analytics only: a new event with the new state.
  await page.evaluate(() => ConsentGate.setConsent({ analytics: true }));
  await page.waitForFunction(() => window.__gtmSeen.filter((e) => e.event === 'consent_gate_update').length >= 2);
  entries = await seen(page);
  const last = updates(entries).pop().consent_gate;
  assert.equal(last.decided, true);
  assert.deepEqual(last.allowed, ['necessary', 'analytics']);
  assert.equal(last.consent_mode.analytics_storage, 'granted');
  assert.equal(last.consent_mode.ad_storage, 'denied');
  assert.equal(last.sensitive_page, false);
  // Into a sensitive page (a single-page app): the event says so, and everything is denied.
  await page.evaluate(() => history.pushState(null, '', '/patient-portal/x'));
  await page.waitForFunction(() => window.__gtmSeen.filter((e) => e.event === 'consent_gate_update').pop().consent_gate.sensitive_page === true);
  const portal = updates(await seen(page)).pop().consent_gate;
  assert.equal(portal.consent_mode.analytics_storage, 'denied');
  assert.deepEqual(portal.allowed, ['necessary']);
  await context.close();
});
