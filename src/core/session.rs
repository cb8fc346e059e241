//! One page's consent session: the state the SDK keeps while a page is open, and every rule for
//! what happens at start and after each input (a visitor's choice, an API call, a navigation, a
//! stored record changed by another tab). Each step returns the [`Effect`]s to carry out, in
//! order; the browser layer (`src/web/app.rs`) reads the browser and carries them out, deciding
//! nothing itself.

use super::config::{Config, Parsed, Problem};
use super::decide::{self, ConsentState, Status};
use super::i18n::{needs_file, negotiate, Text, Texts};
use super::json::Json;
use super::queue::{Queue, Queued, CAP};
use super::record::{Choice, DecodeError, Method, Record, Source};
use super::signals::Signals;
use super::text::{concat, has_word};
use super::view::{self, Action, Row, Scope};
use super::{log, LOG, NOTICE};

/// The `wait_for_update` the stub (`src/js/stub.js`) sends before the configuration is known.
pub const STUB_WAIT_FOR_UPDATE: u32 = 500;

/// What the browser tells about the page when an input arrives.
pub struct Env {
    /// `location.pathname`.
    pub path: String,
    /// `location.hash` (`#/…`), or empty.
    pub hash: String,
    /// Milliseconds since 1970 UTC.
    pub now: u64,
    /// Whether the page is served over https.
    pub https: bool,
    /// A new random hex id at each call (record and event ids). A function pointer, not a
    /// `dyn Fn`: no vtable and closure shims in the wasm.
    pub random_id: fn() -> String,
    /// In a frame of a page of the same site: the top page's `location.pathname` and
    /// `location.hash` (a patient portal's page that frames a help widget makes the widget's
    /// page sensitive too); empty at the top or when the top page is another site's.
    pub top: (String, String),
    /// The consent-log queue as stored ([`Queue::write`]); `None` when there is none or storage
    /// is blocked (then this page's events are posted all the same: a queue kept in the page
    /// would not outlive it, and nothing is resent before the next page).
    pub log_stored: Option<String>,
}

/// The stored copies of the record, as the browser read them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Copies {
    /// localStorage.
    pub local: Option<String>,
    /// This page's own copy, where it stands for a failed localStorage write.
    pub memory: Option<String>,
    /// The consent cookie's value.
    pub cookie: Option<String>,
}

/// Whether the page is sensitive, or sits in a frame of a sensitive page of the same site.
fn sensitive(c: &Config, env: &Env) -> bool {
    decide::is_sensitive(c, &env.path, &env.hash) || (!env.top.0.is_empty() && decide::is_sensitive(c, &env.top.0, &env.top.1))
}

/// What the browser tells once, at start.
pub struct Page<'a> {
    /// DNT and GPC.
    pub signals: Signals,
    /// The region hint of the page (`us-wa`), not yet checked.
    pub region: Option<&'a str>,
    /// The visitor's language, from [`language`].
    pub lang: String,
    /// The texts of its language file, when one was loaded (see `core::i18n::needs_file`); none
    /// for a language that needs a file means the file failed, and the visitor gets English.
    pub file_texts: Vec<(Text, String)>,
    /// The stored copies of the record.
    pub copies: Copies,
    /// `document.referrer`, and this page's origin (`https://example.org`).
    pub referrer: (String, String),
    /// The array of decisions the page asked for before start, in the order made: `acceptAll()`
    /// is `true`, `rejectAll()` `false`, `setConsent(changes)` `[changes]`; anything else is no
    /// decision (a queued `showPreferences()`, which runs after start).
    pub early: Json,
    /// The withdrawals queued on an earlier page that was left before start (`api.js` writes
    /// them to localStorage at once): words cut by spaces, `*` for `rejectAll()`, else the id of
    /// a category refused. Taken before [`Page::early`]; only ever a refusal (storage is
    /// untrusted, and a refusal is always safe).
    pub pending: Option<String>,
}

/// A console level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `console.error`.
    Error,
    /// `console.warn`.
    Warn,
    /// `console.info`.
    Info,
}

/// An SDK event for the page (`on()` handlers and `consent-gate:<name>` DOM events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    /// `change`, with the consent view.
    Change,
    /// `ready`, with the consent view.
    Ready,
    /// `signal`, with the browser signals.
    Signal(Signals),
}

impl Emit {
    /// The event name.
    pub fn name(self) -> &'static str {
        match self {
            Emit::Change => "change",
            Emit::Ready => "ready",
            Emit::Signal(_) => "signal",
        }
    }
}

