#!/usr/bin/env node
// Builds pkg/ from two cargo builds of one source (the wasm without the consent log,
// consent_gate_bg.wasm, and the one with it, consent_gate_log_bg.wasm, for sites with a `log`;
// both loaded by the same JS): the npm package (ES module, types, wasms, package.json) and
// the script-tag files (consent-gate.js, the wasms, consent-gate.css, and the parts
// both import only when needed: consent-gate-banner.js while the visitor has not decided,
// consent-gate-notice.js on a page with a notice container,
// consent-gate-dialog.js when the preferences dialog first opens, consent-gate-gating.js on a page
// with a gated script or embed; and consent-gate-ui.css, the banner's, dialog's and notice's
// rules, which the script links when one of them is drawn). Prints the bytes a script-tag site downloads on an ordinary page,
// fails when they exceed size-budget.json, and prints what the banner, a notice page, the dialog,
// the gating or another language adds.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { shortenExports, shortenImports } from './shorten-imports.mjs';
import { checkNoJspiLeft, dropUnusedExports, trapDeadTableEntries } from './unreachable.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Built next door and swapped in at the end, so that pkg/ is never half-written.
const out = join(root, 'pkg');
const pkg = join(root, 'target', 'pkg-next');
const bindgen = join(root, 'target', 'bindgen');
const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))[1];

function run(cmd, args, opts = {}) {
  try {
    execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  } catch (e) {
    if (e.code === 'ENOENT') {
      console.error(`build: "${cmd}" is missing. Run "bash scripts/setup.sh" (it installs everything the build needs).`);
    }
    process.exit(1);
  }
}

function need(path, what) {
  if (!existsSync(path)) {
    console.error(`build: ${what} is missing (${path}). Run "bash scripts/setup.sh".`);
    process.exit(1);
  }
}

const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
// The wasm features wasm-opt may use: those rustc's wasm32 target and wasm-bindgen emit.
const wasmFeatures = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];
need(wasmOpt, 'wasm-opt from the npm package "binaryen"');
need(join(root, 'node_modules', 'esbuild'), 'the npm package "esbuild"');

