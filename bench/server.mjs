// A static server on 127.0.0.1 (random port) for the benchmark pages.
//   /<lib>.html            pages/page.html wired for that library (see libs.mjs)
//   /pages/*               bench/pages/*
//   /bench-consent.json    consent-gate's config (bench/pages/bench-consent.json)
//   /consent-gate/*        pkg/* (the SDK build: js, wasm, css)
//   /vendor/<package>/*    node_modules/<package>/* for the three npm libraries only
// Files are sent as they are on disk (no content-encoding): compressed sizes are computed by run.mjs.
// Run alone (`node bench/server.mjs`) to look at the pages in a browser.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { BENCH_DIR, LIBS, PKG_DIR, ROOT, VENDOR_PACKAGES } from './libs.mjs';

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

function resolveFile(pathname) {
  if (pathname === '/bench-consent.json') return join(PAGES_DIR, 'bench-consent.json');
  if (pathname.startsWith('/pages/')) return inside(PAGES_DIR, pathname.slice('/pages/'.length));
  if (pathname.startsWith('/consent-gate/')) return inside(PKG_DIR, pathname.slice('/consent-gate/'.length));
  if (pathname.startsWith('/vendor/')) {
    const [pkg, ...rest] = pathname.slice('/vendor/'.length).split('/');
    if (!VENDOR_PACKAGES.includes(pkg)) return null;
    return inside(join(ROOT, 'node_modules', pkg), rest.join('/'));
  }
  return null;
}

export async function startServer() {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
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
      const file = resolveFile(decodeURIComponent(pathname));
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
  const { origin } = await startServer();
  console.log(`bench pages on ${origin}/ (Ctrl-C to stop)`);
  for (const l of LIBS) console.log(`  ${origin}/${l.id}.html`);
}
