#!/usr/bin/env node
// Load benchmark of consent-gate-receiver (a measurement, not a test: nothing asserts on a figure).
// Starts the release binary on 127.0.0.1 (a free port) for each database given, POSTs
// BENCH_EVENTS distinct events (default 20000) from BENCH_CONCURRENCY keep-alive connections
// (default 16), each event a separate request as the SDK sends it, then sends 10% of them again
// (duplicates), and reports events/second and latency percentiles. Bounded: at most
// BENCH_SECONDS (default 60) of sending per database. Loopback only.
//   node bench/receiver.mjs out.md sqlite:/tmp/x.sqlite [postgres://…]
// bench/receiver.sh builds the binary, starts a throw-away PostgreSQL and writes
// bench/results/receiver.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { createInterface } from 'node:readline';

const [out, ...dbs] = process.argv.slice(2);
const EVENTS = Number(process.env.BENCH_EVENTS || 20000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);
const SECONDS = Number(process.env.BENCH_SECONDS || 60);
const BIN = process.env.RECEIVER_BIN || 'target/release/consent-gate-receiver';

/** One event as the SDK writes it (README "Consent log"). */
function event() {
  const time = Date.now();
  const record = randomBytes(16).toString('hex');
  return JSON.stringify({
    type: 'decision', eventId: randomBytes(16).toString('hex'), recordId: record, browserId: record,
    timestamp: new Date(time).toISOString(), time, revision: '2026-11-01', noticeHash: randomBytes(32).toString('hex'),
    choices: [
      { category: 'necessary', granted: true, source: 'default' },
      { category: 'functional', granted: false, source: 'user' },
      { category: 'analytics', granted: true, source: 'user' },
      { category: 'advertising', granted: false, source: 'gpc' },
    ],
    signals: { dnt: 'unset', gpc: 'true' }, language: 'en', method: 'banner', path: '/', sensitive: false, sdkVersion: '0.1.0',
  });
}

/** Starts the receiver; resolves to { port, stop() }. */
function start(db) {
  return new Promise((ok, fail) => {
    const child = spawn(BIN, ['--db', db, '--listen', '127.0.0.1:0', '--rate-limit', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.on('error', fail);
    // Every request logs a line: read them all, or the pipe fills and the receiver blocks.
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.includes('"msg":"listening"')) {
        const port = Number(JSON.parse(line).addr.split(':').pop());
        ok({ port, stop: () => new Promise((done) => (child.kill('SIGTERM'), child.on('exit', done))) });
      } else if (line.includes('"level":"error"')) console.error(line);
    });
  });
}

function post(agent, port, body) {
  return new Promise((ok) => {
    const t = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port, path: '/events', method: 'POST', agent, headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => ok({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t) / 1e6 }));
      },
    );
    req.on('error', () => ok({ status: 0, ms: Number(process.hrtime.bigint() - t) / 1e6 }));
    req.end(body);
  });
}

/** Sends `bodies` from CONCURRENCY connections; returns latencies and counts. */
async function load(port, bodies) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const deadline = Date.now() + SECONDS * 1000;
  const ms = [];
  let next = 0;
  let failed = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length && Date.now() < deadline) {
        const r = await post(agent, port, bodies[next++]);
        if (r.status === 204) ms.push(r.ms);
        else failed++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  ms.sort((a, b) => a - b);
  const pct = (p) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] : NaN);
  return { sent: next, ok: ms.length, failed, seconds, perSecond: ms.length / seconds, p50: pct(50), p99: pct(99), max: ms.at(-1) };
}

const rows = [];
for (const db of dbs) {
  const name = db.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
  const bodies = Array.from({ length: EVENTS }, event);
  const r = await start(db.replace(/^sqlite:/, ''));
  const fresh = await load(r.port, bodies);
  const again = await load(r.port, bodies.slice(0, Math.ceil(EVENTS / 10)));
  await r.stop();
  rows.push({ name, fresh, again });
  console.log(name, JSON.stringify({ fresh, again }));
}

const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const line = (name, what, r) => `| ${name} | ${what} | ${r.ok} of ${r.sent}${r.failed ? ` (${r.failed} failed)` : ''} | ${f(r.seconds, 2)} | **${f(r.perSecond, 0)}** | ${f(r.p50, 2)} | **${f(r.p99, 2)}** | ${f(r.max, 1)} |`;
const cpu = os.cpus()[0]?.model.trim() || 'unknown CPU';
const pg = process.env.PG_VERSION || '';
const md = `# consent-gate-receiver: load benchmark

A measurement, not a test (\`bash bench/receiver.sh\`; \`bench/receiver.mjs\` says how). On this machine:
${os.cpus().length} cores (${cpu}), shared with whatever else ran; Node.js ${process.version} as the client on the
same machine, over loopback. The receiver is the release build with its defaults (\`--rate-limit 0\`
only, so one client address may send this much): SQLite in WAL mode with \`synchronous=FULL\`
(an fsync per event before its 2xx), PostgreSQL ${pg || '(Debian package)'} with its defaults (\`fsync\` and
\`synchronous_commit\` on) in a throw-away cluster, 4 connections. Each event (about 600 bytes) is one
\`POST /events\`, as the SDK sends it, from ${CONCURRENCY} keep-alive connections; "again" sends the first 10%
once more (duplicates: answered 2xx, not stored). Latency is from request start to the end of
the answer, seen by the client. ${new Date().toISOString().slice(0, 10)}.

| database | events | answered 2xx | seconds | events/s | p50 ms | p99 ms | max ms |
|---|---|---|---|---|---|---|---|
${rows.map((r) => [line(r.name, 'new', r.fresh), line(r.name, 'again', r.again)].join('\n')).join('\n')}
`;
writeFileSync(out, md);
console.log(md);
