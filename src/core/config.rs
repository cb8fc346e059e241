//! The site owner's configuration, read from a [`Json`] copy of any [`JsonLike`] value.
//!
//! Every problem names its field path (`categories[2].id: expected a string, got 42`). Problems
//! are collected rather than stopping at the first; an error makes the configuration fail closed
//! (no analytics or advertising tag loads), a warning (such as an unknown, probably misspelt
//! field) does not.

use super::decide::{
    AD_PERSONALIZATION, AD_STORAGE, AD_USER_DATA, ANALYTICS_STORAGE, FUNCTIONALITY_STORAGE, PERSONALIZATION_STORAGE, SECURITY_STORAGE,
};
use super::i18n::{language, needs_file, Text, Texts, TEXT_COUNT};
use super::json::{Json, JsonLike};
use super::text::{ascii_case, concat, has_word, index_of, pieces, push_uint, trim, uint};

/// The four categories every site has, in display order.
pub const BUILT_IN_CATEGORIES: [&str; 4] = ["necessary", "functional", "analytics", "advertising"];

/// One problem found in the configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The field path, e.g. `categories[2].id`.
    pub path: String,
    /// What was expected and what was found.
    pub message: String,
    /// An error makes the SDK fail closed; a warning is only reported.
    pub is_error: bool,
}

impl Problem {
    /// `path: message`, the form printed on the console and returned from `init`.
    pub fn line(&self) -> String {
        concat(&[&self.path, ": ", &self.message])
    }
}

/// A text that may be given once or per language (`"Hi"` or `{"en": "Hi", "es": "Hola"}`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Localized(pub Vec<(String, String)>);

impl Localized {
    /// The text in `lang`, else the plain or English one, else any.
    pub fn get(&self, lang: &str) -> &str {
        // One pass: the first text of the best rank wins.
        let mut best = (0, "");
        for (k, v) in &self.0 {
            let rank = if k == lang {
                4
            } else if k.is_empty() {
                3
            } else if k == "en" {
                2
            } else {
                1
            };
            if rank > best.0 {
                best = (rank, v);
            }
        }
        best.1
    }
    /// Whether no text was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn plain(s: &str) -> Localized {
        Localized(vec![(String::new(), s.to_owned())])
    }
}

/// A category of purposes the visitor can allow or refuse.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    /// Identifier; the four built-in ones map to Consent Mode types.
    pub id: String,
    /// Title shown next to the switch; empty means the built-in text.
    pub title: Localized,
    /// Description; empty means the built-in text.
    pub description: Localized,
    /// Always on; the visitor cannot refuse it.
    pub required: bool,
    /// Its state before the visitor decides (overridden by region rules and signals).
    pub default: bool,
    /// The Consent Mode types it governs (a set of `decide` bits such as `AD_STORAGE`); none for
    /// a site's own category.
    pub consent_types: u8,
    /// Whether an honoured Global Privacy Control signal turns it off (`gpc`): true for the
    /// built-in `advertising`, false for others unless the site sets it.
    pub gpc: bool,
}

impl Category {
    /// The title in `texts.lang`, falling back to the built-in text of a built-in category.
    pub fn title_in<'a>(&'a self, texts: &'a Texts) -> &'a str {
        pick(&self.title, texts, builtin_text(&self.id, true), &self.id)
    }
    /// The description in `texts.lang`, falling back to the built-in text.
    pub fn description_in<'a>(&'a self, texts: &'a Texts) -> &'a str {
        pick(&self.description, texts, builtin_text(&self.id, false), "")
    }
}

fn pick<'a>(l: &'a Localized, texts: &'a Texts, builtin: Option<Text>, last: &'a str) -> &'a str {
    if !l.is_empty() {
        return l.get(&texts.lang);
    }
    builtin.map_or(last, |t| texts.get(t))
}

fn builtin_text(id: &str, title: bool) -> Option<Text> {
    Some(match (id, title) {
        ("necessary", true) => Text::NecessaryTitle,
        ("necessary", false) => Text::NecessaryText,
        ("functional", true) => Text::FunctionalTitle,
        ("functional", false) => Text::FunctionalText,
        ("analytics", true) => Text::AnalyticsTitle,
        ("analytics", false) => Text::AnalyticsText,
        ("advertising", true) => Text::AdvertisingTitle,
        ("advertising", false) => Text::AdvertisingText,
        _ => return None,
    })
}

/// A third-party service other than Google's tags, tied to one category.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// Name shown to the visitor.
    pub name: String,
    /// The category that must be granted for it to run.
    pub category: String,
    /// What it collects, shown under the category.
    pub description: Localized,
    /// Cookie names it sets; a `*` matches any run of characters (`_hj*`).
    pub cookies: Vec<String>,
}

/// How Google tags are loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentModeKind {
    /// No Google tag loads before consent (the default).
    Basic,
    /// gtag.js loads at once under denied defaults and sends cookieless pings.
    Advanced,
}

/// Google tag settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Google {
    /// GA4 measurement ids (`G-…`), gated on `analytics`.
    pub analytics_ids: Vec<String>,
    /// Google Ads ids (`AW-…`), gated on `advertising`.
    pub ads_ids: Vec<String>,
    /// Basic or advanced Consent Mode.
    pub mode: ConsentModeKind,
    /// Consent Mode `wait_for_update`, in milliseconds.
    pub wait_for_update: u32,
    /// `gtag('set','url_passthrough',true)`.
    pub url_passthrough: bool,
    /// `gtag('set','ads_data_redaction',true)` (on unless turned off).
    pub ads_data_redaction: bool,
}

/// What to do with Do Not Track.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DntPolicy {
    /// Record it and change nothing (the default: the site's privacy policy says it does not
    /// respond to Do Not Track).
    Log,
    /// Treat it as a refusal of every optional category.
    Honor,
}

/// What to do with Global Privacy Control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GpcPolicy {
    /// Deny advertising without a click (the default).
    Honor,
    /// Record it only.
    Log,
}

/// How browser privacy signals are treated.
#[derive(Clone, Debug, PartialEq)]
pub struct SignalPolicy {
    /// Do Not Track policy.
    pub dnt: DntPolicy,
    /// Global Privacy Control policy.
    pub gpc: GpcPolicy,
    /// Whether an explicit visitor choice may grant advertising despite an honoured GPC.
    pub choice_overrides_gpc: bool,
}

/// Defaults for visitors the page marks as in one of `codes` (ISO 3166-2, e.g. `US-WA`).
#[derive(Clone, Debug, PartialEq)]
pub struct RegionRule {
    /// Region codes this rule applies to.
    pub codes: Vec<String>,
    /// Category defaults in those regions.
    pub defaults: Vec<(String, bool)>,
}

/// How long a decision is kept, in days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetime {
    /// When anything optional is granted.
    pub granted_days: u32,
    /// When every optional category is refused.
    pub denied_days: u32,
}

