// The small JavaScript the wasm imports: what Rust cannot express (the `arguments` object that
// gtag needs), or only at a larger size (callbacks, script chains, observers).
const w = window;
// The Navigation API object as it is now: `navigation` is [Replaceable], so a later script's
// top-level `var navigation = […]` replaces `window.navigation` itself.
const nav = w.navigation;

/**
 * `target` seen only through its prototypes. Page markup can shadow a document's own properties
 * by name (`<img name="cookie">`, `<form name="getElementById">`: "DOM clobbering"), and an HTML
 * injection could so blind or stop consent-gate; the prototypes' methods and accessors it cannot
 * touch.
 */
function shield(target) {
  const find = (k) => {
    for (let p = Object.getPrototypeOf(target); p; p = Object.getPrototypeOf(p)) {
      const x = Object.getOwnPropertyDescriptor(p, k);
      if (x) return x;
    }
  };
  return new Proxy(target, {
    get(t, k) {
      const x = find(k);
      return !x ? undefined : x.get ? x.get.call(t) : typeof x.value == 'function' ? x.value.bind(t) : x.value;
    },
    set(t, k, v) {
      const x = find(k);
      if (x?.set) x.set.call(t, v);
      return true;
    },
  });
}

/** The document, shielded from clobbering: every use of the document goes through it. */
export const d = shield(document);

// The base URL gated `data-src` resolve against: the site's `<base href>` in <head> (the first in
// the document, so the one in force), else the page's URL. One in the body is injected markup that
// would send the site's own gated script, under its nonce, to another host; an ES module runs
// after parsing, when it is already in force.
const BASE = (d.head.querySelector('base[href]') || location).href;

/** The shielded document, for the wasm. */
export function doc() {
  return d;
}

let pushFailed = 0;

/**
 * Pushes `arguments` onto dataLayer: gtag.js ignores plain arrays, only an `arguments` object
 * counts. A dataLayer that throws (a hostile page) lost our Consent Mode commands, so gtag.js
 * will never load.
 */
export function gtag(a, b, c) {
  if (a == 'consent' && b == 'update') consentMode = c;
  push(arguments);
}

// The last Consent Mode update, for the Tag Manager event.
let consentMode = {};

function push(entry) {
  try {
    (w.dataLayer = w.dataLayer || []).push(entry);
  } catch (e) {
    if (!pushFailed++) console.error('consent-gate: dataLayer.push failed (' + e + '), so no Google tag will load');
  }
}

/**
 * Injects gtag.js for `id` (the first configured tag id), with the site's nonce. Not when a page
 * hook of the `js` push made the SDK send a Consent Mode update meanwhile (a withdrawal, a route
 * into a sensitive page): that step is the one in force, and it found gtag.js counted as loaded.
 */
function loadGtag(id, nonce) {
  const before = consentMode;
  gtag('js', new Date());
  if (pushFailed || before != consentMode) return;
  const s = d.createElement('script');
  s.async = true;
  s.src = 'https://www.googletagmanager.com/gtag/js?id=' + encodeURIComponent(id);
  if (nonce) s.nonce = nonce;
  d.head.appendChild(s);
}

// ---- events: on/off, CustomEvents on document, late subscribers get the last value ----
const handlers = {};
const last = {};

// Events raised by a handler (one that decides again, or routes) wait until the one in progress
// has reached every listener: so the last state each listener sees is the one in force.
const pending = [];

/**
 * `f` for the wasm, with what a page made throw kept here (`none` given instead): a replaced
 * built-in, a fetch or console wrapper, a frozen object. Thrown through the wasm, it would leave
 * the step half done (the banner up, cookies not erased, no `change`) and the session lent out.
 */
function guard(f, none) {
  return (what, a, b, c) => {
    try {
      return f(what, a, b, c);
    } catch (e) {
      return none;
    }
  };
}

/**
 * `o[k] = v` for the wasm (src/web/app.rs and the vendored serde-wasm-bindgen's API views), what a
 * page's setter on Object.prototype or a frozen object throws kept here: no built-in is read
 * (not `Reflect.set`), and the wasm imports it without catch glue.
 */
export const put = guard((o, k, v) => {
  o[k] = v;
});

/**
 * A Consent Mode command's object: each of the seven types (core's `CONSENT_TYPES` in
 * src/core/decide.rs, in order; a native test checks) granted when its bit in `bits` is set, then
 * the members of `more` (`wait_for_update`, `region`). A literal: no setter a page put on
 * Object.prototype runs, and no built-in is read.
 */
