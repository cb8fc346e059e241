// The public API, shared by `window.ConsentGate` (script tag) and the ES module (npm).
// Calls made before the wasm is ready are queued. The decisions among them go to start, which
// takes them, in order, as the first decision (so a stored grant they withdraw loads no tag);
// the other calls run once it is ready. The refusals among them are also written to localStorage
// at once (`pend`): a page left before start would lose its queue.
import initWasm, * as wasm from 'consent-gate-glue';
import { on, off, d, opens, getConsent, bannerFirst, lazyParts, plain, record, stored, store, isArray, said, addWords, hasNotice } from './bridge.js';
import { consentDefaults } from './stub.js';

export { on, off, consentDefaults, getConsent };

// Where a queued withdrawal outlives its page (`PENDING` in src/web/app.rs; the next start takes
// it, before its own queue, and deletes it). `prior`: what earlier pages left there, set back
// before start (this page's own calls reach it through the queue, and are not taken twice).
const PENDING = 'consent-gate-pending';
let prior;

// Only refusals are written (storage is untrusted, and a refusal is always safe): `*` for
// `rejectAll()`, else the names a `setConsent` argument sets to `false` that are ASCII letters,
// digits, `_` and `-` (category ids are fewer: `is_identifier` in src/core/config.rs; ASCII, so
// a character here is a byte there), each once, cut by spaces, within the 4,096 bytes start reads
// (`PENDING_CAP` in src/core/session.rs; a longer value is ignored whole, and building one from a
// huge argument would hold the page). `mine`: the value with this page's refusals, written back
// when start fails, so that they stay for the next page.
let mine;
function pend(decision) {
  const was = stored(PENDING) || ' ';
  let v = decision === false ? ' * ' : was;
  for (const k in decision?.[0]) if (decision[0][k] === false && /^[\w-]+$/.test(k) && v.length + k.length < 4096 && !v.includes(' ' + k + ' ')) v += k + ' ';
  if (v != was) {
    prior ||= was;
    store(PENDING, (mine = v));
  }
}

let started = null;
let ready = false;
let broken = false;
const queue = [];

function domReady() {
  return new Promise((resolve) => {
    if (d.readyState != 'loading') resolve();
    else d.addEventListener('DOMContentLoaded', resolve);
  });
}

// `promise`, or `late` when it has not settled within 3 seconds: a request that hangs must not hold
// back start, and with it the banner.
const within3s = (promise, late) => Promise.race([promise, new Promise((r) => setTimeout(r, 3000, late))]);

function configError(problems) {
  const list = (isArray(problems) ? problems : [String(problems)]).map(said);
  const e = new Error('consent-gate: invalid configuration:\n  ' + list.join('\n  '));
  e.problems = list;
  return e;
}