/// `SameSite` of the consent cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Lax` (the default).
    Lax,
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=None` (needs Secure).
    None,
}

/// The first-party cookie that mirrors the record for the site's server.
#[derive(Clone, Debug, PartialEq)]
pub struct CookieSettings {
    /// Cookie name.
    pub name: String,
    /// `Domain=` to share the choice across subdomains; host-only when `None`.
    pub domain: Option<String>,
    /// `SameSite`.
    pub same_site: SameSite,
    /// `Secure`: `None` means "when the page is https".
    pub secure: Option<bool>,
}

/// Where consent events are sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogSettings {
    /// The endpoint URL; no endpoint, no traffic.
    pub endpoint: Option<String>,
    /// Also send a small signal event on every page view.
    pub page_views: bool,
}

/// Where the floating "Privacy choices" button sits (`reopenButton`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Bottom left.
    BottomLeft,
    /// Bottom right.
    BottomRight,
}

/// A run of text in the notice: plain text or a link.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(Localized),
    /// A link (`href` checked to be http(s), mailto or relative).
    Link {
        /// Link text.
        text: Localized,
        /// Target.
        href: String,
    },
}

/// A block of the privacy notice.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A sub-heading.
    Subheading(Localized),
    /// A bulleted list; each item is a run of inlines.
    List(Vec<Vec<Inline>>),
    /// The live category switches.
    Controls,
    /// The status line of detected privacy signals.
    Signals,
}

/// A section of the privacy notice.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Anchor id of the section, if any.
    pub id: Option<String>,
    /// Section heading.
    pub heading: Localized,
    /// Its content.
    pub blocks: Vec<Block>,
}

/// The whole configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Policy revision; a change asks every visitor again.
    pub revision: String,
    /// Interface language, if fixed by the site.
    pub language: Option<String>,
    /// Link to the full privacy notice.
    pub privacy_url: Option<String>,
    /// Categories, `necessary` first.
    pub categories: Vec<Category>,
    /// Google tags.
    pub google: Google,
    /// Other services.
    pub services: Vec<Service>,
    /// Signal policy.
    pub signals: SignalPolicy,
    /// Path patterns where no analytics or advertising may run.
    pub sensitive_paths: Vec<String>,
    /// Whether a hash route (`#/patient-portal/…`) is matched against `sensitive_paths` too.
    pub match_hash_routes: bool,
    /// Regional defaults.
    pub regions: Vec<RegionRule>,
    /// Decision lifetime.
    pub lifetime: Lifetime,
    /// Consent cookie.
    pub cookie: CookieSettings,
    /// Consent log.
    pub log: LogSettings,
    /// Text overrides and added languages: `(lang, [(text, value)])`.
    pub texts: Vec<(String, Vec<(Text, String)>)>,
    /// The privacy notice rendered into the page.
    pub notice: Vec<Section>,
    /// Nonce for every script the SDK injects.
    pub nonce: Option<String>,
    /// Reload the page after a withdrawal, since a loaded script cannot be unloaded.
    pub reload_on_withdraw: bool,
    /// The floating button that reopens the preferences, and its corner; none unless configured.
    pub reopen_button: Option<Placement>,
    /// Print decisions and signals on the console.
    pub debug: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            revision: "1".into(),
            language: None,
            privacy_url: None,
            categories: built_in_categories(),
            google: Google {
                analytics_ids: vec![],
                ads_ids: vec![],
                mode: ConsentModeKind::Basic,
                wait_for_update: 500,
                url_passthrough: false,
                ads_data_redaction: true,
            },
            services: vec![],
            signals: SignalPolicy { dnt: DntPolicy::Log, gpc: GpcPolicy::Honor, choice_overrides_gpc: false },
            sensitive_paths: vec![],
            match_hash_routes: false,
            regions: vec![],
            lifetime: Lifetime { granted_days: 365, denied_days: 180 },
            cookie: CookieSettings { name: "consent_gate".into(), domain: None, same_site: SameSite::Lax, secure: None },
            log: LogSettings::default(),
            texts: vec![],
            notice: vec![],
            nonce: None,
            reload_on_withdraw: false,
            reopen_button: None,
            debug: false,
        }
    }
}

/// The Consent Mode types each built-in category governs and whether GPC covers it, in the
/// order of [`BUILT_IN_CATEGORIES`].
const BUILT_IN_PROPERTIES: [(u8, bool); 4] = [
    (SECURITY_STORAGE, false),
    (FUNCTIONALITY_STORAGE | PERSONALIZATION_STORAGE, false),
    (ANALYTICS_STORAGE, false),
    (AD_STORAGE | AD_USER_DATA | AD_PERSONALIZATION, true),
];

fn built_in_categories() -> Vec<Category> {
    let mut out = Vec::with_capacity(BUILT_IN_CATEGORIES.len());
    for id in &BUILT_IN_CATEGORIES {
        out.push(builtin_category(id));
    }
    out
}

fn builtin_category(id: &str) -> Category {
    let (consent_types, gpc) = index_of(&BUILT_IN_CATEGORIES, id).map_or((0, false), |i| BUILT_IN_PROPERTIES[i]);
    Category {
        id: id.to_owned(),
        title: Localized::default(),
        description: Localized::default(),
        required: id == "necessary",
        default: id == "necessary",
        consent_types,
        gpc,
    }
}

impl Config {
    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
    /// Whether the site's texts add or override the language `lang`.
    pub fn offers_texts(&self, lang: &str) -> bool {
        self.texts.iter().any(|(l, _)| l == lang)
    }
    /// The texts for `lang`: English, then `file` (the texts of `lang`'s language file, if it
    /// loaded), then the site's overrides. Keys a site-added language lacks stay English; that is
    /// reported as a warning when the configuration is read.
    pub fn texts_for(&self, lang: &str, file: Vec<(Text, String)>) -> Texts {
        let mut texts = Texts::new(lang, file);
        for (l, overrides) in &self.texts {
            if l == lang {
                for (t, v) in overrides {
                    texts.set(*t, v.clone());
                }
            }
        }
        texts
    }
}

/// The outcome of reading a configuration: always a usable configuration, plus its problems.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The configuration, with defaults wherever a field was missing or wrong.
    pub config: Config,
    /// Every problem found, errors and warnings.
    pub problems: Vec<Problem>,
}

impl Parsed {
    /// Whether any problem is an error: then the SDK must fail closed.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.is_error)
    }
}

/// Reads a configuration. Never panics; every problem is in [`Parsed::problems`].
pub fn read_config<J: JsonLike + ?Sized>(root: &J) -> Parsed {
    read(&root.to_json())
}

/// [`read_config`] of the copy: one reader, whatever the value was copied from.
fn read(root: &Json) -> Parsed {
    let mut r = Reader { problems: vec![], path: String::new() };
    let config = r.config(root);
    Parsed { config, problems: r.problems }
}

