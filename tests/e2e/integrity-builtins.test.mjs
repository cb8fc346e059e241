// Built-ins replaced by a later page script (the tenth adversarial round): the configuration the
// wasm reads is the site's, whatever a script that runs after consent-gate.js does to
// `Object.entries`. A visitor who accepted everything opens a page the site marks sensitive whose
// later script leaves `sensitivePaths` out of every `Object.entries`: the page is still sensitive,
// so nothing goes to Google. And the receipt a page asks for (`getConsentRecord()`) is the stored
// record, whatever a later script does to `JSON.parse`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const html = (head, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>built-ins</title>${head}</head><body><main>${body}</main></body></html>`;
const SITE = { revision: '1', googleAnalytics: 'G-BUILTIN01', sensitivePaths: ['/patient-portal/*'] };
const TAG = '<script src="/consent-gate/consent-gate.js"></script>';
const HOOK = `<script>const entries = Object.entries; Object.entries = (o) => entries(o).filter(([k]) => k != 'sensitivePaths');</script>`;
// Page wrappers that throw where the SDK calls them (round 11): a monitoring script's fetch wrapper
// that parses a relative address with `new URL(input)`, and a console whose warn and info throw.
const WRAPPERS = `<script>const fetch0 = fetch; window.fetch = function (input, init) { new URL(input); return fetch0.call(this, input, init); };
console.warn = console.info = () => { throw new Error('console wrapper'); };</script>`;
const LOGGED = { ...SITE, debug: true, log: { endpoint: '/collect-log' } };
// A later script whose JSON.stringify throws and whose numbers write themselves as 'forged'.
const NUMBERS = `<script>JSON.stringify = () => { throw new Error('page JSON.stringify'); }; Number.prototype.toString = () => 'forged';</script>`;
const server = servePagesForFile({
  '/wrapped.html': html(WRAPPERS + inlineConfig(LOGGED) + TAG, '<h1>Home</h1><iframe data-consent-category="analytics" data-src="/embed.html" title="Example"></iframe>'),
  '/home.html': html(inlineConfig(SITE) + TAG, '<h1>Home</h1>'),
  '/numbers.html': html(inlineConfig({ ...SITE, waitForUpdate: 2.5, lifetime: { granted: 1e21 } }) + TAG + NUMBERS, '<h1>Numbers</h1>'),
  '/patient-portal/results.html': html(inlineConfig(SITE) + TAG + HOOK, '<h1>Results</h1>'),
});

