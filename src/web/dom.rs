//! Small DOM builders for the interface. Texts are always set as text, never parsed as HTML.

use crate::core::view::Action;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

/// The page's document, shielded from clobbering (`bridge.js`): markup such as
/// `<img name="cookie">` cannot shadow what consent-gate reads and calls. Always there in a window.
pub fn document() -> Option<Document> {
    Some(super::bridge::doc())
}

/// A new element with a class (none when `class` is empty). `None` only if the tag is invalid,
/// which for our fixed tags cannot happen; callers skip what they cannot build.
pub fn el(doc: &Document, tag: &str, class: &str) -> Option<Element> {
    let e = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    Some(e)
}

/// Sets attributes, ignoring failures (our names are always valid).
pub fn attrs(e: &Element, pairs: &[(&str, &str)]) {
    for (k, v) in pairs {
        let _ = e.set_attribute(k, v);
    }
}

/// A child element of `parent` holding `text` (set as text).
pub fn child(doc: &Document, parent: &Node, tag: &str, class: &str, text: &str) -> Option<Element> {
    let e = el(doc, tag, class)?;
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    parent.append_child(&e).ok()?;
    Some(e)
}

/// Appends a text node.
pub fn text(doc: &Document, parent: &Node, s: &str) {
    let _ = parent.append_child(&doc.create_text_node(s));
}

/// A `<button type="button">` with a `data-cg` action.
pub fn button(doc: &Document, parent: &Node, class: &str, action: Action, label: &str) -> Option<Element> {
    let b = child(doc, parent, "button", class, label)?;
    attrs(&b, &[("type", "button"), ("data-cg", action.name())]);
    Some(b)
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
