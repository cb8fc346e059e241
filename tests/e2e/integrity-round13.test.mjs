// The thirteenth adversarial round: `sensitivePaths` read a path's escapes before resolving its
// `.` and `..`, so `/patient-portal/123%2F..%2F..%2Fhome` read as `/home`. The browser keeps `%2F`
// in the address, and a server or router that splits the path before decoding it (`%2F` is no
// separator there) serves the portal for it. The path is now also read with its segments
// resolved first: a visitor who accepted everything opens the portal at such an address, and
// nothing goes to Google.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineConfig, openPage, ready, servePagesForFile, settle } from './harness.mjs';

const html = (head, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your results</title>${head}</head><body><main>${body}</main></body></html>`;
const SITE = { revision: '1', googleAnalytics: 'G-ROUND1301', sensitivePaths: ['/patient-portal/*'] };
const TAG = '<script src="/consent-gate/consent-gate.js"></script>';
const PORTAL = html(inlineConfig(SITE) + TAG, '<h1>Your results</h1>');
const PATHS = ['/patient-portal/123%2F..%2F..%2Fhome', '/patient-portal/..%2Fhome', '/patient-portal/%2e%2e%2fhome', '/patient-portal/..%5Chome'];
const server = servePagesForFile({ '/home.html': html(inlineConfig(SITE) + TAG, '<h1>Home</h1>'), ...Object.fromEntries(PATHS.map((p) => [p, PORTAL])) });

test('a visitor who accepted opens the portal at an address whose escaped slash or dots would resolve out of it: the page is sensitive and nothing goes to Google', async () => {
  const { page, context, net } = await openPage();
  await page.goto(server.url + '/home.html');
  await ready(page);
  await page.click('#cg-banner [data-cg="accept"]');
  await page.waitForFunction(() => ConsentGate.getConsent().decided);
  await settle(page);
  assert.ok(net.gtag().length > 0, 'gtag.js loaded on the home page (the control)');
  for (const path of PATHS) {
    const before = net.google.length;
    await page.goto(server.url + path);
    await ready(page);
    await settle(page);
    const seen = await page.evaluate(() => ({ path: location.pathname, sensitive: ConsentGate.getConsent().sensitivePage }));
    assert.deepEqual({ ...seen, google: net.google.slice(before) }, { path, sensitive: true, google: [] }, path);
  }
  await context.close();
});
