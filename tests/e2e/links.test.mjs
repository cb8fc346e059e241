// The link rule is written twice: `is_safe_href` in src/core/config.rs (in the wasm) and
// `safeHref` in src/js/api.js, which decides whether a "Cookie settings" link without an href may
// follow `privacyUrl` when the wasm could not load. Both must decide every case of
// tests/links.json alike (src/core/tests/config.rs checks the Rust one). No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';

const cases = JSON.parse(readFileSync(join(root, 'tests', 'links.json'), 'utf8'));

/** `safeHref` as api.js defines it. */
function jsRule() {
  const source = readFileSync(join(root, 'src', 'js', 'api.js'), 'utf8');
  const m = source.match(/\nconst safeHref =([\s\S]*?);\n/);
  assert.ok(m, 'src/js/api.js defines `const safeHref = …;`');
  return new Function('return (' + m[1] + ')')();
}

test("api.js's safeHref decides every shared case as core's is_safe_href does", () => {
  const safeHref = jsRule();
  const wrong = [];
  for (const [list, safe] of [['safe', true], ['unsafe', false]]) {
    for (const href of cases[list]) if (safeHref(href) !== safe) wrong.push(`${JSON.stringify(href)}: expected ${list}`);
  }
  assert.deepEqual(wrong, []);
});
