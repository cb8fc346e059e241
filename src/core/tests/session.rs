//! The session, table-driven: these inputs give these effects, in this order.

use super::{read, record, shipped, Row, DNT, GPC, NO_SIGNALS};
use crate::core::decide::Status;
use crate::core::i18n::Text;
use crate::core::json::{Json, JsonLike};
use crate::core::queue::Queue;
use crate::core::record::{encode, Method, Source};
use crate::core::session::{Copies, Effect, Env, Input, Level, Page, Session};
use crate::core::signals::Signals;
use crate::core::view::{Action, Scope};
use serde_json::{json, Value};
use std::cell::Cell;

use Source::{Default as Def, User};

const NOW: u64 = 1_800_000_000_000;
const ACCEPTED: &[Row] = &[("necessary", true, Def), ("functional", true, User), ("analytics", true, User), ("advertising", true, User)];
const REFUSED: &[Row] = &[("necessary", true, Def), ("functional", false, User), ("analytics", false, User), ("advertising", false, User)];

thread_local! {
    static IDS: Cell<u32> = const { Cell::new(0) };
}

fn next_id() -> String {
    IDS.with(|n| {
        n.set(n.get() + 1);
        format!("id{}", n.get())
    })
}

fn env(path: &str) -> Env {
    let (path, hash) = path.split_once('#').map_or((path, String::new()), |(p, h)| (p, format!("#{h}")));
    Env { path: path.into(), hash, now: NOW, https: true, random_id: next_id, top: Default::default(), log_stored: None }
}

/// The stored copy of a record decided now with these rows (`None`: nothing stored).
fn stored(rows: Option<&[Row]>) -> Copies {
    Copies { local: rows.map(|r| encode(&record("1", NOW, r))), ..Copies::default() }
}

fn start_with(config: Value, path: &str, rows: Option<&[Row]>, signals: Signals) -> (Session, Vec<Effect>) {
    Session::start(read(&config), page_with(signals, rows), &env(path))
}

/// An English page with `signals` and the record `rows` stored: no region, no referrer, nothing
/// asked for before start. Tests change the rest with `..page_with(…)`.
fn page_with(signals: Signals, rows: Option<&[Row]>) -> Page<'static> {
    Page {
        signals,
        region: None,
        lang: "en".into(),
        file_texts: vec![],
        copies: stored(rows),
        referrer: Default::default(),
        early: Json::Null,
        pending: None,
    }
}

/// One effect in a line a table can spell; what an effect reads from the session when it is
/// carried out is read from `s` (the session after the step).
fn brief(s: &Session, e: &Effect) -> String {
    let granted =
        |s: &crate::core::decide::ConsentState| s.pairs().filter(|(_, v)| *v == "granted").map(|(k, _)| k).collect::<Vec<_>>().join(",");
    match e {
        Effect::Console(level, _) => format!("console {level:?}"),
        Effect::ConsentDefault { state, wait_for_update } => format!("default {} wait={wait_for_update}", granted(state)),
        Effect::RegionDefault(i) => {
            let rule = &s.config.regions[*i];
            format!("default {} regions={}", granted(&crate::core::decide::regional_default(&s.config, rule)), rule.codes.join(","))
        }
        Effect::ConsentUpdate(state) => format!("update {}", granted(state)),
        Effect::Set(name, value) => format!("set {name}={value}"),
        Effect::PageReferrer(origin) => format!("page_referrer {origin}"),
        Effect::Config { id, signals } => format!("config {id} signals={signals}"),
        Effect::Global(name, value) => format!("{name}={value}"),
        Effect::LoadTag { id, nonce } => format!("load {id} nonce={nonce}"),
        Effect::EraseCookies(p) => format!("erase {}", p.join(",")),
        Effect::Store => "store".into(),
        Effect::Gate => format!("gate {}{}", s.allowed.join(","), if s.sensitive { " sensitive" } else { "" }),
        Effect::SyncSwitches => {
            format!("switches {}", s.rows().iter().filter(|r| r.checked).map(|r| r.id).collect::<Vec<_>>().join(","))
        }
        Effect::ShowBanner => "show banner".into(),
        Effect::HideBanner => "hide banner".into(),
        Effect::RenderNotice => "notice".into(),
        Effect::ShowReopenButton(class) => format!("reopen button {class}"),
        Effect::Emit(k) => format!("emit {}", k.name()),
        Effect::LogDrop => "log drop".into(),
        Effect::PendingTaken => "pending taken".into(),
        Effect::LogHash { .. } => "log hash".into(),
        Effect::Log { store, send, .. } => {
            let queued: Vec<String> = Queue::read(store).unwrap().events.iter().map(|e| event_line(&e.json)).collect();
            format!("log [{}] sending {}", queued.join(" | "), send.len())
        }
        Effect::ShowPreferences => "show preferences".into(),
        Effect::CloseDialog => "close dialog".into(),
        Effect::Announce(message) => format!("announce {message}"),
        Effect::Download => "download".into(),
        Effect::Reload => "reload".into(),
    }
}

/// A consent event in a line: type, method, each category's source.
fn event_line(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    let sources: Vec<String> = v["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}:{}", c["category"].as_str().unwrap(), c["source"].as_str().unwrap()))
        .collect();
    format!("{} {} {}", v["type"].as_str().unwrap(), v["method"].as_str().unwrap_or("-"), sources.join(","))
}

fn briefs(s: &Session, fx: &[Effect]) -> Vec<String> {
    fx.iter().map(|e| brief(s, e)).collect()
}

/// Name, configuration, path, stored decision, signals; the effects expected.
type StartCase = (&'static str, Value, &'static str, Option<&'static [Row<'static>]>, Signals, Vec<&'static str>);
/// Name, configuration, path, stored decision, input, path at the input; the effects expected.
type InputCase = (&'static str, Value, &'static str, Option<&'static [Row<'static>]>, Input, &'static str, Vec<&'static str>);
/// The grants `setConsent` leads to, or its error.
type SetConsentResult = Result<Option<Vec<&'static str>>, &'static str>;

const GA: &str = "G-TEST1";
const BASE_ANALYTICS_OFF: [&str; 5] = [
    "ga-disable-G-TEST1=true",
    "set allow_google_signals=false",
    "set allow_ad_personalization_signals=false",
    "update security_storage",
    "erase _ga,_ga_*,_gid,_gat*,_gcl_*,_gac_*",
];

/// What applying "nothing optional allowed" does on an ordinary page, in order.
const REFUSED_APPLIED: [&str; 9] = [
    "ga-disable-G-TEST1=true",
    "set allow_google_signals=false",
    "set allow_ad_personalization_signals=false",
    "update security_storage",
    "erase _ga,_ga_*,_gid,_gat*,_gcl_*,_gac_*",
    "gate necessary",
    "switches necessary",
    "hide banner",
    "emit change",
];

/// What applying "everything allowed" does on an ordinary page, in order.
const ACCEPTED_APPLIED: [&str; 10] = [
    "ga-disable-G-TEST1=false",
    "set allow_google_signals=true",
    "set allow_ad_personalization_signals=true",
    "update ad_storage,ad_user_data,ad_personalization,analytics_storage,functionality_storage,personalization_storage,security_storage",
    "load G-TEST1 nonce=",
    "config G-TEST1 signals=true",
    "gate necessary,functional,analytics,advertising",
    "switches necessary,functional,analytics,advertising",
    "hide banner",
    "emit change",
];

