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
  // Drawn into the privacy page's notice container (the renderer is a chunk of its own).
  notice: { sections: [{ heading: 'Your choices', blocks: [{ controls: true }] }] },
}).catch((e) => console.error(e));

on('change', (state) => {
  document.getElementById('consent-status').textContent = 'Consent: analytics ' + (state.categories.analytics ? 'allowed' : 'refused');
});

document.getElementById('cookie-settings').addEventListener('click', () => showPreferences());