test('a later script replacing Object.entries cannot take sensitivePaths out of the configuration: the portal page sends nothing to Google', async () => {
  const { page, context, net, pageErrors } = await openPage();
  await page.goto(server.url + '/home.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await settle(page, 300);
  assert.ok(net.google.length > 0, 'the tag loads on an ordinary page (the control)');
  const before = net.google.length;
  await page.goto(server.url + '/patient-portal/results.html?test=hiv');
  await ready(page);
  await settle(page, 800);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().sensitivePage), true, 'the page is sensitive');
  assert.deepEqual(net.google.slice(before), [], 'no request to any Google host');
  assert.deepEqual(net.escaped, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a later script replacing JSON.parse cannot change the record getConsentRecord() gives', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/home.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  const record = await page.evaluate(() => ConsentGate.getConsentRecord());
  assert.ok(record?.id, 'the visitor has a record (the control)');
  const after = await page.evaluate(() => {
    JSON.parse = () => ({ id: 'forged', choices: [] });
    return ConsentGate.getConsentRecord();
  });
  assert.deepEqual(after, record, 'the same record, read with the JSON.parse of when consent-gate.js ran');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('page wrappers of fetch and the console that throw cannot stop a decision halfway: the accept and the refusal are carried out whole', async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/wrapped.html');
  await ready(page);
  const changes = await page.evaluate(() => {
    window.changes = 0;
    ConsentGate.on('change', () => changes++);
    return changes;
  });
  await page.click('#cg-banner [data-cg="accept"]');
  await page.locator('iframe[src$="/embed.html"]').waitFor({ state: 'attached' });
  await settle(page, 300);
  const accepted = await page.evaluate(() => ({ allowed: ConsentGate.getConsent().allowed.includes('analytics'), banner: document.querySelectorAll('#cg-banner').length, changes }));
  assert.deepEqual(accepted, { allowed: true, banner: 0, changes: changes + 1 });
  assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-BUILTIN01']);
  // The visitor takes it back in the dialog: Google's cookies go, the embed is unloaded.
  await page.evaluate(() => (document.cookie = '_ga=GA1.1.1; path=/'));
  await page.evaluate(() => ConsentGate.showPreferences());
  await page.locator('#cg-prefs [data-cg="reject"]').click();
  await settle(page, 500);
  const refused = await page.evaluate(() => ({
    allowed: ConsentGate.getConsent().allowed.join(),
    ga: /(^|; )_ga=/.test(document.cookie),
    dialog: !!document.querySelector('dialog[open]'),
    embed: document.querySelectorAll('iframe[src$="/embed.html"]').length,
  }));
  assert.deepEqual(refused, { allowed: 'necessary', ga: false, dialog: false, embed: 0 });
  await context.close();
});

test('the numbers in configuration problems are written as JSON writes them, whatever a later script does to JSON.stringify or Number.prototype.toString', async () => {
  const { page, context, consoleMessages, pageErrors } = await openPage();
  await page.goto(server.url + '/numbers.html');
  await ready(page);
  await settle(page, 300);
  const errors = consoleMessages.filter((m) => m.type === 'error' && m.text.startsWith('consent-gate'));
  assert.equal(errors.length, 1, JSON.stringify(consoleMessages));
  const lines = errors[0].text.split('\n').slice(1).map((l) => l.trim());
  assert.deepEqual(lines, [
    'waitForUpdate: expected a whole number from 0 to 10000, got 2.5',
    'lifetime.granted: expected a whole number from 0 to 400, got 1e+21',
  ]);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a later script replacing window.Window cannot stop a withdrawal: the refusal is carried out and stored, and the SDK goes on', async () => {
  const { page, context, pageErrors } = await openPage();
  await page.goto(server.url + '/home.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), true, 'granted (the control)');
  // gloo-storage found localStorage through web-sys's `window()`, an `instanceof Window` check:
  // with the page's `Window` of the moment, this made the step throw through the wasm. (The
  // vendored gloo-storage now reads `window.localStorage` directly: no check is left to fool.)
  const after = await page.evaluate(async () => {
    window.Window = function () {};
    const refused = await ConsentGate.rejectAll().then((s) => s.categories.analytics, (e) => 'rejected: ' + e.message);
    const accepted = await ConsentGate.acceptAll().then((s) => s.categories.analytics, (e) => 'rejected: ' + e.message);
    const again = await ConsentGate.rejectAll().then((s) => s.categories.analytics, (e) => 'rejected: ' + e.message);
    return { refused, accepted, again };
  });
  assert.deepEqual(after, { refused: false, accepted: true, again: false });
  await page.reload();
  await ready(page);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false, 'the refusal was stored');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

// The fourth adversarial round of the size rounds: js-sys's `new Array`, `new Object` and
// `Array.prototype.push` ran while the session was lent out (the API views, the gated categories).
// One that a later script made throw once left the session lent out for the page's life: every
// later call resolved to null, a refusal was neither carried out nor stored.
test('a later script whose Array.prototype.push throws once, or whose Array and Object constructors throw, cannot leave the SDK stuck: a refusal after it is carried out and stored', async () => {
  const { page, context } = await openPage();
  await page.goto(server.url + '/home.html');
  await ready(page);
  await page.evaluate(() => {
    const push = Array.prototype.push;
    window.boom = 1;
    Array.prototype.push = function (v) {
      if (window.boom && v === 'analytics' && this !== window.dataLayer) {
        window.boom = 0;
        throw new Error('page push');
      }
      return push.apply(this, arguments);
    };
  });
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided, null, { timeout: 5000 });
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), true, 'granted (the control)');
  const after = await page.evaluate(async () => {
    const answer = (s) => (s === null ? 'null' : s.categories.analytics);
    const refused = await ConsentGate.rejectAll().then(answer, (e) => 'rejected: ' + e.message);
    const Ctor = (name) => new Proxy(window[name], { construct() { throw new Error('page ' + name); } });
    window.Array = Ctor('Array');
    window.Object = Ctor('Object');
    const accepted = await ConsentGate.acceptAll().then(answer, (e) => 'rejected: ' + e.message);
    const again = await ConsentGate.rejectAll().then(answer, (e) => 'rejected: ' + e.message);
    return { refused, accepted, again };
  });
  assert.deepEqual(after, { refused: false, accepted: true, again: false });
  await page.reload();
  await ready(page);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false, 'the refusal was stored');
  await context.close();
});

