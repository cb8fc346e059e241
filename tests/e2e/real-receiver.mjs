// The real consent event receiver (receiver/, the consent-gate-receiver binary) for the e2e tests:
// built with cargo on first use, started on a free 127.0.0.1 port with a fresh SQLite file, read
// back through its token-guarded GET /export (events() is async). stop() sends SIGTERM and
// start() listens again on the same port, to simulate downtime.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { root } from './harness.mjs';

const BIN = join(root, 'target', 'debug', 'consent-gate-receiver');
let built = false;

/** Builds the receiver once per test process (quick when cargo finds it up to date). */
function build() {
  if (built) return;
  execFileSync('cargo', ['build', '--quiet', '-p', 'consent-gate-receiver'], { cwd: root, stdio: 'inherit' });
  built = true;
}

/** Runs the binary on `db` at `port` (0: any free one); resolves to { port, child } once listening. */
function run(db, port, token, onLine) {
  return new Promise((ok, fail) => {
    const child = spawn(BIN, ['--db', db, '--listen', `127.0.0.1:${port}`, '--rate-limit', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CONSENT_GATE_TOKEN: token },
    });
    const lines = [];
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`consent-gate-receiver exited (${code}) before listening:\n${lines.join('\n')}`)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      lines.push(line);
      onLine(line);
      if (line.includes('"msg":"listening"')) ok({ child, port: Number(JSON.parse(line).addr.split(':').pop()) });
    });
  });
}

function exited(child) {
  return new Promise((ok) => (child.exitCode !== null ? ok() : child.once('exit', () => ok())));
}

/**
 * Starts a receiver on a fresh database. Resolves to { url, port, requests, duplicates, start(),
 * stop(), events() }: `url` is the endpoint (…/events); `requests` counts every request,
 * preflights included; `duplicates` the deliveries of an eventId already stored.
 */
export async function realReceiver() {
  build();
  const db = join(mkdtempSync(join(tmpdir(), 'cg-log-')), 'consent.sqlite');
  const token = randomBytes(16).toString('hex');
  const state = { port: 0, child: null, requests: 0, duplicates: 0 };
  const count = (line) => {
    if (!line.includes('"msg":"request"')) return;
    state.requests++;
    if (line.includes('"outcome":"duplicate"')) state.duplicates++;
  };
  const exportFrom = async (port) => {
    const res = await fetch(`http://127.0.0.1:${port}/export`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET /export: ${res.status} ${await res.text()}`);
    return (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const e = JSON.parse(l);
        delete e.received; // the receiver's own member: the rest is the event as the SDK sent it
        return e;
      });
  };
  const r = {
    get port() {
      return state.port;
    },
    get url() {
      return `http://127.0.0.1:${state.port}/events`;
    },
    get requests() {
      return state.requests;
    },
    get duplicates() {
      return state.duplicates;
    },
    /** Listens (again) on the same port. */
    async start() {
      const { child, port } = await run(db, state.port, token, count);
      state.child = child;
      state.port = port;
      return r;
    },
    /** SIGTERM: the receiver finishes what it accepted and exits; the endpoint is down. */
    async stop() {
      if (!state.child) return;
      const child = state.child;
      state.child = null;
      child.kill('SIGTERM');
      await exited(child);
    },
    /** Every stored event (each eventId once), in the order received, without `received`. */
    async events() {
      if (state.child) return exportFrom(state.port);
      // Down: read through a second instance on another port, which the SDK does not know.
      const reader = await run(db, 0, token, () => {});
      try {
        return await exportFrom(reader.port);
      } finally {
        reader.child.kill('SIGTERM');
        await exited(reader.child);
      }
    },
  };
  return r.start();
}
