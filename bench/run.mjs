// consent-gate benchmark: the same page wired to four consent managers (and variants of consent-gate's
// own install), measured in one headless Chromium session under two profiles (desktop, mobile), all
// interleaved run by run. Writes bench/results/latest.{md,json}.
// This is a measurement, not a test: nothing here asserts on a timing.
//
//   npm run bench                  21 measured runs per library and profile (+1 warm-up round), then size.mjs
//   BENCH_RUNS=5 node bench/run.mjs     a quick run
// Other knobs: BENCH_WARMUP (warm-up rounds per profile, default 1), BENCH_LIBS=klaro,orejime (subset),
// BENCH_PROFILES=mobile (subset of desktop,mobile), BENCH_MOBILE_RUNS (mobile's measured runs, default
// BENCH_RUNS), BENCH_MOBILE_ENCODING (br | gzip | identity, default br), BENCH_CPU_THROTTLE=4 (the
// desktop profile's CPU slow-down factor, default 1 = none), CHROMIUM=/path/to/chromium.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { BENCH_DIR, GTAG_URL, LIBS, PKG_DIR, ROOT } from './libs.mjs';
import { ENCODINGS, startServer } from './server.mjs';

const RUNS = intEnv('BENCH_RUNS', 21);
const WARMUP = intEnv('BENCH_WARMUP', 1);
const MOBILE_RUNS = intEnv('BENCH_MOBILE_RUNS', RUNS);
const CPU_THROTTLE = Number(process.env.BENCH_CPU_THROTTLE || 1);
const MOBILE_ENCODING = process.env.BENCH_MOBILE_ENCODING || 'br';
if (!ENCODINGS.includes(MOBILE_ENCODING)) throw new Error(`BENCH_MOBILE_ENCODING must be one of ${ENCODINGS.join(', ')}`);

// Lighthouse's mobile preset ("mobileSlow4G", lighthouse core/config/constants.js): 150 ms RTT,
// 1.6 Mbps down, 750 kbps up, CPU 4x slower, Moto G Power screen (412x823, DPR 1.75). Throughputs
// converted to bytes/s the way Lighthouse does (kbps * 1024 / 8). Lighthouse's own DevTools-throttling
// mode multiplies the latency by 3.75 and the throughputs by 0.9 to stand in for connection set-up;
// these are the nominal figures, applied per request by Chromium (Network.emulateNetworkConditions).
const MOBILE_NETWORK = {
  latencyMs: 150,
  downloadKbps: 1.6 * 1024,
  uploadKbps: 750,
};
const PROFILES_ALL = [
  {
    id: 'desktop',
    runs: RUNS,
    cpuThrottle: CPU_THROTTLE,
    network: null,
    encoding: 'identity',
    context: { viewport: { width: 1280, height: 800 } },
    screen: '1280×800',
  },
  {
    id: 'mobile',
    runs: MOBILE_RUNS,
    cpuThrottle: 4,
    network: MOBILE_NETWORK,
    encoding: MOBILE_ENCODING,
    context: { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true },
    screen: '412×823 @1.75, mobile, touch',
  },
];
const SETTLE_MS = 500; // the load window ends this long after max(banner visible, load event end)
const BANNER_TIMEOUT_MS = 15000;
const GTAG_TIMEOUT_MS = 10000;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const RESULTS_DIR = join(BENCH_DIR, 'results');

// Google hosts (and subdomains): never reachable here; every request is counted and answered with a stub.
const GOOGLE_RE =
  /(^|\.)(googletagmanager\.com|google-analytics\.com|analytics\.google\.com|doubleclick\.net|googleadservices\.com|googlesyndication\.com|google\.com|gstatic\.com|googleapis\.com)$/i;
const isGoogle = (url) => GOOGLE_RE.test(url.hostname);
const isLocal = (url) => url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:';
const isGtag = (u) => /googletagmanager\.com\/gtag\/js/.test(u);
const GTAG_STUB = 'window.__benchGtagStub = (window.__benchGtagStub || 0) + 1;\n';

function intEnv(name, def) {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// In-page probe, installed with addInitScript before any page script runs.
// - banner "in DOM": performance.now() in the first MutationObserver callback that finds the banner
//   selector in the document.
// - banner "visible": performance.now() in the requestAnimationFrame callback of the first frame in
//   which the banner element is in the DOM, passes Element.checkVisibility({opacity, visibility}) (so
//   no display:none, visibility:hidden or opacity:0 on it or an ancestor), has a non-zero box and
//   intersects the viewport. rAF callbacks run just before that frame's style/layout/paint, so this
//   is the frame that first paints the banner (for a banner that fades in: its first, faint frame).
// - long tasks: PerformanceObserver 'longtask' (buffered).
// - click time: performance.now() in a capture-phase 'click' listener on window (runs before the
//   library's own handler).
function probe({ banner }) {
  const b = (window.__bench = {
    banner,
    inDom: null,
    visible: null,
    visibleFrameTs: null,
    longtasks: [],
    clicks: [],
    gtagInserts: [],
    errors: [],
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    b.errors.push('longtask observer: ' + e.message);
  }
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return false;
    if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) return false;
    return el.checkVisibility({ opacityProperty: true, visibilityProperty: true, checkOpacity: true, checkVisibilityCSS: true });
  };
  const frame = (ts) => {
    if (b.visible !== null) return;
    const el = document.querySelector(banner);
    if (el && shown(el)) {
      b.visible = performance.now();
      b.visibleFrameTs = ts;
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const isJs = (s) => !s.type || /^(text|application)\/(java|ecma)script$|^module$/i.test(s.type);
  new MutationObserver((records) => {
    if (b.inDom === null && document.querySelector(banner)) b.inDom = performance.now();
    for (const r of records)
      for (const n of r.addedNodes)
        if (n.nodeName === 'SCRIPT' && isJs(n) && /googletagmanager\.com\/gtag\/js/.test(n.src || '')) b.gtagInserts.push(performance.now());
  }).observe(document, { childList: true, subtree: true });
  addEventListener('click', () => b.clicks.push(performance.now()), true);
}

// ---------------------------------------------------------------------------------------------
// CDP settings applied to the page before it navigates (the page is still about:blank here).
async function throttle(context, page, profile) {
  if (profile.cpuThrottle <= 1 && !profile.network) return;
  const cdp = await context.newCDPSession(page);
  if (profile.cpuThrottle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuThrottle });
  if (profile.network)
    // Applies to every request of this page, 127.0.0.1 included; throughput is shared by all requests
    // in flight and counts the bytes as sent (compressed). Responses fulfilled by context.route (the
    // Google stubs) never reach the network and are not throttled.
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: profile.network.latencyMs,
      downloadThroughput: Math.floor((profile.network.downloadKbps * 1024) / 8),
      uploadThroughput: Math.floor((profile.network.uploadKbps * 1024) / 8),
    });
}