// The same class through every built-in wasm-bindgen's glue read at call time to move strings and
// answers between the page and the wasm (`decode`, `subarray`, `setInt32`, `charCodeAt`, `slice`,
// `encodeInto`), some of them while the session was lent out (the view made after each step, the
// stored copies read before it). One that a later script made throw once there left the session
// lent out for the page's life: every later call resolved to null, a refusal was neither carried
// out nor stored. The glue now takes them when it loads: a later script's replacement that throws
// at every call is never called, and refusals and grants are carried out and stored.
const GLUE_BUILTINS = ['TextDecoder.prototype.decode', 'Uint8Array.prototype.subarray', 'DataView.prototype.setInt32', 'String.prototype.charCodeAt', 'String.prototype.slice', 'TextEncoder.prototype.encodeInto'];
for (const member of GLUE_BUILTINS) {
  test(`a later script whose ${member} always throws cannot stop a refusal: it is carried out and stored`, async () => {
    const { page, context } = await openPage();
    await page.goto(server.url + '/home.html');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => ConsentGate.getConsent().decided, null, { timeout: 5000 });
    const seen = await page.evaluate(async (member) => {
      const [ctor, , name] = member.split('.');
      const proto = window[ctor].prototype;
      const original = proto[name];
      let calls = 0;
      proto[name] = function () {
        calls++;
        throw new Error('page ' + name);
      };
      const answer = (s) => (s === null ? 'null' : s.categories.analytics);
      const refused = await ConsentGate.rejectAll().then(answer, (e) => 'rejected: ' + e.message);
      const accepted = await ConsentGate.acceptAll().then(answer, (e) => 'rejected: ' + e.message);
      const again = await ConsentGate.rejectAll().then(answer, (e) => 'rejected: ' + e.message);
      proto[name] = original;
      return { refused, accepted, again, calls };
    }, member);
    assert.deepEqual(seen, { refused: false, accepted: true, again: false, calls: 0 });
    await page.reload();
    await ready(page);
    assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false, 'the refusal was stored');
    await context.close();
  });
}

// Whether the JS stack has emptied since the session was lent out is told by a microtask of an
// `await` (bridge.js `lend`), not by `queueMicrotask`: an earlier page script that replaced it
// with one running its callback at once had the session lent twice (a record read from a storage
// wrapper while the decision was being stored), and one never running it left the session lent
// out for good after a built-in threw (adversarial round 13).
const LENT_WRAP = `<script>
window.seen = [];
const setItem = Storage.prototype.setItem;
Storage.prototype.setItem = function (k, v) {
  setItem.call(this, k, v);
  if (k == 'consent-gate' && /analytics:1/.test(v) && !window.done) {
    window.done = 1;
    seen.push(ConsentGate.getConsentRecord() === null ? 'lent out' : 'lent twice');
    window.refusal = ConsentGate.rejectAll().then((s) => s && s.categories.analytics, (e) => 'rejected: ' + e.message);
  }
};
</script>`;
// What a step still reads at call time, through the wasm: `window.localStorage` (the glue's import
// that gloo-storage calls; the glue takes its built-ins, the memory's `buffer` getter among them,
// when it loads). In a refusal after an accept one of its first reads is the wasm's (the others
// are bridge.js's, which catches; which one depends on the build: the wasm with the consent log
// reads its queue through bridge.js first). The test throws at each of the first four in turn.
const LENT_THROW = `<script>
const storage = Object.getOwnPropertyDescriptor(window, 'localStorage');
window.throwAt = 0; window.calls = 0;
Object.defineProperty(window, 'localStorage', { configurable: true, get() { if (throwAt && ++calls == throwAt) throw new Error('page localStorage'); return storage.get.call(this); } });
</script>`;
const lentServer = servePagesForFile({
  '/at-once.html': html('<script>window.queueMicrotask = (f) => f();</script>' + inlineConfig(SITE) + TAG + LENT_WRAP, '<h1>Home</h1>'),
  '/never.html': html('<script>window.queueMicrotask = () => {};</script>' + inlineConfig(SITE) + TAG + LENT_THROW, '<h1>Home</h1>'),
});

