//! The visitor's interface: banner, preferences dialog, and the notice rendered into the page.
//! It only draws what `core::view` decided; every click goes through one delegated handler.

use super::dom::{add, all, attrs, button, child, el, text};
use crate::core::config::{Block, Inline, Section};
use crate::core::i18n::{Text, Texts};
use crate::core::view::{Action, Row, Scope};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlDialogElement, Node};

/// Id of the banner element.
pub const BANNER_ID: &str = "cg-banner";
/// Id of the preferences dialog.
pub const DIALOG_ID: &str = "cg-prefs";
/// Id of the floating button that reopens the preferences dialog.
pub const REOPEN_ID: &str = "cg-reopen";
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

    fn root(&self, tag: &str, class: &str, id: &str) -> Element {
        let e = el(self.doc, tag, class);
        attrs(&e, &[("id", id), ("lang", &self.texts.lang), ("dir", self.texts.dir())]);
        e
    }

    /// Shows the banner (once).
    pub fn show_banner(&self) {
        // Ours is looked up by reference: page markup with the same id must not keep it away.
        let (Some(body), None) = (self.doc.body(), banner()) else { return };
        let b = self.root("section", "cg-root cg-banner", BANNER_ID);
        BANNER.with(|cell| *cell.borrow_mut() = Some(b.clone()));
        // The region's accessible name is the `bannerLabel` text; the heading stays visible.
        attrs(&b, &[("aria-label", self.t(Text::BannerLabel)), ("data-cg-scope", Scope::Banner.name())]);
        super::bridge::own(&b);
        attrs(&child(self.doc, &b, "h2", "cg-title", self.t(Text::BannerTitle)), &[("id", "cg-banner-title")]);
        let p = child(self.doc, &b, "p", "cg-text", self.t(Text::BannerText));
        if let Some(url) = self.privacy_url {
            text(self.doc, &p, " ");
            attrs(&child(self.doc, &p, "a", "cg-link", self.t(Text::PrivacyLink)), &[("href", url)]);
        }
        if self.gpc_line {
            child(self.doc, &b, "p", "cg-gpc", self.t(Text::GpcHonoured));
        }
        let actions = child(self.doc, &b, "div", "cg-actions", "");
        // Accept and reject look the same: no dark patterns.
        button(self.doc, &actions, "cg-btn", Action::Accept, self.t(Text::AcceptAll));
        button(self.doc, &actions, "cg-btn", Action::Reject, self.t(Text::RejectAll));
        button(self.doc, &actions, "cg-btn cg-btn-quiet", Action::Prefs, self.t(Text::Preferences));
        // First in the document: keyboard and screen-reader users meet it before the page.
        let _ = body.prepend_with_node_1(&b);
        mark_banner_open(self.doc, true);
    }

    /// The floating button that reopens the preferences dialog (`class` from
    /// `view::reopen_button`), last in the page. Owned like the banner and an ordinary `prefs`
    /// action: `on_click` opens the dialog, and focus comes back to the button when it closes.
    /// Its icon is drawn by the stylesheet with empty alternative text: the label alone names it.
    pub fn reopen_button(&self, class: &str) {
        let Some(body) = self.doc.body() else { return };
        let b = self.root("button", class, REOPEN_ID);
        attrs(&b, &[("type", "button"), ("data-cg", Action::Prefs.name()), ("data-cg-scope", Scope::Reopen.name())]);
        super::bridge::own(&b);
        b.set_text_content(Some(self.t(Text::ReopenButton)));
        add(&body, &b);
    }

    /// The preferences dialog, built on first use. Kept by reference, not found by id: page
    /// markup with the same id must never be opened as ours.
    pub fn dialog(&self) -> Option<HtmlDialogElement> {
        if let Some(d) = dialog() {
            return Some(d);
        }
        let page = self.doc.body()?;
        let d = self.root("dialog", "cg-root cg-dialog", DIALOG_ID);
        attrs(&d, &[("aria-labelledby", "cg-prefs-title"), ("data-cg-scope", Scope::Prefs.name())]);
        super::bridge::own(&d);
        let head = child(self.doc, &d, "div", "cg-dialog-head", "");
        attrs(&child(self.doc, &head, "h2", "cg-title", self.t(Text::DialogTitle)), &[("id", "cg-prefs-title")]);
        attrs(&button(self.doc, &head, "cg-close", Action::Close, "×"), &[("aria-label", self.t(Text::Close))]);
        let body = child(self.doc, &d, "div", "cg-dialog-body", "");
        child(self.doc, &body, "p", "cg-text", self.t(Text::DialogText));
        if self.gpc_line {
            child(self.doc, &body, "p", "cg-gpc", self.t(Text::GpcHonoured));
        }
        // The buttons sit below the scrolling body: always visible, however long the texts.
        let foot = el(self.doc, "div", "cg-dialog-foot");
        self.controls(&body, &foot, "cg-p");
        button(self.doc, &body, "cg-link-btn", Action::Download, self.t(Text::DownloadRecord));
        add(&d, &foot);
        add(&page, &d);
        // Created as a <dialog> just above: no run-time type check needed.
        let d: HtmlDialogElement = d.unchecked_into();
        DIALOG.with(|cell| *cell.borrow_mut() = Some(d.clone()));
        Some(d)
    }

    /// The category switches (into `parent`) and the three buttons with the status line (into
    /// `foot`), as in the dialog.
    fn controls(&self, parent: &Node, foot: &Node, prefix: &str) {
        let list = child(self.doc, parent, "ul", "cg-cats", "");
        for row in self.rows {
            let li = child(self.doc, &list, "li", "cg-cat", "");
            let title_id = crate::core::text::concat(&[prefix, "-t-", &row.id]);
            let text_id = crate::core::text::concat(&[prefix, "-d-", &row.id]);
            let head = child(self.doc, &li, "div", "cg-cat-head", "");
            attrs(&child(self.doc, &head, "h3", "cg-cat-title", &row.title), &[("id", &title_id)]);
            let s = child(self.doc, &head, "button", "cg-switch", "");
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
            attrs(&child(self.doc, &li, "p", "cg-text", &row.description), &[("id", &text_id)]);
            if !row.services.is_empty() {
                child(self.doc, &li, "p", "cg-services-label", self.t(Text::Services));
                let ul = child(self.doc, &li, "ul", "cg-services", "");
                for (name, what) in &row.services {
                    let item = child(self.doc, &ul, "li", "", "");
                    child(self.doc, &item, "strong", "", name);
                    if !what.is_empty() {
                        text(self.doc, &item, ": ");
                        text(self.doc, &item, what);
                    }
                }
            }
        }
        let actions = child(self.doc, foot, "div", "cg-actions", "");
        button(self.doc, &actions, "cg-btn", Action::Save, self.t(Text::Save));
        button(self.doc, &actions, "cg-btn", Action::Accept, self.t(Text::AcceptAll));
        button(self.doc, &actions, "cg-btn", Action::Reject, self.t(Text::RejectAll));
        attrs(&child(self.doc, foot, "p", "cg-status", ""), &[("role", "status")]);
    }

    /// Renders the notice into every `[data-consent-gate="notice"]` container it is not in yet.
    pub fn notice(&self, sections: &[Section], signal_lines: [Text; 2]) {
        // Not into injected markup when a nonce is configured (a clickjack), and once into each
        // container, however often a router takes it out and puts it back.
        for container in super::bridge::notice_containers().iter() {
            let container: Element = container.unchecked_into();
            let i = NOTICES.fetch_add(1, Relaxed);
            let root = el(self.doc, "div", "cg-root cg-notice");
            attrs(&root, &[("lang", &self.texts.lang), ("dir", self.texts.dir()), ("data-cg-scope", Scope::Notice.name())]);
            super::bridge::own(&root);
            // Ids stay unique when a page has two notice containers: a section id (a link target)
            // goes on a notice only while no element in the page has it (so a router's new
            // container gets those of the one it removed), and each container's switches get their
            // own prefix.
            let prefix = crate::core::text::concat(&["cg-n", &crate::core::text::uint(i)]);
            for s in sections {
                let sec = child(self.doc, &root, "section", "cg-section", "");
                if let Some(id) = s.id.as_deref().filter(|id| self.doc.get_element_by_id(id).is_none()) {
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
            add(&container, &root);
        }
    }

    fn block(&self, parent: &Node, b: &Block, signal_lines: [Text; 2], prefix: &str) {
        match b {
            Block::Paragraph(runs) => {
                self.inlines(&child(self.doc, parent, "p", "", ""), runs);
            }
            Block::Subheading(h) => {
                child(self.doc, parent, "h3", "", h.get(&self.texts.lang));
            }
            Block::List(items) => {
                let ul = child(self.doc, parent, "ul", "", "");
                for runs in items {
                    self.inlines(&child(self.doc, &ul, "li", "", ""), runs);
                }
            }
            Block::Controls => {
                let div = child(self.doc, parent, "div", "cg-controls", "");
                self.controls(&div, &div, prefix);
            }
            Block::Signals => {
                let ul = child(self.doc, parent, "ul", "cg-signals", "");
                for t in signal_lines {
                    child(self.doc, &ul, "li", "", self.t(t));
                }
            }
        }
    }

    fn inlines(&self, parent: &Node, runs: &[Inline]) {
        for r in runs {
            match r {
                Inline::Text(t) => text(self.doc, parent, t.get(&self.texts.lang)),
                Inline::Link { text: t, href } => {
                    attrs(&child(self.doc, parent, "a", "cg-link", t.get(&self.texts.lang)), &[("href", href)]);
                }
            }
        }
    }
}

/// Notice containers drawn so far on this page (those a router removed since included): each one's
/// switches get their own id prefix.
static NOTICES: AtomicU64 = AtomicU64::new(0);

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
    mark_banner_open(doc, false);
}

/// Sets or clears [`OPEN_CLASS`] on `<html>` (one `toggle`, not `add` and `remove`: fewer bytes).
fn mark_banner_open(doc: &Document, open: bool) {
    if let Some(html) = doc.document_element() {
        let _ = html.class_list().toggle_with_force(OPEN_CLASS, open);
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
