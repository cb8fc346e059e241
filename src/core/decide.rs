//! Decisions, each a pure function of the configuration, the stored record and the page.

use super::config::{Category, Config, DntPolicy, GpcPolicy, RegionRule};
use super::glob::path_matches;
use super::record::{decode, Choice, DecodeError, Method, Record, Source};
use super::signals::{Dnt, Gpc, Signals};
use super::text::index_of;

/// Whether the visitor has a valid decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// A valid decision under the current revision.
    Decided,
    /// No record at all.
    NoRecord,
    /// The record was made under another policy revision.
    RevisionChanged,
    /// The record is older than its lifetime allows.
    Expired,
}

const DAY_MS: u64 = 86_400_000;

/// How far ahead of this browser's clock a stored record may be dated (clocks of two tabs or
/// devices sharing a cookie differ a little).
pub const CLOCK_SKEW_MS: u64 = 5 * 60_000;

/// Where a record stands: decided, or why not.
pub fn status(config: &Config, record: Option<&Record>, now: u64) -> Status {
    let Some(r) = record else { return Status::NoRecord };
    if r.revision != config.revision {
        return Status::RevisionChanged;
    }
    let lifetime = u64::from(lifetime_days(config, r)) * DAY_MS;
    // A record from the future is forged or was written under a wrong clock: it could outlive
    // any lifetime, so it is refused (the visitor is asked again).
    if r.updated > now.saturating_add(CLOCK_SKEW_MS) || now.saturating_sub(r.updated) > lifetime {
        return Status::Expired;
    }
    Status::Decided
}

/// Whether the banner must be shown: there is no valid decision.
pub fn banner_must_show(status: Status) -> bool {
    status != Status::Decided
}

/// Whether GPC, under the site's policy, turns advertising off.
pub fn gpc_honoured(config: &Config, signals: Signals) -> bool {
    signals.gpc == Gpc::True && config.signals.gpc == GpcPolicy::Honor
}

/// Whether an honoured GPC keeps a category off for this visitor now (`getConsent().gpcHonoured`,
/// the banner's and the dialog's GPC line): not once the visitor's own grant overrides it
/// (`signals.choiceOverridesGpc`).
pub fn gpc_keeps_off(effective: &[Choice]) -> bool {
    effective.iter().any(|c| c.source == Source::Gpc)
}

/// Whether DNT, under the site's policy, turns every optional category off.
pub fn dnt_honoured(config: &Config, signals: Signals) -> bool {
    signals.dnt == Dnt::On && config.signals.dnt == DntPolicy::Honor
}

/// Whether the signals force the category `cat` off for this visitor, and which signal does.
fn signal_denial(config: &Config, signals: Signals, cat: &Category) -> Option<Source> {
    if gpc_honoured(config, signals) && cat.gpc {
        return Some(Source::Gpc);
    }
    if dnt_honoured(config, signals) && !cat.required {
        return Some(Source::Dnt);
    }
    None
}

/// Each category's state on this visit: the visitor's valid decision where there is one, else
/// signals, the region's default and the configured default, in that order. An honoured GPC
/// wins over a visitor's grant of advertising unless the site lets choices override it.
/// `record`: the stored record, a valid decision when `decided`. One that no longer decides
/// (expired, or from an older revision) still says what the visitor refused: until they answer
/// again, a category they turned off stays off, whatever a region's or the site's default would
/// grant. Its grants lapse with it.
// Inlined: its one caller in the wasm (`Session::settle`) then calls `states` itself, no wrapper
// in between.
#[inline(always)]
pub fn effective(config: &Config, record: Option<&Record>, decided: bool, signals: Signals, region: Option<&str>) -> Vec<Choice> {
    states(config, record, decided, None, signals, region)
}