export const mode = (bits, more) => {
  const v = (i) => ((bits >> i) & 1 ? 'granted' : 'denied');
  // `more` first: members a page's setter on `Object.prototype` added to it while the wasm filled
  // it (`wait_for_update`, `region`) cannot override the state.
  return {
    ...more,
    ad_storage: v(0),
    ad_user_data: v(1),
    ad_personalization: v(2),
    analytics_storage: v(3),
    functionality_storage: v(4),
    personalization_storage: v(5),
    security_storage: v(6),
  };
};

/**
 * What the wasm sends to the page, by number: Consent Mode's default (0, with `b`'s members) or
 * update (1) of the types the bits `a` grant (`mode`),
 * `gtag('set', a, b)` (2), `gtag('config', a, …)` (3, Google signals and ad personalization
 * signals both `b`), and the SDK's `change` (4), `ready` (5) and
 * `signal` (6) events with `b` (`emit`). One import for them all, and numbers and values only: it
 * needs no glue.
 */
export const send = guard((what, a, b) =>
  what > 3 ? emit(['change', 'ready', 'signal'][what - 4], b) : what > 2 ? gtag('config', a, { allow_google_signals: b, allow_ad_personalization_signals: b }) : what > 1 ? gtag('set', a, b) : gtag('consent', what ? 'update' : 'default', mode(a, b)),
);

/**
 * Calls every handler of `name` and fires `consent-gate:<name>` on document. `detail` is frozen,
 * and the objects in it (a state is two levels deep): every handler, and getConsent(), get the same
 * object. getConsent() and the Tag Manager event follow at once; handlers get it after the event
 * being delivered, if any.
 */
function emit(name, detail) {
  for (const v of Object.values(Object.freeze(detail))) Object.freeze(v);
  last[name] = detail;
  // Google Tag Manager: one event per applied state (at start, on every decision, on a change of
  // page rule), after the Consent Mode command it reflects, for triggers and variables.
  if (name == 'change') {
    push({
      event: 'consent_gate_update',
      consent_gate: { decided: detail.decided, allowed: detail.allowed, sensitive_page: detail.sensitivePage, consent_mode: consentMode },
    });
  }
  // A late `ready` subscriber gets the current state, not the one at start.
  if (name == 'change' && 'ready' in last) last.ready = detail;
  if (pending.push([name, detail]) > 1) return;
  // for…of also visits the events pushed while it runs; `call` keeps one failure from the rest.
  for (const e of pending) call(deliver, e);
  pending.length = 0;
}

function deliver([name, detail]) {
  for (const f of (handlers[name] || []).slice()) call(f, detail);
  d.dispatchEvent(new CustomEvent('consent-gate:' + name, { detail }));
}

function call(f, detail) {
  try {
    f(detail);
  } catch (e) {
    console.error(e);
  }
}

/**
 * The consent state the last `change` event carried (a change of state always fires one), or null
 * before start: the same object until the state changes, so that it can be a store's snapshot
 * (React's useSyncExternalStore).
 */
export function getConsent() {
  return last.change || null;
}

/** Subscribes; a late subscriber receives the current state at once. */
export function on(name, f) {
  (handlers[name] = handlers[name] || []).push(f);
  if (name in last) call(f, last[name]);
}

// Built-ins the copies use, as they were when this file ran: a later page script that replaces
// one (an `Object.entries` that leaves out `sensitivePaths`) cannot change what the wasm reads.
// `entries` and `isArray` are what src/web/json.rs reads a copy with.
const { keys, create } = Object;
const { from } = Array;
export const { entries } = Object;
export const { isArray } = Array;

/**
 * What a value of a `plain` copy is, for src/web/json.rs: 0 a string, 1 true, 2 false, 3 a
 * number, 4 null, 5 undefined, 6 an array, 7 an object, 8 anything else (a symbol, a function).
 * Operators and the captured `isArray` only: one call per value, nothing a page can replace.
 */
export const kind = (v) =>
  typeof v == 'string' ? 0 : v === true ? 1 : v === false ? 2 : typeof v == 'number' ? 3 : v === null ? 4
    : v === undefined ? 5 : typeof v != 'object' ? 8 : isArray(v) ? 6 : 7;

/** A number's JSON text (`1.5`, `-1`, `null` for NaN and the infinities), as `JSON.stringify` writes
 * it but through the language's own number-to-text conversion, which no page script can replace. */