/// What deciding does: `applied`, with `persisted` (storing, logging) once the tags are
/// configured, just before cookies are erased or gated scripts run.
fn decided(persisted: &[&'static str], applied: &[&'static str]) -> Vec<&'static str> {
    let at = applied.iter().position(|e| e.starts_with("erase") || e.starts_with("gate")).unwrap();
    let mut fx = applied[..at].to_vec();
    fx.extend_from_slice(persisted);
    fx.extend_from_slice(&applied[at..]);
    fx
}

fn site() -> Value {
    json!({"googleAnalytics": [GA]})
}

fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[test]
fn start_table() {
    let undecided_basic: Vec<&str> = BASE_ANALYTICS_OFF
        .iter()
        .copied()
        .chain(["gate necessary", "switches necessary", "emit change", "show banner", "notice", "log drop", "emit signal", "emit ready"])
        .collect();
    let cases: Vec<StartCase> = vec![
        ("undecided, basic mode: nothing loads, the banner shows", site(), "/", None, NO_SIGNALS, undecided_basic),
        (
            "decided accept: GA loads and is configured, the banner is hidden",
            site(),
            "/",
            Some(ACCEPTED),
            NO_SIGNALS,
            ACCEPTED_APPLIED.iter().copied().chain(["notice", "log drop", "emit signal", "emit ready"]).collect(),
        ),
        (
            // Fault 1: the configured wait reaches a Consent Mode default before any tag loads.
            "waitForUpdate: a global default with the configured wait goes out first",
            with(site(), json!({"waitForUpdate": 2000, "urlPassthrough": true, "adsDataRedaction": false})),
            "/",
            Some(ACCEPTED),
            NO_SIGNALS,
            vec!["default security_storage wait=2000", "set url_passthrough=true", "set ads_data_redaction=false", "ga-disable-G-TEST1=false"],
        ),
        (
            // Each region rule's default goes out after the global one, with its codes, in order.
            "regions: one default per rule, with what it grants and its codes",
            with(site(), json!({"waitForUpdate": 1500, "regions": [
                {"codes": ["US-WA", "US-CA"], "defaults": {"analytics": true}}, {"codes": "ES"}
            ]})),
            "/",
            Some(ACCEPTED),
            NO_SIGNALS,
            vec![
                "default security_storage wait=1500",
                "default analytics_storage,security_storage regions=US-WA,US-CA",
                "default security_storage regions=ES",
            ],
        ),
        (
            // Fault 4: advanced mode loads gtag.js at once and leaves GA on for cookieless pings.
            "advanced mode, undecided: gtag.js loads, GA is not disabled, config without signals",
            with(site(), json!({"consentMode": "advanced"})),
            "/",
            None,
            NO_SIGNALS,
            vec!["ga-disable-G-TEST1=false", "set allow_google_signals=false", "set allow_ad_personalization_signals=false", "update security_storage", "load G-TEST1 nonce=", "config G-TEST1 signals=false"],
        ),
        (
            "advanced mode on a sensitive page: no tag, GA disabled",
            with(site(), json!({"consentMode": "advanced", "sensitivePaths": ["/portal/*"]})),
            "/portal/x",
            Some(ACCEPTED),
            NO_SIGNALS,
            vec!["ga-disable-G-TEST1=true", "set allow_google_signals=false", "set allow_ad_personalization_signals=false", "update functionality_storage,personalization_storage,security_storage", "gate necessary,functional sensitive"],
        ),
        (
            "an Ads-only site loads gtag.js for the Ads id",
            json!({"googleAds": ["AW-1"], "nonce": "n0"}),
            "/",
            Some(ACCEPTED),
            NO_SIGNALS,
            vec!["ga-disable-AW-1=false", "set allow_google_signals=true", "set allow_ad_personalization_signals=true", "update ad_storage,ad_user_data,ad_personalization,analytics_storage,functionality_storage,personalization_storage,security_storage", "load AW-1 nonce=n0", "config AW-1 signals=true"],
        ),
        (
            "several ids: gtag.js loads once, for the first; every id is switched on and configured",
            json!({"googleAnalytics": ["G-1", "G-2"], "googleAds": "AW-1"}),
            "/",
            Some(ACCEPTED),
            NO_SIGNALS,
            vec![
                "ga-disable-G-1=false",
                "ga-disable-G-2=false",
                "ga-disable-AW-1=false",
                "set allow_google_signals=true",
                "set allow_ad_personalization_signals=true",
                "update ad_storage,ad_user_data,ad_personalization,analytics_storage,functionality_storage,personalization_storage,security_storage",
                "load G-1 nonce=",
                "config G-1 signals=true",
                "config G-2 signals=true",
                "config AW-1 signals=true",
            ],
        ),
        (
            "a configuration with errors: the banner still shows, nothing loads, the console says why",
            json!({"googleAnalytics": ["UA-1"], "log": {"endpoint": "https://log.example/e"}}),
            "/",
            None,
            NO_SIGNALS,
            vec!["console Error", "set allow_google_signals=false", "set allow_ad_personalization_signals=false", "update security_storage", "gate necessary", "switches necessary", "emit change", "show banner", "notice", "emit signal", "emit ready"],
        ),
        (
            "GPC, undecided, with a log endpoint: a signal decision is logged",
            with(site(), json!({"log": {"endpoint": "https://log.example/e"}})),
            "/",
            None,
            GPC,
            // Made when the notice hash arrives (the last line), with it.
            vec![
                "log hash",
                "log [] sending 0",
                "emit signal",
                "emit ready",
                "log [decision signal necessary:default,functional:default,analytics:default,advertising:gpc] sending 1",
            ],
        ),
        ("GPC, decided: no signal decision", with(site(), json!({"log": {"endpoint": "https://log.example/e"}})), "/", Some(REFUSED), GPC, vec!["log hash", "log [] sending 0", "emit signal", "emit ready", "log [] sending 0"]),
        (
            "DNT honoured, page views on: signal decision, then the page view",
            with(site(), json!({"signals": {"dnt": "honor"}, "log": {"endpoint": "https://log.example/e", "pageViews": true}})),
            "/",
            None,
            DNT,
            vec![
                "log hash",
                "log [] sending 0",
                "emit signal",
                "emit ready",
                "log [decision signal necessary:default,functional:dnt,analytics:dnt,advertising:dnt | pageview - necessary:default,functional:dnt,analytics:dnt,advertising:dnt] sending 2",
            ],
        ),
        (
            // Fault 2: the page rule's source is produced where it keeps a granted category off.
            "a sensitive page: the page view says which categories the page rule keeps off",
            with(site(), json!({"sensitivePaths": ["/portal/*"], "log": {"endpoint": "https://log.example/e", "pageViews": true}})),
            "/portal/1",
            Some(ACCEPTED),
            NO_SIGNALS,
            vec!["log hash", "log [] sending 0", "emit signal", "emit ready", "log [pageview - necessary:default,functional:user,analytics:page-rule,advertising:page-rule] sending 1"],
        ),
    ];
    for (name, config, path, rows, signals, expected) in cases {
        let (mut s, mut fx) = start_with(config, path, rows, signals);
        // The browser hands back the notice hash that start asked for.
        fx.extend(s.input(Input::NoticeHash("ab".repeat(32)), &env(path)));
        let got = briefs(&s, &fx);
        // The expected lines appear in this order, with nothing else between them.
        let at = got.iter().position(|g| g == expected[0]).unwrap_or_else(|| panic!("{name}: no {:?} in {got:#?}", expected[0]));
        assert_eq!(&got[at..(at + expected.len()).min(got.len())], &expected[..], "{name}: {got:#?}");
    }
}

