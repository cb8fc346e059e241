// The ways the same page (pages/page.html) is wired: the four consent managers, plus variants of
// consent-gate's own install (variantOf). Each library is loaded from its npm package (pinned in
// package.json devDependencies) or, for consent-gate, from pkg/ (the build output).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH_DIR);
// BENCH_PKG_DIR: measure a consent-gate build from another directory (default: pkg/).
export const PKG_DIR = process.env.BENCH_PKG_DIR ? resolve(process.env.BENCH_PKG_DIR) : join(ROOT, 'pkg');
export const GA_ID = 'G-BENCH1234';
export const GTAG_URL = `https://www.googletagmanager.com/gtag/js?id=${GA_ID}`;

// consent-gate's configuration for the bench (served as /bench-consent.json; inlined by one variant).
const BENCH_CONFIG = readFileSync(join(BENCH_DIR, 'pages', 'bench-consent.json'), 'utf8').trim();

function npmVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

function ourVersion() {
  try {
    const pkgJson = join(PKG_DIR, 'package.json');
    if (existsSync(pkgJson)) return JSON.parse(readFileSync(pkgJson, 'utf8')).version;
    const m = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'));
    return m ? m[1] : null;
  } catch {
    return null;
  }
}

// id: page name and column key. prefix: every response whose path starts with it counts as the
// consent manager's download (the per-library config files are not counted, for any library).
// banner: the element whose first visible frame is timed. accept: the "accept all" button.
export const LIBS = [
  {
    id: 'consent-gate',
    label: 'consent-gate',
    version: ourVersion(),
    expected: '0 Google requests before consent',
    available: () => existsSync(join(PKG_DIR, 'consent-gate.js')),
    unavailableReason: 'not built (pkg/consent-gate.js missing: run `npm run build`)',
    prefix: '/consent-gate/',
    // The SDK injects gtag.js itself once analytics is granted (config "googleAnalytics").
    head: `<script src="/consent-gate/consent-gate.js" data-config="/bench-consent.json"></script>`,
    bodyEnd: '',
    banner: '#cg-banner',
    accept: '#cg-banner [data-cg="accept"]',
  },
  // Variants of consent-gate's install, measured alongside (not compared with the other libraries:
  // run.mjs reports them against plain consent-gate). Same files, same banner, same config contents.
  {
    id: 'consent-gate-preload',
    label: 'consent-gate + preload',
    variantOf: 'consent-gate',
    variant: 'preload hints for the wasm and the config',
    version: ourVersion(),
    available: () => existsSync(join(PKG_DIR, 'consent-gate.js')),
    unavailableReason: 'not built (pkg/consent-gate.js missing: run `npm run build`)',
    prefix: '/consent-gate/',
    // Both are fetched by the SDK with fetch() (mode cors, credentials same-origin), which is what
    // as="fetch" + crossorigin (anonymous) preloads, so the preloaded responses are reused (run.mjs
    // checks that nothing is requested twice). Without the hints the two requests start only once
    // consent-gate.js has downloaded and run.
    head: [
      `<link rel="preload" href="/consent-gate/consent_gate_bg.wasm" as="fetch" crossorigin>`,
      `<link rel="preload" href="/bench-consent.json" as="fetch" crossorigin>`,
      `<script src="/consent-gate/consent-gate.js" data-config="/bench-consent.json"></script>`,
    ].join('\n'),
    bodyEnd: '',
    banner: '#cg-banner',
    accept: '#cg-banner [data-cg="accept"]',
  },
  {
    id: 'consent-gate-inline',
    label: 'consent-gate + inline config',
    variantOf: 'consent-gate',
    variant: 'configuration inline in the page instead of data-config',
    version: ourVersion(),
    available: () => existsSync(join(PKG_DIR, 'consent-gate.js')),
    unavailableReason: 'not built (pkg/consent-gate.js missing: run `npm run build`)',
    prefix: '/consent-gate/',
    // README "Install on a site", second form: bench-consent.json's contents in
    // <script type="application/json" id="consent-gate-config">, no config request.
    head: [
      `<script type="application/json" id="consent-gate-config">${BENCH_CONFIG}</script>`,
      `<script src="/consent-gate/consent-gate.js"></script>`,
    ].join('\n'),
    bodyEnd: '',
    banner: '#cg-banner',
    accept: '#cg-banner [data-cg="accept"]',
  },
  {
    id: 'vanilla-cookieconsent',
    label: 'vanilla-cookieconsent',
    npm: 'vanilla-cookieconsent',
    version: npmVersion('vanilla-cookieconsent'),
    available: () => existsSync(join(ROOT, 'node_modules/vanilla-cookieconsent/dist/cookieconsent.umd.js')),
    unavailableReason: 'not installed (run `npm install`)',
    prefix: '/vendor/vanilla-cookieconsent/',
    // Documented install: CSS in <head>, UMD build + a config script that calls CookieConsent.run()
    // (docs put them at the end of <body>; `defer` in <head> runs them at the same point).
    head: [
      `<link rel="stylesheet" href="/vendor/vanilla-cookieconsent/dist/cookieconsent.css">`,
      `<script type="text/plain" data-category="analytics" async src="${GTAG_URL}"></script>`,
      `<script defer src="/vendor/vanilla-cookieconsent/dist/cookieconsent.umd.js"></script>`,
      `<script defer src="/pages/vanilla-cookieconsent.config.js"></script>`,
    ].join('\n'),
    bodyEnd: '',
    banner: '#cc-main .cm',
    accept: '#cc-main .cm [data-role="all"]',
  },
  {
    id: 'orejime',
    label: 'orejime',
    npm: 'orejime',
    version: npmVersion('orejime'),
    available: () => existsSync(join(ROOT, 'node_modules/orejime/dist/orejime-standard-en.js')),
    unavailableReason: 'not installed (run `npm install`)',
    prefix: '/vendor/orejime/',
    // Documented install: config assigned to window.orejimeConfig, then the standard English build + CSS.
    head: [
      `<link rel="stylesheet" href="/vendor/orejime/dist/orejime-standard.css">`,
      `<template data-purpose="analytics"><script async src="${GTAG_URL}"></script></template>`,
      `<script src="/pages/orejime.config.js"></script>`,
      `<script src="/vendor/orejime/dist/orejime-standard-en.js"></script>`,
    ].join('\n'),
    bodyEnd: '',
    banner: '.orejime-Banner',
    accept: '.orejime-Banner [data-testid="orejime-banner-accept"]',
  },
  {
    id: 'klaro',
    label: 'klaro',
    npm: 'klaro',
    version: npmVersion('klaro'),
    available: () => existsSync(join(ROOT, 'node_modules/klaro/dist/klaro.js')),
    unavailableReason: 'not installed (run `npm install`)',
    prefix: '/vendor/klaro/',
    // Documented install: `defer` config script, then `defer` klaro.js (CSS and translations inside).
    head: [
      `<script type="text/plain" data-type="text/javascript" data-name="google-analytics" data-src="${GTAG_URL}" async></script>`,
      `<script defer src="/pages/klaro.config.js"></script>`,
      `<script defer src="/vendor/klaro/dist/klaro.js"></script>`,
    ].join('\n'),
    bodyEnd: '',
    banner: '#klaro-cookie-notice',
    accept: '#klaro-cookie-notice .cm-btn-success',
  },
];

// Only these packages' files are served under /vendor/.
export const VENDOR_PACKAGES = LIBS.filter((l) => l.npm).map((l) => l.npm);