export const numberText = (n) => (n - n === 0 ? '' + n : 'null');

/**
 * A deep copy of `v` as plain data, read now and where a throw can be caught: the wasm reads only
 * the copy, so nothing it reads can throw (a throw inside the wasm would leave its state taken).
 * Own enumerable members and array elements, each getter run once; a member whose getter throws is
 * absent; a value that cannot be read (a revoked Proxy), a cycle, and everything after the first
 * 10,000 objects and arrays become a symbol, which the wasm reads as "not JSON".
 */
export function plain(v) {
  const seen = new Set();
  let budget = 1e4;
  const copy = (x) => {
    if (!x || typeof x != 'object') return x;
    if (seen.has(x) || --budget < 0) return Symbol();
    seen.add(x);
    try {
      if (isArray(x)) return from(x, copy);
      // No prototype: a member named `__proto__` stays a member.
      const o = create(null);
      for (const k of keys(x)) {
        // A getter that throws is a value that is not JSON: the field is reported, not absent
        // (an absent `sensitivePaths` would protect no page).
        try {
          o[k] = copy(x[k]);
        } catch (e) {
          o[k] = Symbol();
        }
      }
      return o;
    } catch (e) {
      return Symbol();
    } finally {
      seen.delete(x);
    }
  };
  return copy(v);
}

/** Unsubscribes. */
export function off(name, f) {
  handlers[name] = (handlers[name] || []).filter((g) => g !== f);
}

// ---- generic gating: <script type="text/plain" data-consent-category> and iframes ----
// The gating itself is in consent-gate-gating.js (src/js/gating.js), loaded by pages that have a
// gated element; `kit` holds what `gate` last set, which it reads when each element's turn comes.
// (The referrer rule of a sensitive page stays here: it must hold at once.)
let observer = null;
let referrer;
const GATED = 'script[type="text/plain"][data-consent-category],iframe[data-consent-category][data-src]';
// The gating module once here: from then on every step is carried out at once.
let gating;

/**
 * Activates gated scripts and iframes of the allowed `categories` (on a sensitive page core allows
 * only the necessary and functional ones), in document order, and keeps doing so for elements
 * added later. Iframes of other categories get a placeholder; loaded ones that are no longer
 * allowed are unloaded. On a `sensitivePage` the placeholder's button loads nothing either.
 * `placeholder` is [notice text with {name}, load button text, preferences button text, language,
 * direction]; `sensitivePage` is 1 or 0. What a page hook throws here is caught by `guard`: the wasm
 * imports this without catch glue.
 */
export const gate = guard((categories, scriptNonce, placeholder, sensitivePage) => {
  kit.granted_ = categories;
  kit.nonce_ = scriptNonce || '';
  kit.texts_ = placeholder;
  kit.sensitive_ = sensitivePage;
  // A page the site marks sensitive names a patient or a condition in its URL: the next page, and
  // any tag there, must not receive it as the referrer.
  // Ours is (re)appended last each time: the last referrer meta inserted is the one in force, so
  // no injected `<meta name=referrer content=unsafe-url>` can follow it.
  if (sensitivePage) {
    referrer ||= Object.assign(d.createElement('meta'), { name: 'referrer', content: 'strict-origin' });
    d.head.appendChild(referrer);
  }
  scanGated(1);
  if (!observer && w.MutationObserver) {
    observer = new MutationObserver(scan);
    // The attribute too: an app may make an element that is already in the page a notice container.
    observer.observe(d.documentElement, { childList: true, subtree: true, attributeFilter: ['data-consent-gate'] });
  }
});

/**
 * Hands the gated elements to the gating module (`all`: the state changed, see `gate`), loading it
 * first when the page has one. When it cannot load, no gated script runs and no embed loads.
 */
function scanGated(all) {
  if (gating) gating.default(kit, all);
  else if (d.querySelector(GATED)) lazy('gating').then((m) => (gating = m)?.default(kit, 1));
}

// <html>, <head> and <body> are never the SDK's hosts: injected `<body data-consent-gate=…>` is
// merged onto the real one (a notice drawn there would wipe the page; an opener would take every
// click).
const isRoot = (el) => /^(HTML|HEAD|BODY)$/.test(el.tagName);

/**
 * Whether a click on `target` is one on `el` as a public opener (`data-consent-gate="preferences"`):
 * not when `el` is html or body, nor when a link, button or field inside `el` was clicked
 * (injected markup wrapping the page must not turn its links into "open preferences"); an opener
 * that is itself such an element works.
 */
