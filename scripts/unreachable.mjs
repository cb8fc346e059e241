// Takes out of the wasm what wasm-bindgen leaves in it that the SDK can never reach, which
// wasm-opt has to keep: exports the glue never reads, and function table entries that nothing
// calls. Both run on wasm-bindgen's output (it still has its name section) and the trimmed glue;
// each stops the build (throws) when what it relies on no longer holds.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { appendEntry, glueReads, leb, readExport, readImport, readLeb, readName, rewriteSection, sections } from './shorten-imports.mjs';

function fail(message) {
  throw new Error('unreachable.mjs: ' + message);
}

/** The wasm without the exports the glue never reads. The bundle does not expose the glue's
 * `wasm` object, so nothing else can read them: wasm-bindgen's `__abort_handler` and
 * `__instance_terminated` globals, and what trimGlue left unused (`__wbindgen_free`, the closure
 * destructor). wasm-opt then also removes the functions only they reached. */
export function dropUnusedExports(wasm, glue) {
  const dropped = [];
  const out = rewriteSection(wasm, 7, (p) => {
    const { field, end } = readExport(wasm, p);
    if (glueReads(glue, field)) return [wasm.subarray(p, end), end];
    dropped.push(field);
    return [null, end];
  });
  return { wasm: out, dropped };
}

// Function names as rustc writes them: v0 symbols on the nightly build (crate hashes in brackets,
// generic arguments), legacy ones on stable (`::h<hash>` at the end, no generic arguments).
const invokeShim = /^wasm_bindgen(\[\w+\])?::convert::closures::_::invoke(::<|::h[0-9a-f]{16}$)/;
const jspiWaker = /^js_sys(\[\w+\])?::futures::jspi::task_waker::raw_(clone|wake|wake_by_ref|drop)(::h[0-9a-f]{16})?$/;

/**
 * The wasm with the entries of its function table that nothing can call replaced, in place, by a
 * function added to trap (`unreachable`). Indices stay: Rust vtables in the data segment hold
 * table indices. wasm-opt must assume that any `call_indirect` may reach any entry, so it kept
 * these functions and all they call.
 *
 * Why each replaced entry is unreachable:
 * - a closure invoke shim (`wasm_bindgen::convert::closures::_::invoke::<...>`) is in the table
 *   only because wasm-bindgen's describe functions took its address to tell the CLI the closure
 *   types of js-sys's imports (typed arrays' `forEach`, JSPI, ...). wasm-bindgen removed those
 *   functions. A shim is where JavaScript enters a closure (Rust code never calls one): a glue
 *   would call it through an export of its own, never through the table, which is neither
 *   exported nor imported. The SDK hands out no closure (`watch` in src/js/bridge.js calls the
 *   `call` export); a shim that is exported is kept all the same.
 * - js-sys's JSPI task waker (`task_waker::raw_*`) is a `RawWakerVTable` in the data segment for
 *   tasks the SDK never spawns: no other function of `futures::jspi` is left that builds a waker
 *   from it (`checkNoJspiLeft` asks wasm-opt).
 */
export function trapDeadTableEntries(wasm, glue) {
  const names = new Map();
  const exported = new Map();
  let imports = 0;
  let tableReached = false;
  for (const s of sections(wasm)) {
    if (s.id === 0 && readName(wasm, s.body)[0] === 'name') {
      let p = readName(wasm, s.body)[1];
      while (p < s.end) {
        const [size, body] = readLeb(wasm, p + 1);
        if (wasm[p] === 1) {
          let [count, q] = readLeb(wasm, body);
          for (let i = 0; i < count; i++) {
            const [index, q1] = readLeb(wasm, q);
            const [fn, q2] = readName(wasm, q1);
            names.set(index, fn);
            q = q2;
          }
        }
        p = body + size;
      }
    } else if (s.id === 2) {
      let [count, p] = readLeb(wasm, s.body);
      for (let i = 0; i < count; i++) {
        const { kind, end } = readImport(wasm, p);
        if (kind === 0) imports++;
        if (kind === 1) tableReached = true;
        p = end;
      }
    } else if (s.id === 7) {
      let [count, p] = readLeb(wasm, s.body);
      for (let i = 0; i < count; i++) {
        const { field, kind, index, end } = readExport(wasm, p);
        if (kind === 0) exported.set(index, field);
        // The element segment fills table 0 (checked below).
        if (kind === 1 && index === 0) tableReached = true;
        p = end;
      }
    }
  }
  if (names.size === 0) fail('the wasm from wasm-bindgen has no function names (name section): its function table cannot be trimmed by name.');
  if (tableReached) fail('the wasm\'s function table is imported or exported now, so JavaScript could call any entry: update trapDeadTableEntries in scripts/unreachable.mjs.');

  // The trap: a new type `[] -> []` (wasm-opt merges it with an equal one), function and body.
  let [out, type] = appendEntry(wasm, 1, [0x60, 0, 0]);
  let defined;
  [out, defined] = appendEntry(out, 3, leb(type));
  [out] = appendEntry(out, 10, [3, 0, 0x00, 0x0b]); // size, no locals, unreachable, end
  const trap = imports + defined;

  const replaced = [];
  let segments = 0;
  out = rewriteSection(out, 9, (p) => {
    // Active, table 0, a constant offset (`i32.const <n> end`), function indices.
    let q = p + 2;
    if (out[p] === 0 && out[p + 1] === 0x41) q = readLeb(out, q)[1];
    if (q === p + 2 || out[q] !== 0x0b) fail('the wasm\'s element segments are not what trapDeadTableEntries in scripts/unreachable.mjs reads: update it.');
    const bytes = [...out.subarray(p, q + 1)];
    let [count, r] = readLeb(out, q + 1);
    bytes.push(...leb(count));
    for (let i = 0; i < count; i++) {
      const [index, next] = readLeb(out, r);
      const fn = names.get(index) || '';
      const dead = !exported.has(index) && (invokeShim.test(fn) || jspiWaker.test(fn));
      if (dead) replaced.push(fn);
      bytes.push(...leb(dead ? trap : index));
      r = next;
    }
    segments++;
    return [bytes, r];
  });
  if (segments === 0) fail('the wasm has no function table entries now: remove trapDeadTableEntries from scripts/build.mjs.');
  if (replaced.length === 0) fail('no dead closure invoke shim or JSPI waker is left in the function table: remove trapDeadTableEntries from scripts/build.mjs.');
  return { wasm: out, replaced };
}

/** Stops when the wasm in `file` (after trapDeadTableEntries) still reaches a function of js-sys's
 * JSPI tasks: one would be code that builds a waker from the vtable the data segment still holds,
 * whose entries trap now. `wasmOpt` and its feature flags are the build's. */
export function checkNoJspiLeft(file, wasmOpt, features) {
  const reachable = file + '.reachable';
  const map = execFileSync(wasmOpt, [...features, '--remove-unused-module-elements', '--print-function-map', file, '-o', reachable], { encoding: 'utf8' });
  rmSync(reachable);
  const jspi = map.split('\n').filter((line) => /::futures::jspi::/.test(line));
  if (jspi.length) fail('js-sys\'s JSPI task code is reachable now, so its waker\'s table entries must not trap: update trapDeadTableEntries.\n  ' + jspi.join('\n  '));
}
