//! Bytes → JSON → configuration, then every decision over what was read.
#![no_main]

use consent_gate::core::config::{is_safe_href, read_config, Block, Inline};
use consent_gate::core::decide::{allowed, effective, plan, record_choice, regional_defaults, status};
use consent_gate::core::record::{decode, encode, Method};
use consent_gate::core::signals::{Dnt, Gpc, Signals};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let parsed = read_config(&v);
    let c = &parsed.config;
    for p in &parsed.problems {
        assert!(!p.path.is_empty(), "{p:?}");
    }
    assert!(c.category("necessary").is_some_and(|k| k.required));
    assert!(c.services.iter().all(|s| c.category(&s.category).is_some()));
    let links = c.notice.iter().flat_map(|s| &s.blocks).flat_map(|b| match b {
        Block::Paragraph(xs) => xs.clone(),
        Block::List(items) => items.concat(),
        _ => vec![],
    });
    for l in links {
        if let Inline::Link { href, .. } = l {
            assert!(is_safe_href(&href), "{href:?}");
        }
    }
    for href in c.privacy_url.iter().chain(c.log.endpoint.iter()) {
        assert!(is_safe_href(href), "{href:?}");
    }
    for signals in [Signals { dnt: Dnt::On, gpc: Gpc::True }, Signals { dnt: Dnt::Off, gpc: Gpc::Absent }] {
        let grants: Vec<String> = c.categories.iter().map(|k| k.id.clone()).collect();
        let r = record_choice(c, None, &grants, Method::Api, signals, "en", "id", 1, "0");
        assert_eq!(decode(&encode(&r)).as_ref(), Ok(&r));
        let _ = status(c, Some(&r), 2);
        let e = effective(c, Some(&r), signals, Some("US-WA"));
        let a = allowed(c, &e, false, true);
        let _ = plan(c, &[], &a, false, true);
        let _ = plan(c, &a, &[], true, true);
    }
    let _ = regional_defaults(c);
    for (lang, _) in &c.texts {
        let t = c.texts_for(lang, vec![]);
        for k in &c.categories {
            let _ = (k.title_in(&t), k.description_in(&t));
        }
    }
});
