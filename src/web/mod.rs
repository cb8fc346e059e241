//! The browser layer: the only code that touches web-sys and js-sys. It reads the browser and
//! carries out the effects `core::session` returns. What it still decides is tied to the DOM or
//! to storage: which elements are the SDK's own (a click on a copy does nothing), which of the
//! SDK's buttons gives which input and what the interface does after it (`app::on_click`: the
//! dialog closes, the notice says "Saved"), whether a write stuck and when to warn that none did
//! (`app::save`), and, in `src/js/bridge.js`, the consent-log queue (README "Status"), the order
//! gated scripts run in and when a loaded iframe goes, and which containers and openers are
//! trusted (`noticeContainer`, `opens`, `trusted`).

pub mod app;
pub mod bridge;
pub mod dom;
pub mod json;
pub mod lang;
pub mod page;
pub mod storage;
pub mod ui;