export function opens(target, el) {
  const i = target.closest('[href],button,input,select,textarea,label,summary,[role=button],[contenteditable]');
  return el.matches('[data-consent-gate="preferences"]') && !isRoot(el) && (!i || i == el || !el.contains(i));
}

function scan(mutations) {
  scanGated();
  // After a mutation: did a notice container enter the page (a route mounted one, or put back one
  // it had removed)? The first mutation after start finds the containers of the start new: a step
  // that changes nothing.
  if (mutations) {
    const now = containers();
    if (now.some((c) => !notices.includes(c))) noticesAdded?.();
    notices = now;
  }
}

// ---- notice containers that single-page apps mount after start ----
const containers = () => [...d.querySelectorAll('[data-consent-gate="notice"]')];
/** Whether the page has a notice container (the ordinary wasm draws no notice: see `init`). */
export const hasNotice = () => containers().length > 0;
let notices = [];
let noticesAdded;
// The wasm's `call` export (src/api.rs; 0 to 5 say what changed), from `bannerFirst`: what
// `watch` calls, and the consent log's reports.
let changed;

/**
 * Follows the page, calling `changed` with what changed: 0 the URL (`watchNavigation`), 1 maybe
 * the stored record (`watchStorage`), 2 the notice containers (one entered the page after start),
 * 3 a click on the interface (`clicked`); and for the consent log, 4 with the notice hash
 * (`logHash`), 5 with the id of an event and the HTTP status it was answered with (`logSend`).
 * One export and one import for them all: fewer bytes. The values are strings, or absent ('' to
 * the wasm).
 */
export const watch = guard(() => {
  noticesAdded = () => changed(2);
  // The click handler first, the routes next: what a page broke stops only what comes after it.
  // Page globals are read as `w.x` (or taken at load), never by their bare names, which a later
  // script's top-level `let history = []` shadows for every script.
  d.addEventListener('click', clicked);
  watchNavigation(() => changed(0));
  watchStorage(() => changed(1));
});

// ---- single-page apps: a callback on every change of the URL ----
/**
 * Calls `f` after pushState, replaceState, popstate, a hash change and every Navigation API
 * navigation (`navigation.navigate()` with `intercept()`, which patches no history method).
 * `f` finds out itself whether the path changed.
 */
function watchNavigation(f) {
  const g = () => f();
  w.addEventListener('popstate', g);
  w.addEventListener('hashchange', g);
  // Fires as soon as the URL changes, before an intercepting handler has rendered anything.
  nav?.addEventListener('currententrychange', g);
  const h = w.history;
  try {
    for (const m of ['pushState', 'replaceState']) {
      const orig = h[m];
      h[m] = function () {
        const r = orig.apply(this, arguments);
        f();
        return r;
      };
    }
  } catch (e) {
    // A page that froze `history`: its routes are seen through the Navigation API only.
    console.error('consent-gate: cannot watch history (' + e + ')');
  }
}

// ---- other tabs and restored pages ----
/**
 * Calls `f` when another tab writes the stored record (the `storage` event; `key` is null when
 * storage was cleared) and when the page is restored from the back/forward cache, which
 * delivers no storage events while the page is frozen.
 */
function watchStorage(f) {
  w.addEventListener('storage', (e) => (e.key == null || e.key == 'consent-gate') && f());
  w.addEventListener('pageshow', (e) => e.persisted && f());
  // A decision shared through `cookie.domain` may come from another subdomain, which fires no
  // storage event here: look again whenever the tab is shown, and on every cookie change where
  // the Cookie Store API tells of them.
  d.addEventListener('visibilitychange', () => d.visibilityState == 'visible' && f());
  w.cookieStore?.addEventListener('change', () => f());
}

// ---- what the SDK made: page markup copying our attributes is not ours ----
// (`mark` adds to it; `mine.has(el)`: whether the SDK made `el`.)
const mine = new WeakSet();

// The control clicked and the part of the interface it is in, while the wasm handles the click
// (`ui` 3, 7 and 8 act on them).
let clickedControl;
let clickedScope;

