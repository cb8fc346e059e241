//! The browser layer: the only code that touches web-sys and js-sys. It reads the browser and
//! carries out the effects `core::session` returns. What it still decides is tied to the DOM or
//! to storage: which elements are the SDK's own (a click on a copy does nothing), whether a write
//! stuck, and, in `src/js/bridge.js`, the consent-log queue (README "Status").

pub mod app;
pub mod bridge;
pub mod dom;
pub mod json;
pub mod lang;
pub mod page;
pub mod storage;
pub mod ui;
