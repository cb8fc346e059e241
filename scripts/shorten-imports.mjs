// Shortens the names between the wasm and its JS glue: imports and exports. wasm-bindgen names
// each import `__wbg_<name>_<16 hex digits>`; the hashes do not compress, so short names save
// about 1.8 KB brotli (measured). The wasm's import section and the glue's import object are
// rewritten together; nothing else refers to these names. Exports: see shortenExports.
// The section reader here is also scripts/unreachable.mjs's.

/** The unsigned LEB128 number at `pos` of `buf`, and the position after it. */
export function readLeb(buf, pos) {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [result >>> 0, pos];
}

/** `n` as unsigned LEB128 bytes. */
export function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/** The wasm name (a length and UTF-8 bytes) at `pos`, and the position after it. */
export function readName(buf, pos) {
  const [len, p] = readLeb(buf, pos);
  return [buf.subarray(p, p + len).toString('utf8'), p + len];
}

function name(s) {
  const b = Buffer.from(s, 'utf8');
  return [...leb(b.length), ...b];
}

/** Each section of `wasm`: its `id`, where it `start`s, where its `body` starts and where it `end`s. */
export function* sections(wasm) {
  let pos = 8;
  while (pos < wasm.length) {
    const [size, body] = readLeb(wasm, pos + 1);
    yield { id: wasm[pos], start: pos, body, end: body + size };
    pos = body + size;
  }
}

/**
 * `wasm` with section `id` rebuilt entry by entry, every other section kept as it is: `entry(p)`
 * reads the entry at `p` and returns its new bytes (`null` drops it) and where the next entry
 * starts.
 */
export function rewriteSection(wasm, id, entry) {
  const parts = [wasm.subarray(0, 8)];
  for (const s of sections(wasm)) {
    if (s.id !== id) {
      parts.push(wasm.subarray(s.start, s.end));
      continue;
    }
    let [count, p] = readLeb(wasm, s.body);
    const entries = [];
    for (let i = 0; i < count; i++) {
      const [bytes, next] = entry(p);
      if (bytes) entries.push(Buffer.from(bytes));
      p = next;
    }
    const body = Buffer.concat([Buffer.from(leb(entries.length)), ...entries]);
    parts.push(Buffer.from([id, ...leb(body.length)]), body);
  }
  return Buffer.concat(parts);
}

/** The import entry at `p`: its module and field names, its kind (0 function, 1 table, 2 memory,
 * 3 global, 4 tag), where its description starts and where the entry ends. */
export function readImport(wasm, p) {
  const [module, p1] = readName(wasm, p);
  const [field, desc] = readName(wasm, p1);
  const kind = wasm[desc];
  let q = desc + 1;
  if (kind === 0 || kind === 4) {
    if (kind === 4) q++;
    q = readLeb(wasm, q)[1];
  } else if (kind === 1 || kind === 2) {
    if (kind === 1) q++; // reftype
    const flags = wasm[q++];
    q = readLeb(wasm, q)[1];
    if (flags & 1) q = readLeb(wasm, q)[1];
  } else if (kind === 3) {
    q += 2;
  } else {
    throw new Error('shorten-imports: unknown import kind ' + kind);
  }
  return { module, field, kind, desc, end: q };
}

/** The export entry at `p`: its field name, kind (as for imports), index, where its description
 * starts and where the entry ends. */
export function readExport(wasm, p) {
  const [field, desc] = readName(wasm, p);
  const [index, end] = readLeb(wasm, desc + 1);
  return { field, kind: wasm[desc], index, desc, end };
}

/** `wasm` with `entry` (bytes) appended to section `id`, and the entry's index in it. */
export function appendEntry(wasm, id, entry) {
  const s = [...sections(wasm)].find((section) => section.id === id);
  const [count, first] = readLeb(wasm, s.body);
  const body = Buffer.concat([Buffer.from(leb(count + 1)), wasm.subarray(first, s.end), Buffer.from(entry)]);
  return [Buffer.concat([wasm.subarray(0, s.start), Buffer.from([id, ...leb(body.length)]), body, wasm.subarray(s.end)]), count];
}

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The `i`th name of one or two letters: the imports' and the exports' new names (`i0`...`i1o` for the
 * imports cost 70 bytes brotli more than `a`...`ai`). */
const shortName = (i) => (i < letters.length ? letters[i] : letters[Math.floor(i / letters.length) - 1] + letters[i % letters.length]);

/** Returns the rewritten wasm (Buffer) and glue (string). `module` is the glue's module name;
 * it becomes `w`. Snippet modules (`./snippets/<crate>-<hash>/<path>`, the `#[wasm_bindgen(module)]`
 * files) become `b`, `b1`, ...: their long names are repeated in every import entry too. The
 * functions the wasm imports from a snippet directly are renamed `a`, `b`, ... within it. */