/**
 * One delegated handler for every click on the interface. Only the SDK's own banner, dialog,
 * notice and "Privacy choices" button act: page markup (an HTML injection) that copies their
 * attributes can neither give consent nor set the recorded method; a public opener
 * (`data-consent-gate="preferences"`) only opens the dialog. A switch toggles here; what a button
 * does, and how the choice is recorded, the wasm decides: `changed(3, scope, action)` with the
 * `data-cg-scope` of the part (empty for an opener) and the button's `data-cg`.
 */
function clicked(e) {
  const t = e.target;
  // A label in page markup that names the SDK's button (`<label for="cg-reopen">` around page
  // text) would forward the visitor's click to it: it forwards nothing.
  if (mine.has(t.closest?.('label')?.control)) e.preventDefault();
  // Only the visitor's own clicks (a pointer's, or Enter or Space on a focused button): a script's
  // `click()` must not pass for the visitor's choice. Scripts decide through the API.
  const hit = e.isTrusted && t.closest?.('[data-cg],[data-cg-category],[data-consent-gate="preferences"]');
  if (!hit) return;
  let scope = hit.closest('[data-cg-scope]');
  if (!mine.has(scope)) {
    if (!opens(t, hit)) return;
    scope = null;
  } else if (hit.dataset.cgCategory) {
    if (hit.ariaDisabled != 'true') hit.ariaChecked = hit.ariaChecked != 'true';
    return;
  }
  const action = (scope && hit.dataset.cg) || 'prefs';
  if (action == 'prefs') e.preventDefault();
  // Kept for the wasm's steps, and restored after: a handler of an event it fires may click again.
  const outer = [clickedControl, clickedScope];
  clickedControl = hit;
  clickedScope = scope;
  try {
    changed(3, scope ? scope.dataset.cgScope : '', action);
  } finally {
    [clickedControl, clickedScope] = outer;
  }
}

// ---- the interface: built here from what core decided (src/web/ui.rs describes it) ----
// Texts are set as text, never parsed as HTML; attribute names are fixed here; the only links are
// the ones core checked (http(s), mailto or relative). The banner and the dialog are kept by
// reference (`kit.banner_`, `kit.dialog_`), not found by id: page markup with the same id is never
// taken for ours.
// How many times the banner was asked for or hidden: a banner whose file arrives after it was
// hidden again is not shown by that request.
let bannerTurns = 0;
// How many times the dialog was opened or closed: a dialog whose file arrives after it was closed
// again (or opened once more) is not opened by that request.
let dialogTurns = 0;
// The notice's last description.
let noticeDesc;

/** A new element with class `cls` and `text` (set as text), appended to `parent` when given. */
function el(tag, cls, text, parent) {
  const e = d.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = said(text);
  if (parent) parent.appendChild(e);
  return e;
}

/** A `<button type="button">` in `parent`, with the `data-cg` `action` when given. */
function button(parent, text, action, cls) {
  const b = el('button', cls || 'cg-btn', text, parent);
  b.type = 'button';
  if (action) b.dataset.cg = action;
  return b;
}

/** Marks `e` as the root of one of our parts: `a`'s language and direction, its scope, owned. */
function mark(e, a, scope) {
  e.lang = a[0];
  e.dir = a[1];
  e.dataset.cgScope = scope;
  // Invoker commands in page markup (`<button commandfor="cg-prefs" command="show-modal">`) do
  // nothing to it: only the visitor, through the SDK's own controls, opens or closes it.
  e.oncommand = (c) => c.preventDefault();
  mine.add(e);
  return e;
}

/**
 * Whether `list` (an array the wasm made) holds `x`. A loop, not `includes`: a later script's
 * polyfill of it (one that answers `indexOf`'s -1, which is truthy) must not switch on a
 * category or release a gated element.
 */
function has(list, x) {
  for (let i = 0; i < list.length; i++) if (list[i] === x) return true;
  return false;
}

/** Sets `kit.switchedOn_` and every switch of the page to it. */
function sync(ids) {
  kit.switchedOn_ = ids;
  for (const s of d.querySelectorAll('[data-cg-category]')) s.ariaChecked = has(ids, s.dataset.cgCategory);
}

/** Sets or clears the class that gives the page scroll padding and an end spacer below the banner. */
const bannerOpen = (open) => d.documentElement.classList.toggle('cg-banner-open', !!open);

// The prefix of the ids that name the dialog and the switches (aria-labelledby/-describedby):
// new on every page, so injected markup cannot put an element with the same id first and rename
// a switch for screen readers.
const ID = 'cg' + Math.random().toString(36).slice(2, 8);

