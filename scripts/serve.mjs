#!/usr/bin/env node
// A small static server for the demo and the e2e tests: www/ at /, pkg/ at /consent-gate/,
// correct MIME types (application/wasm), bound to 127.0.0.1 only.
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Starts a server. `mounts` maps URL prefixes to folders (longest prefix wins). `hook(req, res)`
 * may answer a request itself (return true), e.g. to add a CSP header or a fault. With `tls`
 * (`{ key, cert }`, PEM) it serves https.
 */
export function serve({ port = 0, host = '127.0.0.1', mounts = { '/consent-gate/': join(root, 'pkg'), '/': join(root, 'www') }, hook, headers = {}, tls } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const handler = async (req, res) => {
    try {
      if (hook && (await hook(req, res))) return;
      const url = new URL(req.url, 'http://x');
      let path = decodeURIComponent(url.pathname);
      const prefix = prefixes.find((p) => path.startsWith(p));
      if (!prefix) return notFound(res);
      const base = mounts[prefix];
      let file = normalize(join(base, path.slice(prefix.length)));
      if (!file.startsWith(base)) return notFound(res);
      let info = await stat(file).catch(() => null);
      if (info && info.isDirectory()) {
        if (!path.endsWith('/')) {
          res.writeHead(301, { Location: path + '/' + url.search });
          return res.end();
        }
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info) return notFound(res);
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': MIME[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store', ...headers });
      res.end(req.method == 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    }
  };
  const server = tls ? createTlsServer(tls, handler) : createServer(handler);
  return new Promise((ok) =>
    server.listen(port, host, () => {
      const close = () =>
        new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        });
      ok({ server, port: server.address().port, url: `${tls ? 'https' : 'http'}://${host}:${server.address().port}`, close });
    }),
  );
}

function notFound(res) {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT || 8080);
  const s = await serve({ port });
  console.log(`consent-gate demo: ${s.url}/  (Ctrl-C to stop)`);
}
