// The script-tag build: `<script src=".../consent-gate.js" data-config="/consent.json">`.
// It runs synchronously in <head>: Consent Mode defaults first, then it loads the wasm from next
// to itself and starts once the configuration has arrived. Its stylesheets are linked only when
// something of consent-gate's is drawn (see `sheet`).
import * as api from './api.js';
// `parse`: JSON.parse as captured when bridge.js ran, before page scripts, so that a page
// overriding it cannot interfere.
import { d, parse } from './bridge.js';

(function () {
  const w = window;
  const me = d.currentScript;
  // Consent Mode defaults before anything else, even when this copy then steps aside: whatever
  // holds the page (another copy, or a value a page script put there), no Google tag may start
  // without them.
  api.consentDefaults();
  if (!api.claim()) return;
  // The region hint is read now, in <head>: once the body is parsed, a stray `<html
  // data-consent-region>` in injected markup would have been merged into the root element.
  const region = me?.dataset.region || d.documentElement.dataset.consentRegion;
  const base = new URL('.', me?.src || d.baseURI).href;
  // The stylesheets, each linked once, when first needed, right after this script (or at the end
  // of <head>), in the order asked for, so that the site's own rules win or lose against them as
  // they would where the tag is: consent-gate.css (the theme, the "Privacy choices" button, the
  // embed placeholders; most page views, of visitors who decided, draw none of them), then
  // consent-gate-ui.css (the banner's, dialog's and notice's rules). Each resolves once its rules
  // apply, and rejects with why when it cannot load.
  const sheets = {};
  let after = me?.isConnected && me.parentNode == d.head ? me : null;
  const sheet = (name) =>
    (sheets[name] ||= new Promise((done, fail) => {
      const l = d.createElement('link');
      l.rel = 'stylesheet';
      l.href = base + name;
      l.onload = done;
      l.onerror = () => fail('its stylesheet, ' + name + ', did not load');
      after?.isConnected ? after.after(l) : d.head.append(l);
      after = l;
    }));
  // What the script tag knows (the wasm next to it, the region), for a page that starts it itself.
  // `data-log`: the site has a consent log; `data-notice`: this page may show the notice (a
  // single-page app whose notice container mounts after start): the log wasm is loaded at once.
  const init = (config, options) =>
    api.init(
      config,
      Object.assign(
        { wasm: base + 'consent_gate_bg.wasm', logWasm: base + 'consent_gate_log_bg.wasm', log: me?.hasAttribute('data-log'), notice: me?.hasAttribute('data-notice'), region, texts, load },
        options,
      ),
    );
  // The parts in files of their own next to the script (ES modules), loaded only when needed:
  // consent-gate-notice.js on pages with a notice, consent-gate-dialog.js when the dialog opens.
  // The banner, the dialog and the notice also wait for both stylesheets: without them the part
  // is not drawn, as when its own file cannot load (the console says so once): unstyled, the
  // site's rules could hide a banner that still takes clicks. The gating's placeholders take the
  // first when it arrives; `css` is that sheet alone (the "Privacy choices" button waits for it).
  const load = (name) => {
    const part = name != 'css' && import(base + 'consent-gate-' + name + '.js');
    // The consent log's delivery draws nothing.
    if (name == 'log') return part;
    const theme = sheet('consent-gate.css');
    if (!part) return theme;
    if (name == 'gating') return theme.catch(() => {}), part;
    return Promise.all([part, theme, sheet('consent-gate-ui.css')]).then((m) => m[0]);
  };
  // A language file next to the script: its texts, or why they could not be had.
  const texts = (lang) =>
    fetch(base + 'i18n/' + lang + '.json')
      .then((r) => (r.ok ? r.json() : 'HTTP ' + r.status))
      .catch(String);
  w.ConsentGate = {
    init,
    getConsent: api.getConsent,
    getConsentRecord: api.getConsentRecord,
    setConsent: api.setConsent,
    acceptAll: api.acceptAll,
    rejectAll: api.rejectAll,
    showPreferences: api.showPreferences,
    on: api.on,
    off: api.off,
    consentDefaults: api.consentDefaults,
  };
  if (me?.hasAttribute('data-manual')) return;
  const url = me?.dataset.config;
  let config;
  if (url) {
    const bad = (why) => {
      throw 'data-config "' + url + '": ' + why;
    };
    config = fetch(url, { credentials: 'same-origin' }).then(
      (r) =>
        r.ok
          ? r.text().then((t) => {
              try {
                return parse(t);
              } catch (e) {
                bad('expected valid JSON (' + e.message + ')');
              }
            })
          : bad('HTTP ' + r.status + ', expected the configuration JSON'),
      () => bad('the request failed, expected the configuration JSON'),
    );
  } else {
    const inline = d.getElementById('consent-gate-config');
    try {
      config = inline ? parse(inline.textContent) : {};
    } catch (e) {
      config = Promise.reject('#consent-gate-config: expected valid JSON (' + e.message + ')');
    }
  }
  // Errors are already on the console, once; the rejection is for callers of init().
  init(config).catch(() => {});
})();
