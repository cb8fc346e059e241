// consent-gate for the whole app: started once, and a hook that re-renders on every change.
import { consentDefaults, getConsent, init, off, on } from 'consent-gate';
import type { ConsentState } from 'consent-gate';
import { useSyncExternalStore } from 'react';
import 'consent-gate/consent-gate.css';

// At module level, not in an effect: a module runs once, while <StrictMode> runs effects twice in
// development (a second init() would only return the first one's promise, with a warning).
consentDefaults();
init({
  revision: '1',
  privacyUrl: '/privacy',
  googleAnalytics: 'G-REACTAPP01',
  sensitivePaths: ['/patient-portal/*'],
  notice: { sections: [{ heading: 'Your choices', blocks: [{ p: 'Change them here at any time.' }, { controls: true }] }] },
  // The privacy route mounts its notice container after start: the wasm that draws it at once.
}, { notice: true }).catch((e: Error) => console.error(e));

function subscribe(onStoreChange: () => void): () => void {
  on('change', onStoreChange);
  return () => off('change', onStoreChange);
}

/** The consent state (null until consent-gate has started); the component re-renders on every change. */
export function useConsent(): ConsentState | null {
  // getConsent() returns the same (frozen) object until the state changes: it is the snapshot.
  return useSyncExternalStore(subscribe, getConsent);
}
