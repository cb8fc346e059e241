// The build step that takes out what wasm-bindgen leaves in the wasm that the SDK never reaches
// (scripts/unreachable.mjs), on small modules made like wasm-bindgen's output (with function
// names): what still runs, what traps, and that it stops the build when its assumptions fail.
// The SDK's own wasm is exercised by the other files here (the `watch` closure, start, the API).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkNoJspiLeft, dropUnusedExports, trapDeadTableEntries } from '../../scripts/unreachable.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (tool) => join(root, 'node_modules', '.bin', tool);
const dir = mkdtempSync(join(tmpdir(), 'consent-gate-unreachable-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// Names as rustc writes them on nightly (v0 symbols) and on stable (legacy ones).
const shim = '$"wasm_bindgen[0123abcd]::convert::closures::_::invoke::<u8, (), true>"';
const deadShim = '$"wasm_bindgen[0123abcd]::convert::closures::_::invoke::<JsValue, (), true>"';
const waker = '$"js_sys[0123abcd]::futures::jspi::task_waker::raw_wake"';
const deadShimStable = '$"wasm_bindgen::convert::closures::_::invoke::h0123456789abcdef"';
const wakerStable = '$"js_sys::futures::jspi::task_waker::raw_drop::h0123456789abcdef"';

// Table entries 1 to 6: the shim the glue calls (exported as `h`), a shim nobody calls, the JSPI
// waker, a function of ours, the stable names of a dead shim and of the waker; `c(i)` calls entry i.
function module({ entries = [shim, deadShim, waker, '$ours', deadShimStable, wakerStable], more = '' } = {}) {
  return `(module
 (type $v (func (result i32)))
 (table $t 7 7 funcref)
 (elem (i32.const 1) ${entries.join(' ')})
 (func ${shim} (result i32) (i32.const 1))
 (func ${deadShim} (result i32) (i32.const 2))
 (func ${waker} (result i32) (i32.const 3))
 (func $ours (result i32) (i32.const 4))
 (func ${deadShimStable} (result i32) (i32.const 5))
 (func ${wakerStable} (result i32) (i32.const 6))
 (func $call (param $i i32) (result i32) (call_indirect (type $v) (local.get $i)))
 (export "h" (func ${shim}))
 (export "c" (func $call))
 (global $g i32 (i32.const 5))
 (export "__abort_handler" (global $g))
 ${more}
)`;
}

let made = 0;
function wasm(text, { names = true } = {}) {
  const file = join(dir, `m${made++}.wat`);
  writeFileSync(file, text);
  execFileSync(bin('wasm-as'), [...(names ? ['-g'] : []), file, '-o', file + '.wasm']);
  return readFileSync(file + '.wasm');
}

const glue = 'wasm.h(); wasm.c(1);';

test('dead closure shims and the JSPI waker trap in their place; the glue\'s shim and our functions still run', async () => {
  const { wasm: out, replaced } = trapDeadTableEntries(wasm(module()), glue);
  assert.deepEqual(replaced, [deadShim, waker, deadShimStable, wakerStable].map((n) => n.slice(2, -1)));
  const { instance } = await WebAssembly.instantiate(out);
  assert.equal(instance.exports.c(1), 1);
  assert.equal(instance.exports.c(4), 4);
  for (const dead of [2, 3, 5, 6]) assert.throws(() => instance.exports.c(dead), WebAssembly.RuntimeError);
});

test('the exports the glue never reads are dropped, the others kept', async () => {
  const { wasm: out, dropped } = dropUnusedExports(wasm(module()), glue);
  assert.deepEqual(dropped, ['__abort_handler']);
  const { instance } = await WebAssembly.instantiate(out);
  assert.deepEqual(Object.keys(instance.exports), ['h', 'c']);
});

test('the build stops when what the table step relies on no longer holds', () => {
  assert.throws(() => trapDeadTableEntries(wasm(module(), { names: false }), glue), /no function names/);
  assert.throws(() => trapDeadTableEntries(wasm(module({ more: '(export "t" (table $t))' })), glue), /imported or exported/);
  assert.throws(() => trapDeadTableEntries(wasm(module({ entries: [shim, '$ours'] })), glue), /no dead closure invoke shim or JSPI waker/);
});

test('the build stops when JSPI task code is still reachable once the waker traps', () => {
  const features = ['--enable-reference-types'];
  const clean = join(dir, 'clean.wasm');
  writeFileSync(clean, trapDeadTableEntries(wasm(module()), glue).wasm);
  checkNoJspiLeft(clean, bin('wasm-opt'), features);
  // An export that spawns a task: its code would build wakers from the vtable.
  const spawning = module({
    more: `(func $"js_sys::futures::jspi::spawn" (result i32) (i32.const 6))
 (func $run (export "r") (result i32) (call $"js_sys::futures::jspi::spawn"))`,
  });
  const live = join(dir, 'live.wasm');
  writeFileSync(live, trapDeadTableEntries(wasm(spawning), glue + ' wasm.r();').wasm);
  assert.throws(() => checkNoJspiLeft(live, bin('wasm-opt'), features), /JSPI task code is reachable/);
});
