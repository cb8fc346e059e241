// A TypeScript usage example, type-checked (tsc --noEmit) against the shipped index.d.ts. Not
// bundled: it only has to compile. Lines marked @ts-expect-error must stay errors, so the types
// are known to reject misuse, not merely to accept everything.
import {
  acceptAll,
  consentDefaults,
  getConsent,
  getConsentRecord,
  init,
  off,
  on,
  rejectAll,
  setConsent,
  showPreferences,
} from 'consent-gate';
import type { ConfigError, ConsentGateConfig, ConsentRecord, ConsentState, InitOptions, SignalState } from 'consent-gate';

const config: ConsentGateConfig = {
  revision: '2026-11-01',
  privacyUrl: '/privacy/',
  categories: [
    { id: 'necessary' },
    { id: 'analytics', description: { en: 'Counts visits', es: 'Cuenta visitas' } },
    { id: 'chat', title: 'Live chat', default: false },
  ],
  googleAnalytics: ['G-XXXXXXX'],
  googleAds: 'AW-123456789',
  consentMode: 'basic',
  signals: { dnt: 'log', gpc: 'honor' },
  sensitivePaths: ['/patient-portal/*'],
  regions: [{ codes: ['US-WA'], defaults: { advertising: false } }],
  cookie: { sameSite: 'Lax' },
  nonce: 'abc123',
};

const options: InitOptions = { wasm: '/assets/consent_gate_bg.wasm', region: 'US-WA' };

consentDefaults({ waitForUpdate: 500 });

async function main(): Promise<void> {
  try {
    const state: ConsentState = await init(config, options);
    const allowed: boolean = state.allowed.includes('analytics');
    const gpc: SignalState['gpc'] = state.signals.gpc;
    console.log(allowed, gpc, state.sources.analytics);
  } catch (e) {
    const problems: string[] = (e as ConfigError).problems;
    console.error(problems);
  }
  const now: ConsentState | null = getConsent();
  const record: ConsentRecord | null = getConsentRecord();
  if (record) console.log(record.sdkVersion, record.method, record.choices[0].granted);
  await setConsent({ analytics: true });
  await acceptAll();
  await rejectAll();
  showPreferences();
  const onChange = (s: ConsentState) => console.log(s.decided, now);
  on('change', onChange);
  off('change', onChange);
  on('signal', (s: SignalState) => console.log(s.dnt));
  document.addEventListener('consent-gate:change', (ev) => console.log(ev.detail.allowed));
  window.ConsentGate?.showPreferences();
  // init also takes a promise of the configuration.
  void init(fetch('/consent.json').then((r) => r.json() as Promise<ConsentGateConfig>));
}

void main();

// @ts-expect-error: no such event
on('ready-ish', () => {});
// @ts-expect-error: consentMode is 'basic' or 'advanced'
const bad: ConsentGateConfig = { consentMode: 'full' };
// @ts-expect-error: setConsent takes booleans
void setConsent({ analytics: 'yes' });
// @ts-expect-error: the state of a 'change' event is not a SignalState
on('change', (s: SignalState) => console.log(s.dnt));
void bad;