#[test]
fn the_reopen_button_is_added_at_start_only_when_configured_on_every_page() {
    let has_button = |config: Value, path: &str| {
        let (s, fx) = start_with(config, path, Some(ACCEPTED), NO_SIGNALS);
        briefs(&s, &fx).into_iter().find(|b| b.starts_with("reopen button"))
    };
    assert_eq!(has_button(site(), "/"), None);
    let left = with(site(), json!({"reopenButton": "bottom-left", "sensitivePaths": ["/portal/**"]}));
    assert_eq!(has_button(left.clone(), "/").as_deref(), Some("reopen button cg-root"));
    // On a sensitive page too: the visitor must be able to change their choices anywhere.
    assert_eq!(has_button(left, "/portal/x").as_deref(), Some("reopen button cg-root"));
    let right = with(site(), json!({"reopenButton": "bottom-right"}));
    assert_eq!(has_button(right, "/").as_deref(), Some("reopen button cg-root cg-right"));
}

#[test]
fn no_configured_wait_sends_no_second_default() {
    let (s, fx) = start_with(site(), "/", None, NO_SIGNALS);
    assert!(!fx.iter().any(|e| matches!(e, Effect::ConsentDefault { .. })), "{:#?}", briefs(&s, &fx));
}

#[test]
fn the_page_rule_shows_in_the_state_in_force() {
    let config = with(site(), json!({"sensitivePaths": ["/portal/*"]}));
    let (mut s, _) = start_with(config, "/portal/1", Some(ACCEPTED), NO_SIGNALS);
    let state = |s: &Session| s.in_force().map(|(c, g, src)| (c.to_owned(), g, src)).collect::<Vec<_>>();
    let page_rule = vec![
        ("necessary".to_owned(), true, Def),
        ("functional".to_owned(), true, User),
        ("analytics".to_owned(), false, Source::PageRule),
        ("advertising".to_owned(), false, Source::PageRule),
    ];
    assert_eq!(state(&s), page_rule);
    // The visitor's own choice is unchanged: the switches stay on.
    assert!(s.rows().iter().all(|r| r.checked));
    // Off the sensitive page, the visitor's choice is in force again.
    s.input(Input::Navigate, &env("/home"));
    assert!(s.in_force().all(|(_, g, src)| g && src != Source::PageRule));
    // A refused category stays the visitor's refusal there.
    let (s, _) = start_with(with(site(), json!({"sensitivePaths": ["/portal/*"]})), "/portal/1", Some(REFUSED), NO_SIGNALS);
    assert_eq!(s.in_force().find(|(c, ..)| *c == "analytics").map(|(.., src)| src), Some(User));
}