async function runOnce(browser, lib, origin, profile) {
  const context = await browser.newContext({ ...profile.context, locale: 'en-US' });
  const google = []; // {url, epoch}
  const external = [];
  await context.route(
    (url) => !isLocal(url) && !isGoogle(url),
    (route) => {
      external.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  await context.route(isGoogle, (route) => {
    const url = route.request().url();
    google.push({ url, epoch: performance.timeOrigin + performance.now() });
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: GTAG_STUB });
  });
  await context.addInitScript(probe, { banner: lib.banner });
  const page = await context.newPage();
  await throttle(context, page, profile);
  const bodies = [];
  const requested = {}; // path -> count, for the library's files and the config (a preload must not double them)
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin === origin && (u.pathname.startsWith(lib.prefix) || u.pathname === '/bench-consent.json'))
      requested[u.pathname] = (requested[u.pathname] || 0) + 1;
  });
  page.on('response', (resp) => {
    const u = new URL(resp.url());
    if (u.origin === origin && u.pathname.startsWith(lib.prefix))
      bodies.push(
        resp.body().then(
          (buf) => ({ path: u.pathname, status: resp.status(), body: buf }),
          (e) => ({ path: u.pathname, status: resp.status(), error: String(e.message || e) }),
        ),
      );
  });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e.message || e)));
  const preloadWarnings = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push('console: ' + m.text());
    else if (m.type() === 'warning' && /preload/i.test(m.text())) preloadWarnings.push(m.text());
  });

  const r = { lib: lib.id, profile: profile.id, ok: false };
  try {
    await page.goto(`${origin}/${lib.id}.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__bench && window.__bench.visible !== null, null, {
      timeout: BANNER_TIMEOUT_MS,
      polling: 50,
    });
    const load = await page.evaluate(async ({ settle, prefix }) => {
      const b = window.__bench;
      const nav = performance.getEntriesByType('navigation')[0];
      const end = Math.max(b.visible, nav.loadEventEnd) + settle;
      while (performance.now() < end) await new Promise((res) => setTimeout(res, Math.max(1, end - performance.now())));
      const tasks = b.longtasks.filter((t) => t.start < end);
      return {
        timeOrigin: performance.timeOrigin,
        visible: b.visible,
        visibleFrameTs: b.visibleFrameTs,
        inDom: b.inDom,
        navResponseEnd: nav.responseEnd - nav.fetchStart,
        domContentLoaded: nav.domContentLoadedEventEnd,
        loadEventEnd: nav.loadEventEnd,
        windowEnd: end,
        longTasks: tasks,
        probeErrors: b.errors,
        // bytes of the library's files as they came over the wire (compressed when the profile serves them so)
        encodedBytes: performance
          .getEntriesByType('resource')
          .filter((e) => new URL(e.name).origin === location.origin && new URL(e.name).pathname.startsWith(prefix))
          .reduce((s, e) => s + e.encodedBodySize, 0),
      };
    }, { settle: SETTLE_MS, prefix: lib.prefix });
    Object.assign(r, {
      bannerVisible: load.visible,
      bannerInDom: load.inDom,
      navResponseEnd: load.navResponseEnd,
      domContentLoaded: load.domContentLoaded,
      loadEventEnd: load.loadEventEnd,
      loadWindowEnd: load.windowEnd,
      longTasks: load.longTasks,
      longTaskCount: load.longTasks.length,
      tbt: load.longTasks.reduce((s, t) => s + Math.max(0, t.duration - 50), 0),
      longestTask: load.longTasks.reduce((m, t) => Math.max(m, t.duration), 0),
      probeErrors: load.probeErrors,
      encodedBytes: load.encodedBytes,
    });

    await page.click(lib.accept, { timeout: 5000 });
    const click = await page.evaluate(() => window.__bench.clicks[0] ?? null);
    const clickEpoch = click === null ? Infinity : load.timeOrigin + click;
    // Wait for a gtag.js request after the click (node side: the route handler saw it).
    const deadline = performance.now() + GTAG_TIMEOUT_MS;
    const gtagAfter = () => google.some((g) => isGtag(g.url) && g.epoch >= clickEpoch);
    while (!gtagAfter() && performance.now() < deadline) await new Promise((res) => setTimeout(res, 5));
    const gotGtag = gtagAfter();
    if (gotGtag) {
      // Wait for its resource timing entry (added when the stubbed response completes).
      await page
        .waitForFunction(
          (c) => performance.getEntriesByType('resource').some((e) => /googletagmanager\.com\/gtag\/js/.test(e.name) && e.startTime >= c),
          click,
          { timeout: 3000, polling: 20 },
        )
        .catch(() => {});
    }
    const after = await page.evaluate((c) => {
      const b = window.__bench;
      const res = performance.getEntriesByType('resource');
      const g = res.find((e) => /googletagmanager\.com\/gtag\/js/.test(e.name) && e.startTime >= c);
      return {
        click: c,
        gtagStart: g ? g.startTime : null,
        gtagInserted: b.gtagInserts.find((t) => t >= c) ?? null,
        googleInPage: res
          .filter((e) => /(^|\.)(google|doubleclick|googletagmanager|google-analytics|googlesyndication|googleadservices|gstatic|googleapis)\./.test(new URL(e.name).hostname))
          .map((e) => ({ name: e.name, start: e.startTime })),
      };
    }, click);
    r.clickAt = after.click;
    r.gtagRequested = gotGtag;
    r.gtagRequestStart = after.gtagStart;
    r.gtagScriptInserted = after.gtagInserted;
    // Primary: resource-timing startTime of gtag.js minus the click time (same page clock).
    // Fallback when there is no resource entry: the time the gtag.js <script> was inserted.
    const gStart = after.gtagStart ?? after.gtagInserted;
    r.acceptToGtag = gotGtag && after.click !== null && gStart !== null ? gStart - after.click : null;
    r.acceptToGtagSource = after.gtagStart !== null ? 'resource-timing' : after.gtagInserted !== null ? 'script-inserted' : null;
    r.googleBeforeConsent = google.filter((g) => g.epoch < clickEpoch).map((g) => g.url);
    r.googleAfterConsent = google.filter((g) => g.epoch >= clickEpoch).map((g) => g.url);
    r.googleInPageBeforeConsent = after.click === null ? [] : after.googleInPage.filter((e) => e.start < after.click).map((e) => e.name);
    r.ok = true;
  } catch (e) {
    r.error = String(e.message || e).split('\n')[0];
    r.googleBeforeConsent = google.map((g) => g.url); // no click happened (or it failed): all were before consent
  } finally {
    r.external = external;
    r.pageErrors = pageErrors;
    r.requested = requested;
    r.requestedTwice = Object.keys(requested).filter((k) => requested[k] > 1);
    r.preloadWarnings = preloadWarnings;
    const got = await Promise.all(bodies);
    r.files = got;
    await context.close();
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Statistics
const sorted = (xs) => [...xs].sort((a, b) => a - b);
function median(xs) {
  if (!xs.length) return null;
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
// Nearest-rank percentile: the smallest value with at least p% of the samples at or below it.
function percentile(xs, p) {
  if (!xs.length) return null;
  const s = sorted(xs);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}
const round1 = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);

function sizes(files) {
  const out = files
    .filter((f) => f.body)
    .map((f) => ({
      path: f.path,
      raw: f.body.length,
      gzip: gzipSync(f.body, { level: 9 }).length,
      brotli: brotliCompressSync(f.body, {
        params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: f.body.length },
      }).length,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const total = (k) => out.reduce((s, f) => s + f[k], 0);
  return { files: out, raw: total('raw'), gzip: total('gzip'), brotli: total('brotli') };
}

function summarize(lib, runs) {
  const ok = runs.filter((r) => r.ok);
  const vals = (k) => ok.map((r) => r[k]).filter((v) => typeof v === 'number');
  const first = runs.find((r) => r.files && r.files.some((f) => f.body));
  const bytes = first ? sizes(first.files) : null;
  const rawPerRun = [...new Set(runs.filter((r) => r.files?.length).map((r) => r.files.reduce((n, f) => n + (f.body ? f.body.length : 0), 0)))];
  const gt = vals('acceptToGtag');
  return {
    runs: runs.length,
    okRuns: ok.length,
    errors: runs.filter((r) => !r.ok).map((r) => r.error),
    bytes,
    bytesVariedAcrossRuns: rawPerRun.length > 1 ? rawPerRun : undefined,
    bannerVisible: { median: round1(median(vals('bannerVisible'))), p95: round1(percentile(vals('bannerVisible'), 95)), samples: vals('bannerVisible').map(round1) },
    bannerInDom: { median: round1(median(vals('bannerInDom'))), p95: round1(percentile(vals('bannerInDom'), 95)) },
    // page baseline, for context (not a consent-manager figure)
    domContentLoaded: { median: round1(median(vals('domContentLoaded'))) },
    loadEventEnd: { median: round1(median(vals('loadEventEnd'))) },
    acceptToGtag: { median: round1(median(gt)), p95: round1(percentile(gt, 95)), samples: gt.map(round1), sources: [...new Set(ok.map((r) => r.acceptToGtagSource).filter(Boolean))] },
    gtagRequestedRuns: ok.filter((r) => r.gtagRequested).length,
    longTasks: {
      medianCount: median(vals('longTaskCount')),
      totalCount: vals('longTaskCount').reduce((a, b) => a + b, 0),
      runsWithAny: ok.filter((r) => r.longTaskCount > 0).length,
      longestMs: round1(Math.max(0, ...vals('longestTask'))),
    },
    tbt: { median: round1(median(vals('tbt'))), p95: round1(percentile(vals('tbt'), 95)) },
    googleBeforeConsent: {
      total: runs.reduce((s, r) => s + (r.googleBeforeConsent?.length || 0), 0),
      runsWithAny: runs.filter((r) => r.googleBeforeConsent?.length).length,
      urls: [...new Set(runs.flatMap((r) => r.googleBeforeConsent || []))],
      inPageTotal: runs.reduce((s, r) => s + (r.googleInPageBeforeConsent?.length || 0), 0),
    },
    encodedBytes: { median: median(vals('encodedBytes')) },
    navResponseEnd: { median: round1(median(vals('navResponseEnd'))) },
    otherExternalRequests: [...new Set(runs.flatMap((r) => r.external || []))],
    pageErrors: [...new Set(runs.flatMap((r) => r.pageErrors || []))].slice(0, 10),
    requestedTwice: [...new Set(runs.flatMap((r) => r.requestedTwice || []))],
    preloadWarnings: [...new Set(runs.flatMap((r) => r.preloadWarnings || []))].slice(0, 5),
  };
}

// Variant vs consent-gate, paired by round (both ran in the same round of the same profile, next to
// each other in time). Difference = variant − consent-gate; its median with a distribution-free
// confidence interval for that median (order statistics of the paired differences, the sign-test
// interval: coverage ≥ 95%, exact coverage reported), and in how many rounds the variant was lower.
function signTestInterval(n) {
  // largest k with P(Bin(n, ½) ≤ k − 1) ≤ 0.025; interval = [d_(k), d_(n−k+1)]
  const pmf = (i) => Math.exp(lgamma(n + 1) - lgamma(i + 1) - lgamma(n - i + 1) - n * Math.LN2);
  let cdf = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (cdf + pmf(i) > 0.025) break;
    cdf += pmf(i);
    k = i + 1;
  }
  return k >= 1 ? { k, coverage: 1 - 2 * cdf } : null;
}
function lgamma(x) {
  // log Γ(x) for positive integers (x ≤ a few hundred here)
  let s = 0;
  for (let i = 2; i < x; i++) s += Math.log(i);
  return s;
}
const PAIRED = [
  ['bannerVisible', 'Banner visible (ms)'],
  ['bannerInDom', 'Banner element in DOM (ms)'],
  ['acceptToGtag', 'Accept click → gtag.js request (ms)'],
  ['tbt', 'Total blocking time during load (ms)'],
];
function compareVariant(baseRuns, variantRuns) {
  const byRound = (runs) => new Map(runs.filter((r) => r.ok).map((r) => [r.round, r]));
  const a = byRound(baseRuns);
  const b = byRound(variantRuns);
  const out = {};
  for (const [key] of PAIRED) {
    const d = [];
    for (const [round, rb] of b) {
      const ra = a.get(round);
      if (ra && typeof ra[key] === 'number' && typeof rb[key] === 'number') d.push(rb[key] - ra[key]);
    }
    const s = sorted(d);
    const ci = signTestInterval(s.length);
    out[key] = {
      pairs: d.length,
      medianDiff: round1(median(d)),
      ci: ci ? [round1(s[ci.k - 1]), round1(s[s.length - ci.k])] : null,
      ciCoverage: ci ? Math.round(ci.coverage * 1000) / 1000 : null,
      variantLower: d.filter((x) => x < 0).length,
      variantHigher: d.filter((x) => x > 0).length,
      diffs: d.map(round1),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
function machine(browserVersion) {
  let distro = null;
  try {
    distro = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? null;
  } catch {}
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {}
  const pw = JSON.parse(readFileSync(join(ROOT, 'node_modules/playwright-core/package.json'), 'utf8')).version;
  return {
    os: `${distro ?? os.type()} (${os.type()} ${os.release()}, ${os.arch()})`,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    browser: `Chromium ${browserVersion} (${CHROMIUM}, headless)`,
    browserArgs: CHROMIUM_ARGS,
    playwrightCore: pw,
    commit,
  };
}

// Figures: [key, label, getter, unit]. Download figures come from the response bodies (the same in
// every profile); the others are per profile.
const DOWNLOAD_FIGURES = [
  ['raw', 'Download, raw (bytes)', (s) => s.bytes?.raw, 'B'],
  ['gzip', 'Download, gzip -9 (bytes)', (s) => s.bytes?.gzip, 'B'],
  ['brotli', 'Download, brotli -q 11 (bytes)', (s) => s.bytes?.brotli, 'B'],
];
const PROFILE_FIGURES = [
  ['wire', 'Library files over the wire, as served (bytes)', (s) => s.encodedBytes.median, 'B'],
  ['visibleMedian', 'Banner visible, median (ms)', (s) => s.bannerVisible.median, 'ms'],
  ['visibleP95', 'Banner visible, p95 (ms)', (s) => s.bannerVisible.p95, 'ms'],
  ['inDomMedian', 'Banner element in DOM, median (ms)', (s) => s.bannerInDom.median, 'ms'],
  ['gtagMedian', 'Accept click → gtag.js request, median (ms)', (s) => s.acceptToGtag.median, 'ms'],
  ['gtagP95', 'Accept click → gtag.js request, p95 (ms)', (s) => s.acceptToGtag.p95, 'ms'],
  ['ltCount', 'Long tasks during load, median per run', (s) => s.longTasks.medianCount, ''],
  ['ltLongest', 'Longest task during load, max over runs (ms)', (s) => (s.longTasks.totalCount ? s.longTasks.longestMs : 0), 'ms'],
  ['tbtMedian', 'Total blocking time during load, median (ms)', (s) => s.tbt.median, 'ms'],
  ['tbtP95', 'Total blocking time during load, p95 (ms)', (s) => s.tbt.p95, 'ms'],
  ['googleBefore', 'Google requests before consent (all runs)', (s) => s.googleBeforeConsent.total, ''],
];
// The rows of the short summary table (README-sized).
const SUMMARY_FIGURES = ['visibleMedian', 'visibleP95', 'inDomMedian', 'gtagMedian', 'gtagP95', 'ltCount', 'tbtMedian'];

const fmtNum = (v, unit) => {
  if (v === null || v === undefined) return 'n/a';
  if (unit === 'B') return v.toLocaleString('en-US');
  return String(Number.isInteger(v) ? v : v.toFixed(1));
};
const fmtSigned = (v) => (v === null || v === undefined ? 'n/a' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${fmtNum(Math.abs(v), 'ms')}`);
function ratio(ours, theirs) {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined) return null;
  if (ours === 0 && theirs === 0) return 'both 0';
  if (theirs === 0) return '∞';
  return ours / theirs;
}
const fmtRatio = (r) => (r === null ? '—' : typeof r === 'string' ? r : `${r !== 0 && r < 0.1 ? r.toPrecision(2) : r.toFixed(2)}×`);
const col = (l) => `${l.label}${l.version ? ' ' + l.version : ''}`;