/// Each category's state, for [`effective`] (`grants` none) and for a decision just taken
/// ([`record_choice`]: `grants` some, the visitor's own choice for every category, as
/// `record_choice` takes it). One loop for both: the rules for a required category and for GPC
/// are written once.
fn states(
    config: &Config,
    record: Option<&Record>,
    decided: bool,
    grants: Option<Option<&[String]>>,
    signals: Signals,
    region: Option<&str>,
) -> Vec<Choice> {
    // A loop with one `Choice` built at the end: smaller in the wasm than a map/collect chain.
    let mut out = vec![];
    for cat in &config.categories {
        let mine = record.and_then(|r| r.choice(&cat.id)).filter(|c| c.source == Source::User);
        // The visitor's own choice: the one taken now (`None` grants: every category), else
        // the decision's.
        let user = match grants {
            Some(g) => Some(g.is_none_or(|g| g.contains(&cat.id))),
            None => mine.filter(|_| decided).map(|c| c.granted),
        };
        let (granted, source) = match (cat.required, user, signal_denial(config, signals, cat)) {
            (true, ..) => (true, Source::Default),
            (_, Some(true), Some(Source::Gpc)) if !config.signals.choice_overrides_gpc => (false, Source::Gpc),
            (_, Some(u), _) => (u, Source::User),
            (_, None, Some(s)) => (false, s),
            (_, None, None) => match region_default(config, region, &cat.id) {
                Some(granted) => (granted, Source::Region),
                None => (cat.default, Source::Default),
            },
        };
        // A lapsed record's refusal stands against a default or a region's grant.
        let lapsed_refusal = !decided && !cat.required && mine.is_some_and(|u| !u.granted);
        let (granted, source) = if granted && lapsed_refusal { (false, Source::User) } else { (granted, source) };
        out.push(Choice { category: cat.id.clone(), granted, source });
    }
    out
}

// Not inlined into `states`: measured smaller in brotli as a function of its own (-5).
#[inline(never)]
fn region_default(config: &Config, region: Option<&str>, category: &str) -> Option<bool> {
    let region = region?;
    // The most specific rule wins: `US-WA` before `US`.
    let mut best: Option<(usize, bool)> = None;
    for rule in &config.regions {
        for code in &rule.codes {
            let matches = region == code || region.strip_prefix(code.as_str()).is_some_and(|rest| rest.starts_with("-"));
            if !matches {
                continue;
            }
            // A loop, not `find`: no closure of its own.
            for (c, granted) in &rule.defaults {
                if c == category && best.is_none_or(|(len, _)| code.len() > len) {
                    best = Some((code.len(), *granted));
                }
            }
        }
    }
    best.map(|(_, g)| g)
}

/// Whether the page at `path`, with `hash` (`#/…`, or empty), is a sensitive page (a patient
/// portal, appointment pages). With `matchHashRoutes`, a hash route `#/x` or `#!/x` counts as
/// the path `/x` too.
pub fn is_sensitive(config: &Config, path: &str, hash: &str) -> bool {
    let hash_route = if config.match_hash_routes { hash_route(hash) } else { None };
    config.sensitive_paths.iter().any(|p| path_matches(p, path) || hash_route.as_deref().is_some_and(|h| path_matches(p, h)))
}

/// `origin` plus `/` when `referrer` is a page of this site (`origin`, as `location.origin`) that
/// the site marks sensitive, else `None`. Browsers send no fragment in a referrer, so hash routes
/// cannot be told apart here.
pub fn hidden_referrer(config: &Config, referrer: &str, origin: &str) -> Option<String> {
    let rest = referrer.strip_prefix(origin)?;
    // The path: up to the first `?` or `#`.
    let path = super::text::nth_piece(super::text::nth_piece(rest, b'?', 0), b'#', 0);
    (path.starts_with("/") && is_sensitive(config, path, "")).then(|| super::text::concat(&[origin, "/"]))
}

/// What a navigation must change to matter: the path, and the hash route where the site opts
/// in to hash routes. A new query or an in-page anchor changes nothing.
pub fn route_key(config: &Config, path: &str, hash: &str) -> String {
    // The route appended to the key when there is one: no empty route made for the others.
    let mut key = super::text::concat(&[path, "#"]);
    if config.match_hash_routes {
        if let Some(route) = hash_route(hash) {
            key.push_str(&route);
        }
    }
    key
}

/// The path a hash router shows: `#/a/b?q`, `#!/a/b` and `#a/b` (some routers leave out the
/// slash) give `/a/b`; an empty hash, none. An in-page anchor `#top` reads as `/top`: with hash
/// routes on, a rule can only match more, never less.
pub fn hash_route(hash: &str) -> Option<String> {
    let route = hash.strip_prefix("#")?;
    let route = route.strip_prefix("!").unwrap_or(route);
    let route = super::text::nth_piece(route, b'?', 0);
    match route {
        "" => None,
        r if r.starts_with("/") => Some(r.to_owned()),
        r => Some(super::text::concat(&["/", r])),
    }
}

/// Categories that still run on sensitive pages.
const SAFE_ON_SENSITIVE_PAGES: [&str; 2] = ["necessary", "functional"];

