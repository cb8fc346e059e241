// consent-gate benchmark: the same page wired to four consent managers, measured in one headless
// Chromium session, libraries interleaved run by run. Writes bench/results/latest.{md,json}.
// This is a measurement, not a test: nothing here asserts on a timing.
//
//   npm run bench                  21 measured runs per library (+1 warm-up round), then size.mjs
//   BENCH_RUNS=5 node bench/run.mjs     a quick run
// Other knobs: BENCH_WARMUP (warm-up rounds, default 1), BENCH_LIBS=klaro,orejime (subset),
// BENCH_CPU_THROTTLE=4 (Chromium CPU slow-down factor, default 1 = none), CHROMIUM=/path/to/chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { BENCH_DIR, GTAG_URL, LIBS, PKG_DIR, ROOT } from './libs.mjs';
import { startServer } from './server.mjs';

const RUNS = intEnv('BENCH_RUNS', 21);
const WARMUP = intEnv('BENCH_WARMUP', 1);
const CPU_THROTTLE = Number(process.env.BENCH_CPU_THROTTLE || 1);
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
async function runOnce(browser, lib, origin) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
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
  if (CPU_THROTTLE > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLE });
  }
  const bodies = [];
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
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push('console: ' + m.text());
  });

  const r = { lib: lib.id, ok: false };
  try {
    await page.goto(`${origin}/${lib.id}.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__bench && window.__bench.visible !== null, null, {
      timeout: BANNER_TIMEOUT_MS,
      polling: 50,
    });
    const load = await page.evaluate(async (settle) => {
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
        domContentLoaded: nav.domContentLoadedEventEnd,
        loadEventEnd: nav.loadEventEnd,
        windowEnd: end,
        longTasks: tasks,
        probeErrors: b.errors,
      };
    }, SETTLE_MS);
    Object.assign(r, {
      bannerVisible: load.visible,
      bannerInDom: load.inDom,
      domContentLoaded: load.domContentLoaded,
      loadEventEnd: load.loadEventEnd,
      loadWindowEnd: load.windowEnd,
      longTasks: load.longTasks,
      longTaskCount: load.longTasks.length,
      tbt: load.longTasks.reduce((s, t) => s + Math.max(0, t.duration - 50), 0),
      longestTask: load.longTasks.reduce((m, t) => Math.max(m, t.duration), 0),
      probeErrors: load.probeErrors,
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
  const rawPerRun = [...new Set(runs.filter((r) => r.files?.length).map((r) => sizes(r.files).raw))];
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
    otherExternalRequests: [...new Set(runs.flatMap((r) => r.external || []))],
    pageErrors: [...new Set(runs.flatMap((r) => r.pageErrors || []))].slice(0, 10),
  };
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
    cpuThrottle: CPU_THROTTLE,
    commit,
  };
}

// Figures: [key, label, getter, unit, lowerIsBetter]
const FIGURES = [
  ['raw', 'Download, raw (bytes)', (s) => s.bytes?.raw, 'B'],
  ['gzip', 'Download, gzip -9 (bytes)', (s) => s.bytes?.gzip, 'B'],
  ['brotli', 'Download, brotli -q 11 (bytes)', (s) => s.bytes?.brotli, 'B'],
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

const fmtNum = (v, unit) => {
  if (v === null || v === undefined) return 'n/a';
  if (unit === 'B') return v.toLocaleString('en-US');
  return String(Number.isInteger(v) ? v : v.toFixed(1));
};
function ratio(ours, theirs) {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined) return null;
  if (ours === 0 && theirs === 0) return 'both 0';
  if (theirs === 0) return '∞';
  return ours / theirs;
}
const fmtRatio = (r) => (r === null ? '—' : typeof r === 'string' ? r : `${r !== 0 && r < 0.1 ? r.toPrecision(2) : r.toFixed(2)}×`);

function markdown(meta, libs, summaries) {
  const cg = libs.find((l) => l.id === 'consent-gate');
  const others = libs.filter((l) => l.id !== 'consent-gate');
  const cgSum = summaries['consent-gate'];
  const cgMissing = !cgSum || cgSum.unavailable;
  const col = (l) => `${l.label}${l.version ? ' ' + l.version : ''}`;
  const cell = (l, f) => {
    const s = summaries[l.id];
    if (!s || s.unavailable) return s?.unavailable ? 'not built' : 'n/a';
    return fmtNum(f[2](s), f[3]);
  };
  const L = [];
  L.push('# consent-gate benchmark: latest run', '');
  L.push(`Generated ${meta.date} by \`npm run bench\` (bench/run.mjs)${meta.machine.commit ? ` at commit ${meta.machine.commit}` : ''}.`);
  L.push(
    `${meta.runs} measured runs per library after ${meta.warmup} warm-up round(s), libraries interleaved run by run ` +
      `(order rotated each round), each run in a fresh browser context (empty cache and storage).`,
  );
  L.push('');
  L.push(`- Machine: ${meta.machine.os}; CPU: ${meta.machine.cpuModel}, ${meta.machine.cores} cores; ${meta.machine.memoryGiB} GiB RAM; Node ${meta.machine.node}`);
  if (meta.consentGateFrom !== 'pkg') L.push(`- consent-gate measured from \`${meta.consentGateFrom}\` (BENCH_PKG_DIR), not pkg/`);
  L.push(`- Browser: ${meta.machine.browser}, driven by playwright-core ${meta.machine.playwrightCore}` + (meta.machine.cpuThrottle > 1 ? `, CPU throttled ×${meta.machine.cpuThrottle}` : ', no CPU throttling'));
  L.push('');
  L.push('## Results', '');
  L.push('Lower is better for every figure. "best" names the lowest value (a tie when equal).', '');
  L.push(`| figure | ${libs.map(col).join(' | ')} | best |`);
  L.push(`|---|${libs.map(() => '---:').join('|')}|---|`);
  const notAhead = [];
  for (const f of FIGURES) {
    const present = libs.filter((l) => summaries[l.id] && !summaries[l.id].unavailable && f[2](summaries[l.id]) != null);
    let best = '—';
    if (present.length) {
      const min = Math.min(...present.map((l) => f[2](summaries[l.id])));
      const winners = present.filter((l) => f[2](summaries[l.id]) === min);
      best = winners.length === present.length && present.length > 1 ? 'tie' : winners.map((l) => l.label).join(', ');
      if (!cgMissing && f[2](cgSum) != null && f[2](cgSum) > min)
        notAhead.push(`${f[1]}: ${winners.map((l) => `${l.label} (${fmtNum(min, f[3])})`).join(', ')} beats consent-gate (${fmtNum(f[2](cgSum), f[3])}).`);
    }
    L.push(`| ${f[1]} | ${libs.map((l) => cell(l, f)).join(' | ')} | ${best} |`);
  }
  L.push(`| gtag.js requested after accept (runs) | ${libs.map((l) => (summaries[l.id]?.unavailable ? 'not built' : `${summaries[l.id].gtagRequestedRuns}/${summaries[l.id].okRuns}`)).join(' | ')} | |`);
  L.push(`| Failed runs | ${libs.map((l) => (summaries[l.id]?.unavailable ? 'not built' : String(summaries[l.id].runs - summaries[l.id].okRuns))).join(' | ')} | |`);
  L.push('');
  L.push(
    'Page baseline for context (median ms from navigation start; the blank page with no consent manager is not measured): ' +
      libs
        .filter((l) => summaries[l.id] && !summaries[l.id].unavailable)
        .map((l) => `${l.label}: DOMContentLoaded ${fmtNum(summaries[l.id].domContentLoaded.median, 'ms')}, load ${fmtNum(summaries[l.id].loadEventEnd.median, 'ms')}`)
        .join('; ') +
      '.',
  );
  L.push('');
  L.push('## consent-gate relative to each library', '');
  if (cgMissing) {
    L.push(`consent-gate: ${cg?.unavailableReason ?? 'not measured'}. No ratios.`, '');
  } else {
    L.push('Ratio = consent-gate ÷ the other library (below 1.00× means consent-gate is smaller or faster; above 1.00× means the other library is).', '');
    L.push(`| figure | ${others.map((l) => `÷ ${col(l)}`).join(' | ')} |`);
    L.push(`|---|${others.map(() => '---:').join('|')}|`);
    for (const f of FIGURES) {
      L.push(`| ${f[1]} | ${others.map((l) => (summaries[l.id]?.unavailable ? '—' : fmtRatio(ratio(f[2](cgSum), f[2](summaries[l.id]))))).join(' | ')} |`);
    }
    L.push('');
    L.push('### Where another library does better than consent-gate', '');
    L.push(...(notAhead.length ? notAhead.map((s) => `- ${s}`) : ['- Nowhere in this run.']));
    L.push('');
  }
  L.push('## Files downloaded for each consent manager', '');
  L.push('| library | file | raw | gzip -9 | brotli -q 11 |', '|---|---|---:|---:|---:|');
  for (const l of libs) {
    const s = summaries[l.id];
    if (!s || s.unavailable || !s.bytes) {
      L.push(`| ${col(l)} | ${s?.unavailable ? 'not built' : 'no files recorded'} | | | |`);
      continue;
    }
    for (const f of s.bytes.files) L.push(`| ${col(l)} | \`${f.path}\` | ${fmtNum(f.raw, 'B')} | ${fmtNum(f.gzip, 'B')} | ${fmtNum(f.brotli, 'B')} |`);
  }
  L.push('');
  const problems = [];
  for (const l of libs) {
    const s = summaries[l.id];
    if (!s || s.unavailable) continue;
    if (s.errors.length) problems.push(`${l.label}: ${s.errors.length} failed run(s): ${[...new Set(s.errors)].join('; ')}`);
    if (s.bytesVariedAcrossRuns) problems.push(`${l.label}: downloaded bytes differed between runs: ${s.bytesVariedAcrossRuns.join(', ')}`);
    if (s.googleBeforeConsent.urls.length) problems.push(`${l.label}: Google requests before consent: ${s.googleBeforeConsent.urls.join(', ')}`);
    if (s.otherExternalRequests.length) problems.push(`${l.label}: other external requests (aborted): ${s.otherExternalRequests.join(', ')}`);
    if (s.acceptToGtag.sources.includes('script-inserted')) problems.push(`${l.label}: some accept→gtag times come from script insertion (no resource timing entry)`);
    if (s.pageErrors.length) problems.push(`${l.label}: page errors: ${s.pageErrors.join(' | ')}`);
  }
  if (problems.length) L.push('## Notes from this run', '', ...problems.map((p) => `- ${p}`), '');
  L.push('## What is measured', '');
  L.push(
    '- **Download**: the bodies of every response under the library\'s own path (consent-gate: `/consent-gate/*` = pkg/ js, wasm, css; ' +
      'others: their npm `dist/` files), recorded with Playwright (`response.body()`), compressed with Node\'s zlib: gzip level 9 and brotli quality 11. ' +
      'The per-site config files (bench/pages/*.config.js, bench-consent.json) are not counted for any library. The page itself is served uncompressed.',
    '- **Banner visible**: ms from navigation start (performance.timeOrigin) to `performance.now()` in the `requestAnimationFrame` callback of the first frame in which the banner element ' +
      'is in the DOM, passes `checkVisibility({opacityProperty, visibilityProperty})`, has a non-zero box and intersects the viewport (an init script polls every frame). ' +
      'That frame is the first to paint the banner; for a banner with a fade-in this is its first, faint frame. Frame-aligned, so quantised to the ~16.7 ms frame interval.',
    '- **Banner element in DOM**: first MutationObserver callback in which the banner selector matches (not quantised; the element may still be hidden).',
    '- **Accept click → gtag.js request**: from `performance.now()` in a capture-phase click listener on `window` (runs before the library\'s handler) to the resource-timing ' +
      '`startTime` of the (intercepted, stubbed) `gtag/js?id=G-BENCH1234` request, same page clock.',
    '- **Long tasks / total blocking time**: PerformanceObserver `longtask` (buffered), tasks starting before the end of the load window = max(banner visible, load event end) + ' +
      `${SETTLE_MS} ms. TBT = sum of (duration − 50 ms) over those tasks (measured from navigation start, not from FCP as Lighthouse does).`,
    '- **Google requests before consent**: requests to Google hosts (googletagmanager.com, google-analytics.com, doubleclick.net, googleadservices.com, googlesyndication.com, ' +
      'google.com, gstatic.com, googleapis.com and subdomains), all intercepted with `context.route` and answered with a stub, that arrive before the accept click.',
    '- Median; p95 is nearest-rank (with 21 runs: the 20th of 21 sorted values). All requests of a run pass through Playwright\'s interception (equal overhead for every library).',
    '- Wiring per library (bench/libs.mjs): consent-gate: its script tag + bench-consent.json (the SDK injects gtag.js once analytics is granted). vanilla-cookieconsent: ' +
      'dist/cookieconsent.umd.js + css, `<script type="text/plain" data-category="analytics">`. orejime: dist/orejime-standard-en.js + css, `<template data-purpose="analytics">`. ' +
      'klaro: dist/klaro.js, `<script type="text/plain" data-name="google-analytics" data-src=…>`. Each with analytics + advertising categories and English texts.',
  );
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const only = process.env.BENCH_LIBS ? process.env.BENCH_LIBS.split(',').map((s) => s.trim()) : null;
  const libs = LIBS.filter((l) => !only || only.includes(l.id));
  const summaries = {};
  const active = [];
  for (const l of libs) {
    if (l.available()) active.push(l);
    else {
      summaries[l.id] = { unavailable: l.unavailableReason };
      console.log(`bench: ${l.label}: ${l.unavailableReason}; its column will say so.`);
    }
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM=...)`);

  const { origin, close } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const started = Date.now();
  const raw = Object.fromEntries(active.map((l) => [l.id, []]));
  const warm = Object.fromEntries(active.map((l) => [l.id, []]));
  try {
    const rounds = WARMUP + RUNS;
    console.log(`bench: ${active.map((l) => l.id).join(', ')}; ${WARMUP} warm-up + ${RUNS} measured rounds on ${origin}`);
    for (let round = 0; round < rounds; round++) {
      const order = active.map((_, i) => active[(i + round) % active.length]);
      const line = [];
      for (const lib of order) {
        const r = await runOnce(browser, lib, origin);
        (round < WARMUP ? warm : raw)[lib.id].push(r);
        line.push(
          r.ok
            ? `${lib.id} ${r.bannerVisible.toFixed(0)}ms/${r.acceptToGtag === null ? '-' : r.acceptToGtag.toFixed(1) + 'ms'}`
            : `${lib.id} FAILED (${r.error})`,
        );
      }
      console.log(`${round < WARMUP ? 'warm-up' : `run ${round - WARMUP + 1}/${RUNS}`}: ${line.join('  ')}`);
    }
    const version = browser.version();
    for (const l of active) {
      // bytes from the warm-up run when there is one (same files), so a quick run still has them
      summaries[l.id] = summarize(l, raw[l.id]);
      if (!summaries[l.id].bytes && warm[l.id].length) summaries[l.id].bytes = summarize(l, warm[l.id]).bytes;
    }
    const meta = {
      date: new Date().toISOString(),
      runs: RUNS,
      warmup: WARMUP,
      settleMs: SETTLE_MS,
      durationS: Math.round((Date.now() - started) / 1000),
      machine: machine(version),
      gtagUrl: GTAG_URL,
      consentGateFrom: relative(ROOT, PKG_DIR).startsWith('..') ? PKG_DIR : relative(ROOT, PKG_DIR),
    };
    const libsMeta = libs.map((l) => ({ id: l.id, label: l.label, version: l.version, prefix: l.prefix, banner: l.banner, accept: l.accept }));
    const ratios = {};
    const cgSum = summaries['consent-gate'];
    if (cgSum && !cgSum.unavailable)
      for (const l of libs.filter((x) => x.id !== 'consent-gate' && summaries[x.id] && !summaries[x.id].unavailable))
        ratios[l.id] = Object.fromEntries(FIGURES.map((f) => [f[0], ratio(f[2](cgSum), f[2](summaries[l.id]))]));
    const figures = Object.fromEntries(
      libs.map((l) => [l.id, summaries[l.id]?.unavailable ? null : Object.fromEntries(FIGURES.map((f) => [f[0], f[2](summaries[l.id]) ?? null]))]),
    );
    const strip = (r) => ({ ...r, files: r.files?.map((f) => ({ path: f.path, status: f.status, bytes: f.body?.length ?? null, error: f.error })) });
    const json = {
      meta,
      libraries: libsMeta,
      figures,
      ratiosConsentGateOver: ratios,
      summaries,
      runs: Object.fromEntries(active.map((l) => [l.id, raw[l.id].map(strip)])),
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify(json, null, 2) + '\n');
    const md = markdown(meta, libs, summaries);
    writeFileSync(join(RESULTS_DIR, 'latest.md'), md);
    console.log('\n' + md);
    console.log(`bench: wrote bench/results/latest.md and latest.json (${meta.durationS} s)`);
  } finally {
    await browser.close();
    await close();
  }
}

main().catch((e) => {
  console.error('bench failed:', e);
  process.exit(1);
});
