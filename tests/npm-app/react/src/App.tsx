// Three routes: a home page, a patient portal (a sensitive path: no tag may run there) and the
// privacy page that holds consent-gate's notice (drawn when the route mounts its container).
// Every page shows the consent state from the hook.
import { showPreferences } from 'consent-gate';
import { Link, Route, Routes } from 'react-router';
import { useConsent } from './consent';

export function App() {
  return (
    <>
      <header>
        <h1>Harbor Clinic</h1>
        <nav aria-label="Main">
          <Link to="/">Home</Link> <Link to="/patient-portal/appointments">Patient portal</Link> <Link to="/privacy">Privacy</Link>
        </nav>
      </header>
      <main>
        <Routes>
          <Route path="/" element={<p>A fictional clinic. This app is built by Vite with React from consent-gate installed from npm.</p>} />
          <Route path="/patient-portal/*" element={<h2>Your appointments</h2>} />
          <Route path="/privacy" element={<Privacy />} />
        </Routes>
      </main>
      <footer>
        <ConsentStatus />
        <button type="button" onClick={() => showPreferences()}>
          Cookie settings
        </button>
      </footer>
    </>
  );
}

function Privacy() {
  return (
    <>
      <h2>Privacy</h2>
      <div data-consent-gate="notice" />
    </>
  );
}

function ConsentStatus() {
  const consent = useConsent();
  if (!consent) return <p id="consent-status" aria-live="polite">Consent: starting</p>;
  const analytics = !consent.decided ? 'not decided' : consent.categories.analytics ? 'allowed' : 'refused';
  return (
    <p id="consent-status" aria-live="polite">
      Consent: analytics {analytics}; tags on this page: {consent.sensitivePage ? 'off (sensitive page)' : consent.allowed.join(', ')}
    </p>
  );
}
