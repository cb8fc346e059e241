//! The interface texts: their keys and English wording (built in), the languages shipped as files
//! next to the script (`i18n/<lang>.json`), and which language a visitor gets.

use super::text::{ascii_case, has_word, nth_piece, pieces, trim};

/// The English wording of every text, one line each, where a text of the preferences dialog and
/// the notice (declared with `@ "letter"`) is its mark (U+0001 and the letter): built by munching
/// the texts one by one, since `concat!` takes literals only.
#[cfg(feature = "lazy-texts")]
macro_rules! english_with_marks {
    ([$($done:tt)*]) => { concat!($($done)*) };
    ([$($done:tt)*] $english:literal @ $mark:literal, $($rest:tt)*) => {
        english_with_marks!([$($done)* "\u{1}", $mark, "\n",] $($rest)*)
    };
    ([$($done:tt)*] $english:literal, $($rest:tt)*) => { english_with_marks!([$($done)* $english, "\n",] $($rest)*) };
}

/// Declares every text once: its [`Text`] variant, its configuration key and its English wording;
/// `@ "letter"` for a text only the preferences dialog and the notice show. Built with the
/// `lazy-texts` feature (the wasm without the log, which draws no notice: scripts/build.mjs),
/// such a text is a mark, and its words are in `i18n/english.json`, which the page loads with the
/// dialog (`words` in `src/js/bridge.js`): most page views never open it.
macro_rules! texts {
    ($($(#[$doc:meta])* $name:ident $key:literal $english:literal $(@ $mark:literal)?,)*) => {
        /// Every text the interface shows. Config overrides and language files use the camelCase
        /// name from [`Text::key`].
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[repr(u8)]
        pub enum Text {
            $($(#[$doc])* $name,)*
        }
        /// Every text, in declaration order (`ALL[t as usize] == t`).
        pub const ALL: &[Text] = &[$(Text::$name),*];
        // One string each, not tables of `&str`: 8 bytes of address and length per text in the
        // wasm's data cost more than the search for the n-th piece.
        const KEYS: &str = concat!($($key, " "),*);
        #[cfg(not(feature = "lazy-texts"))]
        const ENGLISH: &str = concat!($($english, "\n"),*);
        #[cfg(feature = "lazy-texts")]
        const ENGLISH: &str = english_with_marks!([] $($english $(@ $mark)?,)*);
        /// The texts declared with a mark: each mark's letter and English words, the content of
        /// `i18n/english.json`.
        pub const MARKED: &[(&str, &str)] = &[$($(($mark, $english),)?)*];
        impl Text {
            /// The text declared `i`th. A `match` the compiler turns into a bounds check: no
            /// table of the variants in the wasm's data, as a walk over [`ALL`] put there.
            fn nth(i: usize) -> Option<Text> {
                match i {
                    $(i if i == Text::$name as usize => Some(Text::$name),)*
                    _ => None,
                }
            }
        }
    };
}

texts! {
    /// Accessible name of the banner region.
    BannerLabel "bannerLabel" "Cookie consent",
    /// Heading of the banner.
    BannerTitle "bannerTitle" "Your privacy choices",
    /// The banner's short notice.
    BannerText "bannerText" "We use cookies for site analytics and advertising only if you allow it. You can change your choices at any time.",
    /// "Accept all" button.
    AcceptAll "acceptAll" "Accept all",
    /// "Reject all" button.
    RejectAll "rejectAll" "Reject all",
    /// Button that opens the preferences dialog.
    Preferences "preferences" "Preferences",
    /// Link to the full privacy notice.
    PrivacyLink "privacyLink" "Privacy notice",
    /// One line in the banner when GPC is honoured.
    GpcHonoured "gpcHonoured" "Your browser's Global Privacy Control signal is honoured: advertising is off.",
    /// Heading of the preferences dialog.
    DialogTitle "dialogTitle" "Privacy preferences" @ "o",
    /// Introduction in the preferences dialog.
    DialogText "dialogText" "Choose which kinds of cookies and similar technologies this site may use." @ "p",
    /// "Save" button.
    Save "save" "Save choices" @ "q",
    /// "Close" button of the dialog.
    Close "close" "Close" @ "r",
    /// Label before the list of a category's services.
    Services "services" "Services" @ "s",
    /// Button that downloads the consent record.
    DownloadRecord "downloadRecord" "Download my consent record" @ "t",
    /// Announced after a choice is saved.
    Saved "saved" "Your choices are saved." @ "u",
    /// Signal status: GPC detected and honoured.
    GpcStatusHonoured "gpcStatusHonoured" "Global Privacy Control: detected and honoured, advertising is off." @ "v",
    /// Signal status: GPC detected and only recorded.
    GpcStatusLogged "gpcStatusLogged" "Global Privacy Control: detected and recorded." @ "w",
    /// Signal status: GPC not sent.
    GpcStatusAbsent "gpcStatusAbsent" "Global Privacy Control: not detected." @ "x",
    /// Signal status: DNT on and only recorded.
    DntStatusLogged "dntStatusLogged" "Do Not Track: detected and recorded; this site does not change its behaviour for it." @ "y",
    /// Signal status: DNT on and honoured.
    DntStatusHonoured "dntStatusHonoured" "Do Not Track: detected and honoured; analytics and advertising are off." @ "z",
    /// Signal status: DNT not on.
    DntStatusAbsent "dntStatusAbsent" "Do Not Track: not enabled." @ "0",
    /// Iframe placeholder; `{name}` is replaced by the embed's name.
    EmbedNotice "embedNotice" "This content is from {name} and sets cookies.",
    /// Iframe placeholder button that loads the content.
    EmbedLoad "embedLoad" "Load content",
    /// Title of the built-in `necessary` category.
    NecessaryTitle "necessaryTitle" "Strictly necessary" @ "1",
    /// Description of the built-in `necessary` category.
    NecessaryText "necessaryText" "Needed for the site to work and to remember your choices. Always on." @ "2",
    /// Title of the built-in `functional` category.
    FunctionalTitle "functionalTitle" "Functional" @ "3",
    /// Description of the built-in `functional` category.
    FunctionalText "functionalText" "Remembers settings such as language to make the site easier to use." @ "4",
    /// Title of the built-in `analytics` category.
    AnalyticsTitle "analyticsTitle" "Analytics" @ "5",
    /// Description of the built-in `analytics` category.
    AnalyticsText "analyticsText" "Helps us understand how visitors use the site, in aggregate, so we can improve it." @ "6",
    /// Title of the built-in `advertising` category.
    AdvertisingTitle "advertisingTitle" "Advertising" @ "7",
    /// Description of the built-in `advertising` category.
    AdvertisingText "advertisingText" "Lets us measure and tailor our ads on this and other sites, including remarketing." @ "8",
    /// Name shown for Google Analytics in the service lists.
    GoogleAnalytics "googleAnalytics" "Google Analytics" @ "9",
    /// What Google Analytics collects.
    GoogleAnalyticsText "googleAnalyticsText" "Pages visited, time on page, device and browser type, approximate location from the IP address." @ "#",
    /// Name shown for Google Ads in the service lists.
    GoogleAds "googleAds" "Google Ads remarketing" @ "$",
    /// What Google Ads collects.
    GoogleAdsText "googleAdsText" "Visits and ad impressions, used to show our ads on other sites and measure them." @ "%",
    /// Label of the floating button that reopens the preferences (`reopenButton` configuration).
    ReopenButton "reopenButton" "Your privacy choices",
}

/// Number of texts.
pub const TEXT_COUNT: usize = ALL.len();

/// The languages shipped as files next to the script (`i18n/<lang>.json`) and in the npm package
/// (`i18n/<lang>.js`), as [`language`] names them, separated by spaces. English is built in. A test
/// checks this list against the `i18n/` directory.
pub const SHIPPED: &str = "am ar de es fa fr ja km ko pa pt ru so tl uk vi zh-Hans zh-Hant";

/// Languages written right to left (as [`language`] names them), separated by spaces.
const RIGHT_TO_LEFT: &str = "ar fa he ur ps yi dv ckb sd ug";

impl Text {
    /// The camelCase name used in configuration (`texts.<lang>.<key>`) and in language files.
    pub fn key(self) -> &'static str {
        nth_piece(KEYS, b' ', self as usize)
    }
    /// The text whose configuration name is `key`.
    pub fn from_key(key: &str) -> Option<Text> {
        // Each text's key by `key` (the byte loop of `nth_piece`): no enumerated pieces'
        // iterator of its own.
        for i in 0..TEXT_COUNT {
            if nth_piece(KEYS, b' ', i) == key {
                return Text::nth(i);
            }
        }
        None
    }
    /// The built-in English wording.
    fn english(self) -> &'static str {
        nth_piece(ENGLISH, b'\n', self as usize)
    }
}

/// The texts for one language: English, replaced by a language file's texts and the site's
/// overrides (see `Config::texts_for`).
#[derive(Clone, Debug, PartialEq)]
pub struct Texts {
    /// The language these texts are in, as [`language`] names it (`en`, `es`, `zh-Hant`).
    pub lang: String,
    /// The texts that replace English; a later one wins.
    replaced: Vec<(Text, String)>,
}

impl Texts {
    /// English texts, labelled `lang`, with `replaced` in place of some (a later one wins).
    pub fn new(lang: &str, replaced: Vec<(Text, String)>) -> Texts {
        Texts { lang: lang.to_owned(), replaced }
    }
    /// One text.
    pub fn get(&self, t: Text) -> &str {
        for (r, v) in self.replaced.iter().rev() {
            if *r == t {
                return v;
            }
        }
        t.english()
    }
    /// Replaces one text.
    pub fn set(&mut self, t: Text, value: String) {
        self.replaced.push((t, value));
    }
    /// The writing direction for the `dir` attribute: `rtl` or `ltr`.
    pub fn dir(&self) -> &'static str {
        if has_word(RIGHT_TO_LEFT, &self.lang) {
            "rtl"
        } else {
            "ltr"
        }
    }
}

/// The language a BCP 47 tag asks for, as the SDK names its languages: the lowercase primary
/// subtag (`pt-BR` → `pt`), except that Chinese keeps its script, from the second subtag
/// (`zh-Hant…`, `zh-TW`, `zh-HK`, `zh-MO` → `zh-Hant`; any other `zh` → `zh-Hans`) and Filipino is
/// Tagalog (`fil` → `tl`).
pub fn language(tag: &str) -> String {
    let mut lower = ascii_case(trim(tag, false), false);
    let (primary_len, renamed) = {
        let mut subtags = pieces(&lower, b'-');
        // `_` as well (`en_GB`, `zh_TW` are common outside browsers).
        let mut first = pieces(subtags.next().unwrap_or(""), b'_');
        let primary = first.next().unwrap_or("");
        let renamed = match (primary, first.next().or_else(|| subtags.next())) {
            ("fil", _) => Some("tl"),
            ("zh", Some("hant" | "tw" | "hk" | "mo")) => Some("zh-Hant"),
            ("zh", _) => Some("zh-Hans"),
            _ => None,
        };
        (primary.len(), renamed)
    };
    match renamed {
        Some(name) => name.to_owned(),
        None => {
            // The primary subtag starts the lowercase tag: cut it there, no second string.
            lower.truncate(primary_len);
            lower
        }
    }
}

/// Whether `lang` (as [`language`] names it) is shipped as a file that must be loaded.
pub fn needs_file(lang: &str) -> bool {
    has_word(SHIPPED, lang)
}

/// Chooses the interface language: the configured one, else `<html lang>`, else the first of
/// `navigator.languages` that is English, shipped, or `offered` by the site's texts (asked with
/// the name [`language`] gives); English when nothing matches.
pub fn negotiate(configured: Option<&str>, html_lang: Option<&str>, browser: &[String], offered: impl Fn(&str) -> bool) -> String {
    // Plain returns, not an `and_then`/`or_else`/`find_map` chain: each combinator is code of
    // its own in the wasm.
    let is_offered = |l: &str| l == "en" || needs_file(l) || offered(l);
    for tag in &[configured, html_lang] {
        let Some(tag) = *tag else { continue };
        let l = language(tag);
        if is_offered(&l) {
            return l;
        }
    }
    for tag in browser {
        let l = language(tag);
        if is_offered(&l) {
            return l;
        }
    }
    "en".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_texts() {
        for t in ALL {
            assert_eq!(Text::from_key(t.key()), Some(*t));
        }
        assert!(ALL.iter().all(|t| !t.english().is_empty()));
        // One piece per text and an empty one after the last separator: no key has a space, no
        // English text a line break.
        assert_eq!(KEYS.split(' ').count(), ALL.len() + 1);
        assert_eq!(ENGLISH.split('\n').count(), ALL.len() + 1);
        assert_eq!((Text::ReopenButton.key(), Text::ReopenButton.english()), ("reopenButton", "Your privacy choices"));
        assert_eq!(Text::from_key("acceptAl"), None);
        assert_eq!(Text::from_key(""), None);
    }

    #[test]
    fn negotiation_order() {
        let none: Vec<String> = vec![];
        let nav = vec!["xx-XX".to_owned(), "es-MX".to_owned()];
        type Case<'a> = (Option<&'a str>, Option<&'a str>, &'a Vec<String>, &'a [&'a str], &'a str);
        let cases: &[Case] = &[
            (Some("es"), Some("en"), &none, &[], "es"),
            (None, Some("es-ES"), &none, &[], "es"),
            (None, None, &nav, &[], "es"),
            (None, None, &nav, &["xx"], "xx"),
            (Some("xx"), None, &none, &[], "en"),
            (Some("ES"), None, &none, &[], "es"),
            (None, Some(""), &none, &[], "en"),
            (None, Some("it"), &none, &["it"], "it"),
        ];
        for (cfg, html, navs, offered, want) in cases {
            assert_eq!(negotiate(*cfg, *html, navs, |l| offered.contains(&l)), *want, "{cfg:?} {html:?}");
        }
    }

    #[test]
    fn browser_tags_map_to_shipped_languages() {
        let cases = [
            ("zh-CN", "zh-Hans"),
            ("zh-SG", "zh-Hans"),
            ("zh", "zh-Hans"),
            ("zh-Hans-HK", "zh-Hans"),
            ("zh-TW", "zh-Hant"),
            ("zh-HK", "zh-Hant"),
            ("zh_MO", "zh-Hant"),
            ("zh-hant", "zh-Hant"),
            ("zh-Hant-CN", "zh-Hant"),
            ("pt-BR", "pt"),
            ("pt-PT", "pt"),
            ("fil", "tl"),
            ("fil-PH", "tl"),
            ("tl", "tl"),
            ("fr-CA", "fr"),
            ("de-AT", "de"),
            ("ar-EG", "ar"),
            ("fa-IR", "fa"),
            ("ko-KR", "ko"),
            ("ja-JP", "ja"),
            ("vi-VN", "vi"),
            ("ru-RU", "ru"),
            ("uk-UA", "uk"),
            ("so-SO", "so"),
            ("am-ET", "am"),
            ("pa-IN", "pa"),
            ("km-KH", "km"),
            ("EN-us", "en"),
        ];
        for (tag, want) in cases {
            assert_eq!(negotiate(None, None, &[tag.to_owned()], |_| false), want, "{tag}");
        }
        // A language that is neither shipped nor offered by the site is skipped.
        assert_eq!(negotiate(None, None, &["it-IT".to_owned(), "pt-BR".to_owned()], |_| false), "pt");
    }

    #[test]
    fn right_to_left_languages() {
        for (lang, dir) in [("ar", "rtl"), ("fa", "rtl"), ("he", "rtl"), ("en", "ltr"), ("es", "ltr"), ("zh-Hant", "ltr")] {
            assert_eq!(Texts::new(lang, vec![]).dir(), dir, "{lang}");
        }
    }

    #[test]
    fn new_texts_are_english() {
        assert_eq!(Texts::new("de", vec![]).get(Text::AcceptAll), "Accept all");
        assert_eq!(Texts::new("de", vec![]).lang, "de");
        let mut t = Texts::new("de", vec![(Text::AcceptAll, "Alle akzeptieren".into())]);
        assert_eq!(t.get(Text::AcceptAll), "Alle akzeptieren");
        t.set(Text::AcceptAll, "Ja".into());
        assert_eq!((t.get(Text::AcceptAll), t.get(Text::Save)), ("Ja", "Save choices"));
    }
}
