//! What the interface shows, decided without a browser: rows of the category switches, the
//! services listed under each, and the lines that report privacy signals.

use super::config::Config;
use super::decide::{dnt_honoured, gpc_honoured};
use super::i18n::{Text, Texts};
use super::record::Choice;
use super::signals::{Dnt, Gpc, Signals};

/// One category as the switches show it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Category id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Shown on and not changeable.
    pub required: bool,
    /// The switch is on.
    pub checked: bool,
    /// `(name, what it collects)` of each service in the category.
    pub services: Vec<(String, String)>,
}

/// The rows for every category, switched as `effective` says.
pub fn rows(config: &Config, texts: &Texts, effective: &[Choice]) -> Vec<Row> {
    let mut out = Vec::with_capacity(config.categories.len());
    for c in &config.categories {
        out.push(Row {
            id: c.id.clone(),
            title: c.title_in(texts),
            description: c.description_in(texts),
            required: c.required,
            checked: c.required || effective.iter().any(|e| e.category == c.id && e.granted),
            services: services(config, texts, &c.id),
        });
    }
    out
}

/// The services that run under `category`: Google's tags where configured, then the site's.
pub fn services(config: &Config, texts: &Texts, category: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let g = &config.google;
    if category == "analytics" && !g.analytics_ids.is_empty() {
        out.push((texts.get(Text::GoogleAnalytics).to_owned(), texts.get(Text::GoogleAnalyticsText).to_owned()));
    }
    if category == "advertising" && !g.ads_ids.is_empty() {
        out.push((texts.get(Text::GoogleAds).to_owned(), texts.get(Text::GoogleAdsText).to_owned()));
    }
    for s in config.services.iter().filter(|s| s.category == category) {
        out.push((s.name.clone(), s.description.get(&texts.lang).to_owned()));
    }
    out
}

/// Whether the banner and the dialog carry the "GPC is honoured" line.
pub fn shows_gpc_line(config: &Config, signals: Signals) -> bool {
    gpc_honoured(config, signals)
}

/// The two status lines of the notice: GPC, then DNT.
pub fn signal_lines(config: &Config, signals: Signals) -> [Text; 2] {
    let gpc = match (signals.gpc, gpc_honoured(config, signals)) {
        (_, true) => Text::GpcStatusHonoured,
        (Gpc::True, false) => Text::GpcStatusLogged,
        _ => Text::GpcStatusAbsent,
    };
    let dnt = match (signals.dnt, dnt_honoured(config, signals)) {
        (_, true) => Text::DntStatusHonoured,
        (Dnt::On, false) => Text::DntStatusLogged,
        _ => Text::DntStatusAbsent,
    };
    [gpc, dnt]
}
