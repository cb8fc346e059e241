//! Every decision function, table-driven.

use super::{choices, config, record, strings, Row, BOTH, DNT, GPC, NO_SIGNALS};
use crate::core::config::Config;
use crate::core::cookie::*;
use crate::core::decide::*;
use crate::core::record::{Choice, Method, Record, Source};
use crate::core::signals::{Dnt, Gpc, Signals};
use serde_json::json;

use Source::{Default as Def, Dnt as SDnt, Gpc as SGpc, Region as Reg, User};

const DAY: u64 = 86_400_000;
const NOW: u64 = 1_800_000_000_000;

const GRANT: &[Row] = &[("necessary", true, Def), ("analytics", true, User), ("advertising", false, User)];
const REFUSE: &[Row] = &[("necessary", true, Def), ("analytics", false, User), ("advertising", false, User)];
const ALL: &[Row] = &[("necessary", true, Def), ("functional", true, User), ("analytics", true, User), ("advertising", true, User)];

#[test]
fn status_table() {
    let c = Config::default();
    let cases: &[(Option<Record>, u64, Status)] = &[
        (None, NOW, Status::NoRecord),
        (Some(record("1", NOW, GRANT)), NOW, Status::Decided),
        (Some(record("0", NOW, GRANT)), NOW, Status::RevisionChanged),
        // A revision change wins over expiry.
        (Some(record("0", NOW - 999 * DAY, GRANT)), NOW, Status::RevisionChanged),
        // A grant keeps 365 days, to the millisecond.
        (Some(record("1", NOW - 364 * DAY, GRANT)), NOW, Status::Decided),
        (Some(record("1", NOW - 365 * DAY, GRANT)), NOW, Status::Decided),
        (Some(record("1", NOW - 365 * DAY - 1, GRANT)), NOW, Status::Expired),
        // A refusal keeps 180 days; the always-granted `necessary` does not count as a grant.
        (Some(record("1", NOW - 179 * DAY, REFUSE)), NOW, Status::Decided),
        (Some(record("1", NOW - 180 * DAY - 1, REFUSE)), NOW, Status::Expired),
        (Some(record("1", NOW - 200 * DAY, REFUSE)), NOW, Status::Expired),
        (Some(record("1", NOW - 200 * DAY, GRANT)), NOW, Status::Decided),
        // A grant of a category the configuration no longer has still counts as a grant.
        (Some(record("1", NOW - 200 * DAY, &[("chat", true, User)])), NOW, Status::Decided),
        // A record from the future (forged, or a clock set back) is refused beyond a small skew.
        (Some(record("1", NOW + CLOCK_SKEW_MS, GRANT)), NOW, Status::Decided),
        (Some(record("1", NOW + CLOCK_SKEW_MS + 1, GRANT)), NOW, Status::Expired),
        (Some(record("1", NOW + 10 * DAY, GRANT)), NOW, Status::Expired),
        (Some(record("1", NOW + 10 * DAY, REFUSE)), NOW, Status::Expired),
        // Extreme clocks do not overflow.
        (Some(record("1", 0, GRANT)), 0, Status::Decided),
        (Some(record("1", 0, GRANT)), u64::MAX, Status::Expired),
        (Some(record("1", u64::MAX, GRANT)), 0, Status::Expired),
        (Some(record("1", u64::MAX, GRANT)), u64::MAX, Status::Decided),
    ];
    for (i, (r, now, want)) in cases.iter().enumerate() {
        assert_eq!(status(&c, r.as_ref(), *now), *want, "case {i}");
    }
    // Lifetimes come from the configuration; 0 days keeps a decision for this instant only.
    let c = config(json!({"lifetime": {"granted": 1, "denied": 0}}));
    assert_eq!(status(&c, Some(&record("1", NOW - DAY, GRANT)), NOW), Status::Decided);
    assert_eq!(status(&c, Some(&record("1", NOW - DAY - 1, GRANT)), NOW), Status::Expired);
    assert_eq!(status(&c, Some(&record("1", NOW, REFUSE)), NOW), Status::Decided);
    assert_eq!(status(&c, Some(&record("1", NOW - 1, REFUSE)), NOW), Status::Expired);
}

#[test]
fn banner_shows_unless_decided() {
    for (s, want) in [(Status::Decided, false), (Status::NoRecord, true), (Status::RevisionChanged, true), (Status::Expired, true)] {
        assert_eq!(banner_must_show(s), want, "{s:?}");
    }
}

#[test]
fn signal_policies() {
    let honor = Config::default();
    let logs = config(json!({"signals": {"dnt": "honor", "gpc": "log"}}));
    let cases = [
        (&honor, GPC, true, false),
        (&honor, DNT, false, false),
        (&honor, BOTH, true, false),
        (&honor, Signals { dnt: Dnt::Off, gpc: Gpc::False }, false, false),
        (&logs, GPC, false, false),
        (&logs, DNT, false, true),
        (&logs, BOTH, false, true),
        (&logs, NO_SIGNALS, false, false),
    ];
    for (i, (c, s, gpc, dnt)) in cases.into_iter().enumerate() {
        assert_eq!((gpc_honoured(c, s), dnt_honoured(c, s)), (gpc, dnt), "case {i}");
    }
}

