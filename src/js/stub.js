// The synchronous first step. It must run before any Google tag: it defines dataLayer and gtag
// and denies every Consent Mode type but security_storage until the wasm knows the visitor's
// choice. (Core's list of the seven types is `CONSENT_TYPES` in src/core/decide.rs; a native test
// in src/core/tests/session.rs checks this copy against it. The configured waitForUpdate, once
// known, follows in a second default: see `Session::start`.)
import { gtag } from './bridge.js';

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
  const denied = 'denied';
  gtag('consent', 'default', {
    ad_storage: denied,
    ad_user_data: denied,
    ad_personalization: denied,
    analytics_storage: denied,
    functionality_storage: denied,
    personalization_storage: denied,
    security_storage: 'granted',
    wait_for_update: o.waitForUpdate == null ? 500 : o.waitForUpdate,
  });
  if (o.adsDataRedaction !== false) gtag('set', 'ads_data_redaction', true);
  if (o.urlPassthrough) gtag('set', 'url_passthrough', true);
}