#[test]
fn input_table() {
    let log = json!({"endpoint": "https://log.example/e"});
    let cases: Vec<InputCase> = vec![
        (
            "accept on the banner: gtag.js loads once, then the decision is stored and logged",
            with(site(), json!({"log": log})),
            "/",
            None,
            Input::Decide(Some(vec!["functional".into(), "analytics".into(), "advertising".into()]), Method::Banner),
            "/",
            decided(
                &[
                    "store",
                    // Sent at once, before the notice hash is known: with an empty one.
                    "log [decision banner necessary:default,functional:user,analytics:user,advertising:user] sending 1",
                ],
                &ACCEPTED_APPLIED,
            ),
        ),
        (
            "a withdrawal with reloadOnWithdraw: cookies erased, then a reload",
            with(site(), json!({"reloadOnWithdraw": true})),
            "/",
            Some(ACCEPTED),
            Input::Decide(Some(vec![]), Method::Preferences),
            "/",
            decided(&["store"], &REFUSED_APPLIED).into_iter().chain(["reload"]).collect(),
        ),
        (
            "a broken configuration: the choice holds for this page only (nothing stored or logged)",
            json!({"googleAnalytics": ["UA-1"], "log": log}),
            "/",
            None,
            Input::Decide(Some(vec!["analytics".into()]), Method::Banner),
            "/",
            vec![
                "set allow_google_signals=false",
                "set allow_ad_personalization_signals=false",
                "update security_storage",
                "gate necessary",
                "switches necessary",
                "hide banner",
                "emit change",
            ],
        ),
        (
            "a navigation into a sensitive page stops GA and reloads when asked",
            with(site(), json!({"sensitivePaths": ["/portal/*"], "reloadOnWithdraw": true})),
            "/",
            Some(ACCEPTED),
            Input::Navigate,
            "/portal/7",
            vec![
                "ga-disable-G-TEST1=true",
                "set allow_google_signals=false",
                "set allow_ad_personalization_signals=false",
                "update functionality_storage,personalization_storage,security_storage",
                "gate necessary,functional sensitive",
                "switches necessary,functional,analytics,advertising",
                "hide banner",
                "emit change",
                "reload",
            ],
        ),
        (
            "a navigation that keeps the route (a query, an anchor) changes nothing",
            site(),
            "/a",
            Some(ACCEPTED),
            Input::Navigate,
            "/a#top",
            vec![],
        ),
        (
            "hash routes count when the site opts in",
            with(site(), json!({"sensitivePaths": ["/portal/*"], "matchHashRoutes": true})),
            "/app",
            Some(ACCEPTED),
            Input::Navigate,
            "/app#/portal/1",
            vec![
                "ga-disable-G-TEST1=true",
                "set allow_google_signals=false",
                "set allow_ad_personalization_signals=false",
                "update functionality_storage,personalization_storage,security_storage",
                "gate necessary,functional sensitive",
                "switches necessary,functional,analytics,advertising",
                "hide banner",
                "emit change",
            ],
        ),
        (
            "another tab wrote the same record: nothing happens",
            site(),
            "/",
            Some(ACCEPTED),
            Input::StoredChanged(stored(Some(ACCEPTED))),
            "/",
            vec![],
        ),
        (
            "another tab cleared storage: the defaults apply and the banner shows again (nothing logged)",
            with(site(), json!({"log": log})),
            "/",
            Some(ACCEPTED),
            Input::StoredChanged(Copies::default()),
            "/",
            vec![
                "ga-disable-G-TEST1=true",
                "set allow_google_signals=false",
                "set allow_ad_personalization_signals=false",
                "update security_storage",
                "erase _ga,_ga_*,_gid,_gat*,_gcl_*,_gac_*",
                "gate necessary",
                "switches necessary",
                "emit change",
                "show banner",
            ],
        ),
        (
            "a notice container mounted after start: the notice drawn, every switch set to the state in force",
            site(),
            "/",
            Some(REFUSED),
            Input::NoticeContainersAdded,
            "/",
            vec!["notice", "switches necessary"],
        ),
        (
            "a notice container mounted on a sensitive page: the visitor's choices, not the page rule, in the switches",
            with(site(), json!({"sensitivePaths": ["/portal/*"]})),
            "/portal/1",
            Some(ACCEPTED),
            Input::NoticeContainersAdded,
            "/portal/1",
            vec!["notice", "switches necessary,functional,analytics,advertising"],
        ),
        (
            "the banner's Accept: every optional category, recorded as the banner's",
            site(),
            "/",
            None,
            Input::Click(Some(Scope::Banner), Action::Accept, vec![]),
            "/",
            decided(&["store"], &ACCEPTED_APPLIED),
        ),
        (
            "the dialog's Save: the switches as set, then the dialog closes",
            site(),
            "/",
            Some(ACCEPTED),
            Input::Click(Some(Scope::Prefs), Action::Save, vec!["functional".into()]),
            "/",
            vec![
                "ga-disable-G-TEST1=true",
                "set allow_google_signals=false",
                "set allow_ad_personalization_signals=false",
                "update functionality_storage,personalization_storage,security_storage",
                "store",
                "erase _ga,_ga_*,_gid,_gat*,_gcl_*,_gac_*",
                "gate necessary,functional",
                "switches necessary,functional",
                "hide banner",
                "emit change",
                "close dialog",
            ],
        ),
        (
            "the notice's Reject: nothing optional, then the notice says it saved (the dialog is not touched)",
            site(),
            "/",
            None,
            Input::Click(Some(Scope::Notice), Action::Reject, vec!["analytics".into()]),
            "/",
            decided(&["store"], &REFUSED_APPLIED).into_iter().chain(["announce Your choices are saved."]).collect(),
        ),
        (
            "the Privacy choices button opens the dialog and decides nothing",
            site(),
            "/",
            Some(ACCEPTED),
            Input::Click(Some(Scope::Reopen), Action::Prefs, vec![]),
            "/",
            vec!["show preferences"],
        ),
        ("the dialog's Close", site(), "/", None, Input::Click(Some(Scope::Prefs), Action::Close, vec![]), "/", vec!["close dialog"]),
        ("the receipt", site(), "/", Some(ACCEPTED), Input::Click(Some(Scope::Notice), Action::Download, vec![]), "/", vec!["download"]),
    ];
    for (name, config, path, rows, input, to, expected) in cases {
        let (mut s, _) = start_with(config, path, rows, NO_SIGNALS);
        let fx = s.input(input, &env(to));
        let got = briefs(&s, &fx);
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn a_visitor_from_a_sensitive_page_is_reported_as_coming_from_the_origin_before_any_tag_loads() {
    let config = with(site(), json!({"sensitivePaths": ["/patient-portal/*"]}));
    let page =
        |referrer: &str| Page { referrer: (referrer.into(), "https://clinic.example".into()), ..page_with(NO_SIGNALS, Some(ACCEPTED)) };
    let (s, fx) = Session::start(read(&config), page("https://clinic.example/patient-portal/results?test=hiv"), &env("/"));
    let fx = briefs(&s, &fx);
    let at = |what: &str| fx.iter().position(|e| e.starts_with(what)).unwrap_or_else(|| panic!("no {what} in {fx:#?}"));
    assert_eq!(fx[at("page_referrer")], "page_referrer https://clinic.example/");
    assert!(at("page_referrer") < at("load G-TEST1"), "{fx:#?}");
    assert!(at("page_referrer") < at("config G-TEST1"), "{fx:#?}");
    // From an ordinary page the browser's referrer stands.
    let (s, fx) = Session::start(read(&config), page("https://clinic.example/news"), &env("/"));
    assert!(!briefs(&s, &fx).iter().any(|e| e.starts_with("page_referrer")));
}

#[test]
fn an_expired_or_future_dated_refusal_still_keeps_a_regions_granted_defaults_off_until_the_visitor_answers() {
    let config = with(site(), json!({"regions": [{"codes": ["US-CA"], "defaults": {"analytics": true, "advertising": true}}]}));
    let page = |copies| Page { region: Some("us-ca"), copies, ..page_with(NO_SIGNALS, None) };
    // Refused 400 days ago: past any lifetime.
    let old = Copies { local: Some(encode(&record("1", NOW - 400 * 86_400_000, REFUSED))), ..Copies::default() };
    let (s, fx) = Session::start(read(&config), page(old), &env("/"));
    let fx = briefs(&s, &fx);
    assert_eq!(s.status, Status::Expired);
    assert!(fx.contains(&"show banner".to_string()), "asked again: {fx:#?}");
    assert!(!fx.iter().any(|e| e.starts_with("load")), "no tag loads on the old refusal: {fx:#?}");
    // Refused with the clock two days fast, back with the right clock: asked again, nothing loads.
    let future = Copies { local: Some(encode(&record("1", NOW + 2 * 86_400_000, REFUSED))), ..Copies::default() };
    let (s, raw) = Session::start(read(&config), page(future), &env("/"));
    let fx = briefs(&s, &raw);
    assert_eq!(s.status, Status::Expired);
    let named = raw.iter().any(|e| matches!(e, Effect::Console(Level::Warn, m) if m.contains("dated in the future")));
    assert!(named, "the console says why it asks again: {fx:#?}");
    assert!(fx.contains(&"show banner".to_string()) && !fx.iter().any(|e| e.starts_with("load")), "{fx:#?}");
    // Without a record the region's defaults do load the tag (the rows above are what kept it off).
    let (s, fx) = Session::start(read(&config), page(Copies::default()), &env("/"));
    assert!(briefs(&s, &fx).iter().any(|e| e.starts_with("load G-TEST1")));
}

#[test]
fn a_page_framed_by_a_sensitive_page_of_the_site_is_sensitive() {
    let config = with(site(), json!({"sensitivePaths": ["/patient-portal/*"]}));
    let page = || page_with(NO_SIGNALS, Some(ACCEPTED));
    let framed = Env { top: ("/patient-portal/results".into(), String::new()), ..env("/widgets/help") };
    let (s, fx) = Session::start(read(&config), page(), &framed);
    assert!(s.sensitive);
    assert!(!briefs(&s, &fx).iter().any(|e| e.starts_with("load")), "no tag in the portal's frame");
    // Framed by an ordinary page (or at the top), the widget is an ordinary page.
    let framed = Env { top: ("/news".into(), String::new()), ..env("/widgets/help") };
    let (s, fx) = Session::start(read(&config), page(), &framed);
    assert!(!s.sensitive && briefs(&s, &fx).iter().any(|e| e.starts_with("load G-TEST1")));
}

#[test]
fn a_decision_keeps_the_browser_id_and_stores_under_gpc() {
    let (mut s, _) = start_with(site(), "/", Some(REFUSED), GPC);
    let fx = s.input(Input::Decide(Some(vec!["advertising".into()]), Method::Api), &env("/"));
    assert!(fx.contains(&Effect::Store), "{:#?}", briefs(&s, &fx));
    let r = s.stored.as_ref().unwrap();
    assert_eq!(r.id, "r1", "the record id carries over");
    assert_eq!(r.choice("advertising").map(|c| (c.granted, c.source)), Some((false, Source::Gpc)));
    assert_eq!(s.status, Status::Decided);
}

/// Starts with the decisions the page asked for before start (`true`: acceptAll, `false`:
/// rejectAll, `[changes]`: setConsent), with `log_stored` as the stored consent-log queue.
fn start_early(
    config: Value,
    rows: Option<&[Row]>,
    early: &[Value],
    pending: Option<&str>,
    log_stored: Option<String>,
) -> (Session, Vec<Effect>) {
    let page = Page { early: Value::from(early).to_json(), pending: pending.map(str::to_owned), ..page_with(NO_SIGNALS, rows) };
    Session::start(read(&config), page, &Env { log_stored, ..env("/") })
}

/// Name, configuration, stored decision, calls before start, the withdrawal an earlier page left
/// pending; the effects expected from the first one on (up to the banner), the stored record's
/// grants, and the calls not taken.
type EarlyCase = (
    &'static str,
    Value,
    Option<&'static [Row<'static>]>,
    Vec<Value>,
    Option<&'static str>,
    Vec<&'static str>,
    Option<&'static str>,
    Vec<usize>,
);

#[test]
fn decisions_asked_for_before_start_are_the_first_decision() {
    let refused: Vec<&str> = decided(&["store"], &REFUSED_APPLIED);
    let pending_analytics = vec![
        "ga-disable-G-TEST1=true",
        "set allow_google_signals=true",
        "set allow_ad_personalization_signals=true",
        "update ad_storage,ad_user_data,ad_personalization,functionality_storage,personalization_storage,security_storage",
        "store",
        "erase _ga,_ga_*,_gid,_gat*",
        "gate necessary,functional,advertising",
        "switches necessary,functional,advertising",
        "hide banner",
        "emit change",
        "pending taken",
        "notice",
    ];
    let huge: &'static str = Box::leak(("* ".repeat(1000) + &"analytics ".repeat(300)).into_boxed_str());
    let cases: Vec<EarlyCase> = vec![
        (
            "rejectAll() before start, everything granted stored: the refusal is applied and stored, no tag loads",
            site(),
            Some(ACCEPTED),
            vec![json!(false)],
            None,
            refused.clone(),
            Some("necessary"),
            vec![],
        ),
        (
            "setConsent({analytics: false, advertising: false}) before start: the change from the stored grant",
            site(),
            Some(ACCEPTED),
            vec![json!([{"analytics": false, "advertising": false}])],
            None,
            vec![
                "ga-disable-G-TEST1=true",
                "set allow_google_signals=false",
                "set allow_ad_personalization_signals=false",
                "update functionality_storage,personalization_storage,security_storage",
                "store",
                "erase _ga,_ga_*,_gid,_gat*,_gcl_*,_gac_*",
                "gate necessary,functional",
            ],
            Some("necessary,functional"),
            vec![],
        ),
        (
            "acceptAll() then rejectAll(): refused, and nothing loaded on the way",
            site(),
            Some(ACCEPTED),
            vec![json!(true), json!(false)],
            None,
            refused.clone(),
            Some("necessary"),
            vec![],
        ),
        (
            "rejectAll() then acceptAll(): accepted, gtag.js loads once",
            site(),
            Some(REFUSED),
            vec![json!(false), json!(true)],
            None,
            decided(&["store"], &ACCEPTED_APPLIED),
            Some("necessary,functional,analytics,advertising"),
            vec![],
        ),
        (
            "an invalid setConsent() is not taken (its call rejects), the withdrawal after it is",
            site(),
            Some(ACCEPTED),
            vec![json!([{"chat": true}]), json!(null), json!(false)],
            None,
            refused.clone(),
            Some("necessary"),
            vec![0],
        ),
        (
            "an empty setConsent({}) and calls that are no decision change nothing: the stored grant applies",
            site(),
            Some(ACCEPTED),
            vec![json!([{}]), json!(null)],
            None,
            ACCEPTED_APPLIED.to_vec(),
            Some("necessary,functional,analytics,advertising"),
            vec![],
        ),
        (
            "a broken configuration: the withdrawal holds for this page, nothing is stored",
            json!({"googleAnalytics": ["UA-1"]}),
            None,
            vec![json!(false)],
            None,
            vec![
                "set allow_google_signals=false",
                "set allow_ad_personalization_signals=false",
                "update security_storage",
                "gate necessary",
                "switches necessary",
                "hide banner",
                "emit change",
                "notice",
            ],
            None,
            vec![],
        ),
        (
            "a broken configuration with a withdrawal left pending: it holds for this page, and is kept for the next",
            json!({"googleAnalytics": ["UA-1"]}),
            None,
            vec![],
            Some("*"),
            vec!["gate necessary", "switches necessary", "hide banner", "emit change", "notice"],
            None,
            vec![],
        ),
        (
            "rejectAll() on an earlier page left before start (pending `*`), everything granted stored: refused and stored, no tag loads, the pending withdrawal deleted",
            site(),
            Some(ACCEPTED),
            vec![],
            Some("*"),
            [&refused[..], &["pending taken", "notice"]].concat(),
            Some("necessary"),
            vec![],
        ),
        (
            "setConsent({analytics: false}) left pending: analytics refused, advertising still granted",
            site(),
            Some(ACCEPTED),
            vec![],
            Some(" analytics "),
            pending_analytics.clone(),
            Some("necessary,functional,advertising"),
            vec![],
        ),
        (
            "a pending withdrawal naming a category the configuration does not have: that id is ignored, the others taken",
            site(),
            Some(ACCEPTED),
            vec![],
            Some("chat analytics"),
            pending_analytics.clone(),
            Some("necessary,functional,advertising"),
            vec![],
        ),
        (
            "a pending withdrawal naming only unknown categories: no decision, the stored grant applies; deleted",
            site(),
            Some(ACCEPTED),
            vec![],
            Some("chat"),
            [&ACCEPTED_APPLIED[..], &["pending taken", "notice"]].concat(),
            Some("necessary,functional,analytics,advertising"),
            vec![],
        ),
        (
            "a malformed pending withdrawal (words that are no id, empty words, a lone `*` inside a word): those are ignored, the id in it taken",
            site(),
            Some(ACCEPTED),
            vec![],
            Some("<b>  analytics \u{0}x *x x* \u{fffd}"),
            pending_analytics,
            Some("necessary,functional,advertising"),
            vec![],
        ),
        (
            "a pending withdrawal longer than the cap, even one of `*`: not one api.js wrote, ignored; deleted",
            site(),
            Some(ACCEPTED),
            vec![],
            Some(huge),
            [&ACCEPTED_APPLIED[..], &["pending taken"]].concat(),
            Some("necessary,functional,analytics,advertising"),
            vec![],
        ),
        (
            "a refusal left pending never grants: analytics refused over a stored refusal stays refused",
            site(),
            Some(REFUSED),
            vec![],
            Some("analytics"),
            [&refused[..], &["pending taken"]].concat(),
            Some("necessary"),
            vec![],
        ),
        (
            "a pending refusal with nothing stored is the decision, like an early rejectAll()",
            site(),
            None,
            vec![],
            Some("*"),
            [&refused[..], &["pending taken"]].concat(),
            Some("necessary"),
            vec![],
        ),
        (
            "a pending refusal comes before this page's calls: its acceptAll() is the later decision (gtag.js once)",
            site(),
            Some(ACCEPTED),
            vec![json!(true)],
            Some("*"),
            [&decided(&["store"], &ACCEPTED_APPLIED)[..], &["pending taken"]].concat(),
            Some("necessary,functional,analytics,advertising"),
            vec![],
        ),
    ];
    for (name, config, rows, early, pending, expected, grants, errors) in cases {
        let (s, fx) = start_early(config, rows, &early, pending, None);
        let got = briefs(&s, &fx);
        let at = got.iter().position(|g| g == expected[0]).unwrap_or_else(|| panic!("{name}: no {:?} in {got:#?}", expected[0]));
        assert_eq!(&got[at..(at + expected.len()).min(got.len())], &expected[..], "{name}: {got:#?}");
        assert_eq!(
            got.iter().filter(|g| g.starts_with("load")).count(),
            usize::from(expected.iter().any(|e| e.starts_with("load"))),
            "{name}: gtag.js at most once"
        );
        let record = s.stored.as_ref().filter(|_| s.status == Status::Decided);
        let granted = record.map(|r| r.choices.iter().filter(|c| c.granted).map(|c| c.category.as_str()).collect::<Vec<_>>().join(","));
        assert_eq!(granted.as_deref(), grants, "{name}");
        assert_eq!(s.early_errors.iter().map(|e| e.0).collect::<Vec<_>>(), errors, "{name}");
        if !errors.is_empty() {
            assert_eq!(s.early_errors[0].1, "setConsent.chat: expected the id of a configured category");
        }
    }
}

/// With a consent log, each decision asked for before start is an event (method `api`), queued
/// after the stored ones and sent with them at start: the page's resend keeps it.
#[test]
fn decisions_asked_for_before_start_are_logged_with_the_queue() {
    let config = with(site(), json!({"log": {"endpoint": "https://log.example/e"}}));
    let (mut s, _) = start_early(config.clone(), None, &[], None, None);
    let earlier = match s.input(Input::Decide(None, Method::Banner), &env("/")).into_iter().find(|e| matches!(e, Effect::Log { .. })) {
        Some(Effect::Log { store, .. }) => store,
        _ => panic!("no log"),
    };
    let (s, fx) = start_early(config, Some(ACCEPTED), &[json!(true), json!(false)], None, Some(earlier));
    let l = logs(&fx);
    assert_eq!(l.len(), 1, "{:#?}", briefs(&s, &fx));
    let lines: Vec<String> = l[0].0.events.iter().map(|e| event_line(&e.json)).collect();
    let user = "necessary:default,functional:user,analytics:user,advertising:user";
    assert_eq!(lines, [format!("decision banner {user}"), format!("decision api {user}"), format!("decision api {user}")]);
    let analytics = |e: &Value| e["choices"].as_array().unwrap().iter().find(|c| c["category"] == "analytics").unwrap()["granted"].clone();
    assert_eq!(l[0].1.iter().map(analytics).collect::<Vec<_>>(), [json!(true), json!(true), json!(false)], "accepted, then refused");
    assert_eq!(l[0].1.len(), 3, "all three sent");
}

/// A withdrawal left pending by an earlier page is logged like an early `rejectAll()` (method
/// `api`), before this page's own early decisions.
#[test]
fn a_pending_withdrawal_is_logged_before_the_pages_own_calls() {
    let config = with(site(), json!({"log": {"endpoint": "https://log.example/e"}}));
    let (s, fx) = start_early(config, Some(ACCEPTED), &[json!(true)], Some("*"), None);
    let l = logs(&fx);
    assert_eq!(l.len(), 1, "{:#?}", briefs(&s, &fx));
    let lines: Vec<String> = l[0].0.events.iter().map(|e| event_line(&e.json)).collect();
    let refused = "necessary:default,functional:user,analytics:user,advertising:user";
    assert_eq!(lines, [format!("decision api {refused}"), format!("decision api {refused}")]);
    let analytics = |e: &Value| e["choices"].as_array().unwrap().iter().find(|c| c["category"] == "analytics").unwrap()["granted"].clone();
    assert_eq!(l[0].1.iter().map(analytics).collect::<Vec<_>>(), [json!(false), json!(true)], "refused, then accepted");
}

#[test]
fn set_consent_table() {
    let (s, _) = start_with(site(), "/", Some(REFUSED), NO_SIGNALS);
    let cases: &[(Value, SetConsentResult)] = &[
        (json!({}), Ok(None)),
        (json!({"analytics": true}), Ok(Some(vec!["necessary", "analytics"]))),
        (json!({"analytics": true, "necessary": false}), Ok(Some(vec!["analytics"]))),
        (json!({"chat": true}), Err("setConsent.chat: expected the id of a configured category")),
        (json!({"analytics": "yes"}), Err("setConsent.analytics: expected true or false")),
        (json!([1]), Err("setConsent: expected an object like {analytics: true}")),
    ];
    for (changes, expected) in cases {
        let got = s.grants_with(&changes.to_json());
        let expected = expected.clone().map(|o| o.map(|v| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>())).map_err(str::to_owned);
        assert_eq!(got, expected, "{changes}");
    }
}

#[test]
fn gpc_covers_a_sites_own_category_when_it_says_so() {
    let config = json!({"categories": [
        {"id": "advertising"},
        {"id": "retargeting", "title": "Retargeting", "gpc": true},
        {"id": "chat", "title": "Chat"}
    ]});
    let (mut s, _) = start_with(config, "/", None, GPC);
    let state = |s: &Session| s.in_force().map(|(c, g, src)| (c.to_owned(), g, src)).collect::<Vec<_>>();
    let expected = |chat: bool, chat_source| {
        vec![
            ("necessary".to_owned(), true, Def),
            ("advertising".to_owned(), false, Source::Gpc),
            ("retargeting".to_owned(), false, Source::Gpc),
            ("chat".to_owned(), chat, chat_source),
        ]
    };
    assert_eq!(state(&s), expected(false, Def));
    // Accepting everything grants what GPC does not cover.
    s.input(Input::Decide(None, Method::Banner), &env("/"));
    assert_eq!(state(&s), expected(true, User));
    // A site's own category governs no Consent Mode type: ad_storage stays denied.
    let fx = s.input(Input::Navigate, &env("/other"));
    assert!(briefs(&s, &fx).contains(&"update security_storage".to_owned()), "{:#?}", briefs(&s, &fx));
}

/// Every Consent Mode command's object is written by `mode` in `src/js/bridge.js` from a state's
/// bits, the stub's first default (`src/js/stub.js`, before the wasm loads) too: `mode`'s types,
/// in order, must be core's (bit `i` for `CONSENT_TYPES[i]`), and the stub's default grant only
/// `security_storage`, with the wait the session assumes.
#[test]
fn the_stub_denies_every_consent_type_core_knows() {
    let bridge = include_str!("../../js/bridge.js");
    let body = bridge
        .split("export const mode = (bits, more) => {")
        .nth(1)
        .and_then(|s| s.split("return {").nth(1))
        // The extra members first, then the state's (they must win over what `more` holds).
        .and_then(|s| s.split("...more,").nth(1))
        .and_then(|s| s.split('}').next())
        .expect("bridge.js's mode");
    let members: Vec<(&str, &str)> = body.split(',').filter_map(|m| m.split_once(':')).map(|(k, v)| (k.trim(), v.trim())).collect();
    let types: Vec<&str> = members.iter().map(|(k, _)| *k).collect();
    assert_eq!(types, crate::core::decide::CONSENT_TYPES);
    for (i, (k, v)) in members.iter().enumerate() {
        assert_eq!(*v, format!("v({i})"), "{k}");
    }
    let stub = include_str!("../../js/stub.js");
    let default = format!(
        "gtag('consent', 'default', mode({}, {{ wait_for_update: o.waitForUpdate == null ? {} : o.waitForUpdate }}));",
        crate::core::decide::SECURITY_STORAGE,
        crate::core::session::STUB_WAIT_FOR_UPDATE
    );
    assert!(stub.contains(&default), "the stub's default command: {default}");
}

/// The `Log` effects in `fx`: (the stored queue, the bodies posted).
fn logs(fx: &[Effect]) -> Vec<(Queue, Vec<Value>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Log { store, send } => Some((
                Queue::read(store).unwrap(),
                send.iter()
                    .map(|e| {
                        let v: Value = serde_json::from_str(&e.json).unwrap();
                        assert_eq!(v["eventId"].as_str(), Some(e.id.as_str()), "the id reported back is the event's");
                        v
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The consent log over a page's life: what is stored and posted, read from the stored text
/// (which the browser hands back as it is) and the hash and deliveries the browser reports.
#[test]
fn the_consent_log_queues_hashes_and_forgets_delivered_events() {
    let config = with(site(), json!({"log": {"endpoint": "https://log.example/e", "pageViews": true}}));
    let hash = "ab".repeat(32);
    let page = |stored: Option<String>| Env { log_stored: stored, ..env("/") };

    // A queue left by an earlier page: one fresh event, one from 31 days ago.
    let mut earlier = Queue::default();
    let old_event = |id: &str, time: u64| {
        let mut q = Queue::default();
        let choices = [crate::core::record::Choice { category: "necessary".into(), granted: true, source: Def }];
        let e = crate::core::log::Event {
            pageview: true,
            event_id: id,
            record_id: None,
            browser_id: "b",
            time,
            revision: "0",
            notice_hash: "",
            choices: &choices,
            signals: NO_SIGNALS,
            language: "en",
            method: None,
            path: Some("/"),
        };
        q.add(&e, time).unwrap().clone()
    };
    earlier.events.push(old_event("old", NOW - 31 * 86_400_000));
    earlier.events.push(old_event("fresh", NOW - 86_400_000));
    let (mut s, fx) = Session::start(read(&config), page_with(NO_SIGNALS, None), &page(Some(earlier.write())));
    // At start: the notice is to be hashed, the queue is resent at once (the expired event
    // unsent and gone), and this page's view waits for the hash.
    assert!(fx.iter().any(
        |e| matches!(e, Effect::LogHash { endpoint, notice } if endpoint == "https://log.example/e" && notice.contains("Google Analytics"))
    ));
    let l = logs(&fx);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].0.events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["fresh"]);
    assert_eq!(l[0].1.iter().map(|v| v["eventId"].as_str().unwrap()).collect::<Vec<_>>(), ["fresh"]);
    let mut stored_now = l[0].0.write();

    // The hash arrives: the page view is queued with it and posted.
    let fx = s.input(Input::NoticeHash(hash.clone()), &page(Some(stored_now.clone())));
    let l = logs(&fx);
    assert_eq!(l[0].1.len(), 1);
    assert_eq!((l[0].1[0]["type"].as_str(), l[0].1[0]["noticeHash"].as_str()), (Some("pageview"), Some(hash.as_str())));
    assert_eq!(l[0].0.events.len(), 2);
    let view_id = l[0].1[0]["eventId"].as_str().unwrap().to_owned();
    stored_now = l[0].0.write();
    // A second hash (a forged call) changes nothing.
    assert!(s.input(Input::NoticeHash("cd".repeat(32)), &page(Some(stored_now.clone()))).is_empty());

    // A 5xx, a 408 and a 429 keep the page view for the next page.
    for status in [0, 500, 503, 408, 429] {
        let fx = s.input(Input::Answered(view_id.clone(), status), &page(Some(stored_now.clone())));
        assert_eq!(logs(&fx)[0].0.events.len(), 2, "kept after {status}");
    }
    // The endpoint answered 2xx to the page view: only it leaves the queue, nothing is posted.
    let fx = s.input(Input::Answered(view_id.clone(), 204), &page(Some(stored_now.clone())));
    let l = logs(&fx);
    assert_eq!(l[0].0.events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["fresh"]);
    assert!(l[0].1.is_empty());
    assert_eq!(l[0].0.dropped, 0, "a delivered event is not dropped");
    // A 400 refuses "fresh" for good: it leaves the queue too, and counts as dropped.
    let fx = s.input(Input::Answered("fresh".into(), 400), &page(Some(l[0].0.write())));
    let l = logs(&fx);
    assert!(l[0].0.events.is_empty());
    assert_eq!(l[0].0.dropped, 1);

    // A decision carries the hash; with storage blocked (nothing read) it is posted all the same.
    let fx = s.input(Input::Decide(None, Method::Banner), &page(None));
    let l = logs(&fx);
    assert_eq!(l[0].0.events.len(), 1, "a queue of its own");
    assert_eq!((l[0].1[0]["method"].as_str(), l[0].1[0]["noticeHash"].as_str()), (Some("banner"), Some(hash.as_str())));
}

#[test]
fn an_unreadable_queue_is_emptied_with_one_warning_and_its_events_are_not_sent() {
    let config = with(site(), json!({"log": {"endpoint": "https://log.example/e"}}));
    let forged = "consent-gate-log/1 0\n1800000000000 x {\"type\":\"decision\"}\n1800000000000 x {\"type\":\"decision\"}".to_owned();
    let page = || Env { log_stored: Some(forged.clone()), ..env("/") };
    let (mut s, fx) = Session::start(read(&config), page_with(GPC, None), &page());
    let warnings =
        |fx: &[Effect]| fx.iter().filter(|e| matches!(e, Effect::Console(Level::Warn, m) if m.contains("consent-gate-log"))).count();
    assert_eq!(warnings(&fx), 1, "{:#?}", briefs(&s, &fx));
    let l = logs(&fx);
    assert!(l[0].0.events.is_empty() && l[0].1.is_empty(), "nothing of it is sent, and it is overwritten");
    // Still unreadable on the next step (another tab wrote it again): no second warning.
    let fx = s.input(Input::NoticeHash(String::new()), &page());
    assert_eq!(warnings(&fx), 0);
    // The signal decision goes out with the hash reported (empty: the browser could not compute it).
    let l = logs(&fx);
    assert_eq!((l[0].1[0]["method"].as_str(), l[0].1[0]["noticeHash"].as_str()), (Some("signal"), Some("")));
}

/// Before the browser has the notice hash (an API call in the same task as start), a decision
/// is queued and posted at once with an empty hash rather than wait.
#[test]
fn a_decision_before_the_hash_is_sent_with_an_empty_one() {
    let config = with(site(), json!({"log": {"endpoint": "https://log.example/e"}}));
    let (mut s, _) = start_with(config, "/", None, NO_SIGNALS);
    let l = logs(&s.input(Input::Decide(None, Method::Api), &env("/")));
    assert_eq!((l[0].1[0]["method"].as_str(), l[0].1[0]["noticeHash"].as_str()), (Some("api"), Some("")));
}

/// Without an endpoint nothing of the log runs: an unreadable queue left in storage (another tab
/// of an older build) gives no warning, and nothing is stored or sent.
#[test]
fn without_an_endpoint_the_queue_is_left_alone() {
    let unreadable = || Env { log_stored: Some("not a queue".into()), ..env("/") };
    let (mut s, fx) = Session::start(read(&site()), page_with(GPC, None), &unreadable());
    let fx: Vec<Effect> = fx
        .into_iter()
        .chain(s.input(Input::Decide(None, Method::Banner), &unreadable()))
        .chain(s.input(Input::Answered("x".into(), 200), &unreadable()))
        .collect();
    assert!(briefs(&s, &fx).iter().all(|b| (!b.starts_with("log ") || b == "log drop") && b != "console Warn"), "{:#?}", briefs(&s, &fx));
    assert!(briefs(&s, &fx).contains(&"log drop".to_owned()));
}

#[test]
fn a_decision_after_an_unheard_route_into_a_sensitive_page_logs_no_path() {
    // The app routed (a getter of the setConsent argument did) and the session did not hear of it:
    // the decision's event must still leave the patient URL out.
    let config = with(site(), json!({"sensitivePaths": ["/portal/*"], "log": {"endpoint": "https://log.example/e"}}));
    for (path, logged) in [("/portal/results", None), ("/shop", Some("/shop"))] {
        let (mut s, _) = start_with(config.clone(), "/", None, NO_SIGNALS);
        let fx = s.input(Input::Decide(Some(vec!["analytics".into()]), Method::Api), &env(path));
        let events: Vec<Value> = logs(&fx).into_iter().flat_map(|l| l.1).collect();
        assert_eq!(events.len(), 1, "{path}");
        assert_eq!(events[0]["path"].as_str(), logged, "{path}: {}", events[0]);
        assert_eq!(s.sensitive, logged.is_none(), "{path}");
    }
}

#[test]
fn debug_prints_the_signals_at_start_and_what_is_allowed_after_each_step() {
    use crate::core::session::Level;
    let info = |fx: &[Effect]| -> Vec<String> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Console(Level::Info, message) => Some(message.clone()),
                _ => None,
            })
            .collect()
    };
    let (mut s, fx) = start_with(with(site(), json!({"debug": true})), "/", None, GPC);
    assert_eq!(
        info(&fx),
        ["consent-gate: Do Not Track unset, Global Privacy Control true", "consent-gate: allowed on this page: necessary"]
    );
    let fx = s.input(Input::Decide(None, Method::Banner), &env("/"));
    // GPC keeps advertising off.
    assert_eq!(info(&fx), ["consent-gate: allowed on this page: necessary, functional, analytics"]);
    // Without `debug` the console stays quiet.
    let (mut s, fx) = start_with(site(), "/", None, GPC);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Console(..))), "{:#?}", briefs(&s, &fx));
    let fx = s.input(Input::Decide(None, Method::Banner), &env("/"));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Console(..))), "{:#?}", briefs(&s, &fx));
}