#[test]
fn effective_table() {
    let base = Config::default();
    let gpc_log = config(json!({"signals": {"gpc": "log"}}));
    let overrides = config(json!({"signals": {"choiceOverridesGpc": true}}));
    let dnt_honor = config(json!({"signals": {"dnt": "honor"}}));
    let analytics_on =
        config(json!({"categories": [{"id": "functional", "default": true}, {"id": "analytics", "default": true}, {"id": "advertising"}]}));
    let analytics_on_dnt = config(json!({
        "categories": [{"id": "analytics", "default": true}, {"id": "chat", "title": "Chat", "required": true}],
        "signals": {"dnt": "honor"}
    }));
    let all = record("1", NOW, ALL);
    let refused_ads = record("1", NOW, &[("analytics", true, User), ("advertising", false, User)]);
    // Sources other than `user` in a record are not choices: they are worked out again.
    let from_signal = record("1", NOW, &[("analytics", true, Def), ("advertising", false, SGpc)]);

    let cases: &[(&Config, Option<&Record>, Signals, &[Row])] = &[
        (
            &base,
            None,
            NO_SIGNALS,
            &[("necessary", true, Def), ("functional", false, Def), ("analytics", false, Def), ("advertising", false, Def)],
        ),
        (&base, Some(&all), NO_SIGNALS, ALL),
        // GPC honoured keeps advertising off even against a stored grant ...
        (
            &base,
            Some(&all),
            GPC,
            &[("necessary", true, Def), ("functional", true, User), ("analytics", true, User), ("advertising", false, SGpc)],
        ),
        (
            &base,
            None,
            GPC,
            &[("necessary", true, Def), ("functional", false, Def), ("analytics", false, Def), ("advertising", false, SGpc)],
        ),
        // ... unless the site lets a choice override it, or only logs GPC.
        (&overrides, Some(&all), GPC, ALL),
        (
            &overrides,
            None,
            GPC,
            &[("necessary", true, Def), ("functional", false, Def), ("analytics", false, Def), ("advertising", false, SGpc)],
        ),
        (&gpc_log, Some(&all), GPC, ALL),
        (
            &gpc_log,
            None,
            GPC,
            &[("necessary", true, Def), ("functional", false, Def), ("analytics", false, Def), ("advertising", false, Def)],
        ),
        // A refusal stays the visitor's own.
        (
            &base,
            Some(&refused_ads),
            GPC,
            &[("necessary", true, Def), ("functional", false, Def), ("analytics", true, User), ("advertising", false, User)],
        ),
        (
            &base,
            Some(&from_signal),
            NO_SIGNALS,
            &[("necessary", true, Def), ("functional", false, Def), ("analytics", false, Def), ("advertising", false, Def)],
        ),
        // DNT: logged by default, changes nothing.
        (
            &analytics_on,
            None,
            DNT,
            &[("necessary", true, Def), ("functional", true, Def), ("analytics", true, Def), ("advertising", false, Def)],
        ),
        (
            &analytics_on,
            None,
            BOTH,
            &[("necessary", true, Def), ("functional", true, Def), ("analytics", true, Def), ("advertising", false, SGpc)],
        ),
        // DNT honoured: every optional category off, required ones untouched, GPC named first.
        (&analytics_on_dnt, None, DNT, &[("necessary", true, Def), ("analytics", false, SDnt), ("chat", true, Def)]),
        (&analytics_on_dnt, None, NO_SIGNALS, &[("necessary", true, Def), ("analytics", true, Def), ("chat", true, Def)]),
        (
            &dnt_honor,
            None,
            BOTH,
            &[("necessary", true, Def), ("functional", false, SDnt), ("analytics", false, SDnt), ("advertising", false, SGpc)],
        ),
        // An explicit choice wins over an honoured DNT.
        (&dnt_honor, Some(&all), DNT, ALL),
        (
            &dnt_honor,
            Some(&all),
            BOTH,
            &[("necessary", true, Def), ("functional", true, User), ("analytics", true, User), ("advertising", false, SGpc)],
        ),
    ];
    for (i, (c, r, s, want)) in cases.iter().enumerate() {
        assert_eq!(effective(c, *r, true, *s, None), choices(want), "case {i}");
    }
}

#[test]
fn a_lapsed_record_keeps_its_refusals_not_its_grants() {
    let c = config(json!({"regions": [{"codes": ["US-CA"], "defaults": {"analytics": true, "advertising": true}}]}));
    let lapsed = record("1", NOW, &[("functional", true, User), ("analytics", false, User), ("advertising", false, SGpc)]);
    let e = effective(&c, Some(&lapsed), false, NO_SIGNALS, Some("US-CA"));
    // The refusal stands against the region's default; the grant lapsed; a signal's denial in the
    // record was no choice of the visitor's, so the region's default applies there.
    let want = [("necessary", true, Def), ("functional", false, Def), ("analytics", false, User), ("advertising", true, Reg)];
    assert_eq!(e, choices(&want));
    // A required category is never turned off, even by an old record that refused it.
    let required = config(json!({"categories": [{"id": "necessary"}, {"id": "chat", "title": "Chat", "required": true}]}));
    let e = effective(&required, Some(&record("1", NOW, &[("chat", false, User)])), false, NO_SIGNALS, None);
    assert_eq!(e, choices(&[("necessary", true, Def), ("chat", true, Def)]));
}

#[test]
fn region_defaults_most_specific_wins() {
    let rules = json!([
        {"codes": ["US-WA"], "defaults": {"advertising": false}},
        {"codes": ["US"], "defaults": {"analytics": true, "advertising": true}},
        {"codes": ["US-CA", "US-CO"], "defaults": {"advertising": false, "functional": true}}
    ]);
    let forward = config(json!({"regions": rules}));
    let mut reversed = forward.clone();
    reversed.regions.reverse();
    // (region, [functional, analytics, advertising])
    type Case<'a> = (Option<&'a str>, [(bool, Source); 3]);
    let cases: &[Case] = &[
        (Some("US-WA"), [(false, Def), (true, Reg), (false, Reg)]),
        (Some("US-CA"), [(true, Reg), (true, Reg), (false, Reg)]),
        (Some("US-CO"), [(true, Reg), (true, Reg), (false, Reg)]),
        (Some("US-TX"), [(false, Def), (true, Reg), (true, Reg)]),
        (Some("US"), [(false, Def), (true, Reg), (true, Reg)]),
        (Some("USA"), [(false, Def), (false, Def), (false, Def)]),
        (Some("US-WAX"), [(false, Def), (true, Reg), (true, Reg)]),
        (Some("ES"), [(false, Def), (false, Def), (false, Def)]),
        (Some(""), [(false, Def), (false, Def), (false, Def)]),
        (None, [(false, Def), (false, Def), (false, Def)]),
    ];
    for c in [&forward, &reversed] {
        for (region, want) in cases {
            let rows: Vec<Row> = ["functional", "analytics", "advertising"].iter().zip(want).map(|(c, (g, s))| (*c, *g, *s)).collect();
            let mut all = vec![("necessary", true, Def)];
            all.extend(rows);
            assert_eq!(effective(c, None, true, NO_SIGNALS, *region), choices(&all), "{region:?}");
        }
    }
    // A choice and an honoured GPC both come before a region's default.
    let e = effective(&forward, Some(&record("1", NOW, REFUSE)), true, GPC, Some("US-TX"));
    assert_eq!(
        e,
        choices(&[("necessary", true, Def), ("functional", false, Def), ("analytics", false, User), ("advertising", false, User)])
    );
    let e = effective(&forward, None, true, GPC, Some("US-TX"));
    assert_eq!(e, choices(&[("necessary", true, Def), ("functional", false, Def), ("analytics", true, Reg), ("advertising", false, SGpc)]));
    // A region cannot switch a required category off.
    let c = config(json!({"regions": [{"codes": "US", "defaults": {"necessary": false}}]}));
    assert_eq!(effective(&c, None, true, NO_SIGNALS, Some("US"))[0], choices(&[("necessary", true, Def)])[0]);
}

