//! The visitor's interface: banner, preferences dialog, "Privacy choices" button and the notice
//! rendered into the page. Everything they show is decided here and in `core` (the texts in the
//! visitor's language, the rows and their states, the links the configuration reader checked,
//! language and direction); `bridge.js` builds the markup from that compact description, in a few
//! coarse steps (`ui`); the notice's renderer is a file of its own that only pages with a notice
//! container load (`src/js/notice.js`), and the dialog one that loads when it first opens
//! (`src/js/dialog.js`). Every click goes through one delegated handler.

use super::bridge;
#[cfg(feature = "notice")]
use crate::core::config::{Block, Inline, Section};
use crate::core::i18n::{Text, Texts};
use crate::core::view::Row;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

/// One step of the interface: the first argument of `ui` in `bridge.js`.
#[derive(Clone, Copy)]
enum Part {
    Banner = 0,
    HideBanner = 1,
    Reopen = 2,
    Prefs = 3,
    Close = 4,
    #[cfg(feature = "notice")]
    Notice = 5,
    Switches = 6,
    Announce = 7,
    SwitchedOn = 8,
}

/// Carries out `part` in `bridge.js`; what a failing page hook throws there is ignored. It takes
/// the description so that it, and what `ui` returns, are dropped here, once, not at every part.
#[inline(never)]
fn draw(part: Part, desc: JsValue) {
    drop(bridge::ui(part as u8, &desc));
}

/// A description being built: a flat JS array.
struct Desc(Array);

impl Desc {
    fn new() -> Desc {
        Desc(Array::new())
    }
    /// Starting with the language and direction of `texts` (the root's `lang` and `dir`).
    fn root(texts: &Texts) -> Desc {
        let d = Desc::new();
        d.s(&texts.lang).s(texts.dir());
        d
    }
    fn s(&self, s: &str) -> &Desc {
        self.v(&JsValue::from_str(s))
    }
    fn v(&self, v: &JsValue) -> &Desc {
        self.0.push(v);
        self
    }
}

/// Everything the interface needs to draw.
pub struct Ui<'a> {
    /// Texts in the visitor's language.
    pub texts: &'a Texts,
    /// The category switches.
    pub rows: Vec<Row<'a>>,
    /// The "GPC is honoured" line, or empty when it is not to be said.
    pub gpc_line: &'a str,
    /// Link to the full privacy notice.
    pub privacy_url: Option<&'a str>,
}

