// The consent log's delivery (README "Consent log"), in a file of its own: only the wasm with the
// log asks for it (its first step at start), so only sites with a log download it (the script tag
// imports consent-gate-log.js from next to itself, the ES module through a dynamic import the
// site's bundler splits off). Hashing and sending only: what is kept, for how long, and what is
// sent is decided in Rust (core::queue). Events are POSTed with fetch keepalive (a text/plain
// body: no CORS preflight); only a 2xx is reported back. sendBeacon is not used: it cannot tell
// whether the event arrived (and every browser that runs WebAssembly has fetch).
let url;

/**
 * Keeps `endpoint` and hands the hex SHA-256 of `text` (empty without crypto.subtle) to
 * `changed` (bridge.js's `watch` callback, 4).
 */
export default function hash(endpoint, text, changed, hex) {
  url = endpoint;
  const s = window.crypto?.subtle;
  (s ? s.digest('SHA-256', new TextEncoder().encode(text)) : Promise.reject())
    .then(
      (b) => hex(new Uint8Array(b)),
      () => '',
    )
    .then((h) => changed(4, h));
}

/** POSTs one event to the endpoint; a 2xx answer reports its `id` to `changed` (5). */
export function send(id, body, changed) {
  // No Referer: on a sensitive page the URL itself names it.
  fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit', referrerPolicy: 'no-referrer' }).then(
    (r) => changed(5, id, '' + r.status),
    () => {},
  );
}