#[test]
fn the_switch_rows_show_each_categorys_title_description_and_services_in_the_visitors_language() {
    let config = json!({
        "googleAnalytics": ["G-1"],
        "categories": [
            {"id": "analytics", "description": {"en": "Counts visits", "es": "Cuenta visitas"}},
            {"id": "chat", "title": {"en": "Chat", "es": "Charla"}, "required": true}
        ],
        "services": [
            {"name": "Hotjar", "category": "analytics", "description": {"en": "Heatmaps", "es": "Mapas de calor"}},
            {"name": "Crisp", "category": "chat"}
        ]
    });
    let rows = |lang: &str| {
        let page = Page { lang: lang.into(), file_texts: if lang == "en" { vec![] } else { shipped(lang) }, ..page_with(NO_SIGNALS, None) };
        let (s, _) = Session::start(read(&config), page, &env("/"));
        let owned_services =
            |r: &crate::core::view::Row| r.services.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect::<Vec<_>>();
        s.rows()
            .iter()
            .map(|r| (r.id.to_owned(), r.title.to_owned(), r.description.to_owned(), r.required, r.checked, owned_services(r)))
            .collect::<Vec<_>>()
    };
    let owned = |pairs: &[(&str, &str)]| pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect::<Vec<_>>();
    let en = rows("en");
    assert_eq!(en.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["necessary", "analytics", "chat"]);
    // Google Analytics runs under the category that governs analytics_storage, then the site's own.
    let analytics = &en[1];
    assert_eq!((analytics.1.as_str(), analytics.2.as_str(), analytics.3, analytics.4), ("Analytics", "Counts visits", false, false));
    assert_eq!(analytics.5[1..], owned(&[("Hotjar", "Heatmaps")]));
    assert_eq!(analytics.5[0].0, "Google Analytics");
    // A required category is on and cannot be switched; a site's own category lists only its services.
    assert_eq!((en[2].1.as_str(), en[2].3, en[2].4), ("Chat", true, true));
    assert_eq!(en[2].5, owned(&[("Crisp", "")]));
    let es = rows("es");
    assert_eq!((es[1].2.as_str(), es[2].1.as_str()), ("Cuenta visitas", "Charla"));
    assert_eq!(es[1].5[1..], owned(&[("Hotjar", "Mapas de calor")]));
}