/// May `category` run on this page now? Never with a broken configuration (fail closed) and
/// never, beyond the necessary and functional ones, on a sensitive page.
pub fn may_run(category: &str, effective: &[Choice], sensitive: bool, config_ok: bool) -> bool {
    if category == "necessary" {
        return true;
    }
    if !config_ok || (sensitive && index_of(&SAFE_ON_SENSITIVE_PAGES, category).is_none()) {
        return false;
    }
    // A loop, not `any`: no closure of its own.
    for c in effective {
        if c.category == category && c.granted {
            return true;
        }
    }
    false
}

/// A category's state on this page, granted and source: on a sensitive page a granted category
/// that may not run there is off, with the source `page-rule`; otherwise the visitor's state.
pub fn in_force(c: &Choice, sensitive: bool) -> (bool, Source) {
    if c.granted && sensitive && index_of(&SAFE_ON_SENSITIVE_PAGES, &c.category).is_none() {
        (false, Source::PageRule)
    } else {
        (c.granted, c.source)
    }
}

/// The categories that may run on this page now.
pub fn allowed(config: &Config, effective: &[Choice], sensitive: bool, config_ok: bool) -> Vec<String> {
    // A loop, not a filter/map/collect chain: one instantiation fewer in the wasm.
    let mut out = vec![];
    for c in &config.categories {
        if may_run(&c.id, effective, sensitive, config_ok) {
            out.push(c.id.clone());
        }
    }
    out
}

/// The Consent Mode types the category `id` governs (none for an unknown id).
pub fn types_of(config: &Config, id: &str) -> u8 {
    config.category(id).map_or(0, |c| c.consent_types)
}

/// The seven Consent Mode v2 types, in the order Google documents them.
pub const CONSENT_TYPES: [&str; 7] = [
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
];

/// `ad_storage`: bit 0 of a set of Consent Mode types (bit `i` stands for `CONSENT_TYPES[i]`).
pub const AD_STORAGE: u8 = 1;
/// `ad_user_data`.
pub const AD_USER_DATA: u8 = 1 << 1;
/// `ad_personalization`.
pub const AD_PERSONALIZATION: u8 = 1 << 2;
/// `analytics_storage`.
pub const ANALYTICS_STORAGE: u8 = 1 << 3;
/// `functionality_storage`.
pub const FUNCTIONALITY_STORAGE: u8 = 1 << 4;
/// `personalization_storage`.
pub const PERSONALIZATION_STORAGE: u8 = 1 << 5;
/// `security_storage`.
pub const SECURITY_STORAGE: u8 = 1 << 6;

/// A Consent Mode state: the set of granted [`CONSENT_TYPES`] (bit `i` for `CONSENT_TYPES[i]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsentState(pub u8);

impl ConsentState {
    /// Type name and `granted` / `denied`, ready for `gtag('consent', …)`.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        CONSENT_TYPES.iter().enumerate().map(|(i, t)| (*t, if self.0 >> i & 1 == 1 { "granted" } else { "denied" }))
    }
    /// Whether every type of `types` (a set of bits) is granted.
    pub fn granted(&self, types: u8) -> bool {
        self.0 & types == types
    }
}

/// The Consent Mode state for the categories that may run: each type is granted when a category
/// that governs it may run.
pub fn consent_state(config: &Config, allowed: &[String]) -> ConsentState {
    let mut types = 0;
    for id in allowed {
        types |= types_of(config, id);
    }
    ConsentState(types)
}

/// The Consent Mode default of a region rule (for its `codes`). Only what the rule grants
/// differs from the global all-denied default. One call per rule in a plain loop: no `Map`
/// iterator of its own in the wasm.
pub fn regional_default(config: &Config, rule: &RegionRule) -> ConsentState {
    let mut types = types_of(config, "necessary");
    for (id, granted) in &rule.defaults {
        if *granted {
            types |= types_of(config, id);
        }
    }
    ConsentState(types)
}

/// Whether gtag.js is wanted with analytics and ads granted as given (where tags may run at all):
/// in advanced mode for any configured id (it sends cookieless pings while denied), in basic mode
/// for an id whose storage is granted.
pub fn wants_gtag(config: &Config, analytics: bool, ads: bool) -> bool {
    let g = &config.google;
    match g.mode {
        super::config::ConsentModeKind::Advanced => !g.analytics_ids.is_empty() || !g.ads_ids.is_empty(),
        super::config::ConsentModeKind::Basic => (analytics && !g.analytics_ids.is_empty()) || (ads && !g.ads_ids.is_empty()),
    }
}