function describeNetwork(n) {
  if (!n) return 'not throttled (127.0.0.1)';
  const mbps = n.downloadKbps / 1024;
  return `${n.latencyMs} ms latency per request, ${Number.isInteger(mbps) ? mbps : mbps.toFixed(1)} Mbps down, ${n.uploadKbps} kbps up`;
}
const describeEncoding = (e) => (e === 'identity' ? 'as on disk, uncompressed' : e === 'br' ? 'brotli (quality 11)' : 'gzip (level 9)');

// best value of a figure among the given libraries: { best: label or 'tie', min, winners }
function best(libs, sums, getter) {
  const present = libs.filter((l) => sums[l.id] && !sums[l.id].unavailable && getter(sums[l.id]) != null);
  if (!present.length) return { best: '—', min: null, winners: [] };
  const min = Math.min(...present.map((l) => getter(sums[l.id])));
  const winners = present.filter((l) => getter(sums[l.id]) === min);
  return { best: winners.length === present.length && present.length > 1 ? 'tie' : winners.map((l) => l.label).join(', '), min, winners };
}

// One results table (figures × libraries, with "best") + the ratio table + "where another library
// does better", for the given figure list and summaries.
function figureTables(L, figures, libs, sums, cgMissing) {
  const cell = (l, f) => {
    const s = sums[l.id];
    if (!s || s.unavailable) return s?.unavailable ? 'not built' : 'n/a';
    return fmtNum(f[2](s), f[3]);
  };
  const others = libs.filter((l) => l.id !== 'consent-gate');
  const notAhead = [];
  L.push(`| figure | ${libs.map(col).join(' | ')} | best |`);
  L.push(`|---|${libs.map(() => '---:').join('|')}|---|`);
  for (const f of figures) {
    const b = best(libs, sums, f[2]);
    if (!cgMissing && f[2](sums['consent-gate']) != null && b.min !== null && f[2](sums['consent-gate']) > b.min)
      notAhead.push(`${f[1]}: ${b.winners.map((l) => `${l.label} (${fmtNum(b.min, f[3])})`).join(', ')} beats consent-gate (${fmtNum(f[2](sums['consent-gate']), f[3])}).`);
    L.push(`| ${f[1]} | ${libs.map((l) => cell(l, f)).join(' | ')} | ${b.best} |`);
  }
  return {
    ratios: () => {
      if (cgMissing) return;
      L.push(`| figure | ${others.map((l) => `÷ ${col(l)}`).join(' | ')} |`);
      L.push(`|---|${others.map(() => '---:').join('|')}|`);
      for (const f of figures)
        L.push(`| ${f[1]} | ${others.map((l) => (!sums[l.id] || sums[l.id].unavailable ? '—' : fmtRatio(ratio(f[2](sums['consent-gate']), f[2](sums[l.id]))))).join(' | ')} |`);
      L.push('');
    },
    notAhead,
  };
}