/// A shipped language whose file failed (no texts from it) is English throughout: the texts and
/// the `lang` the interface, the state and the record carry. A language the site's own texts add
/// needs no file, and stays.
#[test]
fn a_language_file_that_failed_gives_english_and_says_so_in_lang() {
    let start = |config: Value, lang: &str, file_texts| {
        let page = Page { lang: lang.into(), file_texts, ..page_with(NO_SIGNALS, None) };
        Session::start(read(&config), page, &env("/")).0
    };
    let failed = start(site(), "es", vec![]);
    assert_eq!((failed.texts.lang.as_str(), failed.texts.get(Text::AcceptAll)), ("en", "Accept all"));
    let loaded = start(site(), "es", shipped("es"));
    assert_eq!((loaded.texts.lang.as_str(), loaded.texts.get(Text::AcceptAll)), ("es", "Aceptar todo"));
    let own = with(site(), json!({"language": "he", "texts": {"he": {"acceptAll": "\u{5d0}"}}}));
    assert_eq!(start(own, "he", vec![]).texts.lang, "he");
}

/// An embed placeholder speaks the banner's language in the banner's direction: Arabic from its
/// file is `ar`, right to left; English, and Arabic whose file failed, are `en`, left to right.
#[test]
fn the_embed_placeholder_has_the_banners_language_and_direction() {
    let placeholder = |lang: &str, file_texts| {
        let page = Page { lang: lang.into(), file_texts, ..page_with(NO_SIGNALS, None) };
        let (s, _) = Session::start(read(&site()), page, &env("/"));
        let p = s.placeholder();
        assert_eq!((p[3], p[4]), (s.texts.lang.as_str(), s.texts.dir()), "the banner's lang and dir");
        p[2..].iter().map(|t| (*t).to_owned()).collect::<Vec<_>>()
    };
    let ar = shipped("ar");
    let preferences = ar.iter().find(|(t, _)| *t == Text::Preferences).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(placeholder("ar", ar), [preferences.as_str(), "ar", "rtl"]);
    assert_eq!(placeholder("en", vec![]), ["Preferences", "en", "ltr"]);
    assert_eq!(placeholder("ar", vec![]), ["Preferences", "en", "ltr"]);
}

