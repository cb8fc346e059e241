//! The browser layer: the only code that touches web-sys and js-sys. It holds no policy; it
//! carries out what `core` decides.

pub mod app;
pub mod bridge;
pub mod dom;
pub mod json;
pub mod lang;
pub mod log;
pub mod page;
pub mod storage;
pub mod ui;
