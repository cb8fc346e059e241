//! The configuration reader: every field, defaults, exact problem lines.

use super::{config, lines, read};
use crate::core::config::*;
use crate::core::i18n::{Text, Texts, ALL, TEXT_COUNT};
use serde_json::{json, Value};

fn loc(pairs: &[(&str, &str)]) -> Localized {
    Localized(pairs.iter().map(|(l, t)| ((*l).to_owned(), (*t).to_owned())).collect())
}

fn plain(s: &str) -> Localized {
    loc(&[("", s)])
}

fn cat(id: &str, title: Localized, description: Localized, required: bool, default: bool) -> Category {
    // What Google documents each built-in category's purposes to map to; GPC covers advertising.
    // Bits in the order of CONSENT_TYPES: ad_storage, ad_user_data, ad_personalization,
    // analytics_storage, functionality_storage, personalization_storage, security_storage.
    let (consent_types, gpc) = match id {
        "necessary" => (0b100_0000, false),
        "functional" => (0b011_0000, false),
        "analytics" => (0b000_1000, false),
        "advertising" => (0b000_0111, true),
        _ => (0, false),
    };
    Category { id: id.into(), title, description, required, default, consent_types, gpc }
}

#[test]
fn empty_object_gives_the_defaults_and_no_problem() {
    let p = read(&json!({}));
    assert!(p.problems.is_empty());
    assert!(!p.has_errors());
    assert_eq!(p.config, Config::default());
    let c = p.config;
    assert_eq!(c.revision, "1");
    assert_eq!(c.language, None);
    assert_eq!(c.privacy_url, None);
    let ids: Vec<&str> = c.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, BUILT_IN_CATEGORIES);
    let flags: Vec<(bool, bool)> = c.categories.iter().map(|c| (c.required, c.default)).collect();
    assert_eq!(flags, [(true, true), (false, false), (false, false), (false, false)]);
    assert!(c.categories.iter().all(|c| c.title.is_empty() && c.description.is_empty()));
    assert_eq!(
        c.google,
        Google {
            analytics_ids: vec![],
            ads_ids: vec![],
            mode: ConsentModeKind::Basic,
            wait_for_update: 500,
            url_passthrough: false,
            ads_data_redaction: true,
        }
    );
    assert!(c.services.is_empty());
    assert_eq!(c.signals, SignalPolicy { dnt: DntPolicy::Log, gpc: GpcPolicy::Honor, choice_overrides_gpc: false });
    assert!(c.sensitive_paths.is_empty() && c.regions.is_empty() && c.texts.is_empty() && c.notice.is_empty());
    assert_eq!(c.lifetime, Lifetime { granted_days: 365, denied_days: 180 });
    assert_eq!(c.cookie, CookieSettings { name: "consent_gate".into(), domain: None, same_site: SameSite::Lax, secure: None });
    assert_eq!(c.log, LogSettings { endpoint: None, page_views: false });
    assert_eq!((c.nonce, c.reload_on_withdraw, c.debug), (None, false, false));
    assert_eq!(c.reopen_button, None);
}

#[test]
fn every_field_is_read() {
    let v = json!({
        "$schema": "/consent-gate.schema.json",
        "revision": "2026-11-01",
        "language": "es",
        "privacyUrl": "/privacy/",
        "categories": [
            {"id": "analytics", "title": {"en": "Stats", "es-MX": "Estadística"}, "description": "Counts visits", "default": true},
            {"id": "advertising", "required": false},
            {"id": "chat", "title": "Chat", "required": true}
        ],
        "googleAnalytics": "G-ABC123",
        "googleAds": ["AW-123456789", "AW-987"],
        "consentMode": "advanced",
        "waitForUpdate": 2000,
        "urlPassthrough": true,
        "adsDataRedaction": false,
        "services": [{"name": "Hotjar", "category": "analytics", "description": {"en": "Heatmaps"}, "cookies": ["_hj*", "_hjid"]}],
        "signals": {"dnt": "honor", "gpc": "log", "choiceOverridesGpc": true},
        "sensitivePaths": ["/patient-portal/*", "/appointments/*"],
        "matchHashRoutes": true,
        "regions": [{"codes": ["US-WA", "US-CA"], "defaults": {"advertising": false, "analytics": true}}, {"codes": "ES", "defaults": {}}],
        "lifetime": {"granted": 400, "denied": 0},
        "cookie": {"name": "cg", "domain": ".Example.ORG", "sameSite": "Strict", "secure": true},
        "log": {"endpoint": "https://log.example.org/consent", "pageViews": true},
        "texts": {"es": {"acceptAll": "Vale"}},
        "notice": {"sections": [{"id": "about", "heading": "About", "blocks": [{"controls": true}]}]},
        "nonce": "abc123",
        "reloadOnWithdraw": true,
        "reopenButton": "bottom-right",
        "debug": true
    });
    let c = config(v);
    let want = Config {
        revision: "2026-11-01".into(),
        language: Some("es".into()),
        privacy_url: Some("/privacy/".into()),
        categories: vec![
            cat("necessary", Localized::default(), Localized::default(), true, true),
            cat("analytics", loc(&[("en", "Stats"), ("es", "Estadística")]), plain("Counts visits"), false, true),
            cat("advertising", Localized::default(), Localized::default(), false, false),
            cat("chat", plain("Chat"), Localized::default(), true, true),
        ],
        google: Google {
            analytics_ids: vec!["G-ABC123".into()],
            ads_ids: vec!["AW-123456789".into(), "AW-987".into()],
            mode: ConsentModeKind::Advanced,
            wait_for_update: 2000,
            url_passthrough: true,
            ads_data_redaction: false,
        },
        services: vec![Service {
            name: "Hotjar".into(),
            category: "analytics".into(),
            description: loc(&[("en", "Heatmaps")]),
            cookies: vec!["_hj*".into(), "_hjid".into()],
        }],
        signals: SignalPolicy { dnt: DntPolicy::Honor, gpc: GpcPolicy::Log, choice_overrides_gpc: true },
        sensitive_paths: vec!["/patient-portal/*".into(), "/appointments/*".into()],
        match_hash_routes: true,
        regions: vec![
            RegionRule {
                codes: vec!["US-WA".into(), "US-CA".into()],
                defaults: vec![("advertising".into(), false), ("analytics".into(), true)],
            },
            RegionRule { codes: vec!["ES".into()], defaults: vec![] },
        ],
        lifetime: Lifetime { granted_days: 400, denied_days: 0 },
        cookie: CookieSettings { name: "cg".into(), domain: Some("example.org".into()), same_site: SameSite::Strict, secure: Some(true) },
        log: LogSettings { endpoint: Some("https://log.example.org/consent".into()), page_views: true },
        texts: vec![("es".into(), vec![(Text::AcceptAll, "Vale".into())])],
        notice: vec![Section { id: Some("about".into()), heading: plain("About"), blocks: vec![Block::Controls] }],
        nonce: Some("abc123".into()),
        reload_on_withdraw: true,
        reopen_button: Some(Placement::BottomRight),
        debug: true,
    };
    assert_eq!(c, want);
}

