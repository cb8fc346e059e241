// A static server on 127.0.0.1 (random port) for the benchmark pages.
//   /<lib>.html            pages/page.html wired for that library (see libs.mjs)
//   /pages/*               bench/pages/*
//   /bench-consent.json    consent-gate's config (bench/pages/bench-consent.json)
//   /consent-gate/*        pkg/* (the SDK build: js, wasm, css), or the pkgDir given to startServer
//   /vendor/<package>/*    node_modules/<package>/* for the three npm libraries only
// By default files are sent as they are on disk (no content-encoding; compressed sizes are computed
// by run.mjs). startServer({ encoding: 'br' | 'gzip' }) compresses every text/wasm response (brotli
// quality 11 / gzip level 9, like precompressed static files; compressed on first request and cached
// in memory, so run.mjs's warm-up round pays that once) when the request's
// Accept-Encoding allows it: run.mjs uses that for its throttled mobile profile, where bytes on the
// wire matter. Run alone (`node bench/server.mjs [br|gzip]`) to look at the pages in a browser.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';
import { BENCH_DIR, LIBS, PKG_DIR, ROOT, VENDOR_PACKAGES } from './libs.mjs';

export const ENCODINGS = ['identity', 'br', 'gzip'];
const COMPRESSIBLE = /^(text\/|application\/(json|wasm|javascript)|image\/svg)/;
const compressed = new Map(); // encoding + sha1(body) -> Buffer

function encode(encoding, body) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const key = encoding + ':' + createHash('sha1').update(buf).digest('hex');
  let out = compressed.get(key);
  if (!out) {
    out =
      encoding === 'br'
        ? brotliCompressSync(buf, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: buf.length } })
        : gzipSync(buf, { level: 9 });
    compressed.set(key, out);
  }
  return out;
}

function accepts(header, encoding) {
  return String(header || '')
    .split(',')
    .some((part) => {
      const [name, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)).find(Boolean);
      return name.trim().toLowerCase() === encoding && !(q && Number(q[1]) === 0);
    });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const PAGES_DIR = join(BENCH_DIR, 'pages');

function inside(root, rel) {
  const p = normalize(join(root, rel));
  return p === root || p.startsWith(root + sep) ? p : null;
}

async function renderPage(lib) {
  const tpl = await readFile(join(PAGES_DIR, 'page.html'), 'utf8');
  return tpl.replaceAll('{{LIB}}', lib.id).replace('{{HEAD}}', lib.head).replace('{{BODY_END}}', lib.bodyEnd || '');
}

function resolveFile(pathname, pkgDir) {
  if (pathname === '/bench-consent.json') return join(PAGES_DIR, 'bench-consent.json');
  if (pathname.startsWith('/pages/')) return inside(PAGES_DIR, pathname.slice('/pages/'.length));
  if (pathname.startsWith('/consent-gate/')) return inside(pkgDir, pathname.slice('/consent-gate/'.length));
  if (pathname.startsWith('/vendor/')) {
    const [pkg, ...rest] = pathname.slice('/vendor/'.length).split('/');
    if (!VENDOR_PACKAGES.includes(pkg)) return null;
    return inside(join(ROOT, 'node_modules', pkg), rest.join('/'));
  }
  return null;
}

// pkgDir: where /consent-gate/* comes from (default PKG_DIR; run.mjs passes a snapshot of it).
export async function startServer({ encoding = 'identity', pkgDir = PKG_DIR } = {}) {
  if (!ENCODINGS.includes(encoding)) throw new Error(`server encoding must be one of ${ENCODINGS.join(', ')}, got ${encoding}`);
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const send = (status, type, body) => {
      const headers = { 'content-type': type, 'cache-control': 'no-store' };
      if (encoding !== 'identity' && status === 200 && COMPRESSIBLE.test(type)) {
        headers.vary = 'accept-encoding';
        if (accepts(req.headers['accept-encoding'], encoding)) {
          body = encode(encoding, body);
          headers['content-encoding'] = encoding;
        }
      }
      headers['content-length'] = Buffer.byteLength(body);
      res.writeHead(status, headers);
      res.end(body);
    };
    try {
      if (pathname === '/' || pathname === '/index.html') {
        const links = LIBS.map((l) => `<li><a href="/${l.id}.html">${l.id}</a></li>`).join('');
        return send(200, TYPES['.html'], `<!doctype html><title>bench</title><ul>${links}</ul>`);
      }
      if (pathname === '/privacy') return send(200, TYPES['.html'], '<!doctype html><title>Privacy</title><p>Privacy policy.</p>');
      const lib = LIBS.find((l) => pathname === `/${l.id}.html`);
      if (lib) return send(200, TYPES['.html'], await renderPage(lib));
      const file = resolveFile(decodeURIComponent(pathname), pkgDir);
      if (!file) return send(404, 'text/plain', 'not found');
      const body = await readFile(file);
      return send(200, TYPES[extname(file)] || 'application/octet-stream', body);
    } catch (e) {
      return send(e.code === 'ENOENT' || e.code === 'EISDIR' ? 404 : 500, 'text/plain', String(e.message));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { origin, close };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const encoding = process.argv[2] || 'identity';
  const { origin } = await startServer({ encoding });
  console.log(`bench pages on ${origin}/ (content-encoding: ${encoding}; Ctrl-C to stop)`);
  for (const l of LIBS) console.log(`  ${origin}/${l.id}.html`);
}
