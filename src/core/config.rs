//! The site owner's configuration, read field by field from any [`JsonLike`] value.
//!
//! Every problem names its field path (`categories[2].id: expected a string, got 42`). Problems
//! are collected rather than stopping at the first; an error makes the configuration fail closed
//! (no analytics or advertising tag loads), a warning (such as an unknown, probably misspelt
//! field) does not.

use super::i18n::{language, needs_file, Text, Texts, TEXT_COUNT};
use super::json::JsonLike;
use super::text::{concat, uint};

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
        let find = |l: &str| self.0.iter().find(|(k, _)| k == l).map(|(_, v)| v.as_str());
        find(lang).or_else(|| find("")).or_else(|| find("en")).or_else(|| self.0.first().map(|(_, v)| v.as_str())).unwrap_or("")
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
}

impl Category {
    /// The title in `texts.lang`, falling back to the built-in text of a built-in category.
    pub fn title_in(&self, texts: &Texts) -> String {
        pick(&self.title, texts, builtin_text(&self.id, true), &self.id)
    }
    /// The description in `texts.lang`, falling back to the built-in text.
    pub fn description_in(&self, texts: &Texts) -> String {
        pick(&self.description, texts, builtin_text(&self.id, false), "")
    }
}

fn pick(l: &Localized, texts: &Texts, builtin: Option<Text>, last: &str) -> String {
    if !l.is_empty() {
        return l.get(&texts.lang).to_owned();
    }
    builtin.map(|t| texts.get(t).to_owned()).unwrap_or_else(|| last.to_owned())
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
    /// Print decisions and signals on the console.
    pub debug: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            revision: "1".into(),
            language: None,
            privacy_url: None,
            categories: BUILT_IN_CATEGORIES.iter().map(|id| builtin_category(id)).collect(),
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
            debug: false,
        }
    }
}

fn builtin_category(id: &str) -> Category {
    Category {
        id: id.to_owned(),
        title: Localized::default(),
        description: Localized::default(),
        required: id == "necessary",
        default: id == "necessary",
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
pub fn read_config<J: JsonLike>(root: &J) -> Parsed {
    let mut r = Reader { problems: vec![] };
    let config = r.config(root);
    Parsed { config, problems: r.problems }
}

/// Reads the language file of `lang` (`i18n/<lang>.json`), a configuration that holds only
/// `{"texts": {"<lang>": {...}}}`, with the same reader. Any problem (an unknown key or field, a
/// value that is not a string) or a missing text rejects the whole file, so that a visitor never
/// sees a mix of languages; the error names the first problem.
pub fn read_language_file<J: JsonLike>(file: &J, lang: &str) -> Result<Vec<(Text, String)>, String> {
    let mut parsed = read_config(file);
    match (parsed.problems.first(), parsed.config.texts.pop()) {
        (Some(p), _) => Err(p.line()),
        (None, Some((l, set))) if l == lang && set.len() == TEXT_COUNT => Ok(set),
        _ => Err("expected every text, under texts.<its language>".to_owned()),
    }
}

/// Whether `href` is a link the SDK will render: http(s), mailto, or relative.
pub fn is_safe_href(href: &str) -> bool {
    let h = href.trim_start();
    if h.len() != href.len() || h.is_empty() {
        return false;
    }
    let lower = h.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:") {
        return true;
    }
    // Relative: no scheme before the first '/', '?' or '#'; no control characters or backslashes
    // (browsers treat `\` as `/`, which turns `\\evil` into a protocol-relative URL).
    let head = h.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':') && !h.starts_with("//") && !h.chars().any(|c| c.is_control() || c == '\\')
}