/// What the browser layer carries out, in the order given.
///
/// The variants that own text come first (one `String`, then two, then lists), the rest after
/// them: the list's drop code and `carry_out`'s dispatch are smaller in the wasm that way (the
/// order of the variants means nothing else).
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// One line on the console.
    Console(Level, String),
    /// `gtag('set', 'page_referrer', origin)`: the referrer tags report instead of the browser's.
    PageReferrer(String),
    /// `gtag('config', id, {allow_google_signals, allow_ad_personalization_signals})`, both
    /// set to `signals`.
    Config {
        /// The tag id.
        id: String,
        /// Google signals and ad personalization.
        signals: bool,
    },
    /// `window[name] = value` (the `ga-disable-<id>` kill switches).
    Global(String, bool),
    /// Say this in the notice's status line (a live region).
    Announce(String),
    /// Inject gtag.js for `id` with the site's nonce.
    LoadTag {
        /// The tag id in the script URL.
        id: String,
        /// The script nonce (empty for none).
        nonce: String,
    },
    /// Once, at start: the consent log's endpoint, where [`Effect::Log`] posts; and compute the
    /// hex SHA-256 of the notice text and hand it back ([`Input::NoticeHash`]): the page's first
    /// consent events wait for it.
    LogHash {
        /// Where events go (from the configuration, never from storage).
        endpoint: String,
        /// The notice text ([`log::notice_text`]).
        notice: String,
    },
    /// Expire every present cookie whose name matches one of these patterns.
    EraseCookies(Vec<String>),
    /// The consent-log queue changed: store it, then post these events to the endpoint.
    Log {
        /// The queue to store, from [`Queue::write`].
        store: String,
        /// The events to post now; the browser hands back the id and HTTP status of each
        /// answer ([`Input::Answered`]).
        send: Vec<Queued>,
    },
    /// `gtag('consent', 'default', …)` for every region, with `wait_for_update`.
    ConsentDefault {
        /// The state.
        state: ConsentState,
        /// Milliseconds tags wait for an update.
        wait_for_update: u32,
    },
    /// `gtag('consent', 'default', …)` for the configuration's region rule at this index: its
    /// state ([`decide::regional_default`]) and codes are read from the session when it is
    /// carried out (no copy of the codes).
    RegionDefault(usize),
    /// `gtag('consent', 'update', state)`.
    ConsentUpdate(ConsentState),
    /// `gtag('set', name, value)`.
    Set(&'static str, bool),
    /// Write the session's record (`Session::stored`) to every store.
    Store,
    /// Activate the gated scripts and iframes of the categories allowed now
    /// ([`Session::allowed`]), with the configured nonce and the embed placeholder's texts
    /// ([`Session::placeholder`]); on a sensitive page ([`Session::sensitive`]) a placeholder loads
    /// nothing. Read from the session when carried out: a page handler that decided again
    /// meanwhile is never undone by an older list.
    Gate,
    /// Set every switch to the rows as they stand ([`Session::rows`]), read when carried out.
    SyncSwitches,
    /// Show the banner (once).
    ShowBanner,
    /// Remove the banner.
    HideBanner,
    /// Draw the notice into each of its containers not drawn yet (one already drawn keeps its
    /// own).
    RenderNotice,
    /// Add the floating "Privacy choices" button with these classes ([`view::reopen_button`]).
    ShowReopenButton(&'static str),
    /// Fire an SDK event.
    Emit(Emit),
    /// Open the preferences dialog.
    ShowPreferences,
    /// Close the preferences dialog.
    CloseDialog,
    /// Offer the stored record as a file (`consent-record.json`).
    Download,
    /// Delete the consent-log queue: no endpoint is configured.
    LogDrop,
    /// Delete the pending withdrawal ([`Page::pending`]): start took it.
    PendingTaken,
    /// Reload the page.
    Reload,
}

/// A page's consent session.
pub struct Session {
    /// The configuration in force (the built-in one when it had errors).
    pub config: Config,
    /// False when the configuration had errors: nothing but necessary runs.
    pub config_ok: bool,
    /// Texts in the visitor's language.
    pub texts: Texts,
    /// DNT and GPC on this page view.
    pub signals: Signals,
    /// The checked region hint (`US-WA`).
    pub region: Option<String>,
    /// The last record read or written, valid or not (its id and creation time carry over).
    pub stored: Option<Record>,
    /// Whether `stored` is a valid decision.
    pub status: Status,
    /// Categories allowed to run on this page now.
    pub allowed: Vec<String>,
    /// Each category's state for this visitor.
    pub effective: Vec<Choice>,
    /// Whether this is a sensitive page.
    pub sensitive: bool,
    /// The route the page was last decided for: a navigation that keeps it changes nothing.
    location: String,
    gtag_loaded: bool,
    /// The notice's hash, once the browser reported it (empty: it could not compute it).
    notice_hash: Option<String>,
    /// Whether the unreadable-queue warning was given (once per page).
    log_warned: bool,
    /// The early decisions ([`Page::early`]) that were not taken, by index, with the error their
    /// call rejects with (an invalid `setConsent` argument).
    pub early_errors: Vec<(usize, String)>,
}

/// An input after start.
pub enum Input {
    /// The visitor (banner, dialog, notice) or the API decided: `grants` are the categories
    /// turned on; `None` is "accept all", every optional category (an honoured GPC still keeps
    /// its categories off).
    Decide(Option<Vec<String>>, Method),
    /// The page's URL changed (the new one is in [`Env`]).
    Navigate,
    /// Another tab changed the stored record, or the page was restored from the back/forward
    /// cache: these are the copies now.
    StoredChanged(Copies),
    /// The hex SHA-256 of the notice ([`Effect::LogHash`]); empty when the browser cannot.
    NoticeHash(String),
    /// The endpoint answered the consent event with this id with this HTTP status
    /// ([`Queue::answered`]).
    Answered(String, u64),
    /// A notice container entered the page after start: a single-page app's route mounted it, or
    /// put back one it had removed.
    NoticeContainersAdded,
    /// A button of the SDK's own interface was clicked: where it sits (`None`: a part the page
    /// cannot name, taken as the notice), what it does, and the categories switched on there.
    Click(Option<Scope>, Action, Vec<String>),
}

/// The configuration that could not even be fetched or parsed: the built-in one, with
/// `message` as its one error.
pub fn unreadable(message: String) -> Parsed {
    Parsed { config: Config::default(), problems: vec![Problem { path: "config".into(), message, is_error: true }] }
}

/// The visitor's language: the configured one, else `<html lang>`, else the browser's
/// (`navigator.languages`), among English, the shipped files and the site's own texts.
pub fn language(config: &Config, html_lang: Option<&str>, browser: &[String]) -> String {
    negotiate(config.language.as_deref(), html_lang, browser, |l| config.offers_texts(l))
}

/// The console lines for configuration problems: errors first, then warnings. Returns whether
/// there were errors (read off the first line: no second walk of the problems).
fn report(problems: &[Problem], fx: &mut Vec<Effect>) -> bool {
    let errors = report_kind(
        problems,
        true,
        Level::Error,
        "consent-gate: the configuration has errors, so no analytics or advertising tag will load:",
        fx,
    );
    report_kind(problems, false, Level::Warn, "consent-gate: configuration warnings:", fx);
    errors
}

/// One console line, at `level` under `head`, for the problems that are errors (`errors`) or
/// warnings; none when there are none. (Called twice, not a loop over an array of both.)
/// Returns whether there were any.
fn report_kind(problems: &[Problem], errors: bool, level: Level, head: &str, fx: &mut Vec<Effect>) -> bool {
    // Written after the head, which alone means none: no second string joined to it.
    let mut out = String::from(head);
    for p in problems.iter() {
        if p.is_error != errors {
            continue;
        }
        out.push_str("\n  ");
        out.push_str(&p.line());
    }
    let any = out.len() > head.len();
    if any {
        fx.push(Effect::Console(level, out));
    }
    any
}

/// The `ga-disable-<id>` kill switches of `ids`, each set to `off` (one loop for both kinds).
fn kill_switches(ids: &[String], off: bool, fx: &mut Vec<Effect>) {
    for id in ids {
        fx.push(Effect::Global(concat(&["ga-disable-", id]), off));
    }
}

/// `gtag('config', id)` for each of `ids`, with Google signals and ad personalization set to
/// `signals` (one loop for both kinds, as `kill_switches`).
fn configure(ids: &[String], signals: bool, fx: &mut Vec<Effect>) {
    for id in ids {
        fx.push(Effect::Config { id: id.clone(), signals });
    }
}

/// The effects that persist a decision, to start with: [`Effect::Store`] when `store` (one place
/// for `begin` and `decide`). Pushed, not `vec![Effect::Store]`: the same raw bytes, 24 fewer in
/// brotli when measured.
fn persisting(store: bool) -> Vec<Effect> {
    let mut persist = vec![];
    if store {
        persist.push(Effect::Store);
    }
    persist
}

/// `r` encoded, or empty for none.
fn encoded(r: Option<&Record>) -> String {
    r.map_or_else(String::new, super::record::encode)
}

/// The longest pending withdrawal read ([`Page::pending`]; `api.js` writes each word once): a
/// longer one is not one it wrote, and is ignored.
pub const PENDING_CAP: usize = 4096;

/// The stored record to go by, and the console warning when a copy was refused and none used.
fn load(config: &Config, copies: &Copies, env: &Env) -> (Option<Record>, Option<DecodeError>) {
    decide::stored_record(config, env.https, copies.local.as_deref(), copies.memory.as_deref(), copies.cookie.as_deref(), env.now)
}

impl Session {
    /// Starts a session from the configuration read and what the page tells.
    pub fn start(parsed: Parsed, page: Page, env: &Env) -> (Session, Vec<Effect>) {
        let mut fx = vec![];
        let config_ok = !report(&parsed.problems, &mut fx);
        let config = parsed.config;
        // A shipped language whose file failed is shown in English: so its `lang` says English too.
        let lang = if page.file_texts.is_empty() && needs_file(&page.lang) { "en" } else { &page.lang };
        let texts = config.texts_for(lang, page.file_texts);
        let (stored, problem) = load(&config, &page.copies, env);
        if let Some(e) = problem {
            fx.push(Effect::Console(Level::Warn, concat(&["consent-gate: ", e.message()])));
        }
        let status = decide::status(&config, stored.as_ref(), env.now);
        // The hint comes from the site's server; `us-wa` means `US-WA`.
        let mut region = None;
        if let Some(r) = page.region {
            let r = super::text::ascii_case(super::text::trim(r, false), true);
            if super::config::is_region_code(&r) {
                region = Some(r);
            }
        }
        let mut s = Session {
            config,
            config_ok,
            texts,
            signals: page.signals,
            region,
            stored,
            status,
            allowed: vec!["necessary".into()],
            effective: vec![],
            sensitive: false,
            location: String::new(),
            gtag_loaded: false,
            notice_hash: None,
            log_warned: false,
            early_errors: vec![],
        };
        s.begin(&page.referrer, &page.early, page.pending.as_deref(), env, &mut fx);
        (s, fx)
    }

    /// The rest of [`Session::start`], once the session is made: not inlined, so that the session
    /// and the effects are parameters here, not slots of `start`'s frame whose addresses are
    /// computed again at each of the many calls and pushes below.
    #[inline(never)]
    fn begin(&mut self, referrer: &(String, String), early: &Json, pending: Option<&str>, env: &Env, fx: &mut Vec<Effect>) {
        let signals = self.signals;
        if self.config.debug {
            fx.push(Effect::Console(
                Level::Info,
                concat(&["consent-gate: Do Not Track ", signals.dnt.name(), ", Global Privacy Control ", signals.gpc.name()]),
            ));
        }
        // The stub denied everything before the configuration was known, with its own wait;
        // a configured wait goes out at once, before any tag consent-gate loads.
        let config = &self.config;
        let g = &config.google;
        if g.wait_for_update != STUB_WAIT_FOR_UPDATE {
            // The types `necessary` governs, read directly: no list of one id to make and drop.
            let state = ConsentState(decide::types_of(config, "necessary"));
            fx.push(Effect::ConsentDefault { state, wait_for_update: g.wait_for_update });
        }
        // Regional defaults and url_passthrough go out before any tag we load.
        for i in 0..config.regions.len() {
            fx.push(Effect::RegionDefault(i));
        }
        // A sensitive page of this site that sent the visitor here is named to no tag (its own
        // referrer meta is missing when consent-gate did not start there, or in a frame).
        if let Some(origin) = decide::hidden_referrer(config, &referrer.0, &referrer.1) {
            fx.push(Effect::PageReferrer(origin));
        }
        if g.url_passthrough {
            fx.push(Effect::Set("url_passthrough", true));
        }
        // The stub turned redaction on before the configuration was known.
        if !g.ads_data_redaction {
            fx.push(Effect::Set("ads_data_redaction", false));
        }
        // Decisions asked for before start are the first decision: a stored grant they withdraw
        // never configures a tag (`rejectAll()` right after the script tag sends Google nothing).
        let mut q = self.log_queue(env, fx);
        let mut took = false;
        // Before them, a withdrawal an earlier page left pending (index 0 here), as an early
        // `setConsent({id: false, …})` (`rejectAll()` for `*`): it only ever refuses. A word that
        // names no category is ignored (one the configuration no longer has).
        let early = early.as_array().unwrap_or_default();
        for i in 0..=early.len() {
            self.settle();
            // `None`: every optional category.
            let grants = match i.checked_sub(1) {
                Some(j) => match &early[j] {
                    Json::Bool(true) => None,
                    Json::Bool(false) => Some(vec![]),
                    Json::Arr(changes) => match self.grants_with(changes.first().unwrap_or(&Json::Undefined)) {
                        Ok(Some(grants)) => Some(grants),
                        Ok(None) => continue,
                        Err(e) => {
                            self.early_errors.push((j, e));
                            continue;
                        }
                    },
                    _ => continue,
                },
                // The pending withdrawal: each category as it is now, but those it names off
                // (as `setConsent` with only `false`s would; one that names none changes nothing).
                None => {
                    let Some(p) = pending.filter(|p| p.len() <= PENDING_CAP) else { continue };
                    let (mut grants, mut refuses) = (vec![], false);
                    for c in &self.effective {
                        if has_word(p, "*") || has_word(p, &c.category) {
                            refuses = true;
                        } else if c.granted {
                            grants.push(c.category.clone());
                        }
                    }
                    if !refuses {
                        continue;
                    }
                    Some(grants)
                }
            };
            self.record(grants.as_deref(), Method::Api, env, &mut q);
            took = self.config_ok;
        }
        self.apply(env, fx, persisting(took));
        // Deleted once the record holds it; with a broken configuration nothing is stored, and
        // it waits for the next page.
        if pending.is_some() && self.config_ok {
            fx.push(Effect::PendingTaken);
        }
        if decide::banner_must_show(self.status) {
            fx.push(Effect::ShowBanner);
        }
        if NOTICE {
            fx.push(Effect::RenderNotice);
        }
        if let Some(class) = view::reopen_button(&self.config) {
            fx.push(Effect::ShowReopenButton(class));
        }
        if self.config_ok {
            self.page_view(q, env, fx);
        } else {
            // Empty: with a broken configuration nothing is logged (`log_queue`, `record`).
            // Forgotten, not dropped: no drop code for a list that owns nothing.
            debug_assert!(q.events.is_empty());
            std::mem::forget(q);
        }
        fx.push(Effect::Emit(Emit::Signal(signals)));
        fx.push(Effect::Emit(Emit::Ready));
    }

    /// The valid decision, if any.
    pub fn decided(&self) -> Option<&Record> {
        (self.status == Status::Decided).then_some(self.stored.as_ref()).flatten()
    }

    /// The effects of one input.
    pub fn input(&mut self, input: Input, env: &Env) -> Vec<Effect> {
        let mut fx = vec![];
        // A decision's grants (`None`: every optional category, see `decide::record_choice`) and
        // method: taken by one call below, not in each arm that decides.
        let mut decision = None;
        // By reference, the input dropped once at the end: no drop code of its own in each arm.
        match &input {
            Input::Decide(grants, method) => decision = Some((grants.as_deref(), *method)),
            Input::Navigate => {
                if decide::route_key(&self.config, &env.path, &env.hash) != self.location {
                    self.apply(env, &mut fx, vec![]);
                }
            }
            // Only a build with the log asks for them (`LOG`): without it, these arms are not built.
            Input::NoticeHash(hash) if LOG && self.notice_hash.is_none() => self.logged_page_view(hash, env, &mut fx),
            Input::NoticeHash(_) => {}
            Input::Answered(id, status) if LOG => {
                let mut q = self.log_queue(env, &mut fx);
                q.answered(env.now, id, *status);
                self.log_store(q, 0, &mut fx);
            }
            Input::Answered(..) => {}
            Input::StoredChanged(copies) => {
                let (stored, _) = load(&self.config, copies, env);
                // Compared as encoded (the encoding writes every field, injectively, and is never
                // empty, as no record is): no field-by-field comparison of records, nor of
                // `Option<String>`s, in the wasm for this one use.
                if encoded(stored.as_ref()) != encoded(self.stored.as_ref()) {
                    // Applied as if decided here, but not logged again: the tab that decided did.
                    self.status = decide::status(&self.config, stored.as_ref(), env.now);
                    self.stored = stored;
                    self.apply(env, &mut fx, vec![]);
                    // The decision was withdrawn elsewhere (storage cleared, or expired): ask again.
                    if decide::banner_must_show(self.status) {
                        fx.push(Effect::ShowBanner);
                    }
                }
            }
            // A new container gets the notice as it stands; one put back has switches that may
            // have missed changes while it was out of the page.
            Input::NoticeContainersAdded => {
                fx.push(if NOTICE {
                    Effect::RenderNotice
                } else {
                    Effect::Console(Level::Error, "consent-gate: to draw the notice, add data-notice to the script tag".into())
                });
                fx.push(Effect::SyncSwitches);
            }
            Input::Click(_, Action::Prefs, _) => fx.push(Effect::ShowPreferences),
            Input::Click(_, Action::Close, _) => fx.push(Effect::CloseDialog),
            Input::Click(_, Action::Download, _) => fx.push(Effect::Download),
            Input::Click(scope, action, switched_on) => {
                let grants = match action {
                    Action::Accept => None,
                    Action::Reject => Some(&[][..]),
                    _ => Some(&switched_on[..]),
                };
                decision = Some((grants, scope.map_or(Method::Notice, Scope::method)));
            }
        }
        if let Some((grants, method)) = decision {
            self.decide(grants, method, env, &mut fx);
            // After a click, the dialog's work is done; a notice stays in the page, so it says it
            // saved.
            if let Input::Click(..) = input {
                match method {
                    Method::Preferences => fx.push(Effect::CloseDialog),
                    Method::Notice => fx.push(Effect::Announce(self.texts.get(Text::Saved).to_owned())),
                    _ => {}
                }
            }
        }
        fx
    }

    fn decide(&mut self, grants: Option<&[String]>, method: Method, env: &Env, fx: &mut Vec<Effect>) {
        // Storing and logging the decision wait until the tags it allows are on their way: the
        // visitor's click reaches gtag.js sooner (see `apply`).
        let mut persist = persisting(self.config_ok);
        let mut q = self.log_queue(env, &mut persist);
        let new = self.record(grants, method, env, &mut q);
        self.log_store(q, new, &mut persist);
        self.apply(env, fx, persist);
    }

    /// Takes a decision: stores it in the session and queues its consent event in `q` (returns
    /// how many events it queued). Applying it is the caller's.
    fn record(&mut self, grants: Option<&[String]>, method: Method, env: &Env, q: &mut Queue) -> usize {
        let mut new = 0;
        // With a broken configuration the decision is not the site's to take: it holds for this
        // page only, and the visitor's stored choice stays as it was.
        if self.config_ok {
            let r = decide::record_choice(
                &self.config,
                self.stored.as_ref(),
                grants,
                method,
                self.signals,
                &self.texts.lang,
                env.random_id,
                env.now,
                super::VERSION,
            );
            // Logged before the `change` event: a handler may decide again, and this decision
            // came first. Whether the page is sensitive is read from the URL now: the app may
            // have routed since the last step without the session hearing of it.
            self.sensitive = sensitive(&self.config, env);
            if self.logs() {
                new = self.log(env, Some(&r), true, &r.choices, Some(r.method), r.signals, q);
            }
            self.stored = Some(r);
        }
        self.status = Status::Decided;
        new
    }

    /// Each category's state for this visitor, from the decision, the signals and the region.
    fn settle(&mut self) {
        let decided = self.status == Status::Decided;
        self.effective = decide::effective(&self.config, self.stored.as_ref(), decided, self.signals, self.region.as_deref());
    }

    /// Re-derives the state from the decision, the signals and the page, and the effects that
    /// bring the page in line with it.
    /// `persist`: the effects that store and log a decision just taken; they come once the tags
    /// are configured and before anything else (gated scripts, the `change` event) can read them.
    fn apply(&mut self, env: &Env, fx: &mut Vec<Effect>, mut persist: Vec<Effect>) {
        self.settle();
        let c = &self.config;
        self.sensitive = sensitive(c, env);
        self.location = decide::route_key(c, &env.path, &env.hash);
        let after = decide::allowed(c, &self.effective, self.sensitive, self.config_ok);
        let plan = decide::plan(c, &self.allowed, &after, self.gtag_loaded, self.config_ok && !self.sensitive);
        self.gtag_loaded |= plan.load_gtag;
        self.allowed = after;
        let g = &c.google;
        // The kill switches first: they must be set before gtag acts on any command.
        kill_switches(&g.analytics_ids, plan.disable_analytics, fx);
        kill_switches(&g.ads_ids, plan.disable_ads, fx);
        let consent = decide::consent_state(c, &self.allowed);
        // Google signals and ad personalization follow ad storage.
        let ads = consent.granted(decide::AD_STORAGE);
        fx.push(Effect::Set("allow_google_signals", ads));
        fx.push(Effect::Set("allow_ad_personalization_signals", ads));
        fx.push(Effect::ConsentUpdate(consent));
        // The ids configured now: every id of a kind, or none.
        let analytics_ids: &[String] = if plan.configure_analytics { &g.analytics_ids } else { &[] };
        let ads_ids: &[String] = if plan.configure_ads { &g.ads_ids } else { &[] };
        if plan.load_gtag {
            // gtag.js is fetched once, for the first id configured now (or the first one of all).
            if let Some(id) = analytics_ids.first().or(ads_ids.first()).or(g.analytics_ids.first()).or(g.ads_ids.first()) {
                fx.push(Effect::LoadTag { id: id.clone(), nonce: c.nonce.as_deref().unwrap_or_default().to_owned() });
            }
        }
        configure(analytics_ids, ads, fx);
        configure(ads_ids, ads, fx);
        fx.append(&mut persist);
        let erase = decide::cookies_to_clear(c, &self.effective, self.config_ok);
        if erase.is_empty() {
            // Never allocated (nothing was pushed): forgotten, no drop code for it here.
            debug_assert_eq!(erase.capacity(), 0);
            std::mem::forget(erase);
        } else {
            fx.push(Effect::EraseCookies(erase));
        }
        fx.push(Effect::Gate);
        fx.push(Effect::SyncSwitches);
        if !decide::banner_must_show(self.status) {
            fx.push(Effect::HideBanner);
        }
        if c.debug {
            // A loop, not `join`: the only `join` of Strings would add its own copy to the wasm.
            let mut line = String::from("consent-gate: allowed on this page:");
            for (i, id) in self.allowed.iter().enumerate() {
                line.push_str(if i == 0 { " " } else { ", " });
                line.push_str(id);
            }
            fx.push(Effect::Console(Level::Info, line));
        }
        fx.push(Effect::Emit(Emit::Change));
        if plan.reload {
            fx.push(Effect::Reload);
        }
    }

    /// Whether a Google tag a step planned ([`Effect::LoadTag`], [`Effect::Config`]) may still be
    /// loaded or configured when it is carried out: a page hook called meanwhile (a dataLayer
    /// push) may have withdrawn consent or routed into a sensitive page, and its own step then
    /// found gtag.js counted as loaded. When not, a tag not loaded (`loading`) counts as not
    /// loaded again, so that a later step that allows it loads it.
    pub fn tag_may_run(&mut self, loading: bool) -> bool {
        let consent = decide::consent_state(&self.config, &self.allowed);
        let may = self.config_ok
            && !self.sensitive
            && decide::wants_gtag(&self.config, consent.granted(decide::ANALYTICS_STORAGE), consent.granted(decide::AD_STORAGE));
        if loading && !may {
            self.gtag_loaded = false;
        }
        may
    }

    /// The embed placeholder's texts for [`Effect::Gate`]: the notice with `{name}`, the load
    /// button, the preferences button, then their language and its direction (as the banner's).
    pub fn placeholder(&self) -> [&str; 5] {
        let t = &self.texts;
        [t.get(Text::EmbedNotice), t.get(Text::EmbedLoad), t.get(Text::Preferences), &t.lang, t.dir()]
    }

    /// Each category's state on this page: id, granted, source (see [`decide::in_force`]).
    pub fn in_force(&self) -> impl Iterator<Item = (&str, bool, Source)> {
        self.effective.iter().map(|c| {
            let (granted, source) = decide::in_force(c, self.sensitive);
            (c.category.as_str(), granted, source)
        })
    }

    /// The category switches as they stand.
    pub fn rows(&self) -> Vec<Row<'_>> {
        view::rows(&self.config, &self.texts, &self.effective)
    }

    /// At start: with no endpoint, events queued under an earlier configuration are dropped;
    /// else the queued events are sent again (`q`: the stored ones and those of the decisions
    /// asked for before start), and the browser hashes the notice, which the page's next events
    /// carry.
    fn page_view(&mut self, mut q: Queue, env: &Env, fx: &mut Vec<Effect>) {
        let Some(endpoint) = self.config.log.endpoint.as_ref().filter(|_| LOG) else {
            // Empty without an endpoint (or without the log in this build: `config::read` refused
            // one) (`log_queue`): forgotten, no drop code for it.
            debug_assert!(q.events.is_empty());
            std::mem::forget(q);
            fx.push(Effect::LogDrop);
            return;
        };
        fx.push(Effect::LogHash { endpoint: endpoint.clone(), notice: log::notice_text(&self.config, &self.texts) });
        q.keep(env.now, "");
        self.log_store(q, CAP, fx);
    }

    /// The notice hash arrived: a `signal` decision when a browser signal decides for an
    /// undecided visitor, and a `pageview` event when `log.pageViews` is on. (It comes from
    /// `bridge.js`'s `crypto.subtle` digest, which page scripts cannot reach, and is written as
    /// an escaped JSON string like every other member.)
    fn logged_page_view(&mut self, hash: &str, env: &Env, fx: &mut Vec<Effect>) {
        self.notice_hash = Some(hash.to_owned());
        let mut q = self.log_queue(env, fx);
        let mut new = 0;
        let decided = self.status == Status::Decided;
        if !decided && self.effective.iter().any(|c| matches!(c.source, Source::Gpc | Source::Dnt)) {
            new += self.log(env, self.stored.as_ref(), false, &self.effective, Some(Method::Signal), self.signals, &mut q);
        }
        if self.config.log.page_views {
            new += self.log(env, self.stored.as_ref(), decided, &self.effective, None, self.signals, &mut q);
        }
        self.log_store(q, new, fx);
    }

    /// The consent-log queue as it stands: the stored one (read strictly: an unreadable one is
    /// emptied, with one warning per page); empty when nothing is stored or storage is blocked.
    /// Without an endpoint (or with a broken configuration) there is none, and nothing is stored
    /// or sent.
    fn log_queue(&mut self, env: &Env, fx: &mut Vec<Effect>) -> Queue {
        if !self.logs() {
            return Queue::default();
        }
        let Some(stored) = &env.log_stored else { return Queue::default() };
        match Queue::read(stored) {
            Some(q) => q,
            None => {
                if !std::mem::replace(&mut self.log_warned, true) {
                    let text = "consent-gate: the consent-log queue in localStorage (consent-gate-log) was not one this SDK writes (at most 50 events of 16 KB, each id once), so it was emptied";
                    fx.push(Effect::Console(Level::Warn, text.into()));
                }
                Queue::default()
            }
        }
    }

    /// Whether consent events are logged: an endpoint is configured, and the configuration is
    /// the site's (with errors, decisions hold for this page only).
    fn logs(&self) -> bool {
        LOG && self.config_ok && self.config.log.endpoint.is_some()
    }

    /// Stores `q` and posts its `new` newest events (all of them when `new` is [`CAP`]);
    /// nothing without an endpoint (or with a broken configuration).
    fn log_store(&self, mut q: Queue, new: usize, fx: &mut Vec<Effect>) {
        if !self.logs() {
            return;
        }
        let store = q.write();
        let send = q.events.split_off(q.events.len().saturating_sub(new));
        fx.push(Effect::Log { store, send });
    }

    /// Queues one consent event in `q`, with the notice hash when known (empty before); returns
    /// 1 when it was queued, else 0. `stored`: any stored record, whose id is the browser id (a
    /// visitor with none gets a random id for this page view only); `decided`: that record is in
    /// force (then it is also the `recordId`). On a sensitive page the path is left out.
    #[allow(clippy::too_many_arguments)] // each is a distinct fact of the event
    fn log(
        &self,
        env: &Env,
        stored: Option<&Record>,
        decided: bool,
        choices: &[Choice],
        method: Option<Method>,
        signals: Signals,
        q: &mut Queue,
    ) -> usize {
        let event = log::Event {
            pageview: method.is_none(),
            event_id: &(env.random_id)(),
            record_id: stored.filter(|_| decided).map(|r| r.id.as_str()),
            browser_id: &stored.map_or_else(env.random_id, |r| r.id.clone()),
            time: env.now,
            revision: &self.config.revision,
            notice_hash: self.notice_hash.as_deref().unwrap_or_default(),
            choices,
            signals,
            language: &self.texts.lang,
            method,
            path: (!self.sensitive).then_some(env.path.as_str()),
        };
        usize::from(q.add(&event, env.now).is_some())
    }

    /// The categories granted now with `changes` applied, for `setConsent({analytics: true})`.
    /// `None` for an empty object, which changes nothing. Errors name the unknown category or
    /// the value that is not a boolean.
    pub fn grants_with(&self, changes: &Json) -> Result<Option<Vec<String>>, String> {
        let Json::Obj(members) = changes else {
            return Err("setConsent: expected an object like {analytics: true}".into());
        };
        if members.is_empty() {
            return Ok(None);
        }
        for (key, value) in members {
            if self.config.category(key).is_none() {
                return Err(concat(&["setConsent.", key, ": expected the id of a configured category"]));
            }
            if value.as_bool().is_none() {
                return Err(concat(&["setConsent.", key, ": expected true or false"]));
            }
        }
        // Each category as the change sets it, else as it is now.
        let mut grants = vec![];
        for c in &self.effective {
            if changes.field(&c.category).and_then(Json::as_bool).unwrap_or(c.granted) {
                grants.push(c.category.clone());
            }
        }
        Ok(Some(grants))
    }
}