impl Ui<'_> {
    /// Appends the texts `ts` to `d`.
    fn texts(&self, d: &Desc, ts: &[Text]) {
        for t in ts {
            d.s(self.texts.get(*t));
        }
    }

    /// Shows the banner (once).
    pub fn show_banner(&self) {
        let d = Desc::root(self.texts);
        self.texts(&d, &[Text::BannerLabel, Text::BannerTitle, Text::BannerText, Text::PrivacyLink]);
        d.s(self.privacy_url.unwrap_or("")).s(self.gpc_line);
        self.texts(&d, &[Text::AcceptAll, Text::RejectAll, Text::Preferences]);
        draw(Part::Banner, d.0.into());
    }

    /// The floating button that reopens the preferences dialog (`class` from
    /// `view::reopen_button`), last in the page. Owned like the banner and an ordinary `prefs`
    /// action: a click opens the dialog, and focus comes back to the button when it closes.
    pub fn reopen_button(&self, class: &str) {
        let d = Desc::root(self.texts);
        d.s(class).s(self.texts.get(Text::ReopenButton));
        draw(Part::Reopen, d.0.into());
    }

    /// Sets every switch (dialog and notice) to the states of the rows.
    pub fn sync_switches(&self) {
        draw(Part::Switches, switched(&self.rows).into());
    }

    /// The description of the preferences dialog, for [`show_preferences`].
    pub fn preferences(&self) -> Array {
        let d = Desc::root(self.texts);
        self.texts(&d, &[Text::DialogTitle, Text::Close, Text::DialogText]);
        d.s(self.gpc_line).s(self.texts.get(Text::DownloadRecord)).v(&self.controls());
        d.0
    }

    /// The switches and their buttons, as in the dialog: [save, accept all, reject all,
    /// "Services" label, rows, ids switched on]; a row is [id, title, description, required,
    /// then each service's name and what it collects].
    fn controls(&self) -> Array {
        let c = Desc::new();
        self.texts(&c, &[Text::Save, Text::AcceptAll, Text::RejectAll, Text::Services]);
        let rows = Desc::new();
        for r in &self.rows {
            let row = Desc::new();
            row.s(r.id).s(r.title).s(r.description).v(&JsValue::from_bool(r.required));
            for (name, what) in &r.services {
                row.s(name).s(what);
            }
            rows.v(&row.0);
        }
        c.v(&rows.0).v(&switched(&self.rows));
        c.0
    }

    /// Renders the notice into every `[data-consent-gate="notice"]` container it is not in yet
    /// (the site's own ones: see `draw` in `src/js/notice.js`), loading the renderer first
    /// where needed.
    #[cfg(feature = "notice")]
    pub fn notice(&self, sections: &[Section], signal_lines: [Text; 2]) {
        let lang = &self.texts.lang;
        let d = Desc::root(self.texts);
        let signals = Desc::new();
        self.texts(&signals, &signal_lines);
        d.v(&self.controls()).v(&signals.0);
        let all = Desc::new();
        for s in sections {
            let section = Desc::new();
            section.s(s.id.as_deref().unwrap_or("")).s(s.heading.get(lang));
            for b in &s.blocks {
                // The kind first (one number pushed in one place), then its content.
                let kind = match b {
                    Block::Paragraph(_) => 0,
                    Block::Subheading(_) => 1,
                    Block::List(_) => 2,
                    Block::Controls => 3,
                    Block::Signals => 4,
                };
                let block = Desc::new();
                block.v(&kind.into());
                match b {
                    Block::Paragraph(runs) => runs_into(&block, runs, lang),
                    Block::Subheading(h) => {
                        block.s(h.get(lang));
                    }
                    Block::List(items) => {
                        for runs in items {
                            let item = Desc::new();
                            runs_into(&item, runs, lang);
                            block.v(&item.0);
                        }
                    }
                    Block::Controls | Block::Signals => {}
                }
                section.v(&block.0);
            }
            all.v(&section.0);
        }
        d.v(&all.0);
        draw(Part::Notice, d.0.into());
    }
}

/// Appends the runs of a paragraph or list item: a text, or [text, href] for a link.
#[cfg(feature = "notice")]
fn runs_into(d: &Desc, runs: &[Inline], lang: &str) {
    for r in runs {
        match r {
            Inline::Text(t) => {
                d.s(t.get(lang));
            }
            Inline::Link { text, href } => {
                let link = Desc::new();
                link.s(text.get(lang)).s(href);
                d.v(&link.0);
            }
        }
    }
}

/// The ids of the categories whose switches are on.
fn switched(rows: &[Row]) -> Array {
    let on = Desc::new();
    for r in rows.iter() {
        if !r.checked {
            continue;
        }
        on.s(r.id);
    }
    on.0
}

/// Opens the preferences dialog described by `desc` (built on first use), its switches set as it
/// says, focus returning to the control clicked (else to the element focused now) when it closes.
pub fn show_preferences(desc: Array) {
    draw(Part::Prefs, desc.into());
}

/// Removes the banner.
pub fn hide_banner() {
    draw(Part::HideBanner, JsValue::UNDEFINED);
}

/// Closes the preferences dialog.
pub fn close_dialog() {
    draw(Part::Close, JsValue::UNDEFINED);
}

/// Puts `message` in the status line of the part clicked (screen readers announce it).
pub fn announce(message: &str) {
    draw(Part::Announce, JsValue::from_str(message));
}

/// The categories switched on in the part clicked.
pub fn switched_on() -> Vec<String> {
    let ids = bridge::ui(Part::SwitchedOn as u8, &JsValue::UNDEFINED);
    // Told by `kind` (the `Array.isArray` captured when bridge.js ran, as the configuration's
    // copy is told), not js-sys's, which reads it when called: no import of its own.
    if bridge::kind_of(&ids) == bridge::kind::ARR {
        bridge::from_strings(ids.unchecked_ref())
    } else {
        vec![]
    }
}