function markdown(meta, libs, variants, profiles, download, bench) {
  const cgMissing = !download['consent-gate'] || download['consent-gate'].unavailable;
  const L = [];
  L.push('# consent-gate benchmark: latest run', '');
  L.push(`Generated ${meta.date} by \`npm run bench\` (bench/run.mjs)${meta.machine.commit ? ` at commit ${meta.machine.commit}` : ''}; the session took ${Math.round(meta.durationS / 6) / 10} min.`);
  L.push(
    `${profiles.length === 2 ? 'Both profiles in one session, interleaved' : `Profile${profiles.length > 1 ? 's' : ''} ${profiles.map((p) => p.id).join(', ')}`}: ` +
      'each round runs every profile (profile order alternating round by round, a profile with fewer runs spread evenly over the rounds), ' +
      'and within a profile every library once, in an order rotated each round. Each run is a fresh browser context (empty cache and storage).',
  );
  L.push('');
  L.push(`- Machine: ${meta.machine.os}; CPU: ${meta.machine.cpuModel}, ${meta.machine.cores} cores; ${meta.machine.memoryGiB} GiB RAM; Node ${meta.machine.node}`);
  L.push(`- Load average (1/5/15 min, whole machine) at start ${meta.loadAverage.start.join(' / ')}, at end ${meta.loadAverage.end.join(' / ')}`);
  if (meta.consentGateFrom !== 'pkg') L.push(`- consent-gate measured from \`${meta.consentGateFrom}\` (BENCH_PKG_DIR), not pkg/`);
  if (meta.consentGateFiles)
    L.push(
      `- consent-gate served from a copy of \`${meta.consentGateFrom}/\` taken at the start (sha256 prefixes: ${Object.entries(meta.consentGateFiles).map(([f, h]) => `${f} ${h}`).join(', ')})` +
        (meta.consentGatePkgModified ? `; \`${meta.consentGateFrom}/\` was rebuilt during the run, the copy was measured throughout` : ''),
    );
  L.push(`- Browser: ${meta.machine.browser}, driven by playwright-core ${meta.machine.playwrightCore}`);
  L.push('');
  L.push('| profile | CPU | network | screen | files served | rounds |', '|---|---|---|---|---|---|');
  for (const p of profiles)
    L.push(
      `| ${p.id} | ${p.cpuThrottle > 1 ? `${p.cpuThrottle}× slower (Emulation.setCPUThrottlingRate)` : 'not throttled'} | ${describeNetwork(p.network)} | ${p.screen} | ${describeEncoding(p.encoding)} | ${p.warmup} warm-up + ${p.runs} measured |`,
    );
  L.push('');

  // Summary (README-sized)
  const ix = Object.fromEntries(PROFILE_FIGURES.map((f) => [f[0], f]));
  L.push('## Summary', '');
  L.push('Lower is better for every figure. "best" names the lowest value (a tie when all are equal). Details per profile below.', '');
  L.push(`| figure | ${libs.map(col).join(' | ')} | best |`);
  L.push(`|---|${libs.map(() => '---:').join('|')}|---|`);
  const cellOf = (sums, l, f) => (!sums[l.id] ? 'n/a' : sums[l.id].unavailable ? 'not built' : fmtNum(f[2](sums[l.id]), f[3]));
  for (const f of DOWNLOAD_FIGURES.slice(2)) L.push(`| ${f[1]} | ${libs.map((l) => cellOf(download, l, f)).join(' | ')} | ${best(libs, download, f[2]).best} |`);
  for (const p of profiles)
    for (const key of SUMMARY_FIGURES) {
      const f = ix[key];
      L.push(`| ${p.id}: ${f[1]} | ${libs.map((l) => cellOf(bench[p.id].summaries, l, f)).join(' | ')} | ${best(libs, bench[p.id].summaries, f[2]).best} |`);
    }
  L.push('');

  // Download
  L.push('## Download (the same files in every profile)', '');
  const dl = figureTables(L, DOWNLOAD_FIGURES, libs, download, cgMissing);
  L.push('');
  if (!cgMissing) {
    L.push('consent-gate ÷ the other library (below 1.00× means consent-gate is smaller):', '');
    dl.ratios();
  }
  const notAhead = { download: dl.notAhead };

  for (const p of profiles) {
    const sums = bench[p.id].summaries;
    L.push(`## Profile: ${p.id}`, '');
    L.push(
      `CPU ${p.cpuThrottle > 1 ? `${p.cpuThrottle}× slower` : 'not throttled'}; network ${describeNetwork(p.network)}; screen ${p.screen}; files ${describeEncoding(p.encoding)}. ` +
        `${p.runs} measured runs per library after ${p.warmup} warm-up round(s).`,
      '',
    );
    const t = figureTables(L, PROFILE_FIGURES, libs, sums, cgMissing);
    L.push(`| gtag.js requested after accept (runs) | ${libs.map((l) => (!sums[l.id] ? 'n/a' : sums[l.id].unavailable ? 'not built' : `${sums[l.id].gtagRequestedRuns}/${sums[l.id].okRuns}`)).join(' | ')} | |`);
    L.push(`| Failed runs | ${libs.map((l) => (!sums[l.id] ? 'n/a' : sums[l.id].unavailable ? 'not built' : String(sums[l.id].runs - sums[l.id].okRuns))).join(' | ')} | |`);
    L.push('');
    L.push(
      'Page baseline for context (median ms from navigation start; the blank page with no consent manager is not measured): ' +
        libs
          .filter((l) => sums[l.id] && !sums[l.id].unavailable)
          .map((l) => `${l.label}: DOMContentLoaded ${fmtNum(sums[l.id].domContentLoaded.median, 'ms')}, load ${fmtNum(sums[l.id].loadEventEnd.median, 'ms')}`)
          .join('; ') +
        '.',
      '',
    );
    if (cgMissing) L.push(`consent-gate: ${libs.find((l) => l.id === 'consent-gate')?.unavailableReason ?? 'not measured'}. No ratios.`, '');
    else {
      L.push(`### ${p.id}: consent-gate ÷ each library`, '');
      L.push('Below 1.00× means consent-gate is smaller or faster; above 1.00× means the other library is.', '');
      t.ratios();
    }
    notAhead[p.id] = t.notAhead;
  }

  if (!cgMissing) {
    L.push('## Where another library does better than consent-gate', '');
    for (const [k, items] of Object.entries(notAhead)) {
      L.push(`- **${k}**:${items.length ? '' : ' nowhere in this run.'}`);
      for (const it of items) L.push(`  - ${it}`);
    }
    L.push('');
  }

  if (variants.length) {
    L.push('## consent-gate install variants', '');
    L.push(
      'Same SDK files, same configuration contents, same page; only the install snippet differs (bench/libs.mjs). Measured in the same rounds as the rest. ' +
        '"Paired difference" = variant − consent-gate in the same round of the same profile (runs next to each other in time): its median, a distribution-free ' +
        'interval for that median (order statistics of the differences, the sign-test interval; its exact coverage is given), and in how many rounds the variant was lower / higher. ' +
        'An interval that contains 0 means no difference is shown at this run count.',
      '',
    );
    for (const v of variants) L.push(`- **${v.label}**: ${v.variant}.`, '  ```html', ...v.head.split('\n').map((x) => '  ' + x), '  ```');
    L.push('');
    L.push('| profile | figure | consent-gate median | variant | variant median | paired difference, median | interval (coverage) | variant lower / higher (rounds) |');
    L.push('|---|---|---:|---|---:|---:|---|---|');
    for (const p of profiles) {
      const sums = bench[p.id].summaries;
      for (const v of variants) {
        const cmp = bench[p.id].variants[v.id];
        if (!cmp) continue;
        for (const [key, label] of PAIRED) {
          const get = (s) => (key === 'tbt' ? s.tbt.median : s[key].median);
          const c = cmp[key];
          L.push(
            `| ${p.id} | ${label} | ${fmtNum(get(sums['consent-gate']), 'ms')} | ${v.label} | ${fmtNum(get(sums[v.id]), 'ms')} | ${fmtSigned(c.medianDiff)} | ` +
              `${c.ci ? `${fmtSigned(c.ci[0])} to ${fmtSigned(c.ci[1])} (${Math.round(c.ciCoverage * 1000) / 10}%)` : 'n/a (too few pairs)'} | ${c.variantLower} / ${c.variantHigher} of ${c.pairs} |`,
          );
        }
      }
    }
    L.push('');
  }

  L.push('## Files downloaded for each consent manager', '');
  L.push('| library | file | raw | gzip -9 | brotli -q 11 |', '|---|---|---:|---:|---:|');
  for (const l of libs) {
    const s = download[l.id];
    if (!s || s.unavailable || !s.bytes) {
      L.push(`| ${col(l)} | ${s?.unavailable ? 'not built' : 'no files recorded'} | | | |`);
      continue;
    }
    for (const f of s.bytes.files) L.push(`| ${col(l)} | \`${f.path}\` | ${fmtNum(f.raw, 'B')} | ${fmtNum(f.gzip, 'B')} | ${fmtNum(f.brotli, 'B')} |`);
  }
  L.push('');
  const problems = [];
  for (const l of [...libs, ...variants]) {
    if (download[l.id]?.bytesVariedAcrossRuns) problems.push(`${l.label}: downloaded bytes differed between runs: ${download[l.id].bytesVariedAcrossRuns.join(', ')}`);
    for (const p of profiles) {
      const s = bench[p.id].summaries[l.id];
      if (!s || s.unavailable) continue;
      const who = `${p.id}, ${l.label}`;
      if (s.errors.length) problems.push(`${who}: ${s.errors.length} failed run(s): ${[...new Set(s.errors)].join('; ')}`);
      if (s.googleBeforeConsent.urls.length) problems.push(`${who}: Google requests before consent: ${s.googleBeforeConsent.urls.join(', ')}`);
      if (s.otherExternalRequests.length) problems.push(`${who}: other external requests (aborted): ${s.otherExternalRequests.join(', ')}`);
      if (s.acceptToGtag.sources.includes('script-inserted')) problems.push(`${who}: some accept→gtag times come from script insertion (no resource timing entry)`);
      if (s.requestedTwice.length) problems.push(`${who}: requested more than once in a run (a preload not reused?): ${s.requestedTwice.join(', ')}`);
      if (s.preloadWarnings.length) problems.push(`${who}: Chromium preload warnings: ${s.preloadWarnings.join(' | ')}`);
      if (s.pageErrors.length) problems.push(`${who}: page errors: ${s.pageErrors.join(' | ')}`);
      // Network.emulateNetworkConditions is deprecated in the protocol: say so if it stops working
      // (Chromium adds the emulated latency before the body, so it shows in responseEnd, not responseStart)
      if (p.network && s.navResponseEnd.median !== null && s.navResponseEnd.median < 0.9 * p.network.latencyMs)
        problems.push(`${who}: the page's HTML arrived (median ${fmtNum(s.navResponseEnd.median, 'ms')} after fetchStart) faster than the emulated latency: network throttling was NOT applied`);
    }
  }
  if (problems.length) L.push('## Notes from this run', '', ...problems.map((p) => `- ${p}`), '');
  L.push('## What is measured', '');
  L.push(
    '- **Profiles**: desktop = no throttling, 1280×800, files served uncompressed (as before the mobile profile existed). mobile = Lighthouse\'s mobile preset ' +
      '("mobileSlow4G": 150 ms RTT, 1.6 Mbps down, 750 kbps up, CPU 4× slower; Moto G Power screen 412×823 at DPR 1.75 with mobile viewport and touch), applied with ' +
      'the Chrome DevTools Protocol before navigation (`Emulation.setCPUThrottlingRate`, `Network.emulateNetworkConditions`: the latency is added to every request, ' +
      'the throughput is shared by the requests in flight and counts compressed bytes), with every text and wasm file served compressed ' +
      `(${describeEncoding(MOBILE_ENCODING)}, as a production server or CDN would), so bytes on the wire are those of a real deployment. ` +
      'These are the nominal figures: Lighthouse\'s own DevTools-throttling mode uses 562.5 ms and 1.47 Mbps per request instead, to stand in for connection set-up.',
    '- **Download**: the bodies of every response under the library\'s own path (consent-gate: `/consent-gate/*` = pkg/ js, wasm, css; ' +
      'others: their npm `dist/` files), recorded with Playwright (`response.body()`, decoded), compressed with Node\'s zlib: gzip level 9 and brotli quality 11. ' +
      'The per-site config files (bench/pages/*.config.js, bench-consent.json) are not counted for any library. **Over the wire** = sum of resource-timing ' +
      '`encodedBodySize` of those files in the profile, i.e. as served (uncompressed on desktop).',
    '- **Banner visible**: ms from navigation start (performance.timeOrigin) to `performance.now()` in the `requestAnimationFrame` callback of the first frame in which the banner element ' +
      'is in the DOM, passes `checkVisibility({opacityProperty, visibilityProperty})`, has a non-zero box and intersects the viewport (an init script polls every frame). ' +
      'That frame is the first to paint the banner; for a banner with a fade-in this is its first, faint frame. Frame-aligned, so quantised to the frame interval (~16.7 ms; longer when the main thread is busy).',
    '- **Banner element in DOM**: first MutationObserver callback in which the banner selector matches (not quantised; the element may still be hidden).',
    '- **Accept click → gtag.js request**: from `performance.now()` in a capture-phase click listener on `window` (runs before the library\'s handler) to the resource-timing ' +
      '`startTime` of the (intercepted, stubbed) `gtag/js?id=G-BENCH1234` request, same page clock. The stub never reaches the (throttled) network.',
    '- **Long tasks / total blocking time**: PerformanceObserver `longtask` (buffered), tasks starting before the end of the load window = max(banner visible, load event end) + ' +
      `${SETTLE_MS} ms. TBT = sum of (duration − 50 ms) over those tasks (measured from navigation start, not from FCP as Lighthouse does).`,
    '- **Google requests before consent**: requests to Google hosts (googletagmanager.com, google-analytics.com, doubleclick.net, googleadservices.com, googlesyndication.com, ' +
      'google.com, gstatic.com, googleapis.com and subdomains), all intercepted with `context.route` and answered with a stub, that arrive before the accept click.',
    '- Median; p95 is nearest-rank (the ⌈0.95·n⌉-th of n sorted values: with 21 runs the 20th). All requests of a run pass through Playwright\'s interception (equal overhead for every library).',
    '- Wiring per library (bench/libs.mjs): consent-gate: its script tag + bench-consent.json (the SDK injects gtag.js once analytics is granted). vanilla-cookieconsent: ' +
      'dist/cookieconsent.umd.js + css, `<script type="text/plain" data-category="analytics">`. orejime: dist/orejime-standard-en.js + css, `<template data-purpose="analytics">`. ' +
      'klaro: dist/klaro.js, `<script type="text/plain" data-name="google-analytics" data-src=…>`. Each with analytics + advertising categories and English texts.',
  );
  L.push('');
  return L.join('\n');
}

