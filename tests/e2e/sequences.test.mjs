// Choices survive: random sequences of accept / reject / toggle / reload / revision change, driven
// in the browser. After every step the stored record equals the visitor's last explicit choice,
// and the Google tags on the page match it. Seeded, so a failure can be replayed (SEQ_SEED).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { browser, interceptGoogle, root, serveForFile } from './harness.mjs';

const SEQUENCES = Number(process.env.SEQ_COUNT || 200);
const SEED = Number(process.env.SEQ_SEED || 20261128);
const OPTIONAL = ['functional', 'analytics', 'advertising'];
const baseConfig = JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));

const server = serveForFile();

// mulberry32: small and deterministic.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The categories the stored value grants, read straight from localStorage (cg1|…|cat:1u+…|sum). */
function storedGrants(value) {
  if (!value) return null;
  const fields = value.split('|');
  const out = {};
  for (const item of fields[10].split('+')) {
    const [cat, state] = item.split(':');
    out[cat] = state[0] === '1';
  }
  return out;
}

async function until(condition, ms = 3000) {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

async function loadPage(page) {
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.ConsentGate && window.ConsentGate.getConsent() !== null);
}

// One random stream for the whole file: the batches below run in order and draw from it, so the
// sequences are the same whichever batch size is used. Batches keep each test well inside the
// test command's per-test timeout on a slow or busy machine.
const random = rng(SEED);
const BATCH = 50;

for (let first = 0; first < SEQUENCES; first += BATCH) {
  const last = Math.min(first + BATCH, SEQUENCES);
  test(`random sequences ${first} to ${last - 1} of ${SEQUENCES}: the stored record is always the last explicit choice, and tags match it`, () => sequences(first, last));
}

async function sequences(first, last) {
  const b = await browser();
  for (let n = first; n < last; n++) {
    const context = await b.newContext();
    const net = await interceptGoogle(context);
    let revision = 1;
    await context.route('**/consent.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ...baseConfig, revision: String(revision) }) }));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await loadPage(page);
    let expected = null; // null: undecided
    let gtagAtLoad = net.gtag().length;
    // gtag.js scripts added to the current page so far (from the last state read).
    let scriptsOnPage = 0;
    const steps = [];
    const length = 3 + Math.floor(random() * 6);
    for (let s = 0; s < length; s++) {
      const r = random();
      const step = r < 0.2 ? 'accept' : r < 0.4 ? 'reject' : r < 0.7 ? 'toggle' : r < 0.9 ? 'reload' : 'revision';
      steps.push(step);
      const where = `sequence ${n} (seed ${SEED}) steps ${steps.join(' ')}`;
      if (step === 'accept' || step === 'reject') {
        const banner = await page.locator('#cg-banner').count();
        if (banner && random() < 0.5) await page.click(`#cg-banner [data-cg="${step}"]`);
        else await page.evaluate((s) => (s === 'accept' ? ConsentGate.acceptAll() : ConsentGate.rejectAll()), step);
        expected = Object.fromEntries(OPTIONAL.map((c) => [c, step === 'accept']));
      } else if (step === 'toggle') {
        const cat = OPTIONAL[Math.floor(random() * OPTIONAL.length)];
        const current = await page.evaluate(() => ConsentGate.getConsent().categories);
        await page.evaluate(() => ConsentGate.showPreferences());
        await page.click(`#cg-prefs [data-cg-category="${cat}"]`);
        await page.click('#cg-prefs [data-cg="save"]');
        expected = Object.fromEntries(OPTIONAL.map((c) => [c, c === cat ? !current[c] : current[c]]));
      } else if (step === 'reload' || step === 'revision') {
        if (step === 'revision') {
          revision++;
          expected = null;
        }
        // A gtag.js added just before (an accept) may not have reached the interceptor yet: let it
        // arrive, so that it is not counted as a request of the next load.
        await until(() => net.gtag().length - gtagAtLoad >= scriptsOnPage);
        gtagAtLoad = net.gtag().length;
        await loadPage(page);
      }
      // A record of an older revision is stored: the banner's file is asked for at start, and the
      // banner shows when it arrives.
      if (expected === null) await page.locator('#cg-banner').waitFor({ timeout: 5000 }).catch(() => {});
      const state = await page.evaluate(() => ({
        stored: localStorage.getItem('consent-gate'),
        consent: ConsentGate.getConsent(),
        banner: !!document.getElementById('cg-banner'),
        gaOff: window['ga-disable-G-DEMO12345'],
        adsConfigured: dataLayer.some((e) => e[0] === 'config' && e[1] === 'AW-123456789'),
        gtagScripts: document.querySelectorAll('script[src*="gtag/js"]').length,
      }));
      scriptsOnPage = state.gtagScripts;
      if (expected === null) {
        assert.equal(state.consent.decided, false, where);
        assert.equal(state.banner, true, where);
        assert.equal(state.gtagScripts, 0, where);
      } else {
        const grants = storedGrants(state.stored);
        for (const c of OPTIONAL) {
          assert.equal(grants[c], expected[c], `${where}: stored ${c}`);
          assert.equal(state.consent.categories[c], expected[c], `${where}: state ${c}`);
        }
        assert.equal(state.consent.decided, true, where);
        assert.equal(state.banner, false, where);
        assert.equal(state.gaOff, !expected.analytics, `${where}: ga-disable`);
        // A loaded script cannot be unloaded; what matters is that it is off and not re-added.
        if (expected.analytics || expected.advertising) assert.equal(state.gtagScripts, 1, `${where}: gtag.js present once`);
        if (expected.advertising) assert.equal(state.adsConfigured, true, `${where}: Ads configured`);
      }
      if (step === 'reload' || step === 'revision') {
        // gtag.js loads with the GA id when analytics is granted, else with the Ads id when only
        // advertising is; the request reaches the interceptor a moment after the script is added.
        const ga = expected && expected.analytics ? 1 : 0;
        const ads = expected && expected.advertising && !expected.analytics ? 1 : 0;
        const since = () => net.gtag().slice(gtagAtLoad);
        if (ga || ads) await until(() => since().length >= 1);
        else await page.waitForTimeout(50);
        const loaded = since();
        const detail = `${where}: gtag.js on this load ${JSON.stringify(loaded)} for ${JSON.stringify(expected)}`;
        assert.equal(loaded.filter((u) => u.includes('id=G-')).length, ga, detail);
        assert.equal(loaded.filter((u) => u.includes('id=AW-')).length, ads, detail);
        if (!(expected && expected.advertising)) assert.equal(state.adsConfigured, false, `${where}: no Ads config`);
      }
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
}