test('an earlier script whose queueMicrotask runs its callback at once cannot have the session lent twice: a storage wrapper during an accept gets no record, and its refusal is carried out and stored', async () => {
  const { page, context } = await openPage();
  await page.goto(lentServer.url + '/at-once.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => window.refusal);
  assert.deepEqual(await page.evaluate(async () => ({ seen, refusal: await window.refusal })), { seen: ['lent out'], refusal: false });
  await page.reload();
  await ready(page);
  assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false, 'the refusal was stored');
  await context.close();
});

test('an earlier script whose queueMicrotask never runs its callback cannot leave the SDK stuck after a built-in threw: a later refusal is carried out', async () => {
  let threw = 0;
  for (const at of [1, 2, 3, 4]) {
    const { page, context } = await openPage();
    await page.goto(lentServer.url + '/never.html');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => ConsentGate.getConsent().decided, null, { timeout: 5000 });
    const after = await page.evaluate(async (at) => {
      throwAt = at;
      calls = 0;
      const first = await ConsentGate.rejectAll().then(() => 'resolved', (e) => e.message);
      const thrown = calls >= at && first == 'page localStorage';
      throwAt = 0;
      await ConsentGate.acceptAll();
      return { thrown, second: await ConsentGate.rejectAll().then((s) => (s ? s.allowed.join() : String(s)), (e) => 'rejected: ' + e.message) };
    }, at);
    threw += after.thrown;
    assert.equal(after.second, 'necessary', `a later rejectAll works (the localStorage getter threw at call ${at}${after.thrown ? ', through the wasm' : ''})`);
    await context.close();
  }
  assert.ok(threw >= 1, 'the getter threw through the wasm at one of the first four reads');
});

// A later script's built-in that throws once at one of its first calls from the page's start on,
// or during the step of a route into a sensitive page (adversarial round 13): the glue read them
// at each call, and a throw at start left the SDK stuck without a word (no banner, every call
// null), and one in a route's step left the portal page with Consent Mode granted and a gated
// embed loading. The glue now takes them when it loads: start and the route's step are whole.
const throwingAt = (member) => `<script>
window.calls = 0; window.throwAt = 0;
const [P, name] = [${member.split('.').slice(0, 2).join('.')}, '${member.split('.')[2]}'];
const original = P[name];
P[name] = function () { if (++calls == throwAt) throw new Error('page ' + name); return original.apply(this, arguments); };
window.throwAt = +new URLSearchParams(location.search).get('at');
window.mountPortal = () => { const f = document.createElement('iframe'); f.dataset.consentCategory = 'analytics'; f.dataset.src = 'https://www.google.com/maps/embed?pb=portal-123'; f.title = 'map'; document.querySelector('main').append(f); };
</script>`;
const glueServer = servePagesForFile(Object.fromEntries(GLUE_BUILTINS.map((m) => [`/${m.split('.')[2]}.html`, html(inlineConfig(SITE) + TAG + throwingAt(m), '<h1>Home</h1>')])));