#[test]
fn scalar_fields_take_each_accepted_form() {
    type Get = fn(&Config) -> String;
    let cases: &[(Value, Get, &str)] = &[
        (json!({"revision": 7}), |c| c.revision.clone(), "7"),
        (json!({"revision": 0}), |c| c.revision.clone(), "0"),
        (json!({"revision": 999_999_999_999_999u64}), |c| c.revision.clone(), "999999999999999"),
        (json!({"revision": 12.0}), |c| c.revision.clone(), "12"),
        (json!({"revision": "x".repeat(64)}), |c| c.revision.len().to_string(), "64"),
        (json!({"consentMode": "basic"}), |c| format!("{:?}", c.google.mode), "Basic"),
        (json!({"waitForUpdate": 0}), |c| c.google.wait_for_update.to_string(), "0"),
        (json!({"waitForUpdate": 10000}), |c| c.google.wait_for_update.to_string(), "10000"),
        (json!({"waitForUpdate": 250.0}), |c| c.google.wait_for_update.to_string(), "250"),
        (json!({"googleAnalytics": []}), |c| c.google.analytics_ids.len().to_string(), "0"),
        (json!({"googleAnalytics": ["G-1", "G-2"]}), |c| c.google.analytics_ids.join(","), "G-1,G-2"),
        (json!({"googleAds": "AW-1_2-x"}), |c| c.google.ads_ids.join(","), "AW-1_2-x"),
        (json!({"sensitivePaths": "/portal/*"}), |c| c.sensitive_paths.join(","), "/portal/*"),
        (json!({"cookie": {"sameSite": "None"}}), |c| format!("{:?}", c.cookie.same_site), "None"),
        (json!({"cookie": {"secure": false}}), |c| format!("{:?}", c.cookie.secure), "Some(false)"),
        (json!({"cookie": {"domain": "sub-1.example.org"}}), |c| format!("{:?}", c.cookie.domain), "Some(\"sub-1.example.org\")"),
        (json!({"log": {"endpoint": "/consent-log"}}), |c| format!("{:?}", c.log.endpoint), "Some(\"/consent-log\")"),
        (json!({"log": {}}), |c| format!("{:?}", c.log), "LogSettings { endpoint: None, page_views: false }"),
        (json!({"signals": {}}), |c| format!("{:?}", c.signals.gpc), "Honor"),
        (json!({"lifetime": {"granted": 30}}), |c| format!("{:?}", c.lifetime), "Lifetime { granted_days: 30, denied_days: 180 }"),
        (json!({"privacyUrl": "mailto:dpo@example.org"}), |c| format!("{:?}", c.privacy_url), "Some(\"mailto:dpo@example.org\")"),
    ];
    for (v, get, want) in cases {
        let c = config(v.clone());
        assert_eq!(get(&c), *want, "{v}");
    }
}

