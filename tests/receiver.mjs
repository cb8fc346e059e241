#!/usr/bin/env node
// A small receiving end for consent events (README "Consent log"): POST /events with one JSON
// object per request, appended as one line to a JSON Lines file. Delivery is at least once (an
// event in flight when the visitor leaves is sent again on the next page), so, as the README asks
// of every receiver, it drops an eventId it already stored and counts it in `duplicates`. CORS: any origin, OPTIONS preflight answered. Binds to
// 127.0.0.1 only; stop() and start() again on the same port simulate downtime.
//   node tests/receiver.mjs [file.jsonl] [port]
import { createServer } from 'node:http';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
};
const MAX_BODY = 64 * 1024;

/**
 * Starts a receiver writing to `file`. Resolves to { url, port, requests, start(), stop(), events() }:
 * `url` is the endpoint (…/events); `requests` counts every request, preflights included.
 */
export async function receiver({ file, port = 0, host = '127.0.0.1' } = {}) {
  const state = { requests: 0, duplicates: 0, server: null, port };
  const seen = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).eventId) : []);
  const handle = (req, res) => {
    state.requests++;
    const path = new URL(req.url, 'http://x').pathname;
    if (path !== '/events') return end(res, 404, 'not found');
    if (req.method === 'OPTIONS') return end(res, 204);
    if (req.method !== 'POST') return end(res, 405, 'POST only');
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return end(res, 413, 'too large');
      const text = Buffer.concat(chunks).toString('utf8');
      let event;
      try {
        event = JSON.parse(text);
      } catch {
        return end(res, 400, 'expected one JSON object');
      }
      if (!event || typeof event !== 'object' || Array.isArray(event) || typeof event.eventId !== 'string') {
        return end(res, 400, 'expected a consent event with an eventId');
      }
      if (seen.has(event.eventId)) state.duplicates++;
      else appendFileSync(file, JSON.stringify(event) + '\n');
      seen.add(event.eventId);
      end(res, 204);
    });
  };
  const r = {
    get port() {
      return state.port;
    },
    get url() {
      return `http://${host}:${state.port}/events`;
    },
    get requests() {
      return state.requests;
    },
    /** Deliveries of an event already stored (dropped, not written). */
    get duplicates() {
      return state.duplicates;
    },
    /** Listens (again) on the same port. */
    start() {
      return new Promise((ok, fail) => {
        state.server = createServer(handle);
        state.server.once('error', fail);
        state.server.listen(state.port, host, () => {
          state.port = state.server.address().port;
          ok(r);
        });
      });
    },
    /** Stops listening and drops open connections: the endpoint is down. */
    stop() {
      return new Promise((ok) => {
        if (!state.server) return ok();
        const s = state.server;
        state.server = null;
        s.closeAllConnections();
        s.close(() => ok());
      });
    },
    /** Every stored event (each eventId once), in arrival order. */
    events() {
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
  };
  return r.start();
}

function end(res, status, text) {
  res.writeHead(status, { ...CORS, 'Content-Type': 'text/plain' });
  res.end(text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await receiver({ file: process.argv[2] || 'consent-events.jsonl', port: Number(process.argv[3] || 8081) });
  console.log(`consent event receiver: ${r.url} -> ${process.argv[2] || 'consent-events.jsonl'}`);
}