#[test]
fn a_tag_planned_by_a_step_does_not_run_when_a_hook_withdrew_or_routed_into_a_sensitive_page_meanwhile() {
    let config = with(site(), json!({"sensitivePaths": ["/patient-portal/*"]}));
    let loads = |s: &Session, fx: &[Effect]| briefs(s, fx).iter().filter(|e| e.starts_with("load ")).count();
    for interrupt in ["route", "withdraw"] {
        let (mut s, _) = start_with(config.clone(), "/", None, NO_SIGNALS);
        let fx = s.input(Input::Decide(None, Method::Banner), &env("/"));
        assert_eq!(loads(&s, &fx), 1, "{interrupt}: the accept plans gtag.js");
        assert!(s.tag_may_run(true), "{interrupt}: nothing happened meanwhile");
        // A dataLayer hook called while the accept's effects are carried out.
        let inner = match interrupt {
            "route" => s.input(Input::Navigate, &env("/patient-portal/123")),
            _ => s.input(Input::Decide(Some(vec![]), Method::Api), &env("/")),
        };
        assert_eq!(loads(&s, &inner), 0, "{interrupt}");
        assert!(!s.tag_may_run(true), "{interrupt}: the accept's gtag.js and config do not run");
        assert!(!s.tag_may_run(false), "{interrupt}");
        // A later step that allows the tag loads it (it was not loaded).
        let later = match interrupt {
            "route" => s.input(Input::Navigate, &env("/news")),
            _ => s.input(Input::Decide(None, Method::Api), &env("/")),
        };
        assert_eq!(loads(&s, &later), 1, "{interrupt}: {:#?}", briefs(&s, &later));
    }
}