// Words the release wasms leave out: each is a mark there, U+0001 and a letter, and `words` gets
// the letters' words when a file of them loads (`init` in api.js): i18n/problems.json, the
// configuration reader's messages (`messages!` in src/core/config.rs), the first time start has
// problems to show; i18n/english.json, the preferences dialog's English texts (`texts!` in
// src/core/i18n.rs) of the wasm without the log, with the dialog. `said` puts them in place of the
// marks (a letter in brackets without them): on the console, in `init`'s error, in what is drawn.
// Only strings are kept, in an object without a prototype: a file's other values (an object whose
// conversion throws, `__proto__`) can neither break `said` nor reach anything else.
const words = Object.create(null);
/** Adds a file's words; none (0) when `t` holds none (or says why the file could not be had). */
export const addWords = (t) => {
  let n = 0;
  if (typeof t == 'object') for (const k in t) typeof t[k] == 'string' && (words[k] = t[k]) && n++;
  return n;
};
/** `m` with each mark replaced by its words (`[letter]` for one whose words are not here). */
export const said = (m) => m.replace(/\x01(.)/g, (_, l) => words[l] || '[' + l + ']');

/**
 * What the files loaded when needed work with: the builders they draw with, the categories whose
 * switches are on as core last said (a notice or dialog drawn later shows them), the banner shown
 * now (`banner_`) and the dialog (`dialog_`, which a banner never covers), and for the gating the
 * state `gate` last set (`granted_`, `nonce_`, `texts_`, `sensitive_`; `nonce_` also tells the
 * site's own elements, see src/js/trusted.js), the base URL, the gated elements' selector and
 * `has_`, the membership test to use on the wasm's lists. Its members end in `_`, and no other
 * property of consent-gate's files does: the build gives them short names (`mangleProps` in
 * scripts/build.mjs), the same in every file.
 */
const kit = { d_: d, el_: el, button_: button, mark_: mark, has_: has, said_: said, switchedOn_: [], BASE_: BASE, GATED_: GATED, granted_: [] };

// The parts in files of their own, loaded when first needed: consent-gate-<name>.js. `loadPart`,
// the entry point's loader, knows where they are; `loaded` holds each one's promise.
const PARTS = {
  banner: 'the banner is not shown',
  notice: 'the privacy notice is not shown',
  dialog: 'the preferences dialog is not shown',
  gating: 'no gated script or embed loads',
  log: 'no consent event is sent (they stay queued)',
};
let loadPart;
const loaded = {};

/**
 * The module consent-gate-<name>.js, loaded once; undefined when it cannot load: the page goes on
 * without that part, and the console says so once. Nothing else depends on it.
 */
function lazy(name) {
  return (loaded[name] ||= new Promise((r) => r(loadPart(name)))
    .then((m) => {
      if (typeof m.default != 'function') throw new TypeError('it exports nothing to draw with');
      return m;
    })
    .catch((e) => console.error('consent-gate: consent-gate-' + name + '.js could not load (' + e + '), so ' + PARTS[name])));
}

/**
 * Has consent-gate-notice.js draw the notice into every container that may hold it (`draw` there:
 * the site's own, empty of elements), once its file is here; a page without a
 * `[data-consent-gate="notice"]` element never loads it.
 */
function drawNotice() {
  if (noticeDesc && containers().length) lazy('notice').then((m) => m?.default(kit, noticeDesc, containers(), ID));
}

/**
 * Sets how the parts in files of their own are loaded (`load(name)` resolves to the module
 * consent-gate-<name>.js) and what `watch` calls (`f`, the wasm's `call` export), and, when
 * no decision is stored (a first visit), starts loading the banner at once: it is the last link
 * of a first visit's chain when the wasm is preloaded.
 */
export function bannerFirst(load, f) {
  loadPart = load;
  changed = f;
  return stored('consent-gate') == null && lazy('banner');
}

/**
 * Starts loading the notice when the page has a notice container, and the gating when it has a
 * gated element (once the document is parsed): before the wasm starts, so a notice in the page is
 * drawn at start, and the gating is ready for start's decision.
 */
export function lazyParts() {
  scanGated();
  return containers().length && lazy('notice');
}

/**
 * Carries out one step of the interface (src/web/ui.rs `Part`), `a` describing it: 0 show the
 * banner, 1 hide it, 2 add the "Privacy choices" button, 3 open the preferences dialog (focus
 * back to the control clicked, else to the element focused now), 4 close it, 5 draw the notice,
 * 6 set the switches, 7 put `a` in the status line of the part clicked, 8 the categories switched
 * on there. What a step throws (a failing page hook) leaves it undone and goes no further: the
 * wasm imports this without catch glue.
 */
