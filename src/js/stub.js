// The synchronous first step. It must run before any Google tag: it defines dataLayer and gtag
// and denies every Consent Mode type but security_storage until the wasm knows the visitor's
// choice. (`mode` in bridge.js writes the seven types, core's `CONSENT_TYPES` in
// src/core/decide.rs; a native test in src/core/tests/session.rs checks both files. The configured
// waitForUpdate, once known, follows in a second default: see `Session::start`.)
import { gtag, mode } from './bridge.js';

/**
 * Sets Google Consent Mode v2 defaults. Safe to call more than once.
 * @param {{waitForUpdate?: number, urlPassthrough?: boolean, adsDataRedaction?: boolean}} [options]
 */
export function consentDefaults(options) {
  const w = window;
  const o = options || {};
  // A symbol, not a name: page markup can shadow a window name (`<img name=…>`), not a symbol.
  const done = Symbol.for('consent-gate.defaults');
  if (w[done]) return;
  w[done] = true;
  // Our own pusher (bridge.js): a page's gtag that pushes arrays would be ignored by gtag.js.
  if (typeof w.gtag != 'function') w.gtag = gtag;
  // Only security_storage granted (its bit, 64: `SECURITY_STORAGE` in src/core/decide.rs).
  gtag('consent', 'default', mode(64, { wait_for_update: o.waitForUpdate == null ? 500 : o.waitForUpdate }));
  if (o.adsDataRedaction !== false) gtag('set', 'ads_data_redaction', true);
  if (o.urlPassthrough) gtag('set', 'url_passthrough', true);
}