// The link rule of `is_safe_href` in src/core/config.rs (http(s), mailto or relative), for when
// the wasm that holds it could not load. tests/e2e/links.test.mjs checks that the two agree.
const safeHref = (h) =>
  typeof h == 'string' && h != '' && h == h.trimStart() && (/^(https?:\/\/|mailto:)/i.test(h) || !/^[^/?#]*:|^\/\/|[\0-\x1f\x7f-\x9f\\]/.test(h));

// This copy will not start: its queued calls reject, and so do later ones (see `later`).
function giveUp() {
  broken = true;
  for (const [, , reject] of queue.splice(0)) reject(new Error('consent-gate is not available'));
}

// Without the wasm nothing may load. "Cookie settings" links still lead to the privacy notice.
function failClosed(reason, privacyUrl) {
  giveUp();
  console.error(
    'consent-gate: the WebAssembly module could not load (' + reason + '), so no analytics or advertising tag will load.' +
      (/Content.Security|CSP|unsafe-eval/i.test(reason) ? " The Content-Security-Policy's script-src needs 'wasm-unsafe-eval'." : ''),
  );
  d.addEventListener('click', (ev) => {
    const opener = ev.target.closest?.('[data-consent-gate="preferences"]');
    if (opener && opens(ev.target, opener) && !opener.getAttribute('href') && privacyUrl) location.href = privacyUrl;
  });
}

// One copy per page. A second (the script tag and an npm import, or the script twice) would run
// a second session that undoes the first one's withdrawals. A symbol, not a window name: page
// markup can shadow a window name, not a symbol.
const RUNNING = Symbol.for('consent-gate');

// What the running copy hands a second one: its start, or its state.
const running = () => started || getConsent();

/** Claims the page for this copy; false, with one warning, when another copy holds it. */
export function claim() {
  const other = window[RUNNING];
  if (other && other != running) {
    console.warn('consent-gate: another copy runs on this page; this one does nothing');
    return false;
  }
  return (window[RUNNING] = running);
}

/**
 * Starts consent-gate. `config` is the configuration object (or a promise of it; a rejected
 * promise's reason is reported as a configuration error). Calling it again returns the first call's
 * promise. When another copy already runs on the page, this one does nothing: the promise
 * resolves to that copy's state.
 */
export function init(config, options) {
  if (started) {
    console.warn('consent-gate: init() was called again; the first configuration stays in force');
    return started;
  }
  if (!claim()) {
    // Calls made before this init() would otherwise wait for ever (the running copy has the API).
    giveUp();
    return (started = Promise.resolve().then(window[RUNNING]));
  }
  const o = options || {};
  consentDefaults();
  let loadError;
  // The log wasm (`o.logWasm`, the consent log and the notice's renderer: `full`) when the page
  // says so (`o.log`: the script tag's `data-log`; `o.notice`: `data-notice`) or the
  // configuration object has a `log`; else the smaller one without them (README "Consent log",
  // "The privacy notice"). `o.wasm` handed over as it is: the build's trimmed glue takes no
  // object (scripts/build.mjs).
  // With the log, its delivery (consent-gate-log.js) is fetched alongside, and start waits for it
  // too: the wasm asks for it at start (the notice hash), and a page left soon after must not lose
  // its first events to that round trip. When it cannot load, start goes on (the console says so
  // when the wasm first asks; the events stay queued).
  const load = (full, log) =>
    Promise.all([
      log && o.load('log').catch(() => {}),
      typeof WebAssembly == 'object'
        ? initWasm(full ? o.logWasm : o.wasm).then(
            () => (loadError = 0),
            (e) => {
              loadError = e;
            },
          )
        : Promise.resolve().then(() => {
            loadError = 'this browser has no WebAssembly';
          }),
    ]);
  const logNow = o.log || (typeof config == 'object' && config != null && 'log' in config);
  const fullNow = logNow || o.notice;
  const wasmReady = load(fullNow, logNow);
  let fetchError;
  // Copied here, once: start may run twice (first to learn the visitor's language), and a getter of
  // the configuration must run once.
  const configReady = Promise.resolve(config).then(plain, (e) => {
    fetchError = String(e?.message || e);
    return null;
  });
  // The banner on a first visit (asked for at once), and a notice container in the page: their
  // files load while the wasm compiles (`o.load`, the entry point's loader of the parts in files
  // of their own); a notice mounted later loads it then. Start waits for each 3 seconds at most
  // (the notice is drawn when it arrives).
  // The wasm without the log (`lean`, once chosen) gives the dialog's English texts as marks:
  // their words (`words` in bridge.js) load with the dialog's file, and without them the dialog
  // is not drawn (as without its file: the console says why).
  let lean;
  const part = (name) =>
    Promise.all([
      o.load(name),
      name == 'dialog' && lean && within3s(o.texts('english'), 'not loaded within 3 seconds').then((t) => addWords(t) || Promise.reject('i18n/english.json: ' + t)),
    ]).then((m) => m[0]);
  const noticeReady = Promise.all([within3s(bannerFirst(part, wasm.call)), domReady().then(() => within3s(lazyParts()))]);
  started = Promise.all([configReady, wasmReady, noticeReady]).then(async ([cfg]) => {
    // A configuration fetched (or promised) with a `log` (said once, so the site can load it at
    // once), or a page with a notice container when the page did not say so: the log wasm now,
    // after the other (the glue keeps the instance loaded last).
    const lateLog = !logNow && cfg && cfg.log !== undefined;
    if (lateLog) console.warn('consent-gate: "log" is configured: add data-log to the script tag (init: {log: true})');
    lean = !fullNow && !lateLog && !hasNotice();
    // With `data-notice` the log wasm is here, but not the log's delivery: loaded with it again.
    if (lateLog || !(fullNow || lean)) await load(1, lateLog);
    if (loadError) {
      const privacyUrl = cfg && safeHref(cfg.privacyUrl) ? cfg.privacyUrl : null;
      failClosed(loadError?.message || String(loadError), privacyUrl);
      throw new Error('consent-gate: the WebAssembly module could not load');
    }
    // The script tag reads `<html data-consent-region>` while in <head>; a module runs after the
    // body is parsed, when injected markup could have set it, so an app passes `region` itself.
    const region = o.region || undefined;
    // `start` answers with a language when the visitor's is a file to load first: `o.texts`, the
    // entry point's loader, gives its texts (or why not), and start runs again with them. So the
    // banner is drawn once, in that language. A file with no answer within 3 seconds is one that
    // failed (English, and the console says why); when it arrives later, nothing is redrawn.
    const begin = (texts) => {
      // Each queued call's decision (`true`, `false`, `[changes]`), else undefined; start puts the
      // message of the Error the call rejects with in place of one it did not take.
      const early = queue.map((q) => q[3]);
      if (prior) store(PENDING, prior);
      let state;
      try {
        // The configuration errors come back as an array (src/api.rs), thrown here; told by the
        // `Array.isArray` captured when bridge.js ran.
        state = wasm.start(cfg, fetchError, region, texts, early);
        if (isArray(state)) throw state;
      } catch (problems) {
        // Start took nothing: the refusals this page queued stay pending for the next start
        // (first: nothing after this may keep them from it).
        if (mine) store(PENDING, mine);
        state = configError(problems);
        // Not the configuration's problems (the wasm put those on the console): something start
        // called threw (a page script broke a built-in). Said here, once.
        if (!isArray(problems)) console.error(state);
      }
      // `problems`: the words of the configuration's problems (`words` in bridge.js), for the start
      // after; when they could not be had, the console says why (once).
      if (typeof state == 'string')
        return within3s(o.texts(state), 'not loaded within 3 seconds').then((t) => {
          if (state != 'problems') return begin(t);
          addWords(t) || console.warn('consent-gate: i18n/problems.json: ' + t);
          return begin();
        });
      ready = true;
      // A decision start took resolves to the state after start; calls made meanwhile (by an
      // event handler during start) and the others run now, in order.
      queue.splice(0).forEach(([call, resolve, reject], i) => {
        const e = early[i];
        if (e === undefined) run(call, resolve, reject);
        else if (typeof e == 'string') reject(Error(e));
        else resolve(getConsent());
      });
      if (state instanceof Error) throw state;
      return state;
    };
    return begin();
  });
  return started;
}

// Calls go through closures of the wasm's one `call` export (src/api.rs: a number says which). A
// string is the message of the Error the call rejects with (`setConsent`'s refused argument, see
// src/api.rs). `null` is a call made while the SDK was carrying out a step (from a page's storage
// or cookie wrapper, see `step` in src/web/app.rs): it is made again once the page's script is
// done (once: else `null` it is).
function run(call, resolve, reject, again) {
  try {
    const state = call();
    if (state === null && !again) return Promise.resolve().then(() => run(call, resolve, reject, 1));
    typeof state == 'string' ? reject(Error(state)) : resolve(state);
  } catch (e) {
    reject(e);
  }
}

// `decision`: what start takes for the call while it is queued (see `begin` in `init`); a
// function makes it when the call is queued (a `setConsent` argument is copied then, on its own:
// one large argument must not use up another's budget in `plain`).
function later(call, decision) {
  return new Promise((resolve, reject) => {
    if (ready) run(call, resolve, reject);
    else {
      queue.push([call, resolve, reject, (decision = decision?.call ? decision() : decision)]);
      if (broken) giveUp();
      else pend(decision);
    }
  });
}

/** The visitor's consent record (their receipt), or null when they have not decided. */
export function getConsentRecord() {
  return ready ? record(wasm.call(10)) : null;
}

/** Grants every optional category. */
export function acceptAll() {
  return later(() => wasm.call(6), true);
}

/** Refuses every optional category. */
export function rejectAll() {
  return later(() => wasm.call(7), false);
}

/** Changes some categories, e.g. `setConsent({ analytics: true })`. */
export function setConsent(changes) {
  return later(() => wasm.call(8, changes), () => [plain(changes)]);
}

/** Opens the preferences dialog. */
export function showPreferences() {
  later(() => wasm.call(9)).catch(() => {});
}