export const ui = guard(uiStep);

function uiStep(part, a) {
  const at = clickedScope;
  if (part == 0 && d.body) {
    // Built and shown by consent-gate-banner.js (`kit.banner_`: the banner shown now).
    const turn = ++bannerTurns;
    lazy('banner').then((m) => m && turn == bannerTurns && !kit.banner_ && bannerOpen((kit.banner_ = m.default(kit, a))));
  } else if (part == 1) {
    bannerTurns++;
    kit.banner_?.remove();
    kit.banner_ = null;
    bannerOpen(false);
  } else if (part == 2 && d.body) {
    // Last in the page; its icon is drawn by the stylesheet, the label alone names it. Hidden
    // until its stylesheet is here (the script tag links it now): unstyled, it would sit in the
    // page's flow.
    const b = mark(button(d.body, a[3], 'prefs', a[2]), a, 'reopen');
    b.id = 'cg-reopen';
    b.hidden = true;
    new Promise((r) => r(loadPart('css'))).then(
      () => (b.hidden = false),
      (e) => console.error('consent-gate: ' + e + ', so the "Privacy choices" button is not shown'),
    );
  } else if (part == 3 && d.body) {
    // Built and opened by consent-gate-dialog.js, which the first opening loads.
    sync(a[7][5]);
    const opener = clickedControl || d.activeElement;
    const turn = ++dialogTurns;
    lazy('dialog').then((m) => m && turn == dialogTurns && (kit.dialog_ = m.default(kit, a, opener, kit.dialog_, ID)));
  } else if (part == 4) {
    dialogTurns++;
    kit.dialog_?.close();
  } else if (part == 5) {
    noticeDesc = a;
    kit.switchedOn_ = a[2][5];
    drawNotice();
  } else if (part == 6) {
    sync(a);
  } else if (part == 7) {
    const s = at.querySelector('.cg-status');
    if (s) s.textContent = said(a);
  } else if (part == 8) {
    return [...at.querySelectorAll('[data-cg-category][aria-checked="true"]')].map((s) => s.dataset.cgCategory);
  }
}

// Captured when this file runs, like the built-ins the copies use: a page script that replaces it
// later cannot change the record a page or the visitor gets.
export const { parse } = JSON;

/** The consent record from the wasm's JSON text (`app::record_view`); null for none. */
export const record = (json) => (json == null ? null : parse(json));

/** Offers the consent record as a downloaded file (consent-gate-dialog.js, whose button asks). */
export const download = (json) => lazy('dialog').then((m) => m?.download(d, record(json)));

// The top page's pathname or hash when this page is framed by one of the same site (another
// site's throws on access: `read`'s guard gives undefined then, which the wasm reads as '').
const top = (k) => (w.top != w ? w.top.location[k] : '');

// A property read on its own: one whose getter throws (a hostile page) reads as absent.
const prop = (o, k) => {
  try {
    return o[k];
  } catch (e) {}
};

/** Do Not Track: the first of its three sources that is a string; undefined when none is. */
const dnt = () => [prop(w.navigator, 'doNotTrack'), prop(w, 'doNotTrack'), prop(w.navigator, 'msDoNotTrack')].find((v) => typeof v == 'string');

/**
 * Global Privacy Control: '1' when it is true, '' when not, undefined when the browser has no such
 * property (read through `read`: no import of its own).
 */
const gpc = (v = prop(w.navigator, 'globalPrivacyControl')) => (v === undefined ? v : v === true ? '1' : '');

/** Bytes in lowercase hex. */
const hex = (bytes) => Array.from(bytes, (x) => (x + 256).toString(16).slice(1)).join('');

/** 16 random bytes in hex: record and event ids. Every browser that runs WebAssembly has crypto. */
function randomId() {
  const a = new Uint8Array(16);
  try {
    w.crypto.getRandomValues(a);
  } catch (e) {}
  return hex(a);
}

/** `document.cookie`. When reading it throws (cookies blocked), `read`'s guard gives undefined,
 * which the wasm reads as none. */
const cookies = () => d.cookie;

/** `<html lang>`, or undefined. */
const htmlLang = () => d.documentElement?.getAttribute('lang');

