//! The page's document as consent-gate sees it. The interface's markup is built in `bridge.js`
//! from what `ui` describes.

use web_sys::Document;

/// The page's document, shielded from clobbering (`bridge.js`): markup such as
/// `<img name="cookie">` cannot shadow what consent-gate reads and calls. Always there in a window.
pub fn document() -> Option<Document> {
    Some(super::bridge::doc())
}
