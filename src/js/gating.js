// Gated page scripts and iframes (README "Gating page scripts and embeds"), in a file of its own:
// only pages that have one load it (the script tag imports consent-gate-gating.js from next to
// itself, the ES module through a dynamic import the site's bundler splits off), while the wasm
// loads. What is allowed core decided; `k` is bridge.js's builders and the state `gate` last set
// (`granted_`, `nonce_`, `texts_`, `sensitive_`), read when each element's turn comes.
import { trusted } from './trusted.js';

let k;
// Iframes loaded so far: a frame, unlike a script, can be unloaded again.
const frames = new Set();
let chain = Promise.resolve();

const allowed = (el) => k.has_(k.granted_, el.dataset.consentCategory) && trusted(k, el);

/**
 * Activates gated scripts and iframes of the allowed categories, in document order; iframes of
 * other categories get a placeholder. With `all` (the state changed), loaded iframes that are no
 * longer allowed are unloaded first.
 */
export default function scan(kit, all) {
  k = kit;
  // One the visitor loaded by its own button stays, but not on a sensitive page, and only until
  // its category is allowed: from then on it follows the category like the others.
  for (const f of all ? frames : []) {
    if (allowed(f)) f.cgByVisitor = 0;
    else if (k.sensitive_ || !f.cgByVisitor) unloadFrame(f);
  }
  for (const el of k.d_.querySelectorAll(k.GATED_)) {
    const ok = allowed(el);
    try {
      if (el.tagName == 'SCRIPT') {
        if (ok && !el.cgQueued) queueScript(el);
      } else if (ok) {
        loadFrame(el);
      } else if (!el.cgHolder) {
        placehold(el);
      } else {
        el.cgHolder.cgLoad.hidden = k.sensitive_;
      }
    } catch (e) {
      // One broken element (an unparsable data-src) must not stop the others.
      console.error('consent-gate: a gated element was skipped (' + e + ')');
    }
  }
}

// Types a browser runs as a classic or module script; any other type never fires load or error.
const JS_TYPE = /^(|module|(text|application)\/(x-)?(java|ecma)script(1\.[0-5])?|text\/(jscript|livescript))$/i;

function queueScript(old) {
  old.cgQueued = 1;
  // External scripts load one after another, in document order, so that dependencies hold.
  // Each step settles, whatever happens in it, so one bad script never stalls the rest.
  const step = () => new Promise((done) => insertScript(old, done)).catch(() => {});
  chain = chain.then(step, step);
}

function insertScript(old, done) {
  // Consent and the page rule are checked now, not when queued: the visitor may have withdrawn,
  // or the app navigated to a sensitive page, while an earlier script was loading.
  if (!allowed(old)) {
    old.cgQueued = 0;
    return done();
  }
  try {
    const s = k.d_.createElement('script');
    for (const a of old.attributes) {
      if (a.name != 'type' && a.name != 'data-src' && a.name != 'data-consent-category') s.setAttribute(a.name, a.value);
    }
    const type = old.dataset.type || '';
    if (type) s.type = type;
    const n = old.nonce || k.nonce_;
    if (n) s.nonce = n;
    const src = old.dataset.src || old.getAttribute('src');
    const waits = src && JS_TYPE.test(type.trim());
    if (src) {
      s.async = false;
      s.onload = s.onerror = done;
      s.src = new URL(src, k.BASE_).href;
    } else {
      s.textContent = old.textContent;
    }
    if (old.parentNode) old.replaceWith(s);
    else k.d_.head.appendChild(s);
    if (!waits) done();
  } catch (e) {
    console.error('consent-gate: a gated script failed (' + e + ')');
    done();
  }
}

function loadFrame(f, byVisitor) {
  f.cgSrc = f.dataset.src;
  f.cgByVisitor = byVisitor;
  f.src = new URL(f.cgSrc, k.BASE_).href;
  delete f.dataset.src;
  f.hidden = false;
  if (f.cgHolder) f.cgHolder.remove();
  f.cgHolder = null;
  frames.add(f);
}

function unloadFrame(f) {
  frames.delete(f);
  f.dataset.src = f.cgSrc;
  f.src = 'about:blank';
  placehold(f);
}

/**
 * The placeholder before iframe `f`: `k.texts_` is [notice text with {name}, load button text,
 * preferences button text, language, direction].
 */
function placehold(f) {
  const texts = k.texts_;
  if (!texts) return;
  const box = k.el_('div', 'cg-root cg-embed');
  box.lang = texts[3];
  box.dir = texts[4];
  k.el_('p', '', texts[0].replace('{name}', f.dataset.consentName || f.title || new URL(f.dataset.src, k.BASE_).host), box);
  const load = k.button_(box, texts[1]);
  // The visitor's own click loads this one embed, except on a sensitive page.
  load.onclick = () => k.sensitive_ || !trusted(k, f) || loadFrame(f, 1);
  load.hidden = k.sensitive_;
  box.cgLoad = load;
  k.button_(box, texts[2]).dataset.consentGate = 'preferences';
  f.hidden = true;
  f.cgHolder = box;
  f.before(box);
}
