// The npm entry point: ES module named exports, the same names as window.ConsentGate.
import * as api from './api.js';

export { getConsent, getConsentRecord, setConsent, acceptAll, rejectAll, showPreferences, on, off, consentDefaults } from './api.js';

/** Starts consent-gate; the wasm is found next to this module unless `options.wasm` says where. */
export function init(config, options) {
  return api.init(config, Object.assign({ wasm: new URL('./consent_gate_bg.wasm', import.meta.url) }, options));
}
