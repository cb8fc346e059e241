// What consent-gate's download is made of: twiggy's top items of the wasm (on the pre-wasm-opt file,
// which still has names) and the size of every file in pkg/ (the JS glue, the optimised wasm, the css).
// Writes bench/results/size.md and size.json. Run by `npm run bench`, alone by `npm run bench:size`.
// twiggy is installed with `cargo install twiggy --locked` when missing (BENCH_NO_INSTALL=1 to skip that);
// when it cannot be installed, or nothing is built yet, the report says so and the script exits 0.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';
import { BENCH_DIR, PKG_DIR, ROOT } from './libs.mjs';

// What wasm-opt receives: after wasm-bindgen (its describe code is gone), names still in.
const WASM = join(ROOT, 'target/bindgen/consent_gate_bg.wasm');
const TOP_N = 25;
const SCRIPT_TAG_FILES = ['consent-gate.js', 'consent_gate_bg.wasm'];
const RESULTS_DIR = join(BENCH_DIR, 'results');

const compressed = (buf) => ({
  raw: buf.length,
  gzip: gzipSync(buf, { level: 9 }).length,
  brotli: brotliCompressSync(buf, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length,
});
const fmt = (n) => n.toLocaleString('en-US');

function findTwiggy() {
  for (const cand of ['twiggy', join(homedir(), '.cargo/bin/twiggy')]) {
    const r = spawnSync(cand, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { bin: cand, version: r.stdout.trim() };
  }
  return null;
}

function ensureTwiggy(notes) {
  let t = findTwiggy();
  if (t) return t;
  if (process.env.BENCH_NO_INSTALL) {
    notes.push('twiggy is not installed and BENCH_NO_INSTALL is set: skipped (install: `cargo install twiggy --locked`).');
    return null;
  }
  console.log('size: twiggy not found; running `cargo install twiggy --locked` (a few minutes, once)...');
  const r = spawnSync('cargo', ['install', 'twiggy', '--locked'], { stdio: 'inherit' });
  if (r.error || r.status !== 0) {
    notes.push(`twiggy could not be installed (\`cargo install twiggy --locked\` ${r.error ? 'failed to start: ' + r.error.message : 'exited with ' + r.status}): twiggy report skipped.`);
    return null;
  }
  t = findTwiggy();
  if (!t) notes.push('twiggy was installed but is not on PATH or in ~/.cargo/bin: twiggy report skipped.');
  return t;
}

function main() {
  const notes = [];
  const out = { date: new Date().toISOString(), wasm: null, twiggy: null, pkg: null, notes };

  // 1. Files of pkg/. What every page of a script-tag site downloads is consent-gate.js (IIFE glue)
  //    + consent_gate_bg.wasm (the stylesheets only when something is drawn; the log wasm instead
  //    of the other on a site with a consent log); index.js is the npm (ESM) glue, not downloaded by a script-tag site.
  if (existsSync(PKG_DIR)) {
    const role = (f) =>
      f === 'consent-gate.js' ? 'JS glue, script tag' : f === 'index.js' ? 'JS glue, npm (ESM)' : f === 'consent_gate_log_bg.wasm' ? 'wasm with the consent log and the notice renderer (sites with a log, pages with a notice; instead of the other)' : f.endsWith('.wasm') ? 'wasm (after wasm-opt)' : f === 'consent-gate-ui.css' ? 'css of the banner, dialog and notice (when one is drawn)' : f === 'consent-gate-all.css' ? 'css, npm (both in one)' : f.endsWith('.css') ? 'css: theme, button, placeholders (when one is drawn)' : f === 'consent-gate-notice.js' ? 'notice renderer (pages with a notice only)' : f === 'consent-gate-dialog.js' ? 'preferences dialog (when it first opens)' : f === 'consent-gate-gating.js' ? 'gating of page scripts and embeds (pages with one only)' : f === 'consent-gate-banner.js' ? 'banner (while the visitor has not decided)' : 'js';
    const files = readdirSync(PKG_DIR)
      .filter((f) => /\.(js|mjs|wasm|css)$/.test(f) && statSync(join(PKG_DIR, f)).isFile())
      .sort()
      .map((f) => ({ file: `pkg/${f}`, role: role(f), ...compressed(readFileSync(join(PKG_DIR, f))) }));
    const sum = (list, k) => list.reduce((s, f) => s + f[k], 0);
    const tag = files.filter((f) => SCRIPT_TAG_FILES.includes(f.file.slice(4)));
    out.pkg = {
      files,
      jsGlue: files.filter((f) => f.role.startsWith('JS glue')),
      scriptTagDownload: { files: tag.map((f) => f.file), raw: sum(tag, 'raw'), gzip: sum(tag, 'gzip'), brotli: sum(tag, 'brotli') },
    };
    if (!files.length) notes.push('pkg/ has no js/wasm/css files yet: run `npm run build`.');
    const missing = SCRIPT_TAG_FILES.filter((f) => !existsSync(join(PKG_DIR, f)));
    if (files.length && missing.length) notes.push(`pkg/ lacks ${missing.join(', ')}.`);
  } else {
    notes.push('pkg/ does not exist: consent-gate is not built yet (run `npm run build`).');
  }

  // 2. twiggy on the pre-wasm-opt file (names kept).
  if (!existsSync(WASM)) {
    notes.push(`${relative(ROOT, WASM)} does not exist: no twiggy report (build with \`npm run build\` first).`);
  } else {
    out.wasm = { file: relative(ROOT, WASM), note: 'after wasm-bindgen, before wasm-opt, with names', ...compressed(readFileSync(WASM)) };
    const t = ensureTwiggy(notes);
    if (t) {
      try {
        const text = execFileSync(t.bin, ['top', '-n', String(TOP_N), WASM], { encoding: 'utf8', maxBuffer: 64 << 20 });
        let items = null;
        let codeItems = null;
        try {
          const all = JSON.parse(execFileSync(t.bin, ['top', '-n', String(TOP_N + 40), '-f', 'json', WASM], { encoding: 'utf8', maxBuffer: 64 << 20 }));
          items = all.slice(0, TOP_N);
          // Custom sections and the name subsections are removed by wasm-bindgen / wasm-opt: leave them out
          // to see what actually ships.
          codeItems = all.filter((i) => !/^custom section |subsection$/.test(i.name)).slice(0, TOP_N);
        } catch {}
        out.twiggy = { version: t.version, command: `twiggy top -n ${TOP_N} ${relative(ROOT, WASM)}`, text, items, codeItems };
        try {
          const every = JSON.parse(execFileSync(t.bin, ['top', '-n', '100000', '-f', 'json', WASM], { encoding: 'utf8', maxBuffer: 256 << 20 }));
          // Functions nothing reaches (the build's scripts/unreachable.mjs took the dead closure shims
          // out of the function table) are in this file but not in what wasm-opt writes: not counted.
          const garbage = JSON.parse(execFileSync(t.bin, ['garbage', '-n', '100000', '-f', 'json', WASM], { encoding: 'utf8', maxBuffer: 256 << 20 }));
          const dead = new Set(garbage.filter((g) => !/^data segment/.test(g.name)).map((g) => g.name));
          out.parts = byPart(every.filter((i) => !dead.has(i.name)));
          out.unreachable = dead.size;
        } catch {}
      } catch (e) {
        notes.push(`twiggy failed on ${relative(ROOT, WASM)}: ${String(e.stderr || e.message).trim().split('\n')[0]}`);
      }
    }
  }

  // 3. Report.
  const L = ['# consent-gate: what the download is made of', '', `Generated ${out.date} by \`npm run bench:size\` (bench/size.mjs).`, ''];
  L.push('## Files in pkg/', '');
  if (out.pkg?.files.length) {
    L.push('| file | role | raw | gzip -9 | brotli -q 11 |', '|---|---|---:|---:|---:|');
    for (const f of out.pkg.files) L.push(`| \`${f.file}\` | ${f.role} | ${fmt(f.raw)} | ${fmt(f.gzip)} | ${fmt(f.brotli)} |`);
    const t = out.pkg.scriptTagDownload;
    L.push(`| **script-tag download** | ${t.files.map((f) => f.slice(4)).join(' + ')} | ${fmt(t.raw)} | ${fmt(t.gzip)} | ${fmt(t.brotli)} |`, '');
  } else L.push('Not built.', '');
  L.push(`## twiggy top ${TOP_N} of the wasm before wasm-opt`, '');
  if (out.wasm) L.push(`\`${out.wasm.file}\` (${out.wasm.note}): ${fmt(out.wasm.raw)} bytes raw, ${fmt(out.wasm.brotli)} brotli.`, '');
  if (out.twiggy) {
    L.push(`${out.twiggy.version}: \`${out.twiggy.command}\``, '', '```', out.twiggy.text.trimEnd(), '```', '');
    if (out.twiggy.codeItems?.length) {
      L.push(`Top ${out.twiggy.codeItems.length} items without custom sections and name subsections (those do not ship):`, '');
      L.push('| bytes | % of file | item |', '|---:|---:|---|');
      for (const i of out.twiggy.codeItems) L.push(`| ${fmt(i.shallow_size)} | ${i.shallow_size_percent.toFixed(2)} | \`${i.name.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |`);
      L.push('');
    }
  }
  else L.push('Skipped (see notes).', '');
  if (out.parts) {
    L.push('## What each part costs', '', `Shallow bytes of the wasm before wasm-opt (names excluded, and the ${out.unreachable} items \`twiggy garbage\` finds unreachable, which wasm-opt removes), grouped by the crate or module they come from. wasm-opt and brotli shrink everything by roughly the same factor, so the shares are what matters.`, '');
    L.push('| part | bytes | share |', '|---|---:|---:|');
    const total = out.parts.reduce((s, p) => s + p.bytes, 0);
    for (const p of out.parts) L.push(`| ${p.part} | ${fmt(p.bytes)} | ${((100 * p.bytes) / total).toFixed(1)}% |`);
    L.push('');
  }
  if (notes.length) L.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  const md = L.join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'size.json'), JSON.stringify(out, null, 2) + '\n');
  writeFileSync(join(RESULTS_DIR, 'size.md'), md);
  console.log(md);
  console.log('size: wrote bench/results/size.md and size.json');
}