/// Reads the language file of `lang` (`i18n/<lang>.json`), a configuration that holds only
/// `{"texts": {"<lang>": {...}}}`, with the same reader. Any problem (an unknown key or field, a
/// value that is not a string) or a missing text rejects the whole file, so that a visitor never
/// sees a mix of languages. The error says what a file must hold, not the reader's problem (its
/// messages are marks in the release wasms, whose words the page loads only for a configuration
/// with problems; shipped files are whole, so a broken one was changed or cut short).
pub fn read_language_file<J: JsonLike + ?Sized>(file: &J, lang: &str) -> Result<Vec<(Text, String)>, String> {
    const EVERY_TEXT: &str = "expected every text as a string, under texts.<its language>";
    let mut parsed = read_config(file);
    match parsed.config.texts.pop() {
        // Not first checked and returned: one exit, one copy of the message (measured).
        Some((l, set)) if parsed.problems.is_empty() && l == lang && set.len() == TEXT_COUNT => Ok(set),
        _ => Err(EVERY_TEXT.to_owned()),
    }
}

/// Whether `href` is a link the SDK will render: http(s), mailto, or relative.
pub fn is_safe_href(href: &str) -> bool {
    let h = trim(href, true);
    if h.len() != href.len() || h.is_empty() {
        return false;
    }
    if ["http://", "https://", "mailto:"].iter().any(|scheme| starts_with_ignore_case(h, scheme)) {
        return true;
    }
    // Relative: no scheme before the first '/', '?' or '#'; no control characters or backslashes
    // (browsers treat `\` as `/`, which turns `\\evil` into a protocol-relative URL).
    // No scheme: no ':' before the first '/', '?' or '#'.
    let scheme = h.bytes().take_while(|b| !matches!(b, b'/' | b'?' | b'#')).any(|b| b == b':');
    if scheme || h.starts_with("//") {
        return false;
    }
    // A loop over `chars`, not `any`: no `try_fold` of its own.
    for c in h.chars() {
        if c.is_control() || c == '\\' {
            return false;
        }
    }
    true
}

/// Whether `s` starts with the lowercase ASCII `prefix`, case ignored.
fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    let (s, p) = (s.as_bytes(), prefix.as_bytes());
    if s.len() < p.len() {
        return false;
    }
    // A plain loop: no slice `eq_ignore_ascii_case` (a `zip` and `all`) for this one use.
    for i in 0..p.len() {
        if s[i].to_ascii_lowercase() != p[i] {
            return false;
        }
    }
    true
}

/// Whether `code` looks like an ISO 3166-1/-2 code (`US`, `US-WA`, `ES-CT`).
pub fn is_region_code(code: &str) -> bool {
    // Two capitals, then nothing or `-` and one to three capitals or digits.
    let b = code.as_bytes();
    matches!(b.len(), 2 | 4..=6) && made_of(&b[..2], 2, UPPER) && (b.len() == 2 || b[2] == b'-' && made_of(&b[3..], 3, UPPER | DIGITS))
}

/// A set of ASCII bytes, one bit each: what [`made_of`] accepts.
const fn bytes(list: &[u8]) -> u128 {
    let mut set = 0;
    let mut i = 0;
    while i < list.len() {
        set |= 1 << list[i];
        i += 1;
    }
    set
}

