// The site's entry point: consent-gate imported by package name, as any npm user would.
import './public-path.js';
import { consentDefaults, init, on, showPreferences } from 'consent-gate';
import 'consent-gate/consent-gate.css';

// Synchronously, before any Google tag: Consent Mode defaults.
consentDefaults();

init({
  revision: '1',
  privacyUrl: '/privacy.html',
  googleAnalytics: 'G-WEBPACK001',
}).catch((e) => console.error(e));

on('change', (state) => {
  document.getElementById('consent-status').textContent = 'Consent: analytics ' + (state.categories.analytics ? 'allowed' : 'refused');
});

document.getElementById('cookie-settings').addEventListener('click', () => showPreferences());