#[test]
fn may_run_and_allowed() {
    let granted = choices(&[
        ("necessary", true, Def),
        ("functional", true, User),
        ("analytics", true, User),
        ("advertising", true, User),
        ("chat", true, User),
    ]);
    let refused =
        choices(&[("necessary", true, Def), ("functional", false, User), ("analytics", false, User), ("advertising", false, Def)]);
    let cases: &[(&str, &[Choice], bool, bool, bool)] = &[
        ("necessary", &refused, true, false, true),
        ("necessary", &[], false, false, true),
        ("analytics", &granted, false, true, true),
        ("analytics", &granted, true, true, false),
        ("advertising", &granted, true, true, false),
        ("analytics", &granted, false, false, false),
        ("functional", &granted, true, true, true),
        ("functional", &granted, false, false, false),
        ("functional", &refused, true, true, false),
        ("analytics", &refused, false, true, false),
        ("chat", &granted, false, true, true),
        ("chat", &granted, true, true, false),
        ("video", &granted, false, true, false),
    ];
    for (cat, eff, sensitive, ok, want) in cases {
        assert_eq!(may_run(cat, eff, *sensitive, *ok), *want, "{cat} sensitive={sensitive} ok={ok}");
    }
    let c = Config::default();
    assert_eq!(allowed(&c, &granted, false, true), strings(&["necessary", "functional", "analytics", "advertising"]));
    assert_eq!(allowed(&c, &granted, true, true), strings(&["necessary", "functional"]));
    assert_eq!(allowed(&c, &granted, false, false), strings(&["necessary"]));
    assert_eq!(allowed(&c, &refused, false, true), strings(&["necessary"]));
}

#[test]
fn sensitive_pages() {
    let c = config(json!({"sensitivePaths": ["/patient-portal/*", "/*/appointments/*", "/book"]}));
    for (path, want) in [
        ("/patient-portal", true),
        ("/patient-portal/", true),
        ("/Patient-Portal/Login", true),
        ("/patient%2Dportal/x", true),
        ("//patient-portal//x", true),
        ("/clinic/appointments/new", true),
        ("/book", true),
        ("/book/", true),
        ("/", false),
        ("/patient-portals", false),
        ("/books", false),
        ("/news/patient-portal", false),
    ] {
        assert_eq!(is_sensitive(&c, path, ""), want, "{path}");
    }
    assert!(!is_sensitive(&Config::default(), "/patient-portal/", ""));
    // Hash routes count only when the site opts in.
    let hashes = config(json!({"sensitivePaths": ["/patient-portal/*"], "matchHashRoutes": true}));
    #[rustfmt::skip]
    let hash_cases = [
        ("#/patient-portal/x", true), ("#!/Patient-Portal", true), ("#/patient-portal?tab=1", true), ("#/news", false),
        // Routers that leave out the slash (Vue's hash mode, AngularJS).
        ("#patient-portal/x", true), ("#!patient-portal", true), ("#news", false), ("#", false), ("", false),
    ];
    for (hash, want) in hash_cases {
        assert_eq!(is_sensitive(&hashes, "/", hash), want, "{hash}");
        assert!(!is_sensitive(&c, "/", hash), "{hash} without matchHashRoutes");
    }
}

#[test]
fn a_sensitive_page_of_this_site_is_hidden_from_the_next_pages_tags() {
    let c = config(json!({"sensitivePaths": ["/patient-portal/*"]}));
    let o = "https://clinic.example";
    for (referrer, want) in [
        ("https://clinic.example/patient-portal/results?test=hiv", Some("https://clinic.example/")),
        ("https://clinic.example/Patient-Portal", Some("https://clinic.example/")),
        ("https://clinic.example/patient%2Dportal/x#top", Some("https://clinic.example/")),
        ("https://clinic.example/", None),
        ("https://clinic.example/news?from=/patient-portal/", None),
        // Another site's page (also one whose name starts like this one's) is not ours to judge.
        ("https://clinic.example.evil/patient-portal/", None),
        ("https://other.example/patient-portal/", None),
        ("", None),
    ] {
        assert_eq!(hidden_referrer(&c, referrer, o).as_deref(), want, "{referrer}");
    }
}

#[test]
fn only_a_new_path_or_hash_route_is_a_navigation() {
    let plain = Config::default();
    let hashes = config(json!({"matchHashRoutes": true}));
    assert_eq!(route_key(&plain, "/a", "#/x"), route_key(&plain, "/a", ""));
    // Without hash routes an anchor changes nothing; with them it is a route like any other.
    assert_eq!(route_key(&plain, "/a", "#main"), route_key(&plain, "/a", ""));
    assert_ne!(route_key(&hashes, "/a", "#main"), route_key(&hashes, "/a", ""));
    assert_ne!(route_key(&hashes, "/a", "#/x"), route_key(&hashes, "/a", "#/y"));
    assert_ne!(route_key(&plain, "/a", ""), route_key(&plain, "/b", ""));
}