/// Each input gives exactly these problem lines, in this order.
#[test]
fn problems_name_their_exact_path() {
    let cases: &[(Value, &[&str])] = &[
        (json!(42), &["error: config: expected an object, got 42"]),
        (json!([]), &["error: config: expected an object, got an array"]),
        (json!(null), &["error: config: expected an object, got null"]),
        // An unknown top-level field is an error: a misspelt `sensitivePaths` would leave pages unprotected.
        (json!({"revison": "2"}), &["error: revison: unknown field (did you mean \"revision\"?)"]),
        (json!({"sensitivePath": ["/x"]}), &["error: sensitivePath: unknown field (did you mean \"sensitivePaths\"?)"]),
        (json!({"SensitivePaths": ["/x"]}), &["error: SensitivePaths: unknown field (did you mean \"sensitivePaths\"?)"]),
        (json!({"colour": 1}), &["error: colour: unknown field (is it misspelt?)"]),
        (json!({"": 1}), &["error: \"\": unknown field (is it misspelt?)"]),
        (json!({"signals": {"": 1}}), &["warning: signals.\"\": unknown field, ignored (is it misspelt?)"]),
        (json!({"revision": ""}), &["error: revision: expected a non-empty string of at most 64 characters, got \"\""]),
        (json!({"revision": 1.5}), &["error: revision: expected a non-empty string of at most 64 characters, got 1.5"]),
        (json!({"revision": -1}), &["error: revision: expected a non-empty string of at most 64 characters, got -1"]),
        (
            json!({"revision": 1_000_000_000_000_000u64}),
            &["error: revision: expected a non-empty string of at most 64 characters, got 1000000000000000"],
        ),
        // Too many digits for a u64: not read as a number at all.
        (json!({"waitForUpdate": 1e20}), &["error: waitForUpdate: expected a whole number from 0 to 10000, got 100000000000000000000"]),
        (json!({"revision": true}), &["error: revision: expected a non-empty string of at most 64 characters, got true"]),
        (
            json!({"revision": "x".repeat(65)}),
            &["error: revision: expected a non-empty string of at most 64 characters, got \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"],
        ),
        (json!({"language": 5}), &["error: language: expected a string, got 5"]),
        (json!({"nonce": {}}), &["error: nonce: expected a string, got an object"]),
        (json!({"categories": {}}), &["error: categories: expected an array of categories, got an object"]),
        (
            json!({"categories": [{"id": "necessary"}, {"id": "analytics"}, {"id": 42}]}),
            &["error: categories[2].id: expected a lowercase id of letters, digits, '-' or '_', got 42"],
        ),
        (
            json!({"categories": [{"id": "Chat", "title": "C"}]}),
            &["error: categories[0].id: expected a lowercase id of letters, digits, '-' or '_', got \"Chat\""],
        ),
        (json!({"categories": [{"id": ""}]}), &["error: categories[0].id: expected a lowercase id of letters, digits, '-' or '_', got \"\""]),
        (json!({"categories": [{"title": "x"}]}), &["error: categories[0].id: expected a category id, got nothing"]),
        (json!({"categories": [5]}), &["error: categories[0]: expected an object, got 5"]),
        (
            json!({"categories": [{"id": "analytics"}, {"id": "analytics"}]}),
            &["error: categories[1].id: expected an id not used before, got \"analytics\""],
        ),
        (json!({"categories": [{"id": "chat"}]}), &["error: categories[0].title: expected a title for a category that is not built in, got nothing"]),
        (json!({"categories": [{"id": "necessary", "required": false}]}), &["warning: categories[0].required: the necessary category is always required"]),
        (json!({"categories": [{"id": "analytics", "default": "yes"}]}), &["error: categories[0].default: expected true or false, got \"yes\""]),
        (json!({"categories": [{"id": "analytics", "titel": "A"}]}), &["warning: categories[0].titel: unknown field, ignored (did you mean \"title\"?)"]),
        (
            json!({"categories": [{"id": "analytics", "title": 5}]}),
            &["error: categories[0].title: expected a string or an object of strings by language, got 5"],
        ),
        (json!({"categories": [{"id": "analytics", "description": {"en": "A", "es": 5}}]}), &["error: categories[0].description.es: expected a string, got 5"]),
        (json!({"googleAnalytics": "UA-123-1"}), &["error: googleAnalytics: expected a GA4 measurement id like \"G-XXXXXXX\", got \"UA-123-1\""]),
        (json!({"googleAnalytics": ["G-1", 5]}), &["error: googleAnalytics[1]: expected a GA4 measurement id like \"G-XXXXXXX\", got 5"]),
        (json!({"googleAnalytics": "G-"}), &["error: googleAnalytics: expected a GA4 measurement id like \"G-XXXXXXX\", got \"G-\""]),
        (json!({"googleAnalytics": "G-a b"}), &["error: googleAnalytics: expected a GA4 measurement id like \"G-XXXXXXX\", got \"G-a b\""]),
        (
            json!({"googleAnalytics": 5}),
            &["error: googleAnalytics: expected a GA4 measurement id like \"G-XXXXXXX\" or an array of them, got 5"],
        ),
        (json!({"googleAds": "G-1"}), &["error: googleAds: expected a Google Ads id like \"AW-123456789\", got \"G-1\""]),
        (json!({"consentMode": "full"}), &["error: consentMode: expected one of \"basic\", \"advanced\", got \"full\""]),
        (json!({"consentMode": "Basic"}), &["error: consentMode: expected one of \"basic\", \"advanced\", got \"Basic\""]),
        (json!({"waitForUpdate": 10001}), &["error: waitForUpdate: expected a whole number from 0 to 10000, got 10001"]),
        (json!({"waitForUpdate": 1.5}), &["error: waitForUpdate: expected a whole number from 0 to 10000, got 1.5"]),
        (json!({"waitForUpdate": -1}), &["error: waitForUpdate: expected a whole number from 0 to 10000, got -1"]),
        (json!({"waitForUpdate": "500"}), &["error: waitForUpdate: expected a whole number from 0 to 10000, got \"500\""]),
        (json!({"urlPassthrough": "yes"}), &["error: urlPassthrough: expected true or false, got \"yes\""]),
        (json!({"adsDataRedaction": 0}), &["error: adsDataRedaction: expected true or false, got 0"]),
        (json!({"reloadOnWithdraw": null}), &["error: reloadOnWithdraw: expected true or false, got null"]),
        (json!({"debug": "true"}), &["error: debug: expected true or false, got \"true\""]),
        (json!({"reopenButton": true}), &["error: reopenButton: expected one of \"off\", \"bottom-left\", \"bottom-right\", got true"]),
        (json!({"reopenButton": "top-left"}), &["error: reopenButton: expected one of \"off\", \"bottom-left\", \"bottom-right\", got \"top-left\""]),
        (json!({"services": {}}), &["error: services: expected an array of services, got an object"]),
        (json!({"services": [1]}), &["error: services[0]: expected an object, got 1"]),
        (json!({"services": [{"category": "analytics"}]}), &["error: services[0].name: expected a service name, got nothing"]),
        (json!({"services": [{"name": "X"}]}), &["error: services[0].category: expected a category id, got nothing"]),
        (json!({"services": [{"name": "X", "category": "chat"}]}), &["error: services[0].category: expected the id of a configured category, got \"chat\""]),
        (json!({"services": [{"name": "X", "category": 3}]}), &["error: services[0].category: expected a string, got 3"]),
        // A name of the wrong type is one problem, not two (it was also reported as missing).
        (json!({"services": [{"name": 42, "category": "analytics"}]}), &["error: services[0].name: expected a string, got 42"]),
        (
            json!({"services": [{"name": "X", "category": "analytics", "cookies": ["ok", "a b", "x;y"]}]}),
            &[
                "error: services[0].cookies[1]: expected a cookie name, '*' matching any characters, got \"a b\"",
                "error: services[0].cookies[2]: expected a cookie name, '*' matching any characters, got \"x;y\"",
            ],
        ),
        (json!({"signals": "honor"}), &["error: signals: expected an object, got \"honor\""]),
        (
            json!({"signals": {"dnt": "respect", "gpc": true, "choiceOverridesGpc": "no", "extra": 1}}),
            &[
                "warning: signals.extra: unknown field, ignored (is it misspelt?)",
                "error: signals.dnt: expected one of \"log\", \"honor\", got \"respect\"",
                "error: signals.gpc: expected one of \"honor\", \"log\", got true",
                "error: signals.choiceOverridesGpc: expected true or false, got \"no\"",
            ],
        ),
        (json!({"sensitivePaths": "patient"}), &["error: sensitivePaths: expected a path pattern starting with \"/\", got \"patient\""]),
        (json!({"sensitivePaths": ["/a", 1]}), &["error: sensitivePaths[1]: expected a path pattern starting with \"/\", got 1"]),
        (
            json!({"sensitivePaths": {}}),
            &["error: sensitivePaths: expected a path pattern starting with \"/\" or an array of them, got an object"],
        ),
        (json!({"regions": "US"}), &["error: regions: expected an array of region rules, got \"US\""]),
        (json!({"regions": [{"defaults": {}}]}), &["error: regions[0].codes: expected region codes, got nothing"]),
        (json!({"regions": [{"codes": "US", "defaults": []}]}), &["error: regions[0].defaults: expected an object, got an array"]),
        (
            json!({"regions": [{"codes": ["US-WA", "us-ca", "USA", "US-", "US-CA-X"], "defaults": {"advertising": false, "chat": true, "analytics": "no"}}]}),
            &[
                "error: regions[0].codes[1]: expected an ISO 3166-2 code like \"US-WA\", got \"us-ca\"",
                "error: regions[0].codes[2]: expected an ISO 3166-2 code like \"US-WA\", got \"USA\"",
                "error: regions[0].codes[3]: expected an ISO 3166-2 code like \"US-WA\", got \"US-\"",
                "error: regions[0].codes[4]: expected an ISO 3166-2 code like \"US-WA\", got \"US-CA-X\"",
                "error: regions[0].defaults.analytics: expected true or false, got \"no\"",
                "error: regions[0].defaults.chat: expected the id of a configured category, got \"chat\"",
            ],
        ),
        // An unknown field next to `defaults` is still reported, though its name starts the same.
        (
            json!({"regions": [{"codes": "US", "defaults": {"analytics": true}, "defaultsForKids": {}}]}),
            &["warning: regions[0].defaultsForKids: unknown field, ignored (is it misspelt?)"],
        ),
        (json!({"lifetime": 30}), &["error: lifetime: expected an object, got 30"]),
        (
            json!({"lifetime": {"granted": 401, "denied": -1}}),
            &[
                "error: lifetime.granted: expected a whole number from 0 to 400, got 401",
                "error: lifetime.denied: expected a whole number from 0 to 400, got -1",
            ],
        ),
        (
            json!({"cookie": {"name": "a b", "domain": "http://x", "sameSite": "lax", "secure": "yes"}}),
            &[
                "error: cookie.name: expected a cookie name, got \"a b\"",
                "error: cookie.domain: expected a domain name like \"example.org\", got \"http://x\"",
                "error: cookie.sameSite: expected one of \"Lax\", \"Strict\", \"None\", got \"lax\"",
                "error: cookie.secure: expected true or false, got \"yes\"",
            ],
        ),
        (json!({"cookie": {"name": "cg*"}}), &["error: cookie.name: expected a cookie name, got \"cg*\""]),
        (json!({"cookie": {"name": ""}}), &["error: cookie.name: expected a cookie name, got \"\""]),
        (json!({"cookie": {"domain": ""}}), &["error: cookie.domain: expected a domain name like \"example.org\", got \"\""]),
        // Dots alone would leave an empty `Domain=` attribute.
        (json!({"cookie": {"domain": "."}}), &["error: cookie.domain: expected a domain name like \"example.org\", got \".\""]),
        (json!({"cookie": []}), &["error: cookie: expected an object, got an array"]),
        (json!({"log": {"endpoint": "javascript:x"}}), &["error: log.endpoint: expected an http(s), mailto or relative link, got \"javascript:x\""]),
        // Events cannot be sent to a mail address: say so rather than drop the endpoint silently.
        (json!({"log": {"endpoint": "mailto:a@example.org"}}), &["error: log.endpoint: expected an http(s) or relative URL, got \"mailto:a@example.org\""]),
        (json!({"log": {"pageViews": 1}}), &["error: log.pageViews: expected true or false, got 1"]),
        (json!({"texts": []}), &["error: texts: expected an object of texts by language, got an array"]),
        (
            json!({"texts": {"es": {"acceptAll": "Vale", "acceptAl": "x", "save": 5}, "it": {"acceptAll": "Accetta tutto"}, "de": "x"}}),
            &[
                "error: texts.de: expected an object of texts, got \"x\"",
                "warning: texts.es.acceptAl: unknown text name, ignored (is it misspelt?)",
                "error: texts.es.save: expected a string, got 5",
                "warning: texts.it: 35 texts missing for a language that is not shipped; they stay in English",
            ],
        ),
        (json!({"notice": []}), &["error: notice: expected an object, got an array"]),
        (json!({"notice": {"sections": {}}}), &["error: notice.sections: expected an array of sections, got an object"]),
        (json!({"notice": {"section": []}}), &["warning: notice.section: unknown field, ignored (did you mean \"sections\"?)"]),
        (json!({"notice": {"sections": ["x"]}}), &["error: notice.sections[0]: expected an object, got \"x\""]),
        (json!({"notice": {"sections": [{"blocks": "x"}]}}), &["error: notice.sections[0].blocks: expected an array of blocks, got \"x\""]),
        (json!({"notice": {"sections": [{"heading": 1}]}}), &["error: notice.sections[0].heading: expected a string or an object of strings by language, got 1"]),
        (
            json!({"notice": {"sections": [{"blocks": [{}, 5, {"list": "x"}, {"para": "x"}, {"p": {"href": "javascript:x"}}, {"p": [{"href": "/a", "txt": "A"}]}]}]}}),
            &[
                "error: notice.sections[0].blocks[0]: expected an object with one of \"p\", \"h3\", \"list\", \"controls\", \"signals\", got an object",
                "error: notice.sections[0].blocks[1]: expected an object, got 5",
                "error: notice.sections[0].blocks[2].list: expected an array of list items, got \"x\"",
                "warning: notice.sections[0].blocks[3].para: unknown field, ignored (is it misspelt?)",
                "error: notice.sections[0].blocks[3]: expected an object with one of \"p\", \"h3\", \"list\", \"controls\", \"signals\", got an object",
                "error: notice.sections[0].blocks[4].p.href: expected an http(s), mailto or relative link, got \"javascript:x\"",
                "warning: notice.sections[0].blocks[5].p[0].txt: unknown field, ignored (did you mean \"text\"?)",
            ],
        ),
    ];
    let mut wrong = vec![];
    for (v, want) in cases {
        let p = read(v);
        if lines(&p) != *want || p.has_errors() != want.iter().any(|l| l.starts_with("error")) {
            wrong.push(format!("{v}\n  got:  {:?}\n  want: {want:?}", lines(&p)));
        }
    }
    assert!(wrong.is_empty(), "{} of {} cases differ:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

#[test]
fn problems_are_collected_not_stopped_at_the_first() {
    let p = read(&json!({
        "revision": "",
        "categories": [{"id": 1}, {"id": "analytics"}],
        "googleAnalytics": "UA-1",
        "consentMode": "x",
        "regions": [{"codes": "US", "defaults": {"analytics": "no", "necessary": true}}],
        "lifetime": {"granted": 999},
        "colour": "red",
        "cookie": {"name": "a b", "secure": "yes"}
    }));
    let paths: Vec<(&str, bool)> = p.problems.iter().map(|x| (x.path.as_str(), x.is_error)).collect();
    assert_eq!(
        paths,
        [
            ("colour", true),
            ("revision", true),
            ("categories[0].id", true),
            ("googleAnalytics", true),
            ("consentMode", true),
            ("regions[0].defaults.analytics", true),
            ("lifetime.granted", true),
            ("cookie.name", true),
            ("cookie.secure", true),
        ]
    );
    assert!(p.has_errors());
    // What was valid is still read; what was not keeps its default.
    let ids: Vec<&str> = p.config.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["necessary", "analytics"]);
    assert_eq!((p.config.revision.as_str(), p.config.lifetime.granted_days), ("1", 365));
    assert!(p.config.google.analytics_ids.is_empty());
    assert_eq!(p.config.regions[0].defaults, [("necessary".to_owned(), true)]);
    assert_eq!(p.config.cookie.secure, None);
}

/// The member names of the schema object at `pointer` in `schemas/consent-gate.schema.json`.
fn schema_members(pointer: &str) -> Vec<String> {
    let schema: Value = serde_json::from_str(include_str!("../../../schemas/consent-gate.schema.json")).unwrap();
    let object = schema.pointer(pointer).unwrap_or_else(|| panic!("no {pointer} in the schema"));
    assert_eq!(object["additionalProperties"], json!(false), "{pointer}");
    object["properties"].as_object().unwrap().keys().cloned().collect()
}

#[test]
fn the_reader_knows_exactly_the_schema_members() {
    let lists: &[(&str, &str)] = &[
        ("", TOP_FIELDS),
        ("/properties/signals", SIGNALS_FIELDS),
        ("/properties/lifetime", LIFETIME_FIELDS),
        ("/properties/cookie", COOKIE_FIELDS),
        ("/properties/log", LOG_FIELDS),
        ("/properties/categories/items", CATEGORY_FIELDS),
        ("/properties/services/items", SERVICE_FIELDS),
        ("/properties/regions/items", REGION_FIELDS),
        ("/properties/notice", NOTICE_FIELDS),
        ("/properties/notice/properties/sections/items", SECTION_FIELDS),
        ("/definitions/block", BLOCK_FIELDS),
        ("/definitions/inline/oneOf/1", LINK_FIELDS),
    ];
    for (pointer, known) in lists {
        let mut schema = schema_members(pointer);
        let mut reader: Vec<String> = known.split(' ').map(str::to_owned).collect();
        schema.sort();
        reader.sort();
        assert_eq!(reader, schema, "{pointer}");
    }
}

#[test]
fn unknown_nested_fields_are_warnings_and_top_level_ones_errors() {
    let p = read(&json!({"debugg": true}));
    assert!(p.has_errors());
    assert_eq!(p.problems[0].message, "unknown field (did you mean \"debug\"?)");
    for v in [
        json!({"signals": {"gcp": "log"}}),
        json!({"lifetime": {"grant": 3}}),
        json!({"cookie": {"path": "/"}}),
        json!({"log": {"url": "/x"}}),
        json!({"services": [{"name": "X", "category": "analytics", "url": "x"}]}),
        json!({"regions": [{"codes": "US", "note": "x"}]}),
        json!({"notice": {"sections": [{"title": "x"}]}}),
        // The known names are kept in one space-separated string: two of them with their space
        // are not one of them, nor is an empty name.
        json!({"lifetime": {"granted denied": 3}}),
        json!({"lifetime": {"": 3}}),
    ] {
        let p = read(&v);
        assert_eq!(p.problems.len(), 1, "{v}");
        assert!(!p.has_errors(), "{v}");
        assert!(p.problems[0].message.starts_with("unknown field"), "{v}");
    }
    assert!(read(&json!({"$schema": "x"})).problems.is_empty());
    assert!(read(&json!({"$schema revision": "x"})).has_errors());
}

#[test]
fn unsafe_links_are_errors() {
    let unsafe_links = [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "\u{a0}javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:x",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https:evil.example",
        "/ok\u{0}",
        "",
    ];
    for href in unsafe_links {
        assert!(!is_safe_href(href), "{href:?}");
        for (v, path) in [
            (json!({"privacyUrl": href}), "privacyUrl"),
            (json!({"log": {"endpoint": href}}), "log.endpoint"),
            (json!({"notice": {"sections": [{"blocks": [{"p": {"href": href, "text": "x"}}]}]}}), "notice.sections[0].blocks[0].p.href"),
        ] {
            let p = read(&v);
            assert!(p.has_errors(), "{v}");
            assert_eq!(p.problems[0].path, path, "{v}");
            assert!(p.config.privacy_url.is_none() && p.config.log.endpoint.is_none(), "{v}");
            assert!(p.config.notice.iter().all(|s| s.blocks == [Block::Paragraph(vec![])]), "{v}");
        }
    }
    for href in [
        "https://example.org/privacy",
        "HTTP://example.org",
        "mailto:dpo@example.org",
        "/privacy/",
        "privacy.html",
        "./a:b",
        "a/b:c",
        "?q=1",
        "#top",
        "https://example.org/x\\y",
    ] {
        assert!(is_safe_href(href), "{href:?}");
        assert_eq!(read(&json!({"privacyUrl": href})).config.privacy_url.as_deref(), Some(href));
    }
}

#[test]
fn region_codes() {
    for (code, ok) in [
        ("US", true),
        ("US-WA", true),
        ("ES-CT", true),
        ("FR-75", true),
        ("GB-ENG", true),
        ("us", false),
        ("US-wa", false),
        ("USA", false),
        ("U", false),
        ("US-", false),
        ("US-ABCD", false),
        ("US_WA", false),
        ("US-WA-X", false),
        ("", false),
        ("-WA", false),
        ("ÜS", false),
    ] {
        assert_eq!(is_region_code(code), ok, "{code}");
    }
}

#[test]
fn categories_keep_order_and_necessary_is_always_first_and_required() {
    let c = config(json!({"categories": [{"id": "analytics"}, {"id": "custom_1", "title": "C", "default": true}]}));
    let got: Vec<(&str, bool, bool)> = c.categories.iter().map(|c| (c.id.as_str(), c.required, c.default)).collect();
    assert_eq!(got, [("necessary", true, true), ("analytics", false, false), ("custom_1", false, true)]);
    let c = read(&json!({"categories": [{"id": "analytics"}, {"id": "necessary", "required": false, "default": false}]})).config;
    let got: Vec<(&str, bool, bool)> = c.categories.iter().map(|c| (c.id.as_str(), c.required, c.default)).collect();
    assert_eq!(got, [("analytics", false, false), ("necessary", true, true)]);
    // An invalid array leaves the built-in categories.
    assert_eq!(read(&json!({"categories": "x"})).config.categories, Config::default().categories);
    // Services are checked against the categories actually configured.
    let p = read(&json!({"categories": [{"id": "analytics"}], "services": [{"name": "Ads", "category": "advertising"}]}));
    assert_eq!(lines(&p), ["error: services[0].category: expected the id of a configured category, got \"advertising\""]);
    assert!(p.config.services.is_empty());
}

#[test]
fn titles_and_descriptions_fall_back_to_built_in_texts() {
    let c = config(json!({
        "categories": [
            {"id": "analytics", "title": {"en": "Stats", "es": "Estadística"}},
            {"id": "advertising", "description": "Ads"},
            {"id": "chat", "title": {"fr": "Discussion"}}
        ]
    }));
    let en = Texts::new("en", vec![]);
    let es = super::shipped_texts("es");
    let de = Texts::new("de", vec![]);
    let rows = [
        ("necessary", &en, "Strictly necessary", "Needed for the site to work and to remember your choices. Always on."),
        ("analytics", &en, "Stats", "Helps us understand how visitors use the site, in aggregate, so we can improve it."),
        ("analytics", &es, "Estadística", "Nos ayuda a entender, de forma agregada, cómo se usa el sitio para mejorarlo."),
        ("analytics", &de, "Stats", "Helps us understand how visitors use the site, in aggregate, so we can improve it."),
        ("advertising", &es, "Publicidad", "Ads"),
        ("chat", &en, "Discussion", ""),
    ];
    for (id, texts, title, description) in rows {
        let k = c.category(id).unwrap();
        assert_eq!(k.title_in(texts), title, "{id} {}", texts.lang);
        assert_eq!(k.description_in(texts), description, "{id} {}", texts.lang);
    }
    let none = cat("x", Localized::default(), Localized::default(), false, false);
    assert_eq!((none.title_in(&en), none.description_in(&en)), ("x", ""));
}

#[test]
fn localized_lookup_order() {
    let l = loc(&[("fr", "F"), ("en", "E"), ("", "P")]);
    for (lang, want) in [("fr", "F"), ("en", "E"), ("es", "P"), ("", "P")] {
        assert_eq!(l.get(lang), want, "{lang}");
    }
    assert_eq!(loc(&[("fr", "F"), ("en", "E")]).get("es"), "E");
    assert_eq!(loc(&[("fr", "F")]).get("es"), "F");
    assert_eq!(Localized::default().get("en"), "");
    // Two keys for one language (`"ES"` and `"es"`): the first one given wins.
    assert_eq!(loc(&[("", "P"), ("es", "1"), ("es", "2")]).get("es"), "1");
    assert_eq!(loc(&[("de", "D"), ("en", "1"), ("en", "2")]).get("es"), "1");
    // Language keys of a localized text are reduced to their primary subtag.
    let c = config(json!({"notice": {"sections": [{"heading": {"ES-mx": "Hola", "en_GB": "Hi"}}]}}));
    assert_eq!(c.notice[0].heading, loc(&[("es", "Hola"), ("en", "Hi")]));
}

#[test]
fn texts_override_and_add_languages() {
    let p = read(
        &json!({"texts": {"es-MX": {"acceptAll": "Acepto"}, "en": {"save": "Save"}, "it": {"acceptAll": "Accetta tutto", "rejectAll": "Rifiuta tutto"}}}),
    );
    assert_eq!(lines(&p), ["warning: texts.it: 34 texts missing for a language that is not shipped; they stay in English"]);
    assert!(!p.has_errors());
    let c = p.config;
    assert_eq!(c.texts.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(), ["en", "es", "it"]);
    assert!(c.offers_texts("it") && !c.offers_texts("fr"));
    // A site override wins over the language file; the rest of the file stays.
    let es = c.texts_for("es", super::shipped("es"));
    assert_eq!((es.get(Text::AcceptAll), es.get(Text::RejectAll)), ("Acepto", "Rechazar todo"));
    let it = c.texts_for("it", vec![]);
    assert_eq!((it.get(Text::AcceptAll), it.get(Text::RejectAll), it.get(Text::Save)), ("Accetta tutto", "Rifiuta tutto", "Save choices"));
    assert_eq!(c.texts_for("en", vec![]).get(Text::Save), "Save");
    assert_eq!(c.texts_for("de", vec![]).get(Text::Save), "Save choices");
    // A language given every text gets no warning.
    let all: serde_json::Map<String, Value> =
        ALL.iter().enumerate().map(|(i, t)| (t.key().to_owned(), Value::String(format!("t{i}")))).collect();
    let p = read(&json!({"texts": {"de": all}}));
    assert!(p.problems.is_empty(), "{:?}", lines(&p));
    assert_eq!(p.config.texts_for("de", vec![]).get(Text::ReopenButton), format!("t{}", TEXT_COUNT - 1));
}

#[test]
fn notice_sections_and_blocks() {
    let c = config(json!({"notice": {"sections": [
        {"id": "about", "heading": {"en": "About", "es": "Acerca"}, "blocks": [
            {"p": "Plain."},
            {"p": ["Read the ", {"href": "/privacy", "text": "notice"}, {"href": "mailto:dpo@example.org"}, {"en": "!", "es": "¡!"}]},
            {"h3": "Sub"},
            {"list": ["one", ["two ", {"href": "https://example.org", "text": {"en": "link"}}]]},
            {"controls": true},
            {"signals": {}}
        ]},
        {"heading": "No id", "blocks": []},
        {"id": "Bad Id"},
        {}
    ]}}));
    let text = |s: &str| Inline::Text(plain(s));
    let want = vec![
        Section {
            id: Some("about".into()),
            heading: loc(&[("en", "About"), ("es", "Acerca")]),
            blocks: vec![
                Block::Paragraph(vec![text("Plain.")]),
                Block::Paragraph(vec![
                    text("Read the "),
                    Inline::Link { text: plain("notice"), href: "/privacy".into() },
                    Inline::Link { text: plain("mailto:dpo@example.org"), href: "mailto:dpo@example.org".into() },
                    Inline::Text(loc(&[("en", "!"), ("es", "¡!")])),
                ]),
                Block::Subheading(plain("Sub")),
                Block::List(vec![
                    vec![text("one")],
                    vec![text("two "), Inline::Link { text: loc(&[("en", "link")]), href: "https://example.org".into() }],
                ]),
                Block::Controls,
                Block::Signals,
            ],
        },
        Section { id: None, heading: plain("No id"), blocks: vec![] },
        Section { id: None, heading: Localized::default(), blocks: vec![] },
        Section { id: None, heading: Localized::default(), blocks: vec![] },
    ];
    assert_eq!(c.notice, want);
    assert!(config(json!({"notice": {}})).notice.is_empty());
}

#[test]
fn cookie_domain_is_normalised() {
    for (d, want) in [("Example.ORG", "example.org"), (".example.org", "example.org"), ("a-b.example.org", "a-b.example.org")] {
        assert_eq!(config(json!({"cookie": {"domain": d}})).cookie.domain.as_deref(), Some(want), "{d}");
    }
}

#[test]
fn problem_line_joins_path_and_message() {
    let p = Problem { path: "a.b[1]".into(), message: "expected x, got y".into(), is_error: true };
    assert_eq!(p.line(), "a.b[1]: expected x, got y");
}

#[test]
fn long_values_are_cut_in_messages() {
    let p = read(&json!({"consentMode": "é".repeat(50)}));
    let want = format!("error: consentMode: expected one of \"basic\", \"advanced\", got \"{}…", "é".repeat(39));
    assert_eq!(lines(&p), [want]);
}

/// The cases `tests/e2e/links.test.mjs` checks the JavaScript copy of the rule against.
#[test]
fn the_link_rule_decides_the_shared_cases() {
    let cases: Value = serde_json::from_str(include_str!("../../../tests/links.json")).unwrap();
    for (list, safe) in [("safe", true), ("unsafe", false)] {
        for href in cases[list].as_array().unwrap() {
            assert_eq!(is_safe_href(href.as_str().unwrap()), safe, "{href}");
        }
    }
}

/// The reader's messages and the dialog's English texts become marks (U+0001 and a letter) in
/// the release wasms, and bridge.js finds a mark's letter as the one character after U+0001, in
/// one table of words: each letter one printable ASCII character, used once across both lists,
/// and no words empty or holding a mark or a line break of their own.
#[test]
fn each_mark_has_a_letter_of_its_own() {
    let mut seen = std::collections::HashSet::new();
    for (letter, words) in MESSAGES.iter().chain(crate::core::i18n::MARKED) {
        assert!(letter.len() == 1 && letter.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'), "{letter:?}");
        assert!(seen.insert(*letter), "{letter} used twice");
        assert!(!words.is_empty() && !words.contains(['\u{1}', '\n']), "{words:?}");
    }
    assert!(MESSAGES.len() >= 30 && crate::core::i18n::MARKED.len() >= 20);
}