/** Groups twiggy items by the crate or module they belong to. */
function byPart(items) {
  const rules = [
    [/^custom section |subsection$/, null],
    [/^data segment/, 'static data (English texts, error messages, class names)'],
    [/consent_gate[^:]*::core::config/, 'core: configuration reader'],
    [/consent_gate[^:]*::core::record/, 'core: record encoding'],
    [/consent_gate[^:]*::core::log/, 'core: consent events'],
    [/consent_gate[^:]*::core::(session|decide|view|glob|signals|cookie)/, 'core: session, decisions, view, path matcher, signals, cookies'],
    [/consent_gate[^:]*::core::(i18n|text|json)/, 'core: texts and string helpers'],
    [/consent_gate[^:]*::web::ui|consent_gate[^:]*::web::dom/, 'web: banner, dialog, notice (DOM)'],
    [/consent_gate[^:]*::web::app/, 'web: app state, gtag bridge, events'],
    [/consent_gate[^:]*::(web|api)/, 'web: storage, signals, log sender, API'],
    [/serde_wasm_bindgen|serde_core|hashbrown/, 'serde + serde-wasm-bindgen (getConsent / getConsentRecord views)'],
    [/^(<)*web_sys|::web_sys/, 'web-sys bindings'],
    [/js_sys/, 'js-sys bindings'],
    [/wasm_bindgen|__wbindgen|__externref|^export |^import |^elem|^table|^start$/, 'wasm-bindgen runtime (externref table, strings, closures)'],
    [/gloo/, 'gloo-storage'],
    [/lol_alloc|__rdl_|__rust_(alloc|dealloc|realloc)/, 'allocator (lol_alloc)'],
    [/consent_gate/, 'std generics instantiated for our types (Vec, iterators, thread_local)'],
    [/.*/, 'Rust std/core/alloc (strings, formatting-free helpers, memcpy)'],
  ];
  const parts = new Map();
  for (const i of items) {
    if (/^Σ|^\.\.\. and/.test(i.name)) continue;
    const rule = rules.find(([re]) => re.test(i.name));
    if (!rule || !rule[1]) continue;
    parts.set(rule[1], (parts.get(rule[1]) || 0) + i.shallow_size);
  }
  return [...parts].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
}

main();
