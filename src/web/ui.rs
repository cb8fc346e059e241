//! The visitor's interface: banner, preferences dialog, and the notice rendered into the page.
//! It only draws what `core::view` decided; every click goes through one delegated handler.

use super::dom::{all, attrs, button, child, el, text};
use crate::core::config::{Block, Inline, Section};
use crate::core::i18n::{Text, Texts};
use crate::core::view::Row;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlDialogElement, Node};

/// Id of the banner element.
pub const BANNER_ID: &str = "cg-banner";
/// Id of the preferences dialog.
pub const DIALOG_ID: &str = "cg-prefs";
/// Class on `<html>` while the banner is open: scroll padding and an end spacer so that the
/// banner never hides the focused element or the end of the page (WCAG 2.4.11; `bridge.js`
/// scrolls a focused element that is already in the viewport).
const OPEN_CLASS: &str = "cg-banner-open";

/// Everything the interface needs to draw.
pub struct Ui<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Texts in the visitor's language.
    pub texts: &'a Texts,
    /// The category switches.
    pub rows: &'a [Row],
    /// Whether to say that GPC is honoured.
    pub gpc_line: bool,
    /// Link to the full privacy notice.
    pub privacy_url: Option<&'a str>,
}

impl Ui<'_> {
    fn t(&self, t: Text) -> &str {
        self.texts.get(t)
    }

    fn root(&self, tag: &str, class: &str, id: &str) -> Option<Element> {
        let e = el(self.doc, tag, class)?;
        attrs(&e, &[("id", id), ("lang", &self.texts.lang), ("dir", self.texts.dir())]);
        Some(e)
    }

    /// Shows the banner (once).
    pub fn show_banner(&self) {
        // Ours is looked up by reference: page markup with the same id must not keep it away.
        let (Some(body), None) = (self.doc.body(), banner()) else { return };
        let Some(b) = self.root("section", "cg-root cg-banner", BANNER_ID) else { return };
        BANNER.with(|cell| *cell.borrow_mut() = Some(b.clone()));
        attrs(&b, &[("aria-labelledby", "cg-banner-title"), ("data-cg-scope", "banner")]);
        super::bridge::own(&b);
        if let Some(h) = child(self.doc, &b, "h2", "cg-title", self.t(Text::BannerTitle)) {
            attrs(&h, &[("id", "cg-banner-title")]);
        }
        if let Some(p) = child(self.doc, &b, "p", "cg-text", self.t(Text::BannerText)) {
            if let Some(url) = self.privacy_url {
                text(self.doc, &p, " ");
                if let Some(a) = child(self.doc, &p, "a", "cg-link", self.t(Text::PrivacyLink)) {
                    attrs(&a, &[("href", url)]);
                }
            }
        }
        if self.gpc_line {
            child(self.doc, &b, "p", "cg-gpc", self.t(Text::GpcHonoured));
        }
        if let Some(actions) = child(self.doc, &b, "div", "cg-actions", "") {
            // Accept and reject look the same: no dark patterns.
            button(self.doc, &actions, "cg-btn", "accept", self.t(Text::AcceptAll));
            button(self.doc, &actions, "cg-btn", "reject", self.t(Text::RejectAll));
            button(self.doc, &actions, "cg-btn cg-btn-quiet", "prefs", self.t(Text::Preferences));
        }
        // First in the document: keyboard and screen-reader users meet it before the page.
        let _ = body.prepend_with_node_1(&b);
        if let Some(html) = self.doc.document_element() {
            let _ = html.class_list().add_1(OPEN_CLASS);
        }
    }

    /// The preferences dialog, built on first use. Kept by reference, not found by id: page
    /// markup with the same id must never be opened as ours.
    pub fn dialog(&self) -> Option<HtmlDialogElement> {
        if let Some(d) = dialog() {
            return Some(d);
        }
        let d = self.root("dialog", "cg-root cg-dialog", DIALOG_ID)?;
        attrs(&d, &[("aria-labelledby", "cg-prefs-title"), ("data-cg-scope", "prefs")]);
        super::bridge::own(&d);
        let head = child(self.doc, &d, "div", "cg-dialog-head", "")?;
        let h = child(self.doc, &head, "h2", "cg-title", self.t(Text::DialogTitle))?;
        attrs(&h, &[("id", "cg-prefs-title")]);
        let close = button(self.doc, &head, "cg-close", "close", "×")?;
        attrs(&close, &[("aria-label", self.t(Text::Close))]);
        let body = child(self.doc, &d, "div", "cg-dialog-body", "")?;
        child(self.doc, &body, "p", "cg-text", self.t(Text::DialogText));
        if self.gpc_line {
            child(self.doc, &body, "p", "cg-gpc", self.t(Text::GpcHonoured));
        }
        // The buttons sit below the scrolling body: always visible, however long the texts.
        let foot = el(self.doc, "div", "cg-dialog-foot")?;
        self.controls(&body, &foot, "cg-p");
        button(self.doc, &body, "cg-link-btn", "download", self.t(Text::DownloadRecord));
        d.append_child(&foot).ok()?;
        self.doc.body()?.append_child(&d).ok()?;
        let d: HtmlDialogElement = d.dyn_into().ok()?;
        DIALOG.with(|cell| *cell.borrow_mut() = Some(d.clone()));
        Some(d)
    }

    /// The category switches (into `parent`) and the three buttons with the status line (into
    /// `foot`), as in the dialog.
    fn controls(&self, parent: &Node, foot: &Node, prefix: &str) {
        let Some(list) = child(self.doc, parent, "ul", "cg-cats", "") else { return };
        for row in self.rows {
            let Some(li) = child(self.doc, &list, "li", "cg-cat", "") else { continue };
            let title_id = crate::core::text::concat(&[prefix, "-t-", &row.id]);
            let text_id = crate::core::text::concat(&[prefix, "-d-", &row.id]);
            if let Some(head) = child(self.doc, &li, "div", "cg-cat-head", "") {
                if let Some(h) = child(self.doc, &head, "h3", "cg-cat-title", &row.title) {
                    attrs(&h, &[("id", &title_id)]);
                }
                if let Some(s) = child(self.doc, &head, "button", "cg-switch", "") {
                    attrs(
                        &s,
                        &[
                            ("type", "button"),
                            ("role", "switch"),
                            ("data-cg-category", &row.id),
                            ("aria-checked", if row.checked { "true" } else { "false" }),
                            ("aria-labelledby", &title_id),
                            ("aria-describedby", &text_id),
                        ],
                    );
                    if row.required {
                        attrs(&s, &[("aria-disabled", "true")]);
                    }
                }
            }
            if let Some(p) = child(self.doc, &li, "p", "cg-text", &row.description) {
                attrs(&p, &[("id", &text_id)]);
            }
            if !row.services.is_empty() {
                child(self.doc, &li, "p", "cg-services-label", self.t(Text::Services));
                if let Some(ul) = child(self.doc, &li, "ul", "cg-services", "") {
                    for (name, what) in &row.services {
                        if let Some(item) = child(self.doc, &ul, "li", "", "") {
                            child(self.doc, &item, "strong", "", name);
                            if !what.is_empty() {
                                text(self.doc, &item, ": ");
                                text(self.doc, &item, what);
                            }
                        }
                    }
                }
            }
        }
        if let Some(actions) = child(self.doc, foot, "div", "cg-actions", "") {
            button(self.doc, &actions, "cg-btn", "save", self.t(Text::Save));
            button(self.doc, &actions, "cg-btn", "accept", self.t(Text::AcceptAll));
            button(self.doc, &actions, "cg-btn", "reject", self.t(Text::RejectAll));
        }
        if let Some(status) = child(self.doc, foot, "p", "cg-status", "") {
            attrs(&status, &[("role", "status")]);
        }
    }

    /// Renders the notice into every `[data-consent-gate="notice"]` container.
    pub fn notice(&self, sections: &[Section], signal_lines: [Text; 2]) {
        // With a nonce configured, a container without it is injected markup: drawing the real
        // controls there would let injected styles lay them over the page (a clickjack).
        let trusted = |c: &Element| super::bridge::trusted(c);
        for (i, container) in all(self.doc, "[data-consent-gate=\"notice\"]").into_iter().filter(trusted).enumerate() {
            let Some(root) = el(self.doc, "div", "cg-root cg-notice") else { continue };
            attrs(&root, &[("lang", &self.texts.lang), ("dir", self.texts.dir()), ("data-cg-scope", "notice")]);
            super::bridge::own(&root);
            // Ids stay unique when a page has two notice containers: section ids (link targets)
            // go on the first only, and each container's switches get their own prefix.
            let prefix = if i == 0 { "cg-n".to_owned() } else { crate::core::text::concat(&["cg-n", &crate::core::text::uint(i as u64)]) };
            for s in sections {
                let Some(sec) = child(self.doc, &root, "section", "cg-section", "") else { continue };
                if let (Some(id), 0) = (&s.id, i) {
                    attrs(&sec, &[("id", id)]);
                }
                if !s.heading.is_empty() {
                    child(self.doc, &sec, "h2", "", s.heading.get(&self.texts.lang));
                }
                for b in &s.blocks {
                    self.block(&sec, b, signal_lines, &prefix);
                }
            }
            container.set_text_content(None);
            let _ = container.append_child(&root);
        }
    }

    fn block(&self, parent: &Node, b: &Block, signal_lines: [Text; 2], prefix: &str) {
        match b {
            Block::Paragraph(runs) => {
                if let Some(p) = child(self.doc, parent, "p", "", "") {
                    self.inlines(&p, runs);
                }
            }
            Block::Subheading(h) => {
                child(self.doc, parent, "h3", "", h.get(&self.texts.lang));
            }
            Block::List(items) => {
                if let Some(ul) = child(self.doc, parent, "ul", "", "") {
                    for runs in items {
                        if let Some(li) = child(self.doc, &ul, "li", "", "") {
                            self.inlines(&li, runs);
                        }
                    }
                }
            }
            Block::Controls => {
                if let Some(div) = child(self.doc, parent, "div", "cg-controls", "") {
                    self.controls(&div, &div, prefix);
                }
            }
            Block::Signals => {
                if let Some(ul) = child(self.doc, parent, "ul", "cg-signals", "") {
                    for t in signal_lines {
                        child(self.doc, &ul, "li", "", self.t(t));
                    }
                }
            }
        }
    }

    fn inlines(&self, parent: &Node, runs: &[Inline]) {
        for r in runs {
            match r {
                Inline::Text(t) => text(self.doc, parent, t.get(&self.texts.lang)),
                Inline::Link { text: t, href } => {
                    if let Some(a) = child(self.doc, parent, "a", "cg-link", t.get(&self.texts.lang)) {
                        attrs(&a, &[("href", href)]);
                    }
                }
            }
        }
    }
}

