//! The consent log in the browser: events are built in `core::log` and handed to `bridge.js`,
//! which hashes the notice, keeps them in a small persisted queue and delivers them after the
//! decision is applied (never blocking the page). No endpoint configured, nothing happens.

use super::bridge::{log_drop, log_event};
use super::page;
use crate::core::config::Config;
use crate::core::i18n::Texts;
use crate::core::log::{notice_text, to_json, Event};
use crate::core::record::{Choice, Method, Record, Source};
use crate::core::signals::Signals;

/// `stored`: any stored record, whose id is the browser id (a visitor with none gets a random id
/// for this page view only: nothing identifying is stored before a decision); `decided`: whether
/// that record is in force (then it is also the `recordId`); `sensitive`: the page is one the
/// site marks sensitive, so its path is left out.
#[allow(clippy::too_many_arguments)] // each is a distinct fact of the event
fn send(
    config: &Config,
    texts: &Texts,
    signals: Signals,
    stored: Option<&Record>,
    decided: bool,
    choices: &[Choice],
    method: Option<Method>,
    sensitive: bool,
) {
    let Some(endpoint) = &config.log.endpoint else { return };
    let path = page::path();
    let event = Event {
        pageview: method.is_none(),
        event_id: &page::random_id(),
        record_id: stored.filter(|_| decided).map(|r| r.id.as_str()),
        browser_id: &stored.map_or_else(page::random_id, |r| r.id.clone()),
        time: page::now(),
        revision: &config.revision,
        choices,
        signals,
        language: &texts.lang,
        method,
        path: (!sensitive).then_some(path.as_str()),
    };
    let _ = log_event(endpoint, &to_json(&event), &notice_text(config, texts));
}

/// On each page view: retries queued events, then logs a `signal` decision when a browser
/// signal decides for an undecided visitor, and a `pageview` event when `log.pageViews` is on.
/// With no endpoint configured, events queued under an earlier configuration are dropped.
#[allow(clippy::too_many_arguments)] // each is a distinct fact of the page view
pub fn page_view(
    config: &Config,
    texts: &Texts,
    signals: Signals,
    stored: Option<&Record>,
    decided: bool,
    effective: &[Choice],
    sensitive: bool,
) {
    let Some(endpoint) = &config.log.endpoint else {
        let _ = log_drop();
        return;
    };
    let _ = log_event(endpoint, "", &notice_text(config, texts));
    if !decided && effective.iter().any(|c| matches!(c.source, Source::Gpc | Source::Dnt)) {
        send(config, texts, signals, stored, false, effective, Some(Method::Signal), sensitive);
    }
    if config.log.page_views {
        send(config, texts, signals, stored, decided, effective, None, sensitive);
    }
}

/// After a decision: one `decision` event with the record's choices.
pub fn decision(config: &Config, texts: &Texts, record: &Record, sensitive: bool) {
    send(config, texts, record.signals, Some(record), true, &record.choices, Some(record.method), sensitive);
}