for (const member of GLUE_BUILTINS) {
  const name = member.split('.')[2];
  test(`a later script whose ${member} throws once during start cannot leave the SDK stuck: the banner shows and a refusal is carried out`, async () => {
    for (const at of [1, 3, 6]) {
      const { page, context } = await openPage();
      await page.goto(`${glueServer.url}/${name}.html?at=${at}`);
      await ready(page);
      await page.waitForSelector('#cg-banner', { timeout: 5000 });
      const refused = await page.evaluate(() => ConsentGate.rejectAll().then((s) => (s ? s.allowed.join() : String(s)), (e) => 'rejected: ' + e.message));
      assert.equal(refused, 'necessary', `throwing at call ${at}`);
      await context.close();
    }
  });

  test(`a later script whose ${member} throws once during a route into a sensitive page cannot leave it unprotected: Consent Mode denies and a gated embed stays unloaded`, async () => {
    for (const at of [1, 2, 5, 12]) {
      const { page, context, net } = await openPage();
      await page.goto(`${glueServer.url}/${name}.html`);
      await ready(page);
      await page.click('#cg-banner [data-cg="accept"]');
      await page.waitForFunction(() => ConsentGate.getConsent().decided);
      await settle(page);
      const before = net.google.length;
      await page.evaluate((at) => {
        window.calls = 0;
        window.throwAt = at;
        try {
          history.pushState(null, '', '/patient-portal/123');
        } catch {}
        window.throwAt = 0;
        mountPortal();
      }, at);
      await settle(page);
      const st = await page.evaluate(() => ({
        sensitive: ConsentGate.getConsent().sensitivePage,
        update: dataLayer.filter((e) => e[0] === 'consent' && e[1] === 'update').pop()?.[2].analytics_storage,
      }));
      assert.deepEqual({ ...st, google: net.google.slice(before) }, { sensitive: true, update: 'denied', google: [] }, `throwing at call ${at}`);
      await context.close();
    }
  });
}

// The `buffer` getter of the wasm's memory, which the glue read at each call until adversarial
// round B1 (a later script's getter throwing once made start throw: the SDK did not start on that
// page), is taken when the glue loads (a later script's would have the memory,
// tests/e2e/integrity-loader.test.mjs): a later script's throwing one is never called.
test('a later script whose WebAssembly.Memory buffer getter throws is never called: the SDK starts and a refusal is carried out', async () => {
  const BREAK = `<script>
const d = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer');
let thrown = 0;
Object.defineProperty(WebAssembly.Memory.prototype, 'buffer', { configurable: true, get() { if (!thrown++) throw new Error('page buffer getter'); return d.get.call(this); } });
</script>`;
  const server = servePagesForFile({ '/broken.html': html(inlineConfig(SITE) + TAG + BREAK, '<h1>Home</h1>') });
  const { page, context, net, consoleMessages } = await openPage();
  await page.goto(server.url + '/broken.html');
  await ready(page);
  await page.waitForSelector('#cg-banner', { timeout: 5000 });
  const refused = await page.evaluate(() => ConsentGate.rejectAll().then((s) => (s ? s.allowed.join() : String(s)), (e) => 'rejected: ' + e.message));
  assert.equal(refused, 'necessary');
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), []);
  assert.deepEqual(net.google, []);
  await context.close();
});

// The typed-array constructors the glue views the wasm's memory with (adversarial round 14): a
// later script's `window.Int32Array` that made plain arrays froze the page on the next call (the
// answers' words written nowhere), and one that threw failed the call (a refusal lost). The glue
// takes both when it loads.
for (const [ctor, how, replacement] of [
  ['Int32Array', 'makes plain arrays', 'function () { return []; }'],
  ['Uint8Array', 'makes plain arrays', 'function () { return []; }'],
  ['Int32Array', 'throws', "function () { throw new Error('page Int32Array'); }"],
  ['Uint8Array', 'throws', "function () { throw new Error('page Uint8Array'); }"],
]) {
  test(`a later script whose window.${ctor} ${how} cannot stop a refusal: it is carried out at once and stored`, async () => {
    const { page, context } = await openPage();
    await page.goto(server.url + '/home.html');
    await ready(page);
    await page.click('#cg-banner [data-cg="accept"]');
    await page.waitForFunction(() => ConsentGate.getConsent().decided, null, { timeout: 5000 });
    const refused = await page.evaluate(
      ([ctor, replacement]) => {
        const original = window[ctor];
        window[ctor] = (0, eval)('(' + replacement + ')');
        const answer = ConsentGate.rejectAll().then((s) => (s ? s.categories.analytics : String(s)), (e) => 'rejected: ' + e.message);
        return Promise.race([answer, new Promise((r) => setTimeout(r, 3000, 'no answer'))]).finally(() => (window[ctor] = original));
      },
      [ctor, replacement],
    );
    assert.equal(refused, false);
    await page.reload();
    await ready(page);
    assert.equal(await page.evaluate(() => ConsentGate.getConsent().categories.analytics), false, 'the refusal was stored');
    await context.close();
  });
}
