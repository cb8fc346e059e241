//! What the interface shows, decided without a browser: rows of the category switches, the
//! services listed under each, and the lines that report privacy signals.

use super::config::{Category, Config, Placement};
use super::decide::{dnt_honoured, AD_STORAGE, ANALYTICS_STORAGE};
use super::i18n::{Text, Texts};
use super::record::{Choice, Method};
use super::signals::{Dnt, Gpc, Signals};
use super::text::index_of;

/// What a button of the SDK's interface does: its `data-cg` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Grant every optional category.
    Accept,
    /// Refuse every optional category.
    Reject,
    /// Record the switches as set.
    Save,
    /// Open the preferences dialog.
    Prefs,
    /// Close the dialog.
    Close,
    /// Download the consent record.
    Download,
}

/// Each action, in the order of its variants, and its attribute value.
const ACTIONS: [Action; 6] = [Action::Accept, Action::Reject, Action::Save, Action::Prefs, Action::Close, Action::Download];
const ACTION_NAMES: [&str; 6] = ["accept", "reject", "save", "prefs", "close", "download"];

impl Action {
    /// The `data-cg` value.
    pub fn name(self) -> &'static str {
        ACTION_NAMES[self as usize]
    }
    /// The action a `data-cg` value names.
    pub fn from_name(name: &str) -> Option<Action> {
        index_of(&ACTION_NAMES, name).map(|i| ACTIONS[i])
    }
}

/// Where a control of the SDK's interface sits: its `data-cg-scope` attribute. It decides the
/// method a decision is recorded with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The banner.
    Banner,
    /// The preferences dialog.
    Prefs,
    /// The notice drawn into the page.
    Notice,
    /// The floating "Privacy choices" button (it only opens the dialog).
    Reopen,
}

/// Each scope, in the order of its variants, and its attribute value.
const SCOPES: [Scope; 4] = [Scope::Banner, Scope::Prefs, Scope::Notice, Scope::Reopen];
const SCOPE_NAMES: [&str; 4] = ["banner", "prefs", "notice", "reopen"];

impl Scope {
    /// The `data-cg-scope` value.
    pub fn name(self) -> &'static str {
        SCOPE_NAMES[self as usize]
    }
    /// The scope a `data-cg-scope` value names.
    pub fn from_name(name: &str) -> Option<Scope> {
        index_of(&SCOPE_NAMES, name).map(|i| SCOPES[i])
    }
    /// How a decision made here is recorded.
    pub fn method(self) -> Method {
        // A match, not a search of the table: a few bytes of the wasm instead of a loop.
        match self {
            Scope::Banner => Method::Banner,
            Scope::Prefs | Scope::Reopen => Method::Preferences,
            Scope::Notice => Method::Notice,
        }
    }
}

/// One category as the switches show it, borrowed from the configuration and the texts (no
/// copies to make and drop at each step).
#[derive(Clone, Debug, PartialEq)]
pub struct Row<'a> {
    /// Category id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Shown on and not changeable.
    pub required: bool,
    /// The switch is on.
    pub checked: bool,
    /// `(name, what it collects)` of each service in the category.
    pub services: Vec<(&'a str, &'a str)>,
}

/// The rows for every category, switched as `effective` says.
pub fn rows<'a>(config: &'a Config, texts: &'a Texts, effective: &[Choice]) -> Vec<Row<'a>> {
    let mut out = Vec::with_capacity(config.categories.len());
    for c in &config.categories {
        out.push(Row {
            id: &c.id,
            title: c.title_in(texts),
            description: c.description_in(texts),
            required: c.required,
            checked: c.required || effective.iter().any(|e| e.category == c.id && e.granted),
            services: services(config, texts, c),
        });
    }
    out
}

/// The services that run under `category`: Google's tags where configured, then the site's.
pub fn services<'a>(config: &'a Config, texts: &'a Texts, category: &Category) -> Vec<(&'a str, &'a str)> {
    let mut out = vec![];
    let g = &config.google;
    // Google's tags run under the category that governs their Consent Mode type.
    let governs = |t| category.consent_types & t != 0;
    if governs(ANALYTICS_STORAGE) && !g.analytics_ids.is_empty() {
        out.push((texts.get(Text::GoogleAnalytics), texts.get(Text::GoogleAnalyticsText)));
    }
    if governs(AD_STORAGE) && !g.ads_ids.is_empty() {
        out.push((texts.get(Text::GoogleAds), texts.get(Text::GoogleAdsText)));
    }
    for s in config.services.iter() {
        if s.category != category.id {
            continue;
        }
        out.push((s.name.as_str(), s.description.get(&texts.lang)));
    }
    out
}

/// The two status lines of the notice: GPC, then DNT. `gpc_keeps_off`: see
/// [`super::decide::gpc_keeps_off`].
pub fn signal_lines(config: &Config, signals: Signals, gpc_keeps_off: bool) -> [Text; 2] {
    let gpc = match (signals.gpc, gpc_keeps_off) {
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

/// The floating "Privacy choices" button, when the site turned it on: its classes (`cg-right`
/// places it bottom right; the stylesheet puts it bottom left otherwise). It is on every page,
/// sensitive ones included: a visitor must be able to change their choices anywhere, and
/// opening the dialog loads nothing. While the banner is open the stylesheet hides it
/// (`html.cg-banner-open`): the banner's buttons do the same and it must not cover them; so it
/// appears once the visitor has decided, and goes whenever they are asked again.
pub fn reopen_button(config: &Config) -> Option<&'static str> {
    // One string, cut short for the default corner (at its ASCII space: no boundary check):
    // fewer bytes in the wasm than two.
    const CLASSES: &str = "cg-root cg-right";
    Some(match config.reopen_button? {
        Placement::BottomLeft => super::text::ascii_cut(&CLASSES.as_bytes()[..7]),
        Placement::BottomRight => CLASSES,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_scopes_by_the_names_the_markup_carries() {
        let actions = [Action::Accept, Action::Reject, Action::Save, Action::Prefs, Action::Close, Action::Download];
        let names = ["accept", "reject", "save", "prefs", "close", "download"];
        for (a, n) in actions.iter().zip(names) {
            assert_eq!((a.name(), Action::from_name(n)), (n, Some(*a)));
        }
        let scopes = [Scope::Banner, Scope::Prefs, Scope::Notice, Scope::Reopen];
        for (s, n) in scopes.iter().zip(["banner", "prefs", "notice", "reopen"]) {
            assert_eq!((s.name(), Scope::from_name(n)), (n, Some(*s)));
        }
        let methods = scopes.map(Scope::method);
        assert_eq!(methods, [Method::Banner, Method::Preferences, Method::Notice, Method::Preferences]);
        assert_eq!((Action::from_name("Accept"), Action::from_name(""), Scope::from_name("dialog")), (None, None, None));
    }
}