export function shortenImports(wasm, glue, module) {
  const renames = new Map();
  const snippets = new Map();
  // The functions the wasm takes from each snippet module directly (without a shim in the glue).
  const direct = new Map();
  const moduleName = (mod) => {
    if (mod === module) return 'w';
    if (!mod.startsWith('./snippets/')) return mod;
    if (!snippets.has(mod)) snippets.set(mod, 'b' + (snippets.size || ''));
    return snippets.get(mod);
  };
  const rewritten = rewriteSection(wasm, 2, (p) => {
    const { module: mod, field, desc, end } = readImport(wasm, p);
    let newField = field;
    if (mod === module && /^__wb/.test(field)) {
      newField = renames.get(field) || shortName(renames.size);
      renames.set(field, newField);
    } else if (mod.startsWith('./snippets/')) {
      const fields = direct.get(mod) || new Map();
      direct.set(mod, fields);
      if (!fields.has(field)) fields.set(field, shortName(fields.size));
      newField = fields.get(field);
    }
    return [[...name(moduleName(mod)), ...name(newField), ...wasm.subarray(desc, end)], end];
  });
  let text = glue;
  for (const [from, to] of renames) {
    const re = new RegExp('(\\s)' + from + ':', 'g');
    if (!re.test(text)) throw new Error('shorten-imports: ' + from + ' not found in the glue');
    text = text.replace(new RegExp('(\\s)' + from + ':', 'g'), '$1' + to + ':');
  }
  // The module name is repeated in every import entry: one letter instead.
  const key = JSON.stringify(module) + ': import0';
  if (!text.includes(key)) throw new Error('shorten-imports: the glue has no ' + key);
  text = text.replace(key, 'w: import0');
  for (const [mod, short] of snippets) {
    const entry = JSON.stringify(mod) + ': import';
    if (!text.includes(entry)) throw new Error('shorten-imports: the glue has no ' + entry);
    text = text.replaceAll(entry, short + ': import');
    // wasm-bindgen lists the module once per `extern` block that imports from it, each time as
    // a namespace import of the same file: one key is enough (repeated ones only draw bundler
    // warnings about duplicate keys).
    let first = true;
    text = text.replace(new RegExp('\\n\\s*' + short + ': import\\d+,', 'g'), (m) => (first ? ((first = false), m) : ''));
    // A namespace import keeps every export of the file in the bundle, and esbuild builds the
    // namespace object with a getter per export, while the wasm reads only its direct imports
    // from it: one named import of those instead, handed over in an object of just them (-232
    // bytes brotli), under one- or two-letter names that the wasm imports too (the full names
    // were in both files: -69 with fourteen of them; -2 when there were four).
    const namespaces = new RegExp('^import \\* as import\\d+ from ' + JSON.stringify(mod).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ';?\\n', 'gm');
    if (!namespaces.test(text)) throw new Error('shorten-imports: the glue has no namespace import of ' + mod);
    // Aliased: the glue may use the same names for its own functions.
    const names = [...direct.get(mod)].map(([f, to]) => [f, short + '$' + f, to]);
    text =
      `import { ${names.map(([f, alias]) => f + ' as ' + alias).join(', ')} } from ${JSON.stringify(mod)};\n` +
      text.replace(namespaces, '').replace(new RegExp('(\\n\\s*' + short + ': )import\\d+,'), `$1{ ${names.map(([, alias, to]) => to + ': ' + alias).join(', ')} },`);
  }
  if (/\bimport[1-9]\d*\b/.test(text)) throw new Error('shorten-imports: the glue still uses a namespace import of a snippet');
  return { wasm: rewritten, glue: text, count: renames.size };
}

/** Whether the glue reads the wasm's export `field` (as `wasm.<field>`: shortenExports makes sure
 * that it reads them no other way). */
export function glueReads(glue, field) {
  return new RegExp('\\bwasm\\.' + field.replace(/\$/g, '\\$') + '(?![\\w$])').test(glue);
}

/** Renames the wasm's exports that the glue reads as `wasm.<name>` to one or two letters (the
 * glue wraps every one of them, so no other code sees these names) and rewrites the glue to
 * match. The closure shims' names carry two hashes each (over 200 bytes that do not compress).
 * Returns the rewritten wasm (Buffer) and glue (string). */
export function shortenExports(wasm, glue) {
  // The glue reaches the exports only through its `wasm` variable (`wasm = instance.exports`).
  if (/\bwasm\[|exports\./.test(glue.replace('wasm = instance.exports;', ''))) {
    throw new Error('shorten-exports: the glue reads the exports other than as wasm.<name>');
  }
  const renames = new Map();
  const rewritten = rewriteSection(wasm, 7, (p) => {
    const { field, desc, end } = readExport(wasm, p);
    let newField = field;
    if (glueReads(glue, field)) {
      newField = shortName(renames.size);
      renames.set(field, newField);
    }
    return [[...name(newField), ...wasm.subarray(desc, end)], end];
  });
  let text = glue;
  for (const [from, to] of renames) {
    text = text.replace(new RegExp('\\bwasm\\.' + from.replace(/\$/g, '\\$') + '(?![\\w$])', 'g'), 'wasm.' + to);
  }
  return { wasm: rewritten, glue: text, count: renames.size };
}
