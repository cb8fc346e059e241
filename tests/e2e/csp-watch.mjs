// Helpers for the distribution tests: servers with a Content-Security-Policy and pages that record
// every `securitypolicyviolation` event, in every frame, from the first moment of each document.
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { openPage, root } from './harness.mjs';

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'";

/**
 * The demo site (www/ at /, pkg/ at /consent-gate/, tests/e2e/fixtures/distribution/ at /shop/),
 * with `csp` (if any) on every response and an optional request hook.
 */
export function siteServer({ csp, hook } = {}) {
  return serve({
    mounts: { '/consent-gate/': join(root, 'pkg'), '/shop/': join(root, 'tests', 'e2e', 'fixtures', 'distribution'), '/': join(root, 'www') },
    headers: csp ? { 'Content-Security-Policy': csp } : {},
    hook,
  });
}

/** openPage (harness.mjs) plus `violations`: every CSP violation the page's documents saw. */
export async function openWatched(opts) {
  const s = await openPage(opts);
  const violations = [];
  await s.context.exposeBinding('__cgCspViolation', (_src, v) => violations.push(v));
  await s.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cgCspViolation({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, page: location.pathname }),
    );
  });
  return { ...s, violations };
}