#[test]
fn consent_states() {
    let cases: &[(&[&str], [bool; 7])] = &[
        (&[], [false; 7]),
        (&["necessary"], [false, false, false, false, false, false, true]),
        (&["necessary", "analytics"], [false, false, false, true, false, false, true]),
        (&["functional"], [false, false, false, false, true, true, false]),
        (&["advertising"], [true, true, true, false, false, false, false]),
        (&["necessary", "functional", "analytics", "advertising", "chat"], [true; 7]),
    ];
    for (allowed, want) in cases {
        let bits = want.iter().enumerate().fold(0, |m, (i, g)| m | (u8::from(*g) << i));
        assert_eq!(consent_state(&Config::default(), &strings(allowed)), ConsentState(bits), "{allowed:?}");
    }
    // The state every page starts with (the stub's default): all denied but security.
    let pairs: Vec<(&str, &str)> = consent_state(&Config::default(), &strings(&["necessary"])).pairs().collect();
    assert_eq!(
        pairs,
        [
            ("ad_storage", "denied"),
            ("ad_user_data", "denied"),
            ("ad_personalization", "denied"),
            ("analytics_storage", "denied"),
            ("functionality_storage", "denied"),
            ("personalization_storage", "denied"),
            ("security_storage", "granted"),
        ]
    );
}

#[test]
fn regional_consent_defaults() {
    let c = config(json!({"regions": [
        {"codes": ["US-WA", "US-CA"], "defaults": {"advertising": false, "analytics": true}},
        {"codes": "US", "defaults": {"advertising": true, "functional": true}},
        {"codes": "ES"}
    ]}));
    let got: Vec<(ConsentState, Vec<String>)> = c.regions.iter().map(|r| (regional_default(&c, r), r.codes.clone())).collect();
    assert_eq!(
        got,
        vec![
            (ConsentState(0b100_1000), strings(&["US-WA", "US-CA"])),
            (ConsentState(0b111_0111), strings(&["US"])),
            (consent_state(&Config::default(), &strings(&["necessary"])), strings(&["ES"])),
        ]
    );
    assert!(Config::default().regions.is_empty());
}

const GA_COOKIES: [&str; 4] = ["_ga", "_ga_*", "_gid", "_gat*"];
const ADS_COOKIES: [&str; 2] = ["_gcl_*", "_gac_*"];

/// A [`Plan`] with each tag id's kill switch spelled out, as the session sets them: Google
/// Analytics' first.
#[derive(Debug, Default, PartialEq)]
struct Want {
    stopped: bool,
    load_gtag: bool,
    configure: Vec<String>,
    disable: Vec<(String, bool)>,
    reload: bool,
}

impl Want {
    fn of(c: &Config, p: Plan) -> Want {
        let g = &c.google;
        let mut disable = vec![];
        for (ids, off) in [(&g.analytics_ids, p.disable_analytics), (&g.ads_ids, p.disable_ads)] {
            disable.extend(ids.iter().map(|id| (id.clone(), off)));
        }
        // The ids configured, spelt out per id as before the plan said it per kind.
        let mut configure = vec![];
        for (ids, on) in [(&g.analytics_ids, p.configure_analytics), (&g.ads_ids, p.configure_ads)] {
            if on {
                configure.extend(ids.iter().cloned());
            }
        }
        Want { stopped: p.stopped, load_gtag: p.load_gtag, configure, disable, reload: p.reload }
    }
}

