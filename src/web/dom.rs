//! Small DOM builders for the interface. Texts are always set as text, never parsed as HTML.

use crate::core::view::Action;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

// `createElement` and `appendChild` without web-sys's `catch`: they throw only for an invalid tag
// name or a node put inside itself, and we pass only fixed tag names and new elements. Without
// the `Result` every builder below is infallible, and so are the call sites: fewer bytes.
#[wasm_bindgen]
extern "C" {
    /// A document or node seen through these two methods only.
    type Dom;
    #[wasm_bindgen(method, js_name = createElement)]
    fn create(this: &Dom, tag: &str) -> Element;
    #[wasm_bindgen(method, js_name = appendChild)]
    fn append(this: &Dom, child: &Node);
}

/// The page's document, shielded from clobbering (`bridge.js`): markup such as
/// `<img name="cookie">` cannot shadow what consent-gate reads and calls. Always there in a window.
pub fn document() -> Option<Document> {
    Some(super::bridge::doc())
}

/// A new element with a class (none when `class` is empty).
pub fn el(doc: &Document, tag: &str, class: &str) -> Element {
    let e = doc.unchecked_ref::<Dom>().create(tag);
    if !class.is_empty() {
        e.set_class_name(class);
    }
    e
}

/// Appends `child` to `parent`.
pub fn add(parent: &Node, child: &Node) {
    parent.unchecked_ref::<Dom>().append(child);
}

/// Sets attributes, ignoring failures (our names are always valid).
pub fn attrs(e: &Element, pairs: &[(&str, &str)]) {
    for (k, v) in pairs {
        let _ = e.set_attribute(k, v);
    }
}

/// A child element of `parent` holding `text` (set as text).
pub fn child(doc: &Document, parent: &Node, tag: &str, class: &str, text: &str) -> Element {
    let e = el(doc, tag, class);
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    add(parent, &e);
    e
}

/// Appends a text node.
pub fn text(doc: &Document, parent: &Node, s: &str) {
    add(parent, &doc.create_text_node(s));
}

/// A `<button type="button">` with a `data-cg` action.
pub fn button(doc: &Document, parent: &Node, class: &str, action: Action, label: &str) -> Element {
    let b = child(doc, parent, "button", class, label);
    attrs(&b, &[("type", "button"), ("data-cg", action.name())]);
    b
}

/// Every element matching `selector`.
pub fn all(root: &Document, selector: &str) -> Vec<Element> {
    let mut out = vec![];
    if let Ok(list) = root.query_selector_all(selector) {
        for i in 0..list.length() {
            if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                out.push(e);
            }
        }
    }
    out
}