const DIGITS: u128 = bytes(b"0123456789");
const UPPER: u128 = bytes(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ");
const DIGITS_LOWER: u128 = DIGITS | bytes(b"abcdefghijklmnopqrstuvwxyz");
const ALPHANUMERIC: u128 = DIGITS_LOWER | UPPER;
const IDENTIFIER: u128 = DIGITS_LOWER | bytes(b"_-");
const TAG_ID: u128 = ALPHANUMERIC | bytes(b"_-");
/// A cookie name (RFC 6265 `token`), without the `*` a service's cookie names may use as a
/// wildcard.
const COOKIE_NAME: u128 = ALPHANUMERIC | bytes(b"!#$%&'+-.^_`|~");
const DOMAIN: u128 = ALPHANUMERIC | bytes(b".-");

/// Whether `s` has 1 to `max` bytes, each in `set`. One loop for every such check of the reader
/// (each `bytes().all(closure)` was a copy of its own).
#[inline(always)]
fn made_of(s: &[u8], max: usize, set: u128) -> bool {
    // The set's halves, constants at each call: a bit of a `u64` is tested below, not one of a
    // `u128`, whose shift by a variable needs compiler_builtins' `__lshrti3` (nothing else does).
    made_of_halves(s, max, set as u64, (set >> 64) as u64)
}

fn made_of_halves(s: &[u8], max: usize, low: u64, high: u64) -> bool {
    if s.is_empty() || s.len() > max {
        return false;
    }
    for &b in s {
        let half = if b < 64 { low } else { high };
        if b >= 128 || half >> (b & 63) & 1 == 0 {
            return false;
        }
    }
    true
}

/// `s` without its leading dots.
fn trim_dots(mut s: &str) -> &str {
    while let Some(rest) = s.strip_prefix(".") {
        s = rest;
    }
    s
}

/// Whether `list` has a category `id`: one loop for every such check of the reader.
fn has_category(list: &[Category], id: &str) -> bool {
    for c in list {
        if c.id == id {
            return true;
        }
    }
    false
}

fn is_identifier(s: &str) -> bool {
    made_of(s.as_bytes(), 64, IDENTIFIER)
}

fn is_cookie_name(s: &str) -> bool {
    made_of(s.as_bytes(), 128, COOKIE_NAME | bytes(b"*"))
}

/// Appends the member `name` to a path: `.name`, or `name` at the top. An empty name is shown
/// as `""`, so that no path is empty or ends in a dot.
fn push_member(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(if name.is_empty() { "\"\"" } else { name });
}

/// The known name closest to a misspelt `name`: at most two edits away, case ignored.
fn nearest<'a>(name: &str, known: &'a str) -> Option<&'a str> {
    let mut best: Option<(u8, &str)> = None;
    for k in pieces(known, b' ') {
        let d = edit_distance(name.as_bytes(), k.as_bytes());
        if d <= 2 && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Levenshtein distance over ASCII bytes, case ignored, in one row on the stack (field names
/// are short; a longer `known` name is simply far away).
fn edit_distance(a: &[u8], b: &[u8]) -> u8 {
    const MAX: usize = 31;
    if a.len() > MAX || b.len() > MAX {
        return u8::MAX;
    }
    let mut row = [0u8; MAX + 1];
    for (j, cell) in row.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j as u8;
    }
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i as u8 + 1;
        for (j, cb) in b.iter().enumerate() {
            // Lowercased in place, as in `starts_with_ignore_case`: no `eq_ignore_ascii_case` code
            // in the wasm (what clippy suggests here is that function).
            #[allow(clippy::manual_ignore_case_cmp)]
            let next = (diagonal + u8::from(ca.to_ascii_lowercase() != cb.to_ascii_lowercase())).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

// The members each object of the configuration may have, separated by spaces (one string each, not
// tables of `&str`, whose addresses compress poorly): the reader warns about any other, and a test
// compares these lists with `schemas/consent-gate.schema.json`.

/// The top-level members.
pub(crate) const TOP_FIELDS: &str = concat!(
    "$schema revision language privacyUrl categories googleAnalytics googleAds consentMode waitForUpdate ",
    "urlPassthrough adsDataRedaction services signals sensitivePaths matchHashRoutes regions lifetime ",
    "cookie log texts notice nonce reloadOnWithdraw reopenButton debug",
);
/// The members of `signals`.
pub(crate) const SIGNALS_FIELDS: &str = "dnt gpc choiceOverridesGpc";
/// The members of `lifetime`.
pub(crate) const LIFETIME_FIELDS: &str = "granted denied";
/// The members of `cookie`.
pub(crate) const COOKIE_FIELDS: &str = "name domain sameSite secure";
/// The members of `log`.
pub(crate) const LOG_FIELDS: &str = "endpoint pageViews";
/// The members of an entry of `categories`.
pub(crate) const CATEGORY_FIELDS: &str = "id title description required default gpc";
/// The members of an entry of `services`.
pub(crate) const SERVICE_FIELDS: &str = "name category description cookies";
/// The members of an entry of `regions`.
pub(crate) const REGION_FIELDS: &str = "codes defaults";
/// The members of `notice`.
pub(crate) const NOTICE_FIELDS: &str = "sections";
/// The members of a section of `notice.sections`.
pub(crate) const SECTION_FIELDS: &str = "id heading blocks";
/// The members of a notice block.
pub(crate) const BLOCK_FIELDS: &str = "p h3 list controls signals";
/// The members of a link in the notice.
pub(crate) const LINK_FIELDS: &str = "text href";

/// `part`, a whole word of `whole` (between spaces or its ends) found at compile time (see
/// `member!`), as a slice of `whole`: a name that is part of another string of the reader is not
/// a second copy in the wasm. A part not found does not compile.
const fn slice_of(whole: &'static str, part: &str) -> &'static str {
    let (w, p) = (whole.as_bytes(), part.as_bytes());
    let mut start = 0;
    while start + p.len() <= w.len() {
        let end = start + p.len();
        let mut i = 0;
        while i < p.len() && w[start + i] == p[i] {
            i += 1;
        }
        let bounded = (start == 0 || w[start - 1] == b' ') && (end == w.len() || w[end] == b' ');
        if i == p.len() && bounded {
            if let Ok(found) = core::str::from_utf8(w.split_at(start).1.split_at(p.len()).0) {
                return found;
            }
        }
        start += 1;
    }
    panic!("a name missing from the list it is taken from")
}

/// `member!(LIST, "name")`: the member name `name`, a word of the known-members list `LIST`, as a
/// slice of the list: the names the reader looks up are the bytes of its lists.
macro_rules! member {
    ($list:ident, $name:literal) => {
        const { slice_of($list, $name) }
    };
}

/// The reader's messages, each with its letter. Built with the `lazy-messages` feature (the
/// release wasms: scripts/build.mjs), each is its mark instead: U+0001 and the letter. Their words
/// are then in `i18n/problems.json`, which the build makes from this list and the page loads only
/// when the configuration has problems (most page views read one without: see `web::app`);
/// bridge.js puts them back in place of the marks. `choice` messages are not here: their quoted
/// names are what the reader accepts.
macro_rules! messages {
    ($($name:ident $letter:literal $text:literal,)*) => {
        $(
            #[cfg(not(feature = "lazy-messages"))]
            const $name: &str = $text;
            #[cfg(feature = "lazy-messages")]
            const $name: &str = concat!("\u{1}", $letter);
        )*
        /// Every message of the reader with its letter: the content of `i18n/problems.json`.
        pub const MESSAGES: &[(&str, &str)] = &[$(($letter, $text)),*];
    };
}

messages! {
    OBJECT "A" "an object",
    STRING "B" "a string",
    TRUE_OR_FALSE "C" "true or false",
    WHOLE_NUMBER_TO "D" "a whole number from 0 to ",
    LOCALIZED "E" "a string or an object of strings by language",
    LINK "F" "an http(s), mailto or relative link",
    REVISION "G" "a non-empty string of at most 64 characters",
    GA4_ID "H" "a GA4 measurement id like \"G-XXXXXXX\"",
    ADS_ID "I" "a Google Ads id like \"AW-123456789\"",
    PATH_PATTERN "J" "a path pattern starting with \"/\"",
    LOG_URL "K" "an http(s) or relative URL",
    CATEGORIES "L" "an array of categories",
    CATEGORY_ID "M" "a category id",
    AN_IDENTIFIER "N" "a lowercase id of letters, digits, '-' or '_'",
    NEW_ID "O" "an id not used before",
    CUSTOM_TITLE "P" "a title for a category that is not built in",
    NECESSARY_REQUIRED "Q" "the necessary category is always required",
    SERVICES "R" "an array of services",
    CONFIGURED_CATEGORY "S" "the id of a configured category",
    SERVICE_NAME "T" "a service name",
    REGIONS "U" "an array of region rules",
    REGION_CODES "V" "region codes",
    REGION_CODE "W" "an ISO 3166-2 code like \"US-WA\"",
    COOKIE_NAME_PATTERN "X" "a cookie name, '*' matching any characters",
    A_COOKIE_NAME "Y" "a cookie name",
    A_DOMAIN "Z" "a domain name like \"example.org\"",
    TEXTS_BY_LANGUAGE "a" "an object of texts by language",
    TEXTS "b" "an object of texts",
    SECTIONS "c" "an array of sections",
    BLOCKS "d" "an array of blocks",
    BLOCK_KINDS "e" "an object with one of \"p\", \"h3\", \"list\", \"controls\", \"signals\"",
    LIST_ITEMS "f" "an array of list items",
    UNKNOWN_FIELD "g" "unknown field",
    UNKNOWN_FIELD_IGNORED "h" "unknown field, ignored",
    DID_YOU_MEAN "i" " (did you mean \"",
    MISSPELT "j" " (is it misspelt?)",
    UNKNOWN_TEXT "k" "unknown text name, ignored (is it misspelt?)",
    OR_ARRAY "l" " or an array of them",
    TEXTS_MISSING "m" " texts missing for a language that is not shipped; they stay in English",
    LOG_WASM "n" "consent_gate_log_bg.wasm for a consent log (data-log, init: {log: true})",
}

/// What [`Reader::objects`] does with each element: any `FnMut(&mut Reader, &Json)`, through a
/// trait of its own, whose vtable holds that one function (a `dyn FnMut`'s also holds a
/// `call_once` shim per closure, which nothing calls).
trait ReadEach {
    fn each(&mut self, r: &mut Reader, item: &Json);
}

impl<F: FnMut(&mut Reader, &Json)> ReadEach for F {
    fn each(&mut self, r: &mut Reader, item: &Json) {
        self(r, item)
    }
}

/// Reads a configuration, keeping the path of the value being read (`categories[2]`) in one
/// string that grows and shrinks as it steps in and out: a member's path is composed only when a
/// problem is reported, so a valid configuration is read without building path strings.
struct Reader {
    problems: Vec<Problem>,
    path: String,
}

impl Reader {
    /// Steps into the member `name`; [`Reader::leave`] with the result steps back.
    fn enter(&mut self, name: &str) -> usize {
        let mark = self.path.len();
        push_member(&mut self.path, name);
        mark
    }

    /// Steps into the element `i`.
    fn enter_index(&mut self, i: usize) -> usize {
        let mark = self.path.len();
        self.path.push('[');
        push_uint(&mut self.path, i as u64);
        self.path.push(']');
        mark
    }

    fn leave(&mut self, mark: usize) {
        self.path.truncate(mark);
    }

    /// The one place a problem is recorded: at the current value, or at its member `member`.
    fn problem(&mut self, member: Option<&str>, message: String, is_error: bool) {
        // Pushed onto the reader's own path and cut back after: no second buffer grown.
        let mark = self.path.len();
        if let Some(name) = member {
            push_member(&mut self.path, name);
        }
        self.problems.push(Problem { path: self.path.clone(), message, is_error });
        self.leave(mark);
    }

    fn error(&mut self, member: Option<&str>, expected: &str, got: &str) {
        self.problem(member, concat(&["expected ", expected, ", got ", got]), true);
    }

    fn warn(&mut self, member: Option<&str>, message: &str) {
        self.problem(member, message.to_owned(), false);
    }

    fn wrong(&mut self, member: Option<&str>, expected: &str, v: &Json) {
        let got = v.describe();
        self.error(member, expected, &got);
    }

    /// The value is an object; warn about members not in `known`, naming the nearest known one.
    /// At the top level an unknown member is an error: a misspelt `sensitivePaths` would
    /// otherwise leave the pages it names unprotected.
    fn object(&mut self, v: &Json, known: &str) -> bool {
        if !v.is_object() {
            self.wrong(None, OBJECT, v);
            return false;
        }
        for (k, _) in v.members() {
            if !has_word(known, k) {
                let top = self.path.is_empty();
                let what = if top { UNKNOWN_FIELD } else { UNKNOWN_FIELD_IGNORED };
                let message = match nearest(k, known) {
                    Some(name) => concat(&[what, DID_YOU_MEAN, name, "\"?)"]),
                    None => concat(&[what, MISSPELT]),
                };
                self.problem(Some(k), message, top);
            }
        }
        true
    }

    /// The member `name`, which must be there: its absence is an error naming what was expected.
    fn required<'a>(&mut self, parent: &'a Json, name: &str, expected: &str) -> Option<&'a Json> {
        let v = parent.field(name);
        if v.is_none() {
            self.error(Some(name), expected, "nothing");
        }
        v
    }

    /// The member `name` as a [`Localized`] text, appended to `out` (empty until then; it stays
    /// empty when the member is absent).
    fn opt_localized(&mut self, parent: &Json, name: &str, out: &mut Localized) {
        let Some(v) = parent.field(name) else { return };
        let mark = self.enter(name);
        self.localized(v, out);
        self.leave(mark);
    }

    /// The value as a string; when it is not one, the problem at the member `member`.
    fn string<'a>(&mut self, v: &'a Json, member: Option<&str>) -> Option<&'a str> {
        let s = v.as_str();
        if s.is_none() {
            self.wrong(member, STRING, v);
        }
        s
    }

    /// The value `v` of the member `name` of an object being walked as a string: `None` when it
    /// is `undefined` (absent) or, reported, not a string.
    fn member_string<'a>(&mut self, name: &str, v: &'a Json) -> Option<&'a str> {
        if matches!(v, Json::Undefined) {
            return None;
        }
        self.string(v, Some(name))
    }

    /// Sets `out` to the member `name` when it is a string (else `out` keeps its default, `None`).
    /// Written through `out`: no `Option` handed back, moved and dropped at each call site.
    fn opt_string(&mut self, parent: &Json, name: &str, out: &mut Option<String>) {
        if let Some(s) = parent.field(name).and_then(|v| self.string(v, Some(name))) {
            *out = Some(s.to_owned());
        }
    }

    /// Sets `out` to the member `name` when it is true or false (else `out` keeps its default).
    fn boolean(&mut self, parent: &Json, name: &str, out: &mut bool) {
        let Some(v) = parent.field(name) else { return };
        if let Some(b) = self.bool_of(v, Some(name)) {
            *out = b;
        }
    }

    /// The value as true or false; when it is neither, the problem at the member `member`.
    fn bool_of(&mut self, v: &Json, member: Option<&str>) -> Option<bool> {
        let b = v.as_bool();
        if b.is_none() {
            self.wrong(member, TRUE_OR_FALSE, v);
        }
        b
    }

    /// Sets `out` to the member `name` when it is a whole number from 0 to `max`.
    fn whole(&mut self, parent: &Json, name: &str, max: u32, out: &mut u32) {
        let Some(v) = parent.field(name) else { return };
        match v.as_whole() {
            Some(n) if n <= u64::from(max) => *out = n as u32,
            _ => {
                let mut expected = String::from(WHOLE_NUMBER_TO);
                push_uint(&mut expected, u64::from(max));
                self.wrong(Some(name), &expected, v);
            }
        }
    }

    /// The index of the member's value among the quoted names of `expected` (`one of "Lax",
    /// "Strict"`, the message that reports any other value): 0, the default, when absent or not
    /// one of them. No message is built, and one copy for every enum it reads.
    fn choice(&mut self, parent: &Json, name: &str, expected: &str) -> usize {
        let Some(v) = parent.field(name) else { return 0 };
        if let Some(s) = v.as_str() {
            // The names are the odd pieces between quotes.
            for (i, k) in pieces(expected, b'"').enumerate() {
                if i % 2 == 1 && k == s {
                    return i / 2;
                }
            }
        }
        self.wrong(Some(name), expected, v);
        0
    }

    /// The member `name`: a string or an array of strings, each accepted by `valid` (described
    /// by `expected`), appended to `out` (empty until then: no list is moved or dropped).
    fn strings(&mut self, parent: &Json, name: &str, expected: &str, valid: fn(&str) -> bool, out: &mut Vec<String>) {
        let Some(v) = parent.field(name) else { return };
        let array = v.as_array();
        let items = match array {
            Some(items) => items,
            None if v.as_str().is_some() => core::slice::from_ref(v),
            None => {
                let e = concat(&[expected, OR_ARRAY]);
                self.wrong(Some(name), &e, v);
                return;
            }
        };
        let mark = self.enter(name);
        for (i, x) in items.iter().enumerate() {
            match x.as_str() {
                Some(s) if valid(s) => out.push(s.to_owned()),
                // An element's path only when there is a problem to report.
                _ => {
                    let element = self.path.len();
                    if array.is_some() {
                        self.enter_index(i);
                    }
                    self.wrong(None, expected, x);
                    self.leave(element);
                }
            }
        }
        self.leave(mark);
    }

    /// The current value as a [`Localized`] text, appended to `out` (empty until then: no list
    /// built aside and moved in).
    fn localized(&mut self, v: &Json, out: &mut Localized) {
        if let Some(s) = v.as_str() {
            return out.0.push((String::new(), s.to_owned()));
        }
        if v.is_object() {
            for (k, x) in v.members() {
                if let Some(s) = self.member_string(k, x) {
                    out.0.push((language(k), s.to_owned()));
                }
            }
            return;
        }
        self.wrong(None, LOCALIZED, v);
    }

    /// Sets `out` to the member `name` when it is a link the SDK renders (else `out` keeps its
    /// default, `None`).
    fn href(&mut self, parent: &Json, name: &str, out: &mut Option<String>) {
        let Some(v) = parent.field(name) else { return };
        let Some(s) = self.string(v, Some(name)) else { return };
        if is_safe_href(s) {
            *out = Some(s.to_owned());
        } else {
            self.wrong(Some(name), LINK, v);
        }
    }

    /// The elements of the array `v`; when it is not one, the problem `expected`.
    fn array<'a>(&mut self, v: &'a Json, expected: &str) -> &'a [Json] {
        let items = v.as_array();
        if items.is_none() {
            self.wrong(None, expected, v);
        }
        items.unwrap_or_default()
    }

    /// Reads each element of the array at the member `name` that is an object with members among
    /// `known`, at its index, with `read`; when the member is there but not an array, the problem
    /// `expected`. One loop for every array of objects (`dyn`: one copy of it, not one per caller).
    /// Returns whether the member is an array.
    fn objects(&mut self, parent: &Json, name: &str, expected: &str, known: &str, read: &mut dyn ReadEach) -> bool {
        let Some(v) = parent.field(name) else { return false };
        let mark = self.enter(name);
        for (i, item) in self.array(v, expected).iter().enumerate() {
            let element = self.enter_index(i);
            if self.object(item, known) {
                read.each(self, item);
            }
            self.leave(element);
        }
        self.leave(mark);
        v.as_array().is_some()
    }

    // Not inlined into `read`: the reader is then a parameter, not a slot of `read`'s frame whose
    // address is computed again at each of the many calls below.
    #[inline(never)]
    fn config(&mut self, root: &Json) -> Config {
        let mut c = Config::default();
        if !root.is_object() {
            self.wrong(Some("config"), OBJECT, root);
            return c;
        }
        // Top-level fields are named by their own path (`revison`, not `config.revison`).
        self.object(root, TOP_FIELDS);
        if let Some(v) = root.field(member!(TOP_FIELDS, "revision")) {
            match v {
                Json::Str(s) if !s.is_empty() && s.len() <= 64 => c.revision = s.clone(),
                // A whole number's text is its digits (`7`, not `7.0`).
                Json::Num(digits) if v.as_whole().is_some_and(|n| n < 1_000_000_000_000_000) => c.revision = digits.clone(),
                _ => self.wrong(Some(member!(TOP_FIELDS, "revision")), REVISION, v),
            }
        }
        self.opt_string(root, member!(TOP_FIELDS, "language"), &mut c.language);
        self.href(root, member!(TOP_FIELDS, "privacyUrl"), &mut c.privacy_url);
        self.categories(root, &mut c.categories);
        let g = &mut c.google;
        self.strings(root, member!(TOP_FIELDS, "googleAnalytics"), GA4_ID, |s| tag_id(s, "G-"), &mut g.analytics_ids);
        self.strings(root, member!(TOP_FIELDS, "googleAds"), ADS_ID, |s| tag_id(s, "AW-"), &mut g.ads_ids);
        g.mode = [ConsentModeKind::Basic, ConsentModeKind::Advanced]
            [self.choice(root, member!(TOP_FIELDS, "consentMode"), "one of \"basic\", \"advanced\"")];
        self.whole(root, member!(TOP_FIELDS, "waitForUpdate"), 10_000, &mut g.wait_for_update);
        self.boolean(root, member!(TOP_FIELDS, "urlPassthrough"), &mut g.url_passthrough);
        self.boolean(root, member!(TOP_FIELDS, "adsDataRedaction"), &mut g.ads_data_redaction);
        self.services(root, &c.categories, &mut c.services);
        if let Some(v) = root.field(member!(TOP_FIELDS, "signals")) {
            let mark = self.enter(member!(TOP_FIELDS, "signals"));
            if self.object(v, SIGNALS_FIELDS) {
                let s = &mut c.signals;
                s.dnt = [DntPolicy::Log, DntPolicy::Honor][self.choice(v, member!(SIGNALS_FIELDS, "dnt"), "one of \"log\", \"honor\"")];
                s.gpc = [GpcPolicy::Honor, GpcPolicy::Log][self.choice(v, member!(SIGNALS_FIELDS, "gpc"), "one of \"honor\", \"log\"")];
                self.boolean(v, member!(SIGNALS_FIELDS, "choiceOverridesGpc"), &mut s.choice_overrides_gpc);
            }
            self.leave(mark);
        }
        self.strings(root, member!(TOP_FIELDS, "sensitivePaths"), PATH_PATTERN, |s| s.starts_with("/"), &mut c.sensitive_paths);
        self.boolean(root, member!(TOP_FIELDS, "matchHashRoutes"), &mut c.match_hash_routes);
        self.regions(root, &c.categories, &mut c.regions);
        if let Some(v) = root.field(member!(TOP_FIELDS, "lifetime")) {
            let mark = self.enter(member!(TOP_FIELDS, "lifetime"));
            if self.object(v, LIFETIME_FIELDS) {
                // Chrome caps cookie lifetime at 400 days.
                let l = &mut c.lifetime;
                self.whole(v, member!(LIFETIME_FIELDS, "granted"), 400, &mut l.granted_days);
                self.whole(v, member!(LIFETIME_FIELDS, "denied"), 400, &mut l.denied_days);
            }
            self.leave(mark);
        }
        if let Some(v) = root.field(member!(TOP_FIELDS, "cookie")) {
            self.cookie(v, &mut c.cookie);
        }
        if let Some(v) = root.field(member!(TOP_FIELDS, "log")) {
            let mark = self.enter(member!(TOP_FIELDS, "log"));
            if !super::LOG {
                // This build has no consent log (`core::LOG`): the site's log would be lost.
                self.wrong(None, LOG_WASM, v);
            } else if self.object(v, LOG_FIELDS) {
                match v.field(member!(LOG_FIELDS, "endpoint")) {
                    Some(e) if e.as_str().is_some_and(|s| starts_with_ignore_case(trim(s, true), "mailto:")) => {
                        self.wrong(Some(member!(LOG_FIELDS, "endpoint")), LOG_URL, e);
                    }
                    _ => self.href(v, member!(LOG_FIELDS, "endpoint"), &mut c.log.endpoint),
                }
                self.boolean(v, member!(LOG_FIELDS, "pageViews"), &mut c.log.page_views);
            }
            self.leave(mark);
        }
        if let Some(v) = root.field(member!(TOP_FIELDS, "texts")) {
            self.texts(v, &mut c.texts);
        }
        if let Some(v) = root.field(member!(TOP_FIELDS, "notice")) {
            self.notice(v, &mut c.notice);
        }
        self.opt_string(root, member!(TOP_FIELDS, "nonce"), &mut c.nonce);
        self.boolean(root, member!(TOP_FIELDS, "reloadOnWithdraw"), &mut c.reload_on_withdraw);
        let reopen = self.choice(root, member!(TOP_FIELDS, "reopenButton"), "one of \"off\", \"bottom-left\", \"bottom-right\"");
        c.reopen_button = [None, Some(Placement::BottomLeft), Some(Placement::BottomRight)][reopen];
        self.boolean(root, member!(TOP_FIELDS, "debug"), &mut c.debug);
        c
    }

    /// Replaces the built-in categories in `out` with those of the member `categories`, when it
    /// is an array.
    fn categories(&mut self, root: &Json, out: &mut Vec<Category>) {
        let mut read: Vec<Category> = vec![];
        let array =
            self.objects(root, member!(TOP_FIELDS, "categories"), CATEGORIES, CATEGORY_FIELDS, &mut |r: &mut Reader, item: &Json| {
                r.category(item, &mut read);
            });
        if array {
            // `necessary` first when the site left it out: the list starts from it, and the read
            // ones are moved after it (`append`, not `insert`: no shifting code of its own).
            *out = vec![];
            if !has_category(&read, "necessary") {
                out.push(builtin_category("necessary"));
            }
            out.append(&mut read);
        }
    }

    /// One entry of `categories` (an object: see [`Reader::objects`]), appended to the ones read
    /// so far and read in place (no category moved).
    fn category(&mut self, item: &Json, read: &mut Vec<Category>) {
        let Some(id_value) = self.required(item, member!(CATEGORY_FIELDS, "id"), CATEGORY_ID) else { return };
        let Some(id) = id_value.as_str().filter(|s| is_identifier(s)) else {
            self.wrong(Some(member!(CATEGORY_FIELDS, "id")), AN_IDENTIFIER, id_value);
            return;
        };
        if has_category(read, id) {
            self.wrong(Some(member!(CATEGORY_FIELDS, "id")), NEW_ID, id_value);
            return;
        }
        read.push(builtin_category(id));
        let Some(cat) = read.last_mut() else { return };
        if item.field(member!(CATEGORY_FIELDS, "title")).is_some() {
            self.opt_localized(item, member!(CATEGORY_FIELDS, "title"), &mut cat.title);
        } else if cat.consent_types == 0 {
            // Not built in: every built-in category governs some Consent Mode type.
            self.error(Some(member!(CATEGORY_FIELDS, "title")), CUSTOM_TITLE, "nothing");
        }
        self.opt_localized(item, member!(CATEGORY_FIELDS, "description"), &mut cat.description);
        self.boolean(item, member!(CATEGORY_FIELDS, "required"), &mut cat.required);
        if id == "necessary" && !cat.required {
            self.warn(Some(member!(CATEGORY_FIELDS, "required")), NECESSARY_REQUIRED);
            cat.required = true;
        }
        // A required category is on; its `default` is not read (nor reported).
        if cat.required {
            cat.default = true;
        } else {
            self.boolean(item, member!(CATEGORY_FIELDS, "default"), &mut cat.default);
        }
        self.boolean(item, member!(CATEGORY_FIELDS, "gpc"), &mut cat.gpc);
    }

    /// Appends the services to `out` (empty until then: no list is moved or dropped; so for
    /// regions, texts and the notice).
    fn services(&mut self, root: &Json, categories: &[Category], out: &mut Vec<Service>) {
        self.objects(root, member!(TOP_FIELDS, "services"), SERVICES, SERVICE_FIELDS, &mut |r: &mut Reader, item: &Json| {
            // Name and category borrowed from the copy, and copied only into a service that is kept.
            let name = item.field(member!(SERVICE_FIELDS, "name")).and_then(|v| r.string(v, Some(member!(SERVICE_FIELDS, "name"))));
            let category = match r.required(item, member!(SERVICE_FIELDS, "category"), CATEGORY_ID) {
                Some(c) => match r.string(c, Some(member!(SERVICE_FIELDS, "category"))) {
                    Some(id) if has_category(categories, id) => Some(id),
                    Some(_) => {
                        r.wrong(Some(member!(SERVICE_FIELDS, "category")), CONFIGURED_CATEGORY, c);
                        None
                    }
                    None => None,
                },
                None => None,
            };
            let mut description = Localized::default();
            r.opt_localized(item, member!(SERVICE_FIELDS, "description"), &mut description);
            let mut cookies = vec![];
            r.strings(item, member!(SERVICE_FIELDS, "cookies"), COOKIE_NAME_PATTERN, is_cookie_name, &mut cookies);
            // A missing name is reported last, after the problems of the other members.
            if name.is_none() {
                r.required(item, member!(SERVICE_FIELDS, "name"), SERVICE_NAME);
            }
            if let (Some(name), Some(category)) = (name, category) {
                out.push(Service { name: name.to_owned(), category: category.to_owned(), description, cookies });
            }
        });
    }

    fn regions(&mut self, root: &Json, categories: &[Category], out: &mut Vec<RegionRule>) {
        self.objects(root, member!(TOP_FIELDS, "regions"), REGIONS, REGION_FIELDS, &mut |r: &mut Reader, item: &Json| {
            r.required(item, member!(REGION_FIELDS, "codes"), REGION_CODES);
            let mut codes = vec![];
            r.strings(item, member!(REGION_FIELDS, "codes"), REGION_CODE, is_region_code, &mut codes);
            let mut defaults = vec![];
            if let Some(d) = item.field(member!(REGION_FIELDS, "defaults")) {
                let at = r.enter(member!(REGION_FIELDS, "defaults"));
                if !d.is_object() {
                    r.wrong(None, OBJECT, d);
                }
                for (k, x) in d.members() {
                    if !has_category(categories, k) {
                        r.error(Some(k), CONFIGURED_CATEGORY, &concat(&["\"", k, "\""]));
                        continue;
                    }
                    if matches!(x, Json::Undefined) {
                        continue;
                    }
                    if let Some(b) = r.bool_of(x, Some(k)) {
                        defaults.push((k.clone(), b));
                    }
                }
                r.leave(at);
            }
            if codes.is_empty() {
                // Never allocated (nothing was pushed): forgotten, no drop code for it.
                debug_assert_eq!(codes.capacity(), 0);
                std::mem::forget(codes);
            } else {
                out.push(RegionRule { codes, defaults });
            }
        });
    }

    fn cookie(&mut self, v: &Json, c: &mut CookieSettings) {
        let mark = self.enter(member!(TOP_FIELDS, "cookie"));
        if self.object(v, COOKIE_FIELDS) {
            if let Some(n) = v.field(member!(COOKIE_FIELDS, "name")) {
                match n.as_str() {
                    Some(s) if made_of(s.as_bytes(), 128, COOKIE_NAME) => c.name = s.to_owned(),
                    _ => self.wrong(Some(member!(COOKIE_FIELDS, "name")), A_COOKIE_NAME, n),
                }
            }
            if let Some(d) = v.field(member!(COOKIE_FIELDS, "domain")) {
                // Dots alone would leave an empty `Domain=` attribute.
                match d.as_str().map(|s| (s, trim_dots(s))) {
                    Some((s, name)) if !name.is_empty() && made_of(s.as_bytes(), usize::MAX, DOMAIN) => {
                        c.domain = Some(ascii_case(name, false))
                    }
                    _ => self.wrong(Some(member!(COOKIE_FIELDS, "domain")), A_DOMAIN, d),
                }
            }
            c.same_site = [SameSite::Lax, SameSite::Strict, SameSite::None]
                [self.choice(v, member!(COOKIE_FIELDS, "sameSite"), "one of \"Lax\", \"Strict\", \"None\"")];
            if let Some(s) = v.field(member!(COOKIE_FIELDS, "secure")) {
                // Neither true nor false: `secure` keeps its default, `None`.
                c.secure = self.bool_of(s, Some(member!(COOKIE_FIELDS, "secure")));
            }
        }
        self.leave(mark);
    }

    fn texts(&mut self, v: &Json, out: &mut Vec<(String, Vec<(Text, String)>)>) {
        let mark = self.enter(member!(TOP_FIELDS, "texts"));
        if !v.is_object() {
            self.wrong(None, TEXTS_BY_LANGUAGE, v);
        }
        for (lang, set) in v.members() {
            if matches!(set, Json::Undefined) {
                continue;
            }
            let at = self.enter(lang);
            if !set.is_object() {
                self.wrong(None, TEXTS, set);
            } else {
                let mut overrides = vec![];
                for (key, x) in set.members() {
                    let Some(t) = Text::from_key(key) else {
                        self.warn(Some(key), UNKNOWN_TEXT);
                        continue;
                    };
                    if let Some(s) = self.member_string(key, x) {
                        overrides.push((t, s.to_owned()));
                    }
                }
                let code = language(lang);
                let missing = TEXT_COUNT - overrides.len();
                if code != "en" && !needs_file(&code) && missing > 0 {
                    let mut msg = uint(missing as u64);
                    msg.push_str(TEXTS_MISSING);
                    self.problem(None, msg, false);
                }
                out.push((code, overrides));
            }
            self.leave(at);
        }
        self.leave(mark);
    }

    /// A run of the notice's text at the current path, a text or a link, appended to `out`.
    fn inline(&mut self, v: &Json, out: &mut Vec<Inline>) {
        if v.field(member!(LINK_FIELDS, "href")).is_some() {
            if !self.object(v, LINK_FIELDS) {
                return;
            }
            let mut href = None;
            self.href(v, member!(LINK_FIELDS, "href"), &mut href);
            let Some(href) = href else { return };
            let text = match v.field(member!(LINK_FIELDS, "text")) {
                Some(_) => {
                    let mut text = Localized::default();
                    self.opt_localized(v, member!(LINK_FIELDS, "text"), &mut text);
                    text
                }
                None => Localized::plain(&href),
            };
            return out.push(Inline::Link { text, href });
        }
        let mut l = Localized::default();
        self.localized(v, &mut l);
        if !l.is_empty() {
            out.push(Inline::Text(l));
        }
    }

    /// The runs at the current path: one, or an array of them.
    fn inlines(&mut self, v: &Json) -> Vec<Inline> {
        let mut out = vec![];
        match v.as_array() {
            Some(items) => {
                for (i, x) in items.iter().enumerate() {
                    let element = self.enter_index(i);
                    self.inline(x, &mut out);
                    self.leave(element);
                }
            }
            None => self.inline(v, &mut out),
        }
        out
    }

    fn notice(&mut self, v: &Json, out: &mut Vec<Section>) {
        let mark = self.enter(member!(TOP_FIELDS, "notice"));
        if self.object(v, NOTICE_FIELDS) {
            self.objects(v, member!(NOTICE_FIELDS, "sections"), SECTIONS, SECTION_FIELDS, &mut |r: &mut Reader, s: &Json| {
                let mut id = None;
                r.opt_string(s, member!(SECTION_FIELDS, "id"), &mut id);
                let id = id.filter(|id| is_identifier(id));
                let mut heading = Localized::default();
                r.opt_localized(s, member!(SECTION_FIELDS, "heading"), &mut heading);
                let mut blocks = vec![];
                r.objects(s, member!(SECTION_FIELDS, "blocks"), BLOCKS, BLOCK_FIELDS, &mut |r: &mut Reader, block: &Json| {
                    if let Some(block) = r.block(block) {
                        blocks.push(block);
                    }
                });
                out.push(Section { id, heading, blocks });
            });
        }
        self.leave(mark);
    }

    /// A block of the notice at the current path (an object: see [`Reader::objects`]).
    fn block(&mut self, v: &Json) -> Option<Block> {
        let block = if let Some(p) = v.field(member!(BLOCK_FIELDS, "p")) {
            let at = self.enter(member!(BLOCK_FIELDS, "p"));
            let runs = self.inlines(p);
            self.leave(at);
            Block::Paragraph(runs)
        } else if v.field(member!(BLOCK_FIELDS, "h3")).is_some() {
            let mut h = Localized::default();
            self.opt_localized(v, member!(BLOCK_FIELDS, "h3"), &mut h);
            Block::Subheading(h)
        } else if let Some(l) = v.field(member!(BLOCK_FIELDS, "list")) {
            let at = self.enter(member!(BLOCK_FIELDS, "list"));
            let Some(items) = l.as_array() else {
                self.wrong(None, LIST_ITEMS, l);
                self.leave(at);
                return None;
            };
            let mut list = vec![];
            for (i, x) in items.iter().enumerate() {
                let element = self.enter_index(i);
                list.push(self.inlines(x));
                self.leave(element);
            }
            self.leave(at);
            Block::List(list)
        } else if v.field(member!(BLOCK_FIELDS, "controls")).is_some() {
            Block::Controls
        } else if v.field(member!(BLOCK_FIELDS, "signals")).is_some() {
            Block::Signals
        } else {
            self.wrong(None, BLOCK_KINDS, v);
            return None;
        };
        Some(block)
    }
}

fn tag_id(s: &str, prefix: &str) -> bool {
    s.len() <= 32 && s.strip_prefix(prefix).is_some_and(|rest| made_of(rest.as_bytes(), 32, TAG_ID))
}
