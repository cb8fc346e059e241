//! The pure core: consent-gate's decisions, with no browser dependency (the few still made in
//! the browser layer, each tied to the DOM, are listed in `web`'s module doc).
//!
//! Nothing here imports web-sys, js-sys or wasm-bindgen, so all of it is tested natively with
//! `cargo test`. The `web` layer carries out what these functions decide.

pub mod config;
pub mod cookie;
pub mod decide;
pub mod glob;
pub mod i18n;
pub mod json;
pub mod log;
pub mod queue;
pub mod record;
pub mod session;
pub mod signals;
pub mod text;
pub mod view;

/// Whether this build keeps a consent log (the Cargo feature `log`, on by default). The script
/// tag's ordinary wasm, `consent_gate_bg.wasm`, is built without it: most sites log no consent
/// events, and the log's code (the queue, the events, the notice hash) is over 2 KB brotli of the
/// wasm. A site with a `log` loads `consent_gate_log_bg.wasm` (see `src/js/api.js`); this build
/// refuses a `log` (`config::read`), so that it can never drop one silently.
pub const LOG: bool = cfg!(feature = "log");

/// Whether this build draws the privacy notice (the Cargo feature `notice`, on by default): only
/// `consent_gate_log_bg.wasm` has the renderer, which a page with a notice container loads (see
/// `src/js/api.js`). Without it, a container mounted after start gets one console error saying
/// what the page needs; the notice's configuration is still read and checked.
pub const NOTICE: bool = cfg!(feature = "notice");

/// The SDK version, from Cargo.toml (the npm package and consent records use the same).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests;