#[test]
fn plan_table() {
    let basic = config(json!({"googleAnalytics": "G-1", "googleAds": "AW-1"}));
    let basic_reload = config(json!({"googleAnalytics": "G-1", "googleAds": "AW-1", "reloadOnWithdraw": true}));
    let advanced = config(json!({"googleAnalytics": "G-1", "googleAds": "AW-1", "consentMode": "advanced"}));
    let ads_only = config(json!({"googleAds": "AW-1"}));
    let ads_only_advanced = config(json!({"googleAds": "AW-1", "consentMode": "advanced"}));
    let no_ids = Config::default();
    let n: &[&str] = &["necessary"];
    let na: &[&str] = &["necessary", "analytics"];
    let nd: &[&str] = &["necessary", "advertising"];
    let nad: &[&str] = &["necessary", "analytics", "advertising"];
    let off = |pairs: &[(&str, bool)]| pairs.iter().map(|(id, off)| ((*id).to_owned(), *off)).collect::<Vec<_>>();

    // (name, config, before, after, gtag_loaded, tags_here, plan)
    type Case<'a> = (&'a str, &'a Config, &'a [&'a str], &'a [&'a str], bool, bool, Want);
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("basic, nothing granted", &basic, n, n, false, true,
            Want { disable: off(&[("G-1", true), ("AW-1", true)]), ..Want::default() }),
        ("basic, first grant of analytics", &basic, n, na, false, true,
            Want { disable: off(&[("G-1", false), ("AW-1", true)]), load_gtag: true, configure: strings(&["G-1"]), ..Want::default() }),
        ("basic, accept all", &basic, n, nad, false, true,
            Want { disable: off(&[("G-1", false), ("AW-1", false)]), load_gtag: true, configure: strings(&["G-1", "AW-1"]), ..Want::default() }),
        ("basic, ads only granted", &basic, n, nd, false, true,
            Want { disable: off(&[("G-1", true), ("AW-1", false)]), load_gtag: true, configure: strings(&["AW-1"]), ..Want::default() }),
        ("basic, stored grant on a fresh page", &basic, &[], na, false, true,
            Want { disable: off(&[("G-1", false), ("AW-1", true)]), load_gtag: true, configure: strings(&["G-1"]), ..Want::default() }),
        ("basic, ads added once gtag runs", &basic, na, nad, true, true,
            Want { disable: off(&[("G-1", false), ("AW-1", false)]), configure: strings(&["AW-1"]), ..Want::default() }),
        ("basic, same state again", &basic, nad, nad, true, true,
            Want { disable: off(&[("G-1", false), ("AW-1", false)]), ..Want::default() }),
        ("basic, analytics granted again after a withdrawal", &basic, n, na, true, true,
            Want { disable: off(&[("G-1", false), ("AW-1", true)]), configure: strings(&["G-1"]), ..Want::default() }),
        ("basic, withdrawal erases cookies", &basic, nad, n, true, true,
            Want { disable: off(&[("G-1", true), ("AW-1", true)]), stopped: true, ..Want::default() }),
        ("basic, withdrawal reloads when asked", &basic_reload, nad, n, true, true,
            Want { disable: off(&[("G-1", true), ("AW-1", true)]), stopped: true, reload: true, ..Want::default() }),
        ("basic, withdrawal without gtag.js (gated scripts ran) also reloads", &basic_reload, nad, n, false, true,
            Want { disable: off(&[("G-1", true), ("AW-1", true)]), stopped: true, reload: true, ..Want::default() }),
        ("basic, nothing withdrawn: no reload", &basic_reload, na, nad, true, true,
            Want { disable: off(&[("G-1", false), ("AW-1", false)]), configure: strings(&["AW-1"]), ..Want::default() }),
        ("ads only, grant", &ads_only, n, nd, false, true,
            Want { disable: off(&[("AW-1", false)]), load_gtag: true, configure: strings(&["AW-1"]), ..Want::default() }),
        ("ads only, analytics grant loads nothing", &ads_only, n, na, false, true,
            Want { disable: off(&[("AW-1", true)]), ..Want::default() }),
        ("no ids, accept all", &no_ids, n, nad, false, true,
            Want::default()),
        // Advanced: GA stays on (cookieless pings) while analytics is denied.
        ("advanced, page start", &advanced, &[], n, false, true,
            Want { disable: off(&[("G-1", false), ("AW-1", true)]), load_gtag: true, configure: strings(&["G-1"]), ..Want::default() }),
        ("advanced, analytics granted later", &advanced, n, na, true, true,
            Want { disable: off(&[("G-1", false), ("AW-1", true)]), ..Want::default() }),
        ("advanced, stored grant at page start", &advanced, &[], nad, false, true,
            Want { disable: off(&[("G-1", false), ("AW-1", false)]), load_gtag: true, configure: strings(&["G-1", "AW-1"]), ..Want::default() }),
        ("advanced, ads granted later", &advanced, na, nad, true, true,
            Want { disable: off(&[("G-1", false), ("AW-1", false)]), configure: strings(&["AW-1"]), ..Want::default() }),
        ("advanced, withdrawal", &advanced, nad, n, true, true,
            Want { disable: off(&[("G-1", false), ("AW-1", true)]), stopped: true, ..Want::default() }),
        ("advanced ads only, page start", &ads_only_advanced, &[], n, false, true,
            Want { disable: off(&[("AW-1", true)]), load_gtag: true, ..Want::default() }),
        // A sensitive page or a broken configuration: no Google tag, not even in advanced mode.
        ("advanced, sensitive page", &advanced, &[], n, false, false,
            Want { disable: off(&[("G-1", true), ("AW-1", true)]), ..Want::default() }),
        ("advanced ads only, sensitive page", &ads_only_advanced, &[], n, false, false,
            Want { disable: off(&[("AW-1", true)]), ..Want::default() }),
        ("basic, broken configuration", &basic, &[], n, false, false,
            Want { disable: off(&[("G-1", true), ("AW-1", true)]), ..Want::default() }),
        ("advanced, withdrawal on a sensitive page", &advanced, nad, n, true, false,
            Want { disable: off(&[("G-1", true), ("AW-1", true)]), stopped: true, ..Want::default() }),
    ];
    for (name, c, before, after, loaded, tags_here, want) in cases {
        assert_eq!(Want::of(c, plan(c, &strings(before), &strings(after), loaded, tags_here)), want, "{name}");
    }
}

#[test]
fn cookies_to_erase_and_matching() {
    let c =
        config(json!({"categories": [{"id": "functional"}, {"id": "analytics"}, {"id": "advertising"}, {"id": "video", "title": "Video"}],
        "services": [
            {"name": "Hotjar", "category": "analytics", "cookies": ["_hj*"]},
            {"name": "Prefs", "category": "functional", "cookies": "site_prefs"},
            {"name": "Player", "category": "video", "cookies": ["vid_*", "VISITOR_INFO1_LIVE"]}
        ]}));
    let mut analytics = GA_COOKIES.to_vec();
    analytics.push("_hj*");
    let cases: &[(&str, &[&str])] = &[
        ("analytics", &analytics),
        ("advertising", &ADS_COOKIES),
        ("functional", &["site_prefs"]),
        ("video", &["vid_*", "VISITOR_INFO1_LIVE"]),
        ("necessary", &[]),
        ("nothing", &[]),
    ];
    for (cat, want) in cases {
        assert_eq!(cookies_to_erase(&c, cat), strings(want), "{cat}");
    }
    // As `document.cookie` lists them.
    let present = "_ga=1; _ga_ABC123=1; _gid=1; consent_gate=1; _hjSession_1=1; _gcl_au=1; ga=1; _gat_UA-1=1; x_ga=1; _gcl_gs=1; _gcl_gf=1; _gcl_ha=1; gcl_x=1";
    assert_eq!(matching_cookies(present, &cookies_to_erase(&c, "analytics")), ["_ga", "_ga_ABC123", "_gid", "_hjSession_1", "_gat_UA-1"]);
    assert_eq!(matching_cookies(present, &cookies_to_erase(&c, "advertising")), ["_gcl_au", "_gcl_gs", "_gcl_gf", "_gcl_ha"]);
    assert!(matching_cookies(present, &[]).is_empty());
    assert!(matching_cookies("", &strings(&["*"])).is_empty());
    assert_eq!(matching_cookies(present, &strings(&["*"])).len(), present.split(';').count());
}

#[test]
fn record_choice_table() {
    let base = Config::default();
    let overrides = config(json!({"signals": {"choiceOverridesGpc": true}}));
    let gpc_log = config(json!({"signals": {"gpc": "log"}}));
    let dnt_honor = config(json!({"signals": {"dnt": "honor"}}));
    let everything = &["functional", "analytics", "advertising"][..];
    let cases: &[(&Config, &[&str], Signals, &[Row])] = &[
        (&base, everything, NO_SIGNALS, ALL),
        (
            &base,
            &[],
            NO_SIGNALS,
            &[("necessary", true, Def), ("functional", false, User), ("analytics", false, User), ("advertising", false, User)],
        ),
        (
            &base,
            &["analytics", "chat"],
            NO_SIGNALS,
            &[("necessary", true, Def), ("functional", false, User), ("analytics", true, User), ("advertising", false, User)],
        ),
        // GPC keeps advertising refused, marked as the signal's doing ...
        (
            &base,
            everything,
            GPC,
            &[("necessary", true, Def), ("functional", true, User), ("analytics", true, User), ("advertising", false, SGpc)],
        ),
        (
            &base,
            &[],
            GPC,
            &[("necessary", true, Def), ("functional", false, User), ("analytics", false, User), ("advertising", false, User)],
        ),
        // ... unless the site lets a choice override it, or only logs GPC.
        (&overrides, everything, GPC, ALL),
        (&gpc_log, everything, BOTH, ALL),
        // An explicit choice is recorded as made, even under an honoured DNT.
        (&dnt_honor, everything, DNT, ALL),
    ];
    for (i, (c, grants, signals, want)) in cases.iter().enumerate() {
        let r = record_choice(c, None, Some(&strings(grants)), Method::Banner, *signals, "es", || "new-id".into(), NOW, "9.9.9");
        assert_eq!(r.choices, choices(want), "case {i}");
        assert_eq!(r.signals, *signals);
        assert_eq!((r.id.as_str(), r.created, r.updated, r.revision.as_str()), ("new-id", NOW, NOW, "1"));
        assert_eq!((r.language.as_str(), r.method, r.sdk_version.as_str()), ("es", Method::Banner, "9.9.9"));
        // What was recorded is what takes effect under the same signals.
        assert_eq!(effective(c, Some(&r), true, *signals, None), r.choices, "case {i}");
    }
}

#[test]
fn record_choice_keeps_id_and_creation_time() {
    let c = Config::default();
    let mut prev = record("0", NOW - 10 * DAY, GRANT);
    prev.id = "old-id".into();
    prev.created = NOW - 20 * DAY;
    let r = record_choice(&c, Some(&prev), Some(&[]), Method::Preferences, NO_SIGNALS, "en", || "new-id".into(), NOW, "1");
    assert_eq!(
        (r.id.as_str(), r.created, r.updated, r.revision.as_str(), r.method),
        ("old-id", NOW - 20 * DAY, NOW, "1", Method::Preferences)
    );
    // An empty stored id is replaced; a creation time after now (clock set back) is clamped.
    prev.id = String::new();
    prev.created = NOW + DAY;
    let r = record_choice(&c, Some(&prev), Some(&[]), Method::Api, NO_SIGNALS, "en", || "new-id".into(), NOW, "1");
    assert_eq!((r.id.as_str(), r.created), ("new-id", NOW));
}

#[test]
fn accepting_all_grants_every_optional_category() {
    // `None` is "Accept all" (`acceptAll()`, the banner's and the dialog's button): every optional
    // category turned on, a required one by default, and GPC still keeps advertising off.
    let accept_all = |c: &Config, signals| record_choice(c, None, None, Method::Banner, signals, "en", || "id".into(), NOW, "1").choices;
    assert_eq!(accept_all(&Config::default(), NO_SIGNALS), choices(ALL));
    let c = config(json!({"categories": [{"id": "analytics", "required": true}, {"id": "chat", "title": "C"}]}));
    assert_eq!(accept_all(&c, NO_SIGNALS), choices(&[("necessary", true, Def), ("analytics", true, Def), ("chat", true, User)]));
    let gpc = accept_all(&Config::default(), GPC);
    assert_eq!(
        gpc,
        choices(&[("necessary", true, Def), ("functional", true, User), ("analytics", true, User), ("advertising", false, SGpc)])
    );
}

#[test]
fn cookie_domains_table() {
    let cases: &[(&str, &[&str])] = &[
        ("www.example.test", &["www.example.test", "example.test"]),
        ("example.test", &["example.test"]),
        ("a.b.example.co.uk", &["a.b.example.co.uk", "b.example.co.uk", "example.co.uk", "co.uk"]),
        ("WWW.Example.TEST.", &["www.example.test.", "example.test."]),
        ("localhost", &[]),
        ("intranet", &[]),
        ("127.0.0.1", &[]),
        ("10.0.0.1.", &[]),
        ("www.example.test", &["www.example.test", "example.test"]),
        ("[::1]", &[]),
        ("[2001:db8::1]", &[]),
        ("", &[]),
        (".", &[]),
    ];
    for (host, want) in cases {
        assert_eq!(cookie_domains(host), strings(want), "{host}");
    }
}

#[test]
fn consent_cookie_table() {
    let base = Config::default();
    let shared = config(json!({"cookie": {"name": "cg", "domain": "example.org", "sameSite": "Strict", "secure": false}}));
    let none = config(json!({"cookie": {"sameSite": "None", "secure": false}}));
    let secure = config(json!({"cookie": {"secure": true}}));
    let cases: &[(&Config, u32, bool, &str)] = &[
        (&base, 180, false, "consent_gate=v; Path=/; Max-Age=15552000; SameSite=Lax"),
        // On https a host-only mirror is `__Host-`: no sibling subdomain can set or shadow it.
        (&base, 365, true, "__Host-consent_gate=v; Path=/; Max-Age=31536000; SameSite=Lax; Secure"),
        (&base, 0, false, "consent_gate=v; Path=/; Max-Age=0; SameSite=Lax"),
        (&shared, 1, true, "cg=v; Path=/; Max-Age=86400; SameSite=Strict; Domain=example.org"),
        (&none, 1, false, "consent_gate=v; Path=/; Max-Age=86400; SameSite=None; Secure"),
        (&secure, 1, false, "consent_gate=v; Path=/; Max-Age=86400; SameSite=Lax; Secure"),
    ];
    for (c, days, https, want) in cases {
        assert_eq!(consent_cookie(c, "v", *days, *https), *want);
    }
}

#[test]
fn both_consent_cookie_names_are_known() {
    assert_eq!(consent_cookie_names(&Config::default()), ["consent_gate", "__Host-consent_gate"]);
    // Expired on `/` everywhere before each save: host-only and every parent domain.
    let stale = expire("consent_gate", "www.example.test", "/", false);
    assert_eq!(
        stale,
        [
            "consent_gate=; Max-Age=0; Path=/",
            "consent_gate=; Max-Age=0; Path=/; Domain=www.example.test",
            "consent_gate=; Max-Age=0; Path=/; Domain=example.test"
        ]
    );
}

#[test]
fn cookie_paths_cover_every_folder_that_can_hold_a_visible_cookie() {
    let cases: &[(&str, &[&str])] = &[
        ("/", &["/"]),
        ("", &["/"]),
        ("/a", &["/", "/a"]),
        ("/a/", &["/", "/a", "/a/"]),
        (
            "/patient-portal/records/x",
            &[
                "/",
                "/patient-portal",
                "/patient-portal/",
                "/patient-portal/records",
                "/patient-portal/records/",
                "/patient-portal/records/x",
            ],
        ),
    ];
    for (path, want) in cases {
        assert_eq!(cookie_paths(path), strings(want), "{path}");
    }
    // Bounded, whatever the URL.
    assert!(cookie_paths(&"/a".repeat(1000)).len() <= 20);
}

#[test]
fn expiry_reaches_the_host_every_parent_domain_and_folder() {
    let all = expire("_ga", "www.example.test", "/a/b", true);
    assert_eq!(all.len(), 4 * 3 * 2);
    for want in [
        "_ga=; Max-Age=0; Path=/; Secure",
        "_ga=; Max-Age=0; Path=/; Domain=example.test; Secure; Partitioned",
        "_ga=; Max-Age=0; Path=/; Domain=example.test; Secure",
        "_ga=; Max-Age=0; Path=/a/; Domain=www.example.test; Secure",
        "_ga=; Max-Age=0; Path=/a/b; Secure",
    ] {
        assert!(all.iter().any(|a| a == want), "{want} in {all:?}");
    }
    assert_eq!(expire("_ga", "127.0.0.1", "/", false), ["_ga=; Max-Age=0; Path=/"]);
}

#[test]
fn cookie_parsing_on_messy_input() {
    let cases: &[(&str, Option<&str>)] = &[
        ("consent_gate=abc", Some("abc")),
        ("a=1; consent_gate=abc; b=2", Some("abc")),
        ("  consent_gate =  abc  ;x=1", Some("abc")),
        ("a=1;consent_gate=abc", Some("abc")),
        ("consent_gate=", Some("")),
        ("consent_gate=a=b", Some("a=b")),
        ("consent_gate=1; consent_gate=2", Some("1")),
        ("consent_gate", None),
        ("xconsent_gate=1; consent_gatex=2", None),
        ("Consent_Gate=1", None),
        ("", None),
        (";;;", None),
        ("=abc; ; =", None),
        ("consent_gate=\"quoted\"", Some("\"quoted\"")),
        ("é=ü; consent_gate=ö", Some("ö")),
    ];
    for (s, want) in cases {
        assert_eq!(cookie_value(s, "consent_gate"), *want, "{s:?}");
    }
    let pairs: Vec<(&str, &str)> = cookie_names_values("a=1; ;b; =x; c==d; d = e f ;e=").collect();
    assert_eq!(pairs, [("a", "1"), ("c", "=d"), ("d", "e f"), ("e", "")]);
}

#[test]
fn lifetime_days_table() {
    let c = config(
        json!({"lifetime": {"granted": 300, "denied": 90}, "categories": [{"id": "analytics"}, {"id": "chat", "title": "C", "required": true}]}),
    );
    let cases: &[(&[Row], u32)] = &[
        (&[("necessary", true, Def), ("analytics", true, User)], 300),
        (&[("necessary", true, Def), ("analytics", false, User)], 90),
        (&[("necessary", true, Def), ("chat", true, Def), ("analytics", false, SGpc)], 90),
        (&[], 90),
        (&[("gone", true, User)], 300),
    ];
    for (rows, want) in cases {
        let r = record("1", NOW, rows);
        assert_eq!(lifetime_days(&c, &r), *want, "{rows:?}");
        // The status agrees with the lifetime.
        let edge = NOW + u64::from(*want) * DAY;
        assert_eq!(status(&c, Some(&r), edge), Status::Decided);
        assert_eq!(status(&c, Some(&r), edge + 1), Status::Expired);
    }
}

#[test]
fn stored_record_trusts_local_storage_and_refuses_the_future() {
    use crate::core::record::{encode, DecodeError};
    let host_only = Config::default();
    let shared = config(json!({"cookie": {"domain": "example.org"}}));
    let old = encode(&record("1", NOW - DAY, REFUSE));
    let new = encode(&record("1", NOW - 1, GRANT));
    let future = encode(&record("1", NOW + DAY, GRANT));
    let corrupt = &old[..old.len() - 2];
    let updated = |r: (Option<Record>, Option<DecodeError>)| (r.0.map(|r| r.updated), r.1);
    // (name, config, local, memory, cookie, (updated of the chosen record, problem)), on http
    type Case<'a> = (&'a str, &'a Config, Option<&'a str>, Option<&'a str>, Option<&'a str>, (Option<u64>, Option<DecodeError>));
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("nothing stored", &host_only, None, None, None, (None, None)),
        ("localStorage is the record", &host_only, Some(&old), None, None, (Some(NOW - DAY), None)),
        ("a host-only cookie on http is never read as a decision", &host_only, None, None, Some(&new), (None, None)),
        ("not even a newer one beside localStorage", &host_only, Some(&old), None, Some(&new), (Some(NOW - DAY), None)),
        ("a shared cookie counts; the newest wins", &shared, Some(&old), None, Some(&new), (Some(NOW - 1), None)),
        ("the page's own copy when storage is blocked", &host_only, None, Some(&new), None, (Some(NOW - 1), None)),
        ("another tab's newer write wins over this page's copy", &host_only, Some(&new), Some(&old), None, (Some(NOW - 1), None)),
        // Refused as a decision (status: expired), kept for its refusals (effective, not decided).
        ("a record from the future is reported, and decides nothing", &host_only, Some(&future), None, None, (Some(NOW + DAY), Some(DecodeError::Future))),
        ("and cannot outrank a real one", &shared, Some(&old), None, Some(&future), (Some(NOW - DAY), None)),
        ("corrupt alone", &host_only, Some(corrupt), None, None, (None, Some(DecodeError::Corrupt))),
        ("corrupt beside a valid copy", &host_only, Some(corrupt), Some(&old), None, (Some(NOW - DAY), None)),
    ];
    for (name, c, local, memory, cookie, want) in cases {
        assert_eq!(updated(stored_record(c, false, *local, *memory, *cookie, NOW)), *want, "{name}");
    }
    // On https the host-only cookie is `__Host-`, which no sibling can set: it keeps the choice
    // when localStorage is blocked or full.
    assert_eq!(updated(stored_record(&host_only, true, None, None, Some(&new), NOW)), (Some(NOW - 1), None));
    assert_eq!(updated(stored_record(&host_only, true, Some(&old), None, Some(&new), NOW)), (Some(NOW - 1), None));
    assert_eq!(status(&host_only, Some(&record("1", NOW + DAY, GRANT)), NOW), Status::Expired);
    assert!(cookie_is_record(&shared, false) && cookie_is_record(&host_only, true) && !cookie_is_record(&host_only, false));
}

