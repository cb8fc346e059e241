// The JSON Schema shipped in pkg/ accepts the configurations we ship and refuses bad ones, so an
// editor pointed at it flags the same mistakes the SDK reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { root } from './harness.mjs';

const schema = JSON.parse(readFileSync(join(root, 'pkg', 'consent-gate.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const read = (p) => JSON.parse(readFileSync(join(root, p), 'utf8'));

test('the demo, fixture and benchmark configurations are valid', () => {
  for (const p of ['www/consent.json', 'tests/e2e/fixtures/gating.json', 'bench/pages/bench-consent.json']) {
    assert.ok(validate(read(p)), p + ': ' + JSON.stringify(validate.errors));
  }
});

test('misspelt fields, unsafe links, wrong ids and wrong types are refused', () => {
  const bad = [
    { sensitivPaths: ['/x/*'] },
    { privacyUrl: 'javascript:alert(1)' },
    { notice: { sections: [{ blocks: [{ p: { text: 'x', href: 'data:text/html,x' } }] }] } },
    { googleAnalytics: 'UA-1234' },
    { categories: [{ id: 42 }] },
    { signals: { gpc: 'maybe' } },
    { lifetime: { granted: 500 } },
  ];
  for (const config of bad) assert.equal(validate(config), false, 'accepted: ' + JSON.stringify(config));
});
