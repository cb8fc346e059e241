//! The browser layer: the only code that touches web-sys and js-sys. It reads the browser and
//! carries out the effects `core::session` returns. What it still decides is tied to the DOM or
//! to storage: whether a write stuck and when to warn that none did (`app::save`), and, in
//! `src/js/bridge.js`, which elements and clicks are the SDK's own (a click on a copy does
//! nothing), the order gated scripts run in and when a loaded iframe goes, and which containers
//! and openers are trusted (`opens`; the site's own elements: `src/js/trusted.js`; the notice's
//! containers: `draw` in `src/js/notice.js`).

pub mod app;
pub mod bridge;
pub mod dom;
pub mod json;
pub mod lang;
pub mod page;
pub mod storage;
pub mod ui;