#[test]
fn cookies_of_every_denied_category_are_cleared() {
    let c = config(json!({"services": [{"name": "Hotjar", "category": "analytics", "cookies": ["_hj*"]}]}));
    let denied = choices(&[("necessary", true, Def), ("functional", true, User), ("analytics", false, User), ("advertising", false, SGpc)]);
    let mut want = GA_COOKIES.to_vec();
    want.push("_hj*");
    want.extend(ADS_COOKIES);
    assert_eq!(cookies_to_clear(&c, &denied, true), strings(&want));
    // Granted categories keep their cookies, and a broken configuration erases nothing.
    let granted = choices(&[("necessary", true, Def), ("analytics", true, User), ("advertising", false, Def)]);
    assert_eq!(cookies_to_clear(&c, &granted, true), strings(&ADS_COOKIES));
    assert!(cookies_to_clear(&c, &denied, false).is_empty());
}

#[test]
fn reopen_button_only_when_configured_in_its_corner() {
    use crate::core::view::reopen_button;
    assert_eq!(reopen_button(&config(json!({}))), None);
    assert_eq!(reopen_button(&config(json!({"reopenButton": "off"}))), None);
    assert_eq!(reopen_button(&config(json!({"reopenButton": "bottom-left"}))), Some("cg-root"));
    assert_eq!(reopen_button(&config(json!({"reopenButton": "bottom-right"}))), Some("cg-root cg-right"));
    // Sensitive pages do not take it away: the visitor must be able to change their choices there.
    let sensitive = config(json!({"reopenButton": "bottom-left", "sensitivePaths": ["/*"]}));
    assert!(is_sensitive(&sensitive, "/portal", "") && reopen_button(&sensitive).is_some());
}