/// What to do after the allowed categories changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// A category that ran may not any more.
    pub stopped: bool,
    /// Inject gtag.js (for the analytics ids, or the Ads ids in advanced mode / ads-only sites).
    pub load_gtag: bool,
    /// Send `gtag('config', id)` now for every Google Analytics id: every one is configured
    /// alike, so the plan says it once and the ids are read from the configuration (no list of
    /// copies).
    pub configure_analytics: bool,
    /// Send `gtag('config', id)` now for every Google Ads id.
    pub configure_ads: bool,
    /// `window['ga-disable-<id>']` of every Google Analytics id: every one is switched alike, so
    /// the plan says it once, and the ids are read from the configuration (no list of copies).
    pub disable_analytics: bool,
    /// `window['ga-disable-<id>']` of every Google Ads id.
    pub disable_ads: bool,
    /// A script already ran that cannot be unloaded: reload if the site wants that.
    pub reload: bool,
}

/// Cookies Google's tags set, per Consent Mode type.
const GOOGLE_COOKIES: [(u8, &[&str]); 2] = [(ANALYTICS_STORAGE, &["_ga", "_ga_*", "_gid", "_gat*"]), (AD_STORAGE, &["_gcl_*", "_gac_*"])];

/// Cookie name patterns to erase when `category` is withdrawn: Google's for the Consent Mode
/// types it governs, and the configured services'.
pub fn cookies_to_erase(config: &Config, category: &str) -> Vec<String> {
    let mut out = vec![];
    push_cookies(config, category, &mut out);
    out
}

/// Appends [`cookies_to_erase`] of `category` to `out`: one list for all the denied categories,
/// with no list per category to append.
fn push_cookies(config: &Config, category: &str, out: &mut Vec<String>) {
    let types = types_of(config, category);
    // By reference: no array iterator of its own.
    for (t, names) in &GOOGLE_COOKIES {
        if types & t != 0 {
            for name in names.iter() {
                out.push((*name).to_owned());
            }
        }
    }
    // `continue`, not `filter`: each filter closure would be one more `Filter::next` in the wasm.
    for s in config.services.iter() {
        if s.category != category {
            continue;
        }
        for name in &s.cookies {
            out.push(name.clone());
        }
    }
}

/// Cookie name patterns to erase now: those of every category the visitor's decision, a signal
/// or a default denies, whatever page this is and whatever ran on it, so that no cookie of a
/// denied category outlives the decision. None with a broken configuration: its categories are
/// not the site's, and no decision is taken then.
pub fn cookies_to_clear(config: &Config, effective: &[Choice], config_ok: bool) -> Vec<String> {
    let mut out = vec![];
    // Nothing walked with a broken configuration (an empty slice): one list made, one exit.
    for c in if config_ok { effective } else { &[] } {
        if c.granted {
            continue;
        }
        push_cookies(config, &c.category, &mut out);
    }
    out
}

/// The plan for going from `before` to `after` (both lists of allowed categories).
/// `gtag_loaded` says whether gtag.js was injected already on this page; `tags_here` is false on
/// a sensitive page or with a broken configuration, where no Google tag may load at all, not
/// even in advanced mode.
pub fn plan(config: &Config, before: &[String], after: &[String], gtag_loaded: bool, tags_here: bool) -> Plan {
    let mut p = Plan::default();
    for c in before {
        p.stopped |= !after.contains(c);
    }
    let g = &config.google;
    // Google Analytics follows analytics_storage, Google Ads ad_storage.
    let (now, then) = (consent_state(config, after), consent_state(config, before));
    let analytics = now.granted(ANALYTICS_STORAGE);
    let ads = now.granted(AD_STORAGE);
    p.load_gtag = wants_gtag(config, analytics, ads) && tags_here && !gtag_loaded;
    let was_analytics = then.granted(ANALYTICS_STORAGE);
    let was_ads = then.granted(AD_STORAGE);
    let configured_before = was_analytics || (gtag_loaded && g.mode == super::config::ConsentModeKind::Advanced);
    let configure_now = analytics || (tags_here && g.mode == super::config::ConsentModeKind::Advanced);
    p.configure_analytics = configure_now && (!configured_before || p.load_gtag);
    // Advanced mode's point is the cookieless ping while analytics is denied: GA is switched off
    // only where no Google tag may run (a sensitive page, a broken configuration).
    let advanced_here = tags_here && g.mode == super::config::ConsentModeKind::Advanced;
    p.disable_analytics = !analytics && !advanced_here;
    p.configure_ads = ads && (!was_ads || p.load_gtag);
    // Ads is stopped as firmly as GA: on a sensitive page, or when advertising is withdrawn.
    p.disable_ads = !ads;
    // A stopped category ran on this page (gtag.js or its gated scripts): only a reload unloads it.
    p.reload = config.reload_on_withdraw && p.stopped;
    p
}