thread_local! {
    static DIALOG: std::cell::RefCell<Option<HtmlDialogElement>> = const { std::cell::RefCell::new(None) };
    static BANNER: std::cell::RefCell<Option<Element>> = const { std::cell::RefCell::new(None) };
}

/// The banner, while it is shown.
fn banner() -> Option<Element> {
    BANNER.with(|cell| cell.borrow().clone())
}

/// The preferences dialog, once built.
pub fn dialog() -> Option<HtmlDialogElement> {
    DIALOG.with(|cell| cell.borrow().clone())
}

/// Removes the banner.
pub fn hide_banner(doc: &Document) {
    if let Some(b) = BANNER.with(|cell| cell.borrow_mut().take()) {
        b.remove();
    }
    if let Some(html) = doc.document_element() {
        let _ = html.class_list().remove_1(OPEN_CLASS);
    }
}

/// Sets every switch (dialog and notice) to the states in `rows`.
pub fn sync_switches(doc: &Document, rows: &[Row]) {
    for s in all(doc, "[data-cg-category]") {
        let on = s.get_attribute("data-cg-category").is_some_and(|id| rows.iter().any(|r| r.id == id && r.checked));
        attrs(&s, &[("aria-checked", if on { "true" } else { "false" })]);
    }
}

/// Puts `message` in the status line of `scope` (screen readers announce it).
pub fn announce(scope: &Element, message: &str) {
    if let Ok(Some(s)) = scope.query_selector(".cg-status") {
        s.set_text_content(Some(message));
    }
}

/// The categories switched on inside `scope`.
pub fn switched_on(scope: &Element) -> Vec<String> {
    let mut out = vec![];
    if let Ok(list) = scope.query_selector_all("[data-cg-category][aria-checked=\"true\"]") {
        for i in 0..list.length() {
            if let Some(id) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()).and_then(|e| e.get_attribute("data-cg-category")) {
                out.push(id);
            }
        }
    }
    out
}