#[test]
fn the_signal_lines_say_what_the_signals_policy_does() {
    use crate::core::i18n::Text::*;
    use crate::core::view::signal_lines;
    let base = Config::default();
    let gpc_log = config(json!({"signals": {"gpc": "log"}}));
    let dnt_honor = config(json!({"signals": {"dnt": "honor"}}));
    let overrides = config(json!({"signals": {"choiceOverridesGpc": true}}));
    let no_ads = config(json!({"categories": [{"id": "analytics"}]}));
    let all = record("1", NOW, ALL);
    // (config, decision, signals, the notice's two lines, the GPC line in the banner and dialog
    // and `getConsent().gpcHonoured`)
    let cases = [
        (&base, None, NO_SIGNALS, [GpcStatusAbsent, DntStatusAbsent], false),
        (&base, None, BOTH, [GpcStatusHonoured, DntStatusLogged], true),
        (&base, Some(&all), GPC, [GpcStatusHonoured, DntStatusAbsent], true),
        (&gpc_log, None, GPC, [GpcStatusLogged, DntStatusAbsent], false),
        (&dnt_honor, None, DNT, [GpcStatusAbsent, DntStatusHonoured], false),
        (&dnt_honor, None, BOTH, [GpcStatusHonoured, DntStatusHonoured], true),
        // A site that lets a choice override GPC honours it until the visitor grants advertising.
        (&overrides, None, GPC, [GpcStatusHonoured, DntStatusAbsent], true),
        (&overrides, Some(&all), GPC, [GpcStatusLogged, DntStatusAbsent], false),
        // With no category that GPC covers, GPC keeps nothing off.
        (&no_ads, None, GPC, [GpcStatusLogged, DntStatusAbsent], false),
        (&base, None, Signals { dnt: Dnt::Off, gpc: Gpc::False }, [GpcStatusAbsent, DntStatusAbsent], false),
    ];
    for (i, (c, decided, s, lines, gpc_line)) in cases.into_iter().enumerate() {
        let keeps_off = gpc_keeps_off(&effective(c, decided, true, s, None));
        assert_eq!((signal_lines(c, s, keeps_off), keeps_off), (lines, gpc_line), "case {i}");
    }
}