// 1. One cargo build, with the dated nightly named in rust-nightly.txt (setup.sh installs it with
// rust-src): std is rebuilt with panic=immediate-abort, so no panic message formatting is left in
// the wasm (about -6 KB brotli), and -Zlocation-detail=none drops the source paths that
// #[track_caller] code still carried (never shown: nothing prints a panic location).
// No fallback: the size budget is set for this toolchain. Stable builds the same code, larger,
// only when asked for with CONSENT_GATE_STABLE=1.
const nightly = readFileSync(join(root, 'rust-nightly.txt'), 'utf8').trim();
function toolchainVersion(toolchain) {
  // RUSTUP_AUTO_INSTALL=0: asking must not install a toolchain without rust-src.
  const quiet = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, RUSTUP_AUTO_INSTALL: '0' } };
  try {
    const version = execFileSync('rustc', [`+${toolchain}`, '--version'], quiet).trim();
    const sysroot = execFileSync('rustc', [`+${toolchain}`, '--print', 'sysroot'], quiet).trim();
    return existsSync(join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library', 'std')) ? version : null;
  } catch {
    return null;
  }
}
// Two wasms from one source (see README "Consent log"): consent_gate_bg.wasm without the consent
// log (the Cargo feature `log` off: most sites log nothing, and every page downloads the wasm) and
// consent_gate_log_bg.wasm with it, for a site with a `log`. Both take the same glue (checked
// below), so one consent-gate.js loads either.
// Both with `lazy-messages`: the configuration reader's messages are marks, their words in
// i18n/problems.json (made below from the list in src/core/config.rs), loaded only when there are
// problems to show. The log wasm also has the default `notice` (the notice's renderer); the other
// has `lazy-texts`: the dialog's English texts are marks too, their words in i18n/english.json
// (made below from src/core/i18n.rs), loaded with the dialog.
const variants = [
  { name: 'consent_gate', features: ['--no-default-features', '--features', 'lazy-messages,lazy-texts'] },
  { name: 'consent_gate_log', features: ['--features', 'lazy-messages'] },
];
if (process.env.CONSENT_GATE_STABLE) {
  console.warn('build: CONSENT_GATE_STABLE is set: building on the default toolchain without build-std (larger: the size budget assumes ' + nightly + ').');
} else {
  const version = toolchainVersion(nightly);
  if (!version) {
    console.error(`build: the Rust toolchain ${nightly} with rust-src is missing (rust-nightly.txt pins it). Run "bash scripts/setup.sh": it installs it.`);
    process.exit(1);
  }
  console.log(`build: toolchain ${nightly} (${version})`);
}
for (const v of variants) {
  let built;
  if (process.env.CONSENT_GATE_STABLE) {
    run('cargo', ['build', '--release', '--lib', '--target', 'wasm32-unknown-unknown', ...v.features]);
    built = join(root, 'target', 'wasm32-unknown-unknown', 'release', 'consent_gate.wasm');
  } else {
    run('cargo', [`+${nightly}`, 'build', '--release', '--lib', '--target', 'wasm32-unknown-unknown', '-Zbuild-std=std,panic_abort', '--target-dir', join(root, 'target', 'nightly'), ...v.features], {
      env: { ...process.env, RUSTFLAGS: '-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none' },
    });
    built = join(root, 'target', 'nightly', 'wasm32-unknown-unknown', 'release', 'consent_gate.wasm');
  }
  // Kept apart: the next variant's build writes the same file.
  v.wasmIn = join(dirname(built), v.name + '.variant.wasm');
  copyFileSync(built, v.wasmIn);
}
// Branches of the glue that src/js/api.js never takes (the bundle does not expose the glue): it
// passes init where the wasm is itself (not in an object), and calls it once; every string goes in with wasm-bindgen's
// realloc. And code the glue repeats, written once or shorter. Each replacement must match exactly once (or the number of times given; 0: at least
// once; -1: any number), so a different wasm-bindgen output stops the build.
function trimGlue(glue) {
  // wasm-bindgen's malloc and realloc, as the glue passes them to passStringToWasm0.
  const alloc = /passStringToWasm0\(\w+, (wasm\.\w+), (wasm\.\w+)\)/.exec(glue);
  if (!alloc) {
    console.error('build: the wasm-bindgen glue passes no string to the wasm: update trimGlue in scripts/build.mjs.');
    process.exit(1);
  }
  // The export wasm-bindgen's init calls once the instance is made (`__wbindgen_start`).
  const start = /\n    (wasm\.\w+)\(\);\n    return wasm;\n\}\n/.exec(glue);
  if (!start) {
    console.error('build: the wasm-bindgen glue calls no start export at init: update trimGlue in scripts/build.mjs.');
    process.exit(1);
  }
  const cuts = [
    [
      /\n    if \(module_or_path !== undefined\) \{\n        if \(Object\.getPrototypeOf\(module_or_path\) === Object\.prototype\) \{\n            \(\{module_or_path\} = module_or_path\)\n        \} else \{\n            console\.warn\('using deprecated parameters for the initialization function; pass a single object instead'\)\n        \}\n    \}\n/g,
      '\n',
    ],
    // The same advice in fewer words, named like the SDK's other console messages.
    [
      /"`WebAssembly\.instantiateStreaming` failed because your server does not serve Wasm with `application\/wasm` MIME type\. Falling back to `WebAssembly\.instantiate` which is slower\. Original error:\\n"/g,
      '"consent-gate: serve consent_gate_bg.wasm as application/wasm (loading it the slower way):"',
    ],
    // api.js calls init once: no promise to share with a second call (-14 bytes brotli).
    [
      /\n    if \(wasm !== undefined\) return wasm;\n    if \(__wbg_init_promise === undefined\) \{\n        __wbg_init_promise = __wbg_init_once\(module_or_path\);\n        __wbg_init_promise\.catch\(\(\) => \{ __wbg_init_promise = undefined; \}\);\n    \}\n    return __wbg_init_promise;\n/g,
      '\n    return __wbg_init_once(module_or_path);\n',
    ],
    // Safari's TextDecoder failed after 2 GB decoded in all; the SDK decodes a few kilobytes of
    // strings in a page's life (-41). Its one caller decodes with it directly, no `decodeText` (-1),
    // with `decode` bound when the glue loads and the bytes viewed by the `Uint8Array` of then (see
    // "Strings and answers" below).
    [
      /\nlet cachedTextDecoder = new TextDecoder\('utf-8', \{ ignoreBOM: true \}\);\ncachedTextDecoder\.decode\(\);\nconst MAX_SAFARI_DECODE_BYTES = 2146435072;\nlet numBytesDecoded = 0;\nfunction decodeText\(bytes\) \{\n    numBytesDecoded \+= bytes\.length;\n    if \(numBytesDecoded >= MAX_SAFARI_DECODE_BYTES\) \{\n        cachedTextDecoder = new TextDecoder\('utf-8', \{ ignoreBOM: true \}\);\n        cachedTextDecoder\.decode\(\);\n        numBytesDecoded = bytes\.length;\n    \}\n    return cachedTextDecoder\.decode\(bytes\);\n\}\n/g,
      "\nconst decodeUtf8 = TextDecoder.prototype.decode.bind(new TextDecoder('utf-8', { ignoreBOM: true }));\n",
    ],
    [/return decodeText\(getUint8ArrayMemory0\(\)\.subarray\(ptr, ptr \+ len\)\);/g, 'return decodeUtf8(new U8(bufferOf(wasm.a), ptr, len));'],
    // No cached DataView or byte view of the memory: strings and answers view it afresh (see
    // "Strings and answers" below), so nothing calls these.
    [/\nlet cachedDataViewMemory0 = null;\nfunction getDataViewMemory0\(\) \{\n[^]*?\n\}\n/g, '\n'],
    [/\nlet cachedUint8ArrayMemory0 = null;\nfunction getUint8ArrayMemory0\(\) \{\n[^]*?\n\}\n/g, '\n'],
    // init runs once, so the caches it would reset are still empty, and nothing reads the module
    // or the instance it would keep (-15). It keeps the exports and calls the start export itself:
    // no __wbg_finalize_init, whose other caller, initSync, api.js never calls (-22), and it
    // resolves to nothing (api.js reads only whether it failed).
    //
    // The instance, its exports (the `call` export: a click on the banner, see `clicked` in
    // src/js/bridge.js), the imports and the memory are never in reach of a page script that runs
    // after this file (adversarial round B1): the wasm is compiled (`compileStreaming`, `compile`:
    // a compiled module is harmless, a page can compile its own copy) and then instantiated
    // synchronously, with the `WebAssembly.Instance` of when this file ran, and its exports read
    // with the `exports` getter of then. Not `instantiateStreaming` or `instantiate`: a later
    // script could wrap them (read at call time), and even captured ones resolve their promise with
    // the instance, which a getter of `Object.prototype.then` or a replaced
    // `Promise.prototype.then` would see on its way. tests/e2e/integrity-loader.test.mjs.
    [
      /\nfunction __wbg_finalize_init\(instance, module\) \{\n    wasmInstance = instance;\n    wasm = instance\.exports;\n    wasmModule = module;\n    cachedDataViewMemory0 = null;\n    cachedUint8ArrayMemory0 = null;\n    wasm\.\w+\(\);\n    return wasm;\n\}\n/g,
      '\n',
    ],
    [
      /const \{ instance, module \} = await __wbg_load\(await module_or_path, imports\);\n\n    return __wbg_finalize_init\(instance, module\);/g,
      `wasm = exportsOf(new Instance(await __wbg_load(await module_or_path), imports));\n    ${start[1]}();`,
    ],
    [/\nfunction initSync\(module\) \{\n[^]*?\n\}\n/g, '\n'],
    [/\nexport \{ initSync, __wbg_init as default \};/g, '\nexport { __wbg_init as default };'],
    // __wbg_load resolves to the compiled module (see init above): a module compiled already
    // (`options.wasm`) is itself, other bytes are compiled; the response is compiled as it
    // streams in, or, served with another MIME type, its bytes once they have arrived.
    [/\n        const instance = await WebAssembly\.instantiate\(module, imports\);\n\n        if \(instance instanceof WebAssembly\.Instance\) \{\n            return \{ instance, module \};\n        \} else \{\n            return instance;\n        \}\n/g, '\n        return module instanceof Module ? module : compile(module);\n'],
    [/\n        const bytes = await module\.arrayBuffer\(\);\n        return await WebAssembly\.instantiate\(bytes, imports\);\n/g, '\n        return compile(await module.arrayBuffer());\n'],
    [/if \(typeof WebAssembly\.instantiateStreaming === 'function'\) \{\n            try \{\n                return await WebAssembly\.instantiateStreaming\(module, imports\);/g, "if (compileStreaming) {\n            try {\n                return await compileStreaming(module);"],
    [/\nasync function __wbg_load\(module, imports\) \{\n/g, '\nasync function __wbg_load(module) {\n'],
    // The wasm's address goes to the `fetch` of when this file ran (npm's `init` and the script
    // tag's `data-manual` are called later): a later script's could answer with other bytes.
    [/\n        module_or_path = fetch\(module_or_path\);\n/g, '\n        module_or_path = fetchWasm(module_or_path);\n'],
    // The externref table's reserved slots are filled with the `Table.prototype.set` of when this
    // file ran: a later script's would have the table (every JS value the wasm holds), and a
    // no-op or lying one would turn the booleans the wasm sends into null or around (round a8).
    [/table\.set\(/g, 'tableSet(table, ', 5],
    [/\nlet wasmModule, wasmInstance, wasm;\n/g, '\nlet wasm;\n'],
    // A string an import returns to the wasm (`String` or `Option<String>`) is copied in and its
    // pointer and length written where the wasm said by one function, instead of the same four
    // lines in each of those imports (-38). The address needs no `>>> 0`: it is on the stack,
    // below 1 MiB (see step 3).
    [
      /\n            (?:const|var) ptr1 = (?:isLikeNone\(ret\) \? 0 : )?passStringToWasm0\(ret, wasm\.\w+, wasm\.\w+\);\n            (?:const|var) len1 = WASM_VECTOR_LEN;\n            getDataViewMemory0\(\)\.setInt32\(\(arg0 >>> 0\) \+ 4 \* 1, len1, true\);\n            getDataViewMemory0\(\)\.setInt32\(\(arg0 >>> 0\) \+ 4 \* 0, ptr1, true\);\n/g,
      '\n            passStringOut(arg0, ret);\n',
      0,
    ],
    [
      /\nlet WASM_VECTOR_LEN = 0;\n/g,
      `\nfunction passStringOut(to, s) {\n    s == null ? (new I32(bufferOf(wasm.a))[to >> 2] = 0) : passStringToWasm0(s, to);\n}\n`,
    ],
    // passStringOut tells `None` by `== null` itself: isLikeNone had no other caller (-16).
    [/\nfunction isLikeNone\(x\) \{\n    return x === undefined \|\| x === null;\n\}\n/g, '\n'],
    // init is __wbg_init_once itself.
    [/\nasync function __wbg_init\(module_or_path\) \{\n    return __wbg_init_once\(module_or_path\);\n\}\n/g, '\n'],
    [/\nasync function __wbg_init_once\(/g, '\nasync function __wbg_init('],
    // The imports as arrow functions (-47; none of them reads `this` or `arguments`, checked
    // below).
    [/(\n        \w+): function\(([\w, ]*)\) \{\n/g, '$1: ($2) => {\n', 0],
    // The cast of a string the wasm hands out (`JsValue::from_str`) is getStringFromWasm0 itself,
    // not a function that calls it (-9).
    [
      /\(arg0, arg1\) => \{\n            \/\/ Cast intrinsic for `Ref\(String\) -> Externref`\.\n            const ret = getStringFromWasm0\(arg0, arg1\);\n            return ret;\n        \}/g,
      'getStringFromWasm0',
    ],
    // Loading: every browser that runs WebAssembly has fetch's Response and Request and URL, so
    // they are not checked for being there, and a response of a type that may not be streamed
    // for a wrong MIME type is recognised by three comparisons instead of a switch in a function
    // (not by a RegExp: a page script could replace RegExp.prototype.exec before the wasm arrives).
    [/typeof Response === 'function' && /g, ''],
    [/\(typeof (Request|URL) === 'function' && (module_or_path instanceof \1)\)/g, '$2', 2],
    [/const validResponse = expectedResponseType\(module\.type\);\n\n? */g, ''],
    [/if \(validResponse && /g, "if ((module.type == 'basic' || module.type == 'cors' || module.type == 'default') && "],
    [/\n\n    function expectedResponseType\(type\) \{\n        switch \(type\) \{\n            case 'basic': case 'cors': case 'default': return true;\n        \}\n        return false;\n    \}\n/g, '\n'],
    // wasm-bindgen's intrinsic that reads a string (`as_string`), written without the temporaries
    // and `undefined` round trips the minifier keeps; the same answers. (What a value of the configuration's copy is, is one call of bridge.js's `kind`
    // in src/web/json.rs, not `as_bool`, `as_f64` and `is_object`.)
    [
      /\(arg0, arg1\) => \{\n            const obj = arg1;\n            const ret = typeof\(obj\) === 'string' \? obj : undefined;\n            passStringOut\(arg0, ret\);\n        \}/g,
      "(arg0, arg1) => passStringOut(arg0, typeof arg1 === 'string' ? arg1 : undefined)",
    ],
    // js-sys's `new Array`, `new Object` and `push` run while the session is lent out (the API
    // views, the gated categories): one a later page script made throw once left it lent out for
    // the page's life, so every later call resolved to null and a refusal was lost
    // (tests/e2e/integrity-builtins.test.mjs). Literals read no global, and an element is appended
    // by assignment, not by `Array.prototype.push` (every array pushed to is one of these
    // literals; nothing reads push's result).
    [/const ret = new Array\(\);\n            return ret;/g, 'return [];'],
    [/const ret = new Object\(\);\n            return ret;/g, 'return {};'],
    [
      /\(arg0, arg1\) => \{\n            const ret = arg0\.push\(arg1\);\n            return ret;\n        \}/g,
      '(arg0, arg1) => {\n            arg0[arg0.length] = arg1;\n        }',
    ],
    // The exports api.js calls as arrow functions that call the wasm's export, not functions
    // that keep its result in a variable first (none reads `this` or `arguments`; -9).
    [/\nexport function (\w+)\(([\w, ]*)\) \{\n    const ret = (wasm\.\w+\(\2\));\n    return ret;\n\}\n/g, '\nexport const $1 = ($2) => $3;\n', 2],
    [/\nexport function (\w+)\(([\w, ]*)\) \{\n    (wasm\.\w+\(\2\));\n\}\n/g, '\nexport const $1 = ($2) => $3;\n', -1],
    // The import objects without a null prototype: every import the wasm asks for is an own
    // member of them, so a prototype is never looked at (-6).
    [/\n        __proto__: null,\n/g, '\n', 2],
    // Strings and answers cross with the built-ins of when this file ran, not with prototype
    // members or constructors read at each call: a later page script whose `charCodeAt`, `slice`,
    // `encodeInto`, `decode`, `subarray` or `DataView#setInt32` threw once failed the step it threw
    // in, at start leaving the SDK stuck for the page and on a route into a sensitive page leaving
    // Consent Mode granted there (adversarial round 13), and one whose `window.Int32Array` made
    // plain arrays had the answers' words written nowhere, the wasm reading stale pointers (the
    // page froze; round 14); tests/e2e/integrity-builtins.test.mjs. `encodeInto`, `decode` (above),
    // `Date.now`, the `Uint8Array` and `Int32Array` constructors and the memory's `buffer` getter
    // (see init above: the getter of a later script would have the memory) are taken when the glue loads;
    // words are written through an `Int32Array` (element writes read no prototype).
    //
    // passStringToWasm0 (only passStringOut calls it) allocates with wasm-bindgen's malloc and
    // realloc themselves, not with functions passed to it, sends the string in whole through
    // `encodeInto` (at most 3 bytes per UTF-16 unit; no ASCII loop) and writes its pointer and
    // length where the wasm asked, not into a global for passStringOut to write (a `None`: the
    // pointer 0, which is all the wasm reads then). The words are viewed after the realloc, which
    // may grow the memory (a view of the old buffer would be detached, its writes lost); an empty
    // string is not reallocated (wasm-bindgen's malloc gives no block for 0 bytes, and its realloc
    // takes none).
    [
      /\nconst cachedTextEncoder = new TextEncoder\(\);\n/g,
      '\nconst U8 = Uint8Array;\nconst I32 = Int32Array;\nconst encodeUtf8 = TextEncoder.prototype.encodeInto.bind(new TextEncoder());\nconst dateNow = Date.now;\n' +
        // What init calls (see init above), taken now too; a method or getter as a function of
        // its receiver (`uncurry(g)(x)` is `g.call(x)` without reading `call` then). No
        // WebAssembly (an old browser, a page that removed it): nothing to take, and api.js fails
        // closed.
        'const fetchWasm = fetch;\nconst { Module, Instance, Memory, Table, compile, compileStreaming } = window.WebAssembly || {};\n' +
        'const uncurry = (f) => Function.prototype.call.bind(f);\nconst getter = (C, k) => uncurry(C && Object.getOwnPropertyDescriptor(C.prototype, k).get);\n' +
        "const exportsOf = getter(Instance, 'exports');\nconst bufferOf = getter(Memory, 'buffer');\nconst tableSet = uncurry(Table?.prototype.set);\n",
    ],
    [
      /\nfunction passStringToWasm0\(arg, malloc, realloc\) \{\n[^]*?\n\}\n/g,
      `\nfunction passStringToWasm0(arg, to) {\n    const len = arg.length * 3;\n    const ptr = ${alloc[1]}(len, 1) >>> 0;\n    const written = encodeUtf8(arg, new U8(bufferOf(wasm.a), ptr, len)).written;\n    const at = written < len ? ${alloc[2]}(ptr, len, written, 1) : ptr;\n    const words = new I32(bufferOf(wasm.a));\n    words[(to >> 2) + 1] = written;\n    words[to >> 2] = at;\n}\n`,
    ],
    [/const ret = Date\.now\(\);/g, 'const ret = dateNow();'],
    // The imports' bodies as expressions: a result handed to passStringOut or returned at once
    // is not kept in a variable first, `Date.now` (taken at load) is the import itself, and a
    // cast to a JS value of a number is the number (-9).
    [/=> \{\n            const ret = (.+);\n            passStringOut\(arg0, ret\);\n        \}/g, '=> passStringOut(arg0, $1)', 0],
    [/=> \{\n            const ret = (.+);\n            return ret;\n        \}/g, '=> $1', 0],
    [/=> \{\n            return \[\];\n        \}/g, '=> []'],
    [/=> \{\n            return \{\};\n        \}/g, '=> ({})'],
    [/\(\) => dateNow\(\)/g, 'dateNow'],
    [/\(arg0\) => \{\n            \/\/ Cast intrinsic for `F64 -> Externref`\.\n            const ret = arg0;\n            return ret;\n        \}/g, '(arg0) => arg0'],
  ];
  for (const [re, to, times = 1] of cuts) {
    const n = (glue.match(re) || []).length;
    if (times < 0 ? false : times ? n !== times : !n) {
      console.error(`build: the wasm-bindgen glue changed (${n} matches of ${re}): update trimGlue in scripts/build.mjs.`);
      process.exit(1);
    }
    glue = glue.replace(re, to);
  }
  if (/isLikeNone/.test(glue)) {
    console.error('build: the wasm-bindgen glue calls isLikeNone elsewhere now: update trimGlue in scripts/build.mjs.');
    process.exit(1);
  }
  // No import of the wasm's catches (`#[wasm_bindgen(catch)]`): what a page may make throw is
  // caught in src/js/bridge.js, which answers the wasm plainly (`setItem`, `put`, `guard`). A
  // catching import brings back wasm-bindgen's handleError, the exception's table slot and, in
  // the wasm, the result handling of each call (-83 with web-sys's `set_item` the last one).
  if (/handleError|addToExternrefTable0/.test(glue)) {
    console.error('build: an import of the wasm catches (handleError in the glue): catch in src/js/bridge.js instead, see `setItem` there.');
    process.exit(1);
  }
  const imports = /\nfunction __wbg_get_imports\(\) \{\n[^]*?\n\}\n/.exec(glue)?.[0] || '';
  if (/\b(this|arguments)\b/.test(imports.replace(/\/\/.*/g, ''))) {
    console.error('build: an import of the wasm-bindgen glue reads `this` or `arguments`: it cannot be an arrow function (trimGlue in scripts/build.mjs).');
    process.exit(1);
  }
  // A member name ending in `_` would be shortened with `kit`'s (see `internal` below).
  if (/\.[A-Za-z$][\w$]*_\b|\b[A-Za-z$][\w$]*_\s*:/.test(glue.replace(/\/\/.*|\/\*[^]*?\*\//g, ''))) {
    console.error('build: the wasm-bindgen glue has a member whose name ends in `_`: esbuild would rename it (`internal` in scripts/build.mjs).');
    process.exit(1);
  }
  // What init and the imports call is taken when the glue loads (see init above): a glue that
  // reads a member of WebAssembly, an instance's exports, a memory's buffer or a table's set at
  // call time, where a later page script would have them, stops the build.
  if (/WebAssembly\.|\.(exports|buffer)\b|\.set\(/.test(glue.replace(/\/\/.*|\/\*[^]*?\*\//g, ''))) {
    console.error('build: the wasm-bindgen glue reads a WebAssembly built-in at call time: take it when the glue loads (trimGlue in scripts/build.mjs).');
    process.exit(1);
  }
  // The wasm hands out no closure (what the page tells comes through the `call` export, see
  // `watch` in src/js/bridge.js): a closure would bring back wasm-bindgen's closure glue, its
  // reference count and FinalizationRegistry, and in the wasm its box, invoke shim and guard.
  if (/_wbg_cb_unref|CLOSURE_DTORS|makeClosure/.test(glue)) {
    console.error('build: the wasm-bindgen glue makes closures now: the wasm should hand out none (`watch` in src/js/bridge.js calls the `call` export).');
    process.exit(1);
  }
  return glue;
}

// 2. JS glue (web target: an ES module; the classic script bundles it). The log variant's goes
// to target/bindgen-log; the two glues must be the same, byte for byte.
const glues = [];
for (const v of variants) {
  v.bindgen = v === variants[0] ? bindgen : bindgen + '-log';
  rmSync(v.bindgen, { recursive: true, force: true });
  run('wasm-bindgen', [
    '--target', 'web', '--out-dir', v.bindgen, '--out-name', 'consent_gate', '--no-typescript',
    '--encode-into', 'always', '--omit-default-module-path',
    v.wasmIn,
  ]);
  const glueFile = join(v.bindgen, 'consent_gate.js');
  const wasmFile = join(v.bindgen, 'consent_gate_bg.wasm');
  const short = shortenImports(readFileSync(wasmFile), readFileSync(glueFile, 'utf8'), './consent_gate_bg.js');
  const shorter = shortenExports(short.wasm, short.glue);
  const glue = trimGlue(shorter.glue);
  // What the SDK can never reach, which wasm-opt would keep (scripts/unreachable.mjs): the dead
  // function table entries trapping (-399 bytes brotli), then no exports the trimmed glue never
  // reads (-108).
  const { wasm } = trapDeadTableEntries(dropUnusedExports(shorter.wasm, glue).wasm, glue);
  writeFileSync(wasmFile, wasm);
  writeFileSync(glueFile, glue);
  checkNoJspiLeft(wasmFile, wasmOpt, wasmFeatures);
  glues.push(glue);
}
if (glues[0] !== glues[1]) {
  console.error('build: the wasms with and without the consent log need different glues (target/bindgen, target/bindgen-log): one consent-gate.js must load either; keep the imports and exports the same.');
  process.exit(1);
}
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
// 3. wasm-opt from npm's binaryen (Debian's 108 produces wasm Chromium rejects at instantiation).
// --low-memory-unused lets it fold constant address offsets: rustc's wasm32 layout puts the stack
// first, growing down from 1 MiB towards 0, so the lowest 1 KiB is never touched short of a
// 1 MiB-deep stack. The target_features section only matters to tools that read the features;
// here they are given explicitly, and browsers ignore the section.
// --one-caller-inline-max-function-size=20: wasm-opt inlines every function that has one caller,
// however large; the wasm gets about 3 KB larger uncompressed with a limit but 1.7 KB smaller in
// brotli (and 2.9 KB in gzip): the merged giant functions compressed worse. Measured 0 to 200.
// -O2 rather than -Oz or -Os: 2 KB more raw bytes, 174 fewer brotli bytes (measured -Oz, -Os, -O2,
// -O3 with limits 10 to 40; -O2 with 15 to 25 are within 30 bytes of each other).
// --reorder-functions-by-name: functions of one module and one kind (drop glue, closures) end up
// next to each other, where brotli finds their likeness: -72 bytes (by call count: +430).
// --optimize-added-constants-propagate: with --low-memory-unused, constant offsets are folded
// into loads and stores also through locals (-94 bytes). --ignore-implicit-traps: the optimizer
// may assume no load, store or division traps by itself; rustc's code never relies on those
// traps (a division by zero or a bad index is checked in Rust and aborts explicitly, and that
// abort stays): -38 bytes more with the former.
// --always-inline-max-function-size=3 (2 by default): also the 3-byte functions (mostly one call
// forwarding its arguments) are inlined everywhere: -143 bytes (4: -55, 5: -36, 6: +33).
for (const v of variants) {
  run(wasmOpt, [
    '-O2', '--converge', ...wasmFeatures,
    '--low-memory-unused', '--optimize-added-constants-propagate', '--ignore-implicit-traps',
    '--one-caller-inline-max-function-size=20', '--always-inline-max-function-size=3', '--reorder-functions-by-name',
    '--strip-debug', '--strip-producers', '--strip-target-features',
    join(v.bindgen, 'consent_gate_bg.wasm'), '-o', join(pkg, v.name + '_bg.wasm'),
  ]);
}
// The glue's own imports (module `w`) that the wasm no longer asks for once wasm-opt removed the
// code that called them (wasm-bindgen's `throw`: only the closure shims of js-sys's imports,
// which trap now, called it): left out of the import object, which esbuild cannot see into. What
// either wasm asks for is kept.
{
  const glueFile = join(bindgen, 'consent_gate.js');
  let glue = readFileSync(glueFile, 'utf8');
  const wanted = new Set(
    variants.flatMap((v) =>
      WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(pkg, v.name + '_bg.wasm'))))
        .filter((i) => i.module === 'w')
        .map((i) => i.name),
    ),
  );
  const object = /\n    const import0 = \{\n([^]*?)\n    \};\n/.exec(glue);
  if (!object) {
    console.error('build: the glue has no import object `import0`: update the import step after wasm-opt in scripts/build.mjs.');
    process.exit(1);
  }
  // One member per entry: from its name at 8 spaces to the next such name.
  const members = object[1].split(/\n(?=        [\w$]+: )/);
  if (members.some((m) => !/^        [\w$]+: /.test(m))) {
    console.error('build: the glue\'s import object is not one member per `name: ` at 8 spaces: update the import step after wasm-opt in scripts/build.mjs.');
    process.exit(1);
  }
  const kept = members.filter((m) => wanted.has(/^        ([\w$]+):/.exec(m)[1]));
  if (kept.length !== wanted.size) {
    console.error('build: the wasm imports a member of `w` the glue does not define: update the import step after wasm-opt in scripts/build.mjs.');
    process.exit(1);
  }
  glue = glue.replace(object[0], '\n    const import0 = {\n' + kept.join('\n') + '\n    };\n');
  writeFileSync(glueFile, glue);
}

// 4. Bundle the JS: the glue's import of its bridge snippet resolves to src/js/bridge.js, so the
// wasm and the API share one module instance (one set of event handlers).
const esbuild = await import(join(root, 'node_modules', 'esbuild', 'lib', 'main.js'));
// The languages other than English: i18n/<lang>.json, copied next to the script as they are
// (minified) and, for npm, also as modules i18n/<lang>.js. The ES module gets one dynamic import
// per language (the virtual module consent-gate-languages), left to the site's bundler to split.
const languages = readdirSync(join(root, 'i18n'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();
// Words the release wasms leave out, by the letter of their mark (U+0001 and the letter), each
// loaded only when needed: i18n/problems.json, the configuration reader's messages (`messages!` in
// src/core/config.rs, lines `NAME "letter" "words",`), which start asks for, as it asks for a
// language file, when a configuration has problems to show; i18n/english.json, the preferences
// dialog's English texts in the wasm without the log (`texts!` in src/core/i18n.rs, lines
// `Name "key" "words" @ "letter",`), loaded with the dialog. One namespace: a letter once.
const used = {};
function wordsOf(file, block, line, least) {
  const text = readFileSync(join(root, 'src', 'core', file), 'utf8');
  const list = block.exec(text);
  const words = {};
  for (const l of list ? list[1].split('\n') : []) {
    const m = line.exec(l)?.groups;
    if (!m) continue;
    if (m.letter in used) {
      console.error(`build: src/core/${file}: the letter "${m.letter}" is used twice (letters of src/core/config.rs and src/core/i18n.rs are one namespace).`);
      process.exit(1);
    }
    used[m.letter] = 1;
    words[m.letter] = JSON.parse(m.words);
  }
  if (Object.keys(words).length < least) {
    console.error(`build: src/core/${file}: expected at least ${least} marked words, found ${Object.keys(words).length}: update the words step in scripts/build.mjs.`);
    process.exit(1);
  }
  return words;
}
const wordFiles = {
  problems: wordsOf('config.rs', /^messages! \{\n([\s\S]*?)^\}/m, /^ {4}[A-Z0-9_]+ "(?<letter>.)" (?<words>"(?:[^"\\]|\\.)*"),$/, 30),
  english: wordsOf('i18n.rs', /^texts! \{\n([\s\S]*?)^\}/m, /^ {4}[A-Za-z]+ "\w+" (?<words>"(?:[^"\\]|\\.)*") @ "(?<letter>.)",$/, 20),
};
const resolveGlue = {
  name: 'consent-gate-glue',
  setup(b) {
    b.onResolve({ filter: /^consent-gate-glue$/ }, () => ({ path: join(bindgen, 'consent_gate.js') }));
    b.onResolve({ filter: /snippets\/.*\/src\/js\/bridge\.js$/ }, () => ({ path: join(root, 'src', 'js', 'bridge.js') }));
    b.onResolve({ filter: /^consent-gate-languages$/ }, () => ({ path: 'languages', namespace: 'consent-gate' }));
    b.onLoad({ filter: /^languages$/, namespace: 'consent-gate' }, () => ({
      contents: 'export default {' + [...languages, ...Object.keys(wordFiles)].map((l) => `${JSON.stringify(l)}: () => import(${JSON.stringify(`./i18n/${l}.js`)})`).join(',') + '};',
    }));
    b.onResolve({ filter: /^\.\/(i18n\/|consent-gate-(banner|notice|dialog|gating|log)\.js$)/ }, (a) => ({ path: a.path, external: true }));
  },
};
const common = { bundle: true, minify: true, target: 'es2020', plugins: [resolveGlue], logLevel: 'warning', legalComments: 'none' };
// The members of `kit`, the object bridge.js hands the parts in files of their own, end in `_`
// (`k.el_`, `k.granted_`), and no other property of consent-gate's files does: esbuild gives them
// short names (the object never leaves these files; nothing looks a member up by a computed name).
// Every bundle is built with the names the ones before it chose (`mangleCache`), so the parts and
// the two entry points agree.
const internal = /_$/;
let mangleCache = {};
async function bundle(entry, format, outfile) {
  const r = await esbuild.build({ ...common, mangleProps: internal, mangleCache, entryPoints: [join(root, 'src', 'js', entry)], format, outfile: join(pkg, outfile) });
  mangleCache = r.mangleCache;
}
await bundle('esm.js', 'esm', 'index.js');
await bundle('script-tag.js', 'iife', 'consent-gate.js');
// The parts loaded when needed, ES modules of their own: imported by both only while the visitor
// has not decided, on a page with a notice, when the preferences dialog first opens, and on a page
// with a gated element.
for (const part of ['banner', 'notice', 'dialog', 'gating', 'log']) {
  await bundle(part + '.js', 'esm', `consent-gate-${part}.js`);
}
mkdirSync(join(pkg, 'i18n'));
for (const l of languages) {
  let texts;
  try {
    texts = JSON.stringify(JSON.parse(readFileSync(join(root, 'i18n', l + '.json'), 'utf8')));
  } catch (e) {
    console.error(`build: i18n/${l}.json: ${e.message}`);
    process.exit(1);
  }
  writeFileSync(join(pkg, 'i18n', l + '.json'), texts);
  writeFileSync(join(pkg, 'i18n', l + '.js'), 'export default ' + texts + ';\n');
}
for (const [name, words] of Object.entries(wordFiles)) {
  writeFileSync(join(pkg, 'i18n', name + '.json'), JSON.stringify(words));
  writeFileSync(join(pkg, 'i18n', name + '.js'), 'export default ' + JSON.stringify(words) + ';\n');
}
// The stylesheets: consent-gate.css on every page of a script-tag site, consent-gate-ui.css (the
// banner, dialog and notice) linked by the script when one is drawn, and both in one file for npm,
// whose `consent-gate/consent-gate.css` the site's bundler includes whole.
const css = {};
for (const name of ['consent-gate', 'consent-gate-ui']) {
  const r = await esbuild.build({ entryPoints: [join(root, 'src', 'css', name + '.css')], minify: true, write: false, outdir: pkg, logLevel: 'warning' });
  css[name] = r.outputFiles[0].text;
  writeFileSync(join(pkg, name + '.css'), css[name]);
}
writeFileSync(join(pkg, 'consent-gate-all.css'), css['consent-gate'] + css['consent-gate-ui']);

// 5. Types, schemas, package.json, README.
copyFileSync(join(root, 'src', 'js', 'index.d.ts'), join(pkg, 'index.d.ts'));
for (const f of ['consent-gate.schema.json', 'consent-event.schema.json']) {
  if (existsSync(join(root, 'schemas', f))) copyFileSync(join(root, 'schemas', f), join(pkg, f));
}
copyFileSync(join(root, 'README.md'), join(pkg, 'README.md'));
const files = ['index.js', 'index.d.ts', 'consent_gate_bg.wasm', 'consent_gate_log_bg.wasm', 'consent-gate.js', 'consent-gate-banner.js', 'consent-gate-notice.js', 'consent-gate-dialog.js', 'consent-gate-gating.js', 'consent-gate-log.js', 'consent-gate.css', 'consent-gate-ui.css', 'consent-gate-all.css', 'i18n', 'consent-gate.schema.json', 'consent-event.schema.json', 'README.md'];
writeFileSync(
  join(pkg, 'package.json'),
  JSON.stringify(
    {
      name: 'consent-gate',
      version,
      description: 'Consent manager in Rust/WebAssembly: privacy notice, opt-out controls, GPC and DNT, Google Consent Mode v2 gating.',
      license: 'MIT',
      type: 'module',
      main: './index.js',
      module: './index.js',
      types: './index.d.ts',
      exports: {
        '.': { types: './index.d.ts', import: './index.js', default: './index.js' },
        './consent-gate.css': './consent-gate-all.css',
        './consent-gate-ui.css': './consent-gate-ui.css',
        './consent_gate_bg.wasm': './consent_gate_bg.wasm',
        './consent_gate_log_bg.wasm': './consent_gate_log_bg.wasm',
        './consent-gate.js': './consent-gate.js',
        './consent-gate-banner.js': './consent-gate-banner.js',
        './consent-gate-notice.js': './consent-gate-notice.js',
        './consent-gate-dialog.js': './consent-gate-dialog.js',
        './consent-gate-gating.js': './consent-gate-gating.js',
        './consent-gate-log.js': './consent-gate-log.js',
        './consent-gate.schema.json': './consent-gate.schema.json',
        './consent-event.schema.json': './consent-event.schema.json',
        './package.json': './package.json',
      },
      files,
      // The CSS is imported for its side effect; webpack drops such imports of a "sideEffects: false" package.
      sideEffects: ['./consent-gate.css', './consent-gate-all.css', './consent-gate-ui.css', './consent-gate.js'],
      keywords: ['consent', 'cookie', 'gdpr', 'ccpa', 'gpc', 'consent-mode', 'gtag', 'wasm'],
    },
    null,
    2,
  ) + '\n',
);

rmSync(out, { recursive: true, force: true });
renameSync(pkg, out);

// 6. What a script-tag site downloads (English texts are inside the wasm; another language adds
// its i18n/<lang>.json, printed below).
// consent-gate.css is linked only when something of consent-gate's is drawn (see the parts below).
const shipped = ['consent-gate.js', 'consent_gate_bg.wasm'];
const total = { raw: 0, gzip: 0, brotli: 0 };
const sizesOf = (f) => {
  const data = readFileSync(join(out, f));
  return {
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
const row = (f, sizes) => console.log(`  ${f.padEnd(25)} ${String(sizes.raw).padStart(7)} ${String(sizes.gzip).padStart(8)} ${String(sizes.brotli).padStart(8)}`);
console.log('\nbytes a script-tag site downloads:');
console.log('  file                          raw     gzip   brotli');
for (const f of shipped) {
  const sizes = sizesOf(f);
  for (const k in total) total[k] += sizes[k];
  row(f, sizes);
}
row('total', total);
// A site with a consent log loads the log wasm instead of the other, and the log's delivery.
const logTotal = {};
{
  const plain = sizesOf('consent_gate_bg.wasm');
  const log = sizesOf('consent_gate_log_bg.wasm');
  const delivery = sizesOf('consent-gate-log.js');
  for (const k in total) logTotal[k] = total[k] - plain[k] + log[k] + delivery[k];
  row('consent_gate_log_bg.wasm', log);
  row('consent-gate-log.js', delivery);
  row('total with a consent log', logTotal);
}
{
  const sizes = languages.map((l) => brotliCompressSync(readFileSync(join(out, 'i18n', l + '.json')), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length);
  console.log(`  plus one language file for a visitor who needs it: ${Math.min(...sizes)} to ${Math.max(...sizes)} bytes brotli`);
  const parts = [
    ['consent-gate.css', 'with the first of the banner, the dialog, the notice, the "Privacy choices" button and a gated embed'],
    ['consent-gate-ui.css', 'with the first of the banner, the dialog and the notice'],
    ['consent-gate-banner.js', 'on a first visit, or when the banner shows'],
    ['consent-gate-notice.js', 'on a page with a notice container'],
    ['consent-gate-dialog.js', 'when the preferences dialog first opens'],
    ['consent-gate-gating.js', 'on a page with a gated script or embed'],
  ];
  for (const [file, when] of parts) {
    const data = readFileSync(join(out, file));
    const brotli = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    console.log(`  plus ${file} ${when}: ${brotli} bytes brotli (${data.length} raw)`);
  }
}
writeFileSync(join(root, 'target', 'size.json'), JSON.stringify({ version, ...total, log: logTotal }, null, 2) + '\n');
const budget = JSON.parse(readFileSync(join(root, 'size-budget.json'), 'utf8'));
for (const [what, bytes, limit] of [
  ['', total.brotli, budget.brotliBytes],
  [' with a consent log', logTotal.brotli, budget.logBrotliBytes],
]) {
  if (!(bytes <= limit)) {
    console.error(`\nbuild: size budget${what} exceeded: ${bytes} bytes brotli, budget ${limit} (size-budget.json). Make it smaller; the budget only moves down.`);
    process.exit(1);
  }
  console.log(`size budget${what}: ${bytes} of ${limit} bytes brotli`);
}
console.log('');