/// The record a visitor's action produces. `grants` lists the categories the visitor turned on
/// (others are refused); `None` turns on every optional one ("accept all", no list of them
/// made). GPC-honoured advertising stays refused with source `gpc` unless the
/// site lets an explicit choice override it.
#[allow(clippy::too_many_arguments)] // each is a distinct fact of the decision; a struct would only rename them
pub fn record_choice(
    config: &Config,
    previous: Option<&Record>,
    grants: Option<&[String]>,
    method: Method,
    signals: Signals,
    language: &str,
    new_id: fn() -> String,
    now: u64,
    sdk_version: &str,
) -> Record {
    // A required category is granted whatever `grants` says; no region is read, as every
    // category has the visitor's choice.
    let choices = states(config, None, true, Some(grants), signals, None);
    // The id to keep; a new one (`new_id`) is made only when there is none.
    let id = match previous {
        Some(p) if !p.id.is_empty() => p.id.clone(),
        _ => new_id(),
    };
    Record {
        id,
        created: previous.map_or(now, |p| p.created.min(now)),
        updated: now,
        revision: config.revision.clone(),
        choices,
        signals,
        language: language.to_owned(),
        method,
        sdk_version: sdk_version.to_owned(),
    }
}

/// How long the record keeps, in days: the grant lifetime when anything optional is granted.
pub fn lifetime_days(config: &Config, record: &Record) -> u32 {
    let any = record.choices.iter().any(|c| c.granted && !config.category(&c.category).is_some_and(|k| k.required));
    if any {
        config.lifetime.granted_days
    } else {
        config.lifetime.denied_days
    }
}

/// Whether the consent cookie is a copy of the decision, not only a mirror for the site's
/// server: when the site shares consent across its subdomains (`cookie.domain`), or on https,
/// where the host-only cookie is `__Host-` and so cannot be set by any other subdomain. A plain
/// host-only cookie on http can be planted by a sibling subdomain with `Domain=`, so it is never
/// read as a decision.
pub fn cookie_is_record(config: &Config, https: bool) -> bool {
    https || config.cookie.domain.is_some()
}

/// The stored record to go by, and why a copy was refused when none could be used.
///
/// localStorage (`local`) is the record; `memory` is this page's own copy when storage is
/// blocked; the consent cookie (`cookie`) counts only where [`cookie_is_record`] says so (it then
/// keeps the choice when localStorage is blocked or full). Of the usable copies the newest wins;
/// a copy dated more than [`CLOCK_SKEW_MS`] ahead of `now` is refused, so it can never outrank a
/// real one. When it is the only one, it comes back with the problem: it decides nothing
/// ([`status`] finds it expired) but what it refused stays off ([`effective`] with `decided` false): a visitor
/// whose clock was fast when they refused is asked again, not tracked meanwhile.
pub fn stored_record(
    config: &Config,
    https: bool,
    local: Option<&str>,
    memory: Option<&str>,
    cookie: Option<&str>,
    now: u64,
) -> (Option<Record>, Option<DecodeError>) {
    let cookie = cookie.filter(|_| cookie_is_record(config, https));
    let (mut best, mut future): (Option<Record>, _) = (None, None);
    let mut problem = None;
    // The absent ones skipped with `let … else`: no `Flatten` of its own; by reference, as every
    // array this crate walks, so no array iterator is in the wasm.
    for copy in &[local, memory, cookie] {
        let Some(copy) = *copy else { continue };
        match decode(copy) {
            Ok(r) if r.updated > now.saturating_add(CLOCK_SKEW_MS) => {
                problem = Some(DecodeError::Future);
                future = Some(r);
            }
            Ok(r) => {
                if best.as_ref().is_none_or(|b| r.updated > b.updated) {
                    best = Some(r);
                }
            }
            Err(e) => problem = Some(e),
        }
    }
    match best {
        Some(r) => (Some(r), None),
        None => (future, problem),
    }
}