/// Whether `code` looks like an ISO 3166-1/-2 code (`US`, `US-WA`, `ES-CT`).
pub fn is_region_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let country = parts.next().unwrap_or("");
    let sub = parts.next();
    parts.next().is_none()
        && country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && sub.is_none_or(|s| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn is_cookie_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn join(path: &str, name: &str) -> String {
    // An empty member name is shown as `""`, so that no path is empty or ends in a dot.
    let name = if name.is_empty() { "\"\"" } else { name };
    if path.is_empty() {
        name.to_owned()
    } else {
        concat(&[path, ".", name])
    }
}

fn index(path: &str, i: usize) -> String {
    concat(&[path, "[", &uint(i as u64), "]"])
}

/// The known name closest to a misspelt `name`: at most two edits away, case ignored.
fn nearest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(u8, &str)> = None;
    for k in known {
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
            let next = (diagonal + u8::from(!ca.eq_ignore_ascii_case(cb))).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

const TOP_FIELDS: &[&str] = &[
    "$schema",
    "revision",
    "language",
    "privacyUrl",
    "categories",
    "googleAnalytics",
    "googleAds",
    "consentMode",
    "waitForUpdate",
    "urlPassthrough",
    "adsDataRedaction",
    "services",
    "signals",
    "sensitivePaths",
    "matchHashRoutes",
    "regions",
    "lifetime",
    "cookie",
    "log",
    "texts",
    "notice",
    "nonce",
    "reloadOnWithdraw",
    "debug",
];

struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn error(&mut self, path: &str, expected: &str, got: &str) {
        self.problems.push(Problem { path: path.to_owned(), message: concat(&["expected ", expected, ", got ", got]), is_error: true });
    }

    fn warn(&mut self, path: &str, message: &str) {
        self.problems.push(Problem { path: path.to_owned(), message: message.to_owned(), is_error: false });
    }

    fn wrong<J: JsonLike>(&mut self, path: &str, expected: &str, v: &J) {
        let got = v.describe();
        self.error(path, expected, &got);
    }

    /// The value is an object; warn about members not in `known`, naming the nearest known one.
    /// At the top level an unknown member is an error: a misspelt `sensitivePaths` would
    /// otherwise leave the pages it names unprotected.
    fn object<J: JsonLike>(&mut self, v: &J, path: &str, known: &[&str]) -> bool {
        if !v.is_object() {
            self.wrong(path, "an object", v);
            return false;
        }
        for k in v.keys() {
            if !known.contains(&k.as_str()) {
                let top = path.is_empty();
                let message = match nearest(&k, known) {
                    Some(name) => {
                        concat(&[if top { "unknown field" } else { "unknown field, ignored" }, " (did you mean \"", name, "\"?)"])
                    }
                    None => concat(&[if top { "unknown field" } else { "unknown field, ignored" }, " (is it misspelt?)"]),
                };
                self.problems.push(Problem { path: join(path, &k), message, is_error: top });
            }
        }
        true
    }

    fn string<J: JsonLike>(&mut self, v: &J, path: &str) -> Option<String> {
        let s = v.as_str();
        if s.is_none() {
            self.wrong(path, "a string", v);
        }
        s
    }

    fn opt_string<J: JsonLike>(&mut self, parent: &J, path: &str, name: &str) -> Option<String> {
        parent.field(name).and_then(|v| self.string(&v, &join(path, name)))
    }

    fn boolean<J: JsonLike>(&mut self, parent: &J, path: &str, name: &str, default: bool) -> bool {
        match parent.field(name) {
            None => default,
            Some(v) => match v.as_bool() {
                Some(b) => b,
                None => {
                    self.wrong(&join(path, name), "true or false", &v);
                    default
                }
            },
        }
    }

    fn whole<J: JsonLike>(&mut self, parent: &J, path: &str, name: &str, max: u32, default: u32) -> u32 {
        let Some(v) = parent.field(name) else { return default };
        match v.as_number() {
            Some(n) if n >= 0.0 && n <= f64::from(max) && n == (n as u32) as f64 => n as u32,
            _ => {
                let expected = concat(&["a whole number from 0 to ", &uint(u64::from(max))]);
                self.wrong(&join(path, name), &expected, &v);
                default
            }
        }
    }

    /// The index of the member's value in `names`; 0 (the default) when absent or not one of
    /// them. Not generic over the result type: one copy for every enum it reads.
    fn choice<J: JsonLike>(&mut self, parent: &J, path: &str, name: &str, names: &[&str]) -> usize {
        let Some(v) = parent.field(name) else { return 0 };
        if let Some(s) = v.as_str() {
            if let Some(i) = names.iter().position(|k| *k == s) {
                return i;
            }
        }
        let mut expected = String::from("one of");
        for (i, k) in names.iter().enumerate() {
            expected.push_str(if i == 0 { " \"" } else { ", \"" });
            expected.push_str(k);
            expected.push('"');
        }
        self.wrong(&join(path, name), &expected, &v);
        0
    }

    /// A string or an array of strings, each accepted by `valid` (described by `expected`).
    fn strings<J: JsonLike>(&mut self, v: &J, path: &str, expected: &str, valid: fn(&str) -> bool) -> Vec<String> {
        let array = v.as_array();
        let items = match &array {
            Some(items) => items.as_slice(),
            None if v.as_str().is_some() => core::slice::from_ref(v),
            None => {
                let e = concat(&[expected, " or an array of them"]);
                self.wrong(path, &e, v);
                return vec![];
            }
        };
        let mut out = vec![];
        for (i, x) in items.iter().enumerate() {
            match x.as_str() {
                Some(s) if valid(&s) => out.push(s),
                // An element's path only when there is a problem to report.
                _ if array.is_some() => self.wrong(&index(path, i), expected, x),
                _ => self.wrong(path, expected, x),
            }
        }
        out
    }

    fn localized<J: JsonLike>(&mut self, v: &J, path: &str) -> Localized {
        if let Some(s) = v.as_str() {
            return Localized::plain(&s);
        }
        if v.is_object() {
            let mut out = vec![];
            for k in v.keys() {
                let Some(x) = v.field(&k) else { continue };
                match x.as_str() {
                    Some(s) => out.push((language(&k), s)),
                    None => self.wrong(&join(path, &k), "a string", &x),
                }
            }
            return Localized(out);
        }
        self.wrong(path, "a string or an object of strings by language", v);
        Localized::default()
    }

    fn href<J: JsonLike>(&mut self, v: &J, path: &str) -> Option<String> {
        let s = self.string(v, path)?;
        if is_safe_href(&s) {
            Some(s)
        } else {
            self.wrong(path, "an http(s), mailto or relative link", v);
            None
        }
    }

    fn config<J: JsonLike>(&mut self, root: &J) -> Config {
        let mut c = Config::default();
        if !root.is_object() {
            self.wrong("config", "an object", root);
            return c;
        }
        // Top-level fields are named by their own path (`revison`, not `config.revison`).
        self.object(root, "", TOP_FIELDS);
        let root_path = "";
        if let Some(v) = root.field("revision") {
            match (v.as_str(), v.as_number()) {
                (Some(s), _) if !s.is_empty() && s.len() <= 64 => c.revision = s,
                (_, Some(n)) if (0.0..1e15).contains(&n) && n == n.trunc() => c.revision = uint(n as u64),
                _ => self.wrong("revision", "a non-empty string of at most 64 characters", &v),
            }
        }
        c.language = self.opt_string(root, root_path, "language");
        c.privacy_url = root.field("privacyUrl").and_then(|v| self.href(&v, "privacyUrl"));
        if let Some(v) = root.field("categories") {
            c.categories = self.categories(&v);
        }
        if let Some(v) = root.field("googleAnalytics") {
            c.google.analytics_ids = self.strings(&v, "googleAnalytics", "a GA4 measurement id like \"G-XXXXXXX\"", |s| tag_id(s, "G-"));
        }
        if let Some(v) = root.field("googleAds") {
            c.google.ads_ids = self.strings(&v, "googleAds", "a Google Ads id like \"AW-123456789\"", |s| tag_id(s, "AW-"));
        }
        c.google.mode =
            [ConsentModeKind::Basic, ConsentModeKind::Advanced][self.choice(root, root_path, "consentMode", &["basic", "advanced"])];
        c.google.wait_for_update = self.whole(root, root_path, "waitForUpdate", 10_000, 500);
        c.google.url_passthrough = self.boolean(root, root_path, "urlPassthrough", false);
        c.google.ads_data_redaction = self.boolean(root, root_path, "adsDataRedaction", true);
        if let Some(v) = root.field("services") {
            c.services = self.services(&v, &c.categories);
        }
        if let Some(v) = root.field("signals") {
            if self.object(&v, "signals", &["dnt", "gpc", "choiceOverridesGpc"]) {
                c.signals.dnt = [DntPolicy::Log, DntPolicy::Honor][self.choice(&v, "signals", "dnt", &["log", "honor"])];
                c.signals.gpc = [GpcPolicy::Honor, GpcPolicy::Log][self.choice(&v, "signals", "gpc", &["honor", "log"])];
                c.signals.choice_overrides_gpc = self.boolean(&v, "signals", "choiceOverridesGpc", false);
            }
        }
        if let Some(v) = root.field("sensitivePaths") {
            c.sensitive_paths = self.strings(&v, "sensitivePaths", "a path pattern starting with \"/\"", |s| s.starts_with('/'));
        }
        c.match_hash_routes = self.boolean(root, root_path, "matchHashRoutes", false);
        if let Some(v) = root.field("regions") {
            c.regions = self.regions(&v, &c.categories);
        }
        if let Some(v) = root.field("lifetime") {
            if self.object(&v, "lifetime", &["granted", "denied"]) {
                // Chrome caps cookie lifetime at 400 days.
                c.lifetime.granted_days = self.whole(&v, "lifetime", "granted", 400, 365);
                c.lifetime.denied_days = self.whole(&v, "lifetime", "denied", 400, 180);
            }
        }
        if let Some(v) = root.field("cookie") {
            self.cookie(&v, &mut c.cookie);
        }
        if let Some(v) = root.field("log") {
            if self.object(&v, "log", &["endpoint", "pageViews"]) {
                c.log.endpoint = v.field("endpoint").and_then(|e| match e.as_str() {
                    Some(s) if s.trim_start().to_ascii_lowercase().starts_with("mailto:") => {
                        self.wrong("log.endpoint", "an http(s) or relative URL", &e);
                        None
                    }
                    _ => self.href(&e, "log.endpoint"),
                });
                c.log.page_views = self.boolean(&v, "log", "pageViews", false);
            }
        }
        if let Some(v) = root.field("texts") {
            c.texts = self.texts(&v);
        }
        if let Some(v) = root.field("notice") {
            c.notice = self.notice(&v);
        }
        c.nonce = self.opt_string(root, root_path, "nonce");
        c.reload_on_withdraw = self.boolean(root, root_path, "reloadOnWithdraw", false);
        c.debug = self.boolean(root, root_path, "debug", false);
        c
    }

    fn categories<J: JsonLike>(&mut self, v: &J) -> Vec<Category> {
        let Some(items) = v.as_array() else {
            self.wrong("categories", "an array of categories", v);
            return Config::default().categories;
        };
        let mut out: Vec<Category> = vec![];
        for (i, item) in items.iter().enumerate() {
            let path = index("categories", i);
            if !self.object(item, &path, &["id", "title", "description", "required", "default"]) {
                continue;
            }
            let id_path = join(&path, "id");
            let Some(id_value) = item.field("id") else {
                self.error(&id_path, "a category id", "nothing");
                continue;
            };
            let Some(id) = id_value.as_str().filter(|s| is_identifier(s)) else {
                self.wrong(&id_path, "a lowercase id of letters, digits, '-' or '_'", &id_value);
                continue;
            };
            if out.iter().any(|c| c.id == id) {
                self.wrong(&id_path, "an id not used before", &id_value);
                continue;
            }
            let builtin = BUILT_IN_CATEGORIES.contains(&id.as_str());
            let mut cat = builtin_category(&id);
            if let Some(t) = item.field("title") {
                cat.title = self.localized(&t, &join(&path, "title"));
            } else if !builtin {
                self.error(&join(&path, "title"), "a title for a category that is not built in", "nothing");
            }
            if let Some(t) = item.field("description") {
                cat.description = self.localized(&t, &join(&path, "description"));
            }
            cat.required = self.boolean(item, &path, "required", cat.required);
            if id == "necessary" && !cat.required {
                self.warn(&join(&path, "required"), "the necessary category is always required");
                cat.required = true;
            }
            cat.default = cat.required || self.boolean(item, &path, "default", false);
            out.push(cat);
        }
        if !out.iter().any(|c| c.id == "necessary") {
            out.insert(0, builtin_category("necessary"));
        }
        out
    }

    fn category_ref<J: JsonLike>(&mut self, v: &J, path: &str, categories: &[Category]) -> Option<String> {
        let id = self.string(v, path)?;
        if categories.iter().any(|c| c.id == id) {
            Some(id)
        } else {
            self.wrong(path, "the id of a configured category", v);
            None
        }
    }

    fn services<J: JsonLike>(&mut self, v: &J, categories: &[Category]) -> Vec<Service> {
        let Some(items) = v.as_array() else {
            self.wrong("services", "an array of services", v);
            return vec![];
        };
        let mut out = vec![];
        for (i, item) in items.iter().enumerate() {
            let path = index("services", i);
            if !self.object(item, &path, &["name", "category", "description", "cookies"]) {
                continue;
            }
            let name = self.opt_string(item, &path, "name");
            let category = match item.field("category") {
                Some(c) => self.category_ref(&c, &join(&path, "category"), categories),
                None => {
                    self.error(&join(&path, "category"), "a category id", "nothing");
                    None
                }
            };
            let description = item.field("description").map(|d| self.localized(&d, &join(&path, "description"))).unwrap_or_default();
            let cookies = item
                .field("cookies")
                .map(|c| self.strings(&c, &join(&path, "cookies"), "a cookie name, '*' matching any characters", is_cookie_name))
                .unwrap_or_default();
            match (name, category) {
                (Some(name), Some(category)) => out.push(Service { name, category, description, cookies }),
                (None, _) if item.field("name").is_none() => self.error(&join(&path, "name"), "a service name", "nothing"),
                _ => {}
            }
        }
        out
    }

    fn regions<J: JsonLike>(&mut self, v: &J, categories: &[Category]) -> Vec<RegionRule> {
        let Some(items) = v.as_array() else {
            self.wrong("regions", "an array of region rules", v);
            return vec![];
        };
        let mut out = vec![];
        for (i, item) in items.iter().enumerate() {
            let path = index("regions", i);
            if !self.object(item, &path, &["codes", "defaults"]) {
                continue;
            }
            let codes = match item.field("codes") {
                Some(c) => self.strings(&c, &join(&path, "codes"), "an ISO 3166-2 code like \"US-WA\"", is_region_code),
                None => {
                    self.error(&join(&path, "codes"), "region codes", "nothing");
                    vec![]
                }
            };
            let mut defaults = vec![];
            if let Some(d) = item.field("defaults") {
                let dpath = join(&path, "defaults");
                if !d.is_object() {
                    self.wrong(&dpath, "an object", &d);
                } else {
                    for k in d.keys() {
                        if !categories.iter().any(|c| c.id == k) {
                            self.error(&join(&dpath, &k), "the id of a configured category", &concat(&["\"", &k, "\""]));
                            continue;
                        }
                        if let Some(x) = d.field(&k) {
                            match x.as_bool() {
                                Some(b) => defaults.push((k, b)),
                                None => self.wrong(&join(&dpath, &k), "true or false", &x),
                            }
                        }
                    }
                }
            }
            if !codes.is_empty() {
                out.push(RegionRule { codes, defaults });
            }
        }
        out
    }

    fn cookie<J: JsonLike>(&mut self, v: &J, c: &mut CookieSettings) {
        if !self.object(v, "cookie", &["name", "domain", "sameSite", "secure"]) {
            return;
        }
        if let Some(n) = v.field("name") {
            match n.as_str() {
                Some(s) if is_cookie_name(&s) && !s.contains('*') => c.name = s,
                _ => self.wrong("cookie.name", "a cookie name", &n),
            }
        }
        if let Some(d) = v.field("domain") {
            match d.as_str() {
                Some(s) if s.bytes().any(|b| b != b'.') && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') => {
                    c.domain = Some(s.trim_start_matches('.').to_ascii_lowercase())
                }
                _ => self.wrong("cookie.domain", "a domain name like \"example.org\"", &d),
            }
        }
        c.same_site = [SameSite::Lax, SameSite::Strict, SameSite::None][self.choice(v, "cookie", "sameSite", &["Lax", "Strict", "None"])];
        if let Some(s) = v.field("secure") {
            match s.as_bool() {
                Some(b) => c.secure = Some(b),
                None => self.wrong("cookie.secure", "true or false", &s),
            }
        }
    }

    fn texts<J: JsonLike>(&mut self, v: &J) -> Vec<(String, Vec<(Text, String)>)> {
        if !v.is_object() {
            self.wrong("texts", "an object of texts by language", v);
            return vec![];
        }
        let mut out = vec![];
        for lang in v.keys() {
            let path = join("texts", &lang);
            let Some(set) = v.field(&lang) else { continue };
            if !set.is_object() {
                self.wrong(&path, "an object of texts", &set);
                continue;
            }
            let mut overrides = vec![];
            for key in set.keys() {
                let at = join(&path, &key);
                let Some(t) = Text::from_key(&key) else {
                    self.warn(&at, "unknown text name, ignored (is it misspelt?)");
                    continue;
                };
                let Some(x) = set.field(&key) else { continue };
                match x.as_str() {
                    Some(s) => overrides.push((t, s)),
                    None => self.wrong(&at, "a string", &x),
                }
            }
            let code = language(&lang);
            let missing = TEXT_COUNT - overrides.len();
            if code != "en" && !needs_file(&code) && missing > 0 {
                let msg = concat(&[&uint(missing as u64), " texts missing for a language that is not shipped; they stay in English"]);
                self.warn(&path, &msg);
            }
            out.push((code, overrides));
        }
        out
    }

    fn inline<J: JsonLike>(&mut self, v: &J, path: &str) -> Option<Inline> {
        if v.is_object() && v.field("href").is_some() {
            if !self.object(v, path, &["text", "href"]) {
                return None;
            }
            let href = v.field("href").and_then(|h| self.href(&h, &join(path, "href")))?;
            let text = match v.field("text") {
                Some(t) => self.localized(&t, &join(path, "text")),
                None => Localized::plain(&href),
            };
            return Some(Inline::Link { text, href });
        }
        let l = self.localized(v, path);
        (!l.is_empty()).then_some(Inline::Text(l))
    }

    fn inlines<J: JsonLike>(&mut self, v: &J, path: &str) -> Vec<Inline> {
        match v.as_array() {
            Some(items) => items.iter().enumerate().filter_map(|(i, x)| self.inline(x, &index(path, i))).collect(),
            None => self.inline(v, path).into_iter().collect(),
        }
    }

    fn notice<J: JsonLike>(&mut self, v: &J) -> Vec<Section> {
        if !self.object(v, "notice", &["sections"]) {
            return vec![];
        }
        let Some(sections) = v.field("sections") else { return vec![] };
        let Some(items) = sections.as_array() else {
            self.wrong("notice.sections", "an array of sections", &sections);
            return vec![];
        };
        let mut out = vec![];
        for (i, s) in items.iter().enumerate() {
            let path = index("notice.sections", i);
            if !self.object(s, &path, &["id", "heading", "blocks"]) {
                continue;
            }
            let id = self.opt_string(s, &path, "id").filter(|id| is_identifier(id));
            let heading = s.field("heading").map(|h| self.localized(&h, &join(&path, "heading"))).unwrap_or_default();
            let mut blocks = vec![];
            if let Some(b) = s.field("blocks") {
                let bpath = join(&path, "blocks");
                match b.as_array() {
                    Some(list) => {
                        for (j, block) in list.iter().enumerate() {
                            if let Some(b) = self.block(block, &index(&bpath, j)) {
                                blocks.push(b);
                            }
                        }
                    }
                    None => self.wrong(&bpath, "an array of blocks", &b),
                }
            }
            out.push(Section { id, heading, blocks });
        }
        out
    }

    fn block<J: JsonLike>(&mut self, v: &J, path: &str) -> Option<Block> {
        const KINDS: &str = "an object with one of \"p\", \"h3\", \"list\", \"controls\", \"signals\"";
        if !self.object(v, path, &["p", "h3", "list", "controls", "signals"]) {
            return None;
        }
        if let Some(p) = v.field("p") {
            return Some(Block::Paragraph(self.inlines(&p, &join(path, "p"))));
        }
        if let Some(h) = v.field("h3") {
            return Some(Block::Subheading(self.localized(&h, &join(path, "h3"))));
        }
        if let Some(l) = v.field("list") {
            let lp = join(path, "list");
            let Some(items) = l.as_array() else {
                self.wrong(&lp, "an array of list items", &l);
                return None;
            };
            return Some(Block::List(items.iter().enumerate().map(|(i, x)| self.inlines(x, &index(&lp, i))).collect()));
        }
        if v.field("controls").is_some() {
            return Some(Block::Controls);
        }
        if v.field("signals").is_some() {
            return Some(Block::Signals);
        }
        self.wrong(path, KINDS, v);
        None
    }
}

fn tag_id(s: &str, prefix: &str) -> bool {
    s.len() > prefix.len()
        && s.len() <= 32
        && s.starts_with(prefix)
        && s[prefix.len()..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
