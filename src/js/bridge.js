// The small JavaScript the wasm imports: what Rust cannot express (the `arguments` object that
// gtag needs), or only at a larger size (callbacks, script chains, observers).
const w = window;
const d = document;

/** Pushes `arguments` onto dataLayer: gtag.js ignores plain arrays (TOOLCHAIN trap 5). */
export function gtag() {
  (w.dataLayer = w.dataLayer || []).push(arguments);
}

/** Injects gtag.js for `id` (the first configured tag id), with the site's nonce. */
export function loadGtag(id, nonce) {
  gtag('js', new Date());
  const s = d.createElement('script');
  s.async = true;
  s.src = 'https://www.googletagmanager.com/gtag/js?id=' + encodeURIComponent(id);
  if (nonce) s.nonce = nonce;
  d.head.appendChild(s);
}

// ---- events: on/off, CustomEvents on document, late subscribers get the last value ----
const handlers = {};
const last = {};

/** Calls every handler of `name` and fires `consent-gate:<name>` on document. */
export function emit(name, detail) {
  last[name] = detail;
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

/** Subscribes; a late subscriber receives the current state at once. */
export function on(name, f) {
  (handlers[name] = handlers[name] || []).push(f);
  if (name in last) call(f, last[name]);
}

/** Unsubscribes. */
export function off(name, f) {
  handlers[name] = (handlers[name] || []).filter((g) => g !== f);
}

// ---- generic gating: <script type="text/plain" data-consent-category> and iframes ----
let granted = [];
let nonce = '';
let texts = null;
let observer = null;
let chain = Promise.resolve();

/**
 * Activates gated scripts and iframes of the `allowed` categories, in document order, and keeps
 * doing so for elements added later. Iframes of other categories get a placeholder.
 * `placeholder` is [notice text with {name}, load button text, preferences button text].
 */
export function gate(allowed, scriptNonce, placeholder) {
  granted = allowed;
  nonce = scriptNonce || '';
  texts = placeholder;
  scan();
  if (!observer && w.MutationObserver) {
    observer = new MutationObserver(scan);
    observer.observe(d.documentElement, { childList: true, subtree: true });
  }
}

function scan() {
  for (const el of d.querySelectorAll('script[type="text/plain"][data-consent-category],iframe[data-consent-category][data-src]')) {
    const ok = granted.includes(el.getAttribute('data-consent-category'));
    if (el.tagName == 'SCRIPT') {
      if (ok && !el.cgQueued) queueScript(el);
    } else if (ok) {
      loadFrame(el);
    } else if (!el.cgHolder) {
      placehold(el);
    }
  }
}

function queueScript(old) {
  old.cgQueued = 1;
  // External scripts load one after another, in document order, so that dependencies hold.
  chain = chain.then(
    () =>
      new Promise((done) => {
        const s = d.createElement('script');
        for (const a of old.attributes) {
          if (a.name != 'type' && a.name != 'data-src' && a.name != 'data-consent-category') s.setAttribute(a.name, a.value);
        }
        const type = old.getAttribute('data-type');
        if (type) s.type = type;
        const n = old.nonce || nonce;
        if (n) s.nonce = n;
        const src = old.getAttribute('data-src') || old.getAttribute('src');
        if (src) {
          s.async = false;
          s.onload = s.onerror = done;
          s.src = src;
        } else {
          s.textContent = old.textContent;
        }
        if (old.parentNode) old.replaceWith(s);
        else d.head.appendChild(s);
        if (!src) done();
      }),
  );
}

function loadFrame(f) {
  f.src = f.getAttribute('data-src');
  f.removeAttribute('data-src');
  f.hidden = false;
  if (f.cgHolder) f.cgHolder.remove();
  f.cgHolder = null;
}

function placehold(f) {
  if (!texts) return;
  const box = d.createElement('div');
  box.className = 'cg-root cg-embed';
  box.setAttribute('lang', texts[3]);
  const p = d.createElement('p');
  p.textContent = texts[0].replace('{name}', f.getAttribute('data-consent-name') || f.getAttribute('title') || new URL(f.getAttribute('data-src'), d.baseURI).host);
  const load = button(texts[1]);
  load.onclick = () => loadFrame(f);
  const prefs = button(texts[2]);
  prefs.setAttribute('data-cg', 'prefs');
  box.append(p, load, prefs);
  f.hidden = true;
  f.cgHolder = box;
  f.before(box);
}

function button(text) {
  const b = d.createElement('button');
  b.type = 'button';
  b.className = 'cg-btn';
  b.textContent = text;
  return b;
}

// ---- single-page apps: a callback on every history change ----
/** Calls `f` after pushState, replaceState and popstate. */
export function watchNavigation(f) {
  for (const m of ['pushState', 'replaceState']) {
    const orig = history[m];
    history[m] = function () {
      const r = orig.apply(this, arguments);
      f();
      return r;
    };
  }
  w.addEventListener('popstate', () => f());
}

/** Opens a modal dialog and returns focus to `opener` when it closes (APG dialog pattern). */
export function openModal(dialog, opener) {
  dialog.addEventListener('close', () => opener && opener.isConnected && opener.focus(), { once: true });
  if (!dialog.open) dialog.showModal();
}

/** Offers `text` as a downloaded file. */
export function download(name, text) {
  const a = d.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  a.download = name;
  d.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Reloads the page (after a withdrawal, when the site asks for it). */
export function reload() {
  location.reload();
}