/**
 * What the wasm reads from the page, by number: `location`'s pathname (0), hash (1), hostname (2),
 * protocol (3) or origin (4), `document.referrer` (5), in a frame of a same-site page the top
 * page's pathname (6) or hash (7) ('' otherwise), Do Not Track (8), `<html lang>` (9), a random id
 * (10), `document.cookie` (11), Global Privacy Control (12), the localStorage item
 * `consent-gate` (13: the record), `consent-gate-log` (14: the consent log's queue) or
 * `consent-gate-pending` (15: withdrawals queued before a start). One import for them all: fewer
 * bytes than one each.
 */
export const read = guard((what) =>
  what > 12
    ? stored('consent-gate' + ['', '-log', '-pending'][what - 13])
    : what > 7
      ? [dnt, htmlLang, randomId, cookies, gpc][what - 8]()
      : what > 5
        ? top(what > 6 ? 'hash' : 'pathname')
        : what > 4
          ? d.referrer
          : location[['pathname', 'hash', 'hostname', 'protocol', 'origin'][what]],
);

/** `navigator.languages`, most preferred first. */
export const languages = guard(() => w.navigator.languages || [], []);

// 1 from the first `lend` until the JS stack empties (a microtask runs only then): a session the
// wasm lent out meanwhile is held by a frame still up, not by one a page's exception unwound (see
// `session` in src/web/app.rs). The microtask is an `await`'s: no page script can replace it (one
// that replaced `queueMicrotask` before this ran could lend the session twice).
let lending = 0;
const lend = () => lending || ((lending = 1), (async () => (await 0, (lending = 0)))(), 0);

// ---- storage ----

/** The localStorage item `key` (the consent-log queue, a pending withdrawal); null when there is none or storage is blocked. */
export function stored(key) {
  try {
    // A `getItem` a page replaced may answer with something else than a string or null.
    const v = w.localStorage.getItem(key);
    return typeof v == 'string' ? v : null;
  } catch (e) {
    return null;
  }
}

/**
 * `s.setItem(k, v)` for the wasm (the record's write, on the localStorage gloo-storage found):
 * true when it went through, false when it threw (storage full, or blocked).
 */
export const setItem = guard((s, k, v) => (s.setItem(k, v), true), false);

/** Stores `value` under `key` as Rust or `api.js` wrote it; an empty one deletes it. */
export function store(key, value) {
  try {
    if (value) w.localStorage.setItem(key, value);
    else w.localStorage.removeItem(key);
  } catch (e) {}
}

/**
 * The consent log's hashing (`send` false) or delivery (true), in consent-gate-log.js (src/js/log.js),
 * which only the wasm with the log asks for: in order, once it is here. When it cannot load, the
 * events stay queued in localStorage for the next page.
 */
const logAct = (send) => (a, b) => lazy('log').then((m) => m && (send ? m.send : m.default)(a, b, changed, hex));

// The console is looked up when a message is written, as a page's wrapper of it expects.
const acts = [
  store,
  logAct(),
  logAct(1),
  loadGtag,
  // `document.cookie = a`, true; when that throws, `act`'s guard gives false.
  (a) => ((d.cookie = a), true),
  // `window[a]` (the ga-disable kill switches); what a page setter throws `act`'s guard keeps.
  (a) => (w[a] = true),
  (a) => (w[a] = false),
  (m) => console.error(said(m)),
  (m) => console.warn(said(m)),
  (m) => console.info(m),
  // Whether `window.localStorage` can be read (blocked storage throws: `act`'s guard gives false).
  () => w.localStorage,
  // Reloads the page (after a withdrawal, when the site asks for it).
  () => location.reload(),
  lend,
];

/**
 * What the wasm does with one or two strings, by number: store `b` under the key `a` (0, `store`),
 * keep the log endpoint `a` and hash the notice `b` (1, `logHash`), send the event `b` with the id
 * `a` (2, `logSend`), load gtag.js for the tag id `a` with the nonce `b` (3, `loadGtag`), assign
 * `a` to `document.cookie` (4: whether that went through), set `window[a]` to true (5)
 * or false (6), write `a` to the console as an error (7), a warning (8) or information (9), tell
 * whether `window.localStorage` can be read (10), reload the page (11), tell whether the JS stack
 * has stayed up since the last time (12, `lend`). One import for them all:
 * fewer bytes than one each. Always a boolean (the others give false), as
 * the wasm's import is declared.
 */
export const act = guard((what, a, b) => !!acts[what](a, b), false);