// latest.json: indented, except that each run is one line (with times rounded to 0.1 ms) and arrays
// of numbers are on one line, which keeps the file about 300 KB for 6 pages × 2 profiles × 21 runs.
function jsonText(json) {
  const runs = [];
  const round = (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v);
  const withTokens = {
    ...json,
    profiles: Object.fromEntries(
      Object.entries(json.profiles).map(([p, v]) => [
        p,
        {
          ...v,
          runs: Object.fromEntries(
            Object.entries(v.runs).map(([lib, rs]) => [lib, rs.map((r) => `@@run${runs.push(JSON.stringify(r, round)) - 1}@@`)]),
          ),
        },
      ]),
    ),
  };
  return (
    JSON.stringify(withTokens, null, 2)
      .replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, xs) => `[${xs.split(/,\s*/).join(', ')}]`) // number arrays on one line
      .replace(/"@@run(\d+)@@"/g, (_, i) => runs[Number(i)]) + '\n'
  );
}

// Whether pkg/ itself changed while the run used its snapshot (informational).
function pkgChangedSince(files) {
  try {
    return Object.entries(files).some(([f, h]) => createHash('sha256').update(readFileSync(join(PKG_DIR, f))).digest('hex').slice(0, 16) !== h);
  } catch {
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Which rounds a profile runs in: a profile with fewer rounds than the longest one is spread evenly.
function roundsOf(total, n) {
  const set = new Set();
  for (let r = 0; r < total; r++) if (Math.floor(((r + 1) * n) / total) > Math.floor((r * n) / total)) set.add(r);
  return set;
}

async function main() {
  const only = process.env.BENCH_LIBS ? process.env.BENCH_LIBS.split(',').map((s) => s.trim()) : null;
  const chosen = LIBS.filter((l) => !only || only.includes(l.id));
  const libs = chosen.filter((l) => !l.variantOf); // the compared libraries
  const variants = chosen.filter((l) => l.variantOf && libs.some((b) => b.id === l.variantOf));
  const onlyProfiles = process.env.BENCH_PROFILES ? process.env.BENCH_PROFILES.split(',').map((s) => s.trim()) : null;
  const profiles = PROFILES_ALL.filter((p) => !onlyProfiles || onlyProfiles.includes(p.id)).map((p) => ({ ...p, warmup: WARMUP }));
  if (!profiles.length) throw new Error(`BENCH_PROFILES: none of ${PROFILES_ALL.map((p) => p.id).join(', ')}`);
  const download = {};
  const active = [];
  for (const l of [...libs, ...variants]) {
    if (l.available()) active.push(l);
    else {
      download[l.id] = { unavailable: l.unavailableReason };
      console.log(`bench: ${l.label}: ${l.unavailableReason}; its column will say so.`);
    }
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM=...)`);

  // Serve consent-gate from a copy of pkg/ taken now, so a rebuild of pkg/ during the (long) run
  // cannot mix two builds in one report.
  let pkgSnapshot = null;
  let pkgFiles = null;
  if (active.some((l) => l.prefix === '/consent-gate/')) {
    pkgSnapshot = mkdtempSync(join(os.tmpdir(), 'consent-gate-bench-pkg-'));
    cpSync(PKG_DIR, pkgSnapshot, { recursive: true });
    pkgFiles = Object.fromEntries(
      readdirSync(pkgSnapshot)
        .filter((f) => /\.(js|wasm|css)$/.test(f) && f !== 'index.js')
        .sort()
        .map((f) => [f, createHash('sha256').update(readFileSync(join(pkgSnapshot, f))).digest('hex').slice(0, 16)]),
    );
  }
  const servers = {};
  for (const enc of new Set(profiles.map((p) => p.encoding))) servers[enc] = await startServer({ encoding: enc, pkgDir: pkgSnapshot ?? PKG_DIR });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const machineInfo = machine(browser.version()); // now: the commit is HEAD when the run starts (with the pkg/ copy)
  const raw = Object.fromEntries(profiles.map((p) => [p.id, Object.fromEntries(active.map((l) => [l.id, []]))]));
  const warm = Object.fromEntries(profiles.map((p) => [p.id, Object.fromEntries(active.map((l) => [l.id, []]))]));
  try {
    const total = Math.max(...profiles.map((p) => p.warmup + p.runs));
    const plan = Object.fromEntries(profiles.map((p) => [p.id, roundsOf(total, p.warmup + p.runs)]));
    const done = Object.fromEntries(profiles.map((p) => [p.id, 0]));
    console.log(
      `bench: ${active.map((l) => l.id).join(', ')}; profiles ` +
        profiles.map((p) => `${p.id} (${p.warmup} warm-up + ${p.runs} measured, ${servers[p.encoding].origin}, ${p.encoding})`).join(', '),
    );
    for (let round = 0; round < total; round++) {
      const order = round % 2 ? [...profiles].reverse() : profiles;
      for (const profile of order) {
        if (!plan[profile.id].has(round)) continue;
        const k = done[profile.id]++;
        const isWarm = k < profile.warmup;
        const libOrder = active.map((_, i) => active[(i + k) % active.length]);
        const line = [];
        const t0 = Date.now();
        for (const lib of libOrder) {
          const r = await runOnce(browser, lib, servers[profile.encoding].origin, profile);
          r.round = k;
          (isWarm ? warm : raw)[profile.id][lib.id].push(r);
          line.push(
            r.ok
              ? `${lib.id} ${r.bannerVisible.toFixed(0)}ms/${r.acceptToGtag === null ? '-' : r.acceptToGtag.toFixed(1) + 'ms'}`
              : `${lib.id} FAILED (${r.error})`,
          );
        }
        console.log(`${profile.id} ${isWarm ? 'warm-up' : `run ${k - profile.warmup + 1}/${profile.runs}`} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${line.join('  ')}`);
      }
    }
    // Download: from every run of every profile (the bodies are decoded, so profiles agree); the
    // warm-up runs count too, so a quick run still has them.
    for (const l of active) {
      const all = profiles.flatMap((p) => [...warm[p.id][l.id], ...raw[p.id][l.id]]);
      const s = summarize(l, all);
      download[l.id] = { bytes: s.bytes, bytesVariedAcrossRuns: s.bytesVariedAcrossRuns };
    }
    const bench = {};
    for (const p of profiles) {
      const summaries = {};
      for (const l of [...libs, ...variants]) summaries[l.id] = download[l.id]?.unavailable ? { unavailable: download[l.id].unavailable } : summarize(l, raw[p.id][l.id]);
      const cgSum = summaries['consent-gate'];
      const ratios = {};
      if (cgSum && !cgSum.unavailable)
        for (const l of libs.filter((x) => x.id !== 'consent-gate' && summaries[x.id] && !summaries[x.id].unavailable))
          ratios[l.id] = Object.fromEntries(PROFILE_FIGURES.map((f) => [f[0], ratio(f[2](cgSum), f[2](summaries[l.id]))]));
      const figures = Object.fromEntries(
        [...libs, ...variants].map((l) => [l.id, summaries[l.id]?.unavailable ? null : Object.fromEntries(PROFILE_FIGURES.map((f) => [f[0], f[2](summaries[l.id]) ?? null]))]),
      );
      const vs = {};
      if (cgSum && !cgSum.unavailable)
        for (const v of variants.filter((x) => !summaries[x.id]?.unavailable)) vs[v.id] = compareVariant(raw[p.id]['consent-gate'], raw[p.id][v.id]);
      bench[p.id] = { summaries, figures, ratiosConsentGateOver: ratios, variants: vs };
    }
    const meta = {
      date: new Date().toISOString(),
      runs: RUNS,
      warmup: WARMUP,
      settleMs: SETTLE_MS,
      durationS: Math.round((Date.now() - started) / 1000),
      // 1/5/15-minute load averages of the whole machine (shared: other work runs on it too)
      loadAverage: { start: loadAtStart.map((x) => Math.round(x * 100) / 100), end: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      machine: machineInfo,
      gtagUrl: GTAG_URL,
      consentGateFrom: relative(ROOT, PKG_DIR).startsWith('..') ? PKG_DIR : relative(ROOT, PKG_DIR),
      consentGateFiles: pkgFiles, // sha256 (first 16 hex digits) of the snapshot served
      consentGatePkgModified: pkgFiles ? pkgChangedSince(pkgFiles) : null,
      profiles: profiles.map((p) => ({
        id: p.id,
        runs: p.runs,
        warmup: p.warmup,
        cpuThrottle: p.cpuThrottle,
        network: p.network && {
          ...p.network,
          cdp: { latency: p.network.latencyMs, downloadThroughput: Math.floor((p.network.downloadKbps * 1024) / 8), uploadThroughput: Math.floor((p.network.uploadKbps * 1024) / 8) },
        },
        encoding: p.encoding,
        context: p.context,
      })),
    };
    const libsMeta = [...libs, ...variants].map((l) => ({
      id: l.id,
      label: l.label,
      version: l.version,
      variantOf: l.variantOf,
      prefix: l.prefix,
      banner: l.banner,
      accept: l.accept,
      head: l.head,
    }));
    const downloadFigures = Object.fromEntries(
      [...libs, ...variants].map((l) => [l.id, download[l.id]?.unavailable ? null : Object.fromEntries(DOWNLOAD_FIGURES.map((f) => [f[0], f[2](download[l.id]) ?? null]))]),
    );
    const cgDl = download['consent-gate'];
    const downloadRatios = {};
    if (cgDl && !cgDl.unavailable)
      for (const l of libs.filter((x) => x.id !== 'consent-gate' && download[x.id] && !download[x.id].unavailable))
        downloadRatios[l.id] = Object.fromEntries(DOWNLOAD_FIGURES.map((f) => [f[0], ratio(f[2](cgDl), f[2](download[l.id]))]));
    const strip = (r) => ({ ...r, files: r.files?.map((f) => ({ path: f.path, status: f.status, bytes: f.body?.length ?? null, error: f.error })) });
    const json = {
      meta,
      libraries: libsMeta,
      download: { figures: downloadFigures, ratiosConsentGateOver: downloadRatios, files: Object.fromEntries(Object.entries(download).map(([k, v]) => [k, v.bytes ?? v])) },
      profiles: Object.fromEntries(
        profiles.map((p) => [p.id, { ...bench[p.id], runs: Object.fromEntries(active.map((l) => [l.id, raw[p.id][l.id].map(strip)])) }]),
      ),
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'latest.json'), jsonText(json));
    const md = markdown(meta, libs, variants.filter((v) => !download[v.id]?.unavailable), profiles, download, bench);
    writeFileSync(join(RESULTS_DIR, 'latest.md'), md);
    console.log('\n' + md);
    console.log(`bench: wrote bench/results/latest.md and latest.json (${meta.durationS} s)`);
  } finally {
    await browser.close();
    for (const s of Object.values(servers)) await s.close();
    if (pkgSnapshot) rmSync(pkgSnapshot, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('bench failed:', e);
  process.exit(1);
});
