//! Built-in texts (English and Spanish), text overrides from configuration, and language choice.

/// Every text the interface shows. Config overrides use the camelCase name from [`Text::key`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Text {
    /// Accessible name of the banner region.
    BannerLabel,
    /// Heading of the banner.
    BannerTitle,
    /// The banner's short notice.
    BannerText,
    /// "Accept all" button.
    AcceptAll,
    /// "Reject all" button.
    RejectAll,
    /// Button that opens the preferences dialog.
    Preferences,
    /// Link to the full privacy notice.
    PrivacyLink,
    /// One line in the banner when GPC is honoured.
    GpcHonoured,
    /// Heading of the preferences dialog.
    DialogTitle,
    /// Introduction in the preferences dialog.
    DialogText,
    /// "Save" button.
    Save,
    /// "Close" button of the dialog.
    Close,
    /// Label before the list of a category's services.
    Services,
    /// Button that downloads the consent record.
    DownloadRecord,
    /// Announced after a choice is saved.
    Saved,
    /// Signal status: GPC detected and honoured.
    GpcStatusHonoured,
    /// Signal status: GPC detected and only recorded.
    GpcStatusLogged,
    /// Signal status: GPC not sent.
    GpcStatusAbsent,
    /// Signal status: DNT on and only recorded.
    DntStatusLogged,
    /// Signal status: DNT on and honoured.
    DntStatusHonoured,
    /// Signal status: DNT not on.
    DntStatusAbsent,
    /// Iframe placeholder; `{name}` is replaced by the embed's name.
    EmbedNotice,
    /// Iframe placeholder button that loads the content.
    EmbedLoad,
    /// Title of the built-in `necessary` category.
    NecessaryTitle,
    /// Description of the built-in `necessary` category.
    NecessaryText,
    /// Title of the built-in `functional` category.
    FunctionalTitle,
    /// Description of the built-in `functional` category.
    FunctionalText,
    /// Title of the built-in `analytics` category.
    AnalyticsTitle,
    /// Description of the built-in `analytics` category.
    AnalyticsText,
    /// Title of the built-in `advertising` category.
    AdvertisingTitle,
    /// Description of the built-in `advertising` category.
    AdvertisingText,
    /// Name shown for Google Analytics in the service lists.
    GoogleAnalytics,
    /// What Google Analytics collects.
    GoogleAnalyticsText,
    /// Name shown for Google Ads in the service lists.
    GoogleAds,
    /// What Google Ads collects.
    GoogleAdsText,
    /// Label of the floating button that reopens the preferences (`reopenButton` configuration).
    ReopenButton,
}

/// Number of texts.
pub const TEXT_COUNT: usize = Text::ReopenButton as usize + 1;

const KEYS: [&str; TEXT_COUNT] = [
    "bannerLabel",
    "bannerTitle",
    "bannerText",
    "acceptAll",
    "rejectAll",
    "preferences",
    "privacyLink",
    "gpcHonoured",
    "dialogTitle",
    "dialogText",
    "save",
    "close",
    "services",
    "downloadRecord",
    "saved",
    "gpcStatusHonoured",
    "gpcStatusLogged",
    "gpcStatusAbsent",
    "dntStatusLogged",
    "dntStatusHonoured",
    "dntStatusAbsent",
    "embedNotice",
    "embedLoad",
    "necessaryTitle",
    "necessaryText",
    "functionalTitle",
    "functionalText",
    "analyticsTitle",
    "analyticsText",
    "advertisingTitle",
    "advertisingText",
    "googleAnalytics",
    "googleAnalyticsText",
    "googleAds",
    "googleAdsText",
    "reopenButton",
];

const EN: [&str; TEXT_COUNT] = [
    "Cookie consent",
    "Your privacy choices",
    "We use cookies for site analytics and advertising only if you allow it. You can change your choices at any time.",
    "Accept all",
    "Reject all",
    "Preferences",
    "Privacy notice",
    "Your browser's Global Privacy Control signal is honoured: advertising is off.",
    "Privacy preferences",
    "Choose which kinds of cookies and similar technologies this site may use.",
    "Save choices",
    "Close",
    "Services",
    "Download my consent record",
    "Your choices are saved.",
    "Global Privacy Control: detected and honoured, advertising is off.",
    "Global Privacy Control: detected and recorded.",
    "Global Privacy Control: not detected.",
    "Do Not Track: detected and recorded; this site does not change its behaviour for it.",
    "Do Not Track: detected and honoured; analytics and advertising are off.",
    "Do Not Track: not enabled.",
    "This content is from {name} and sets cookies.",
    "Load content",
    "Strictly necessary",
    "Needed for the site to work and to remember your choices. Always on.",
    "Functional",
    "Remembers settings such as language to make the site easier to use.",
    "Analytics",
    "Helps us understand how visitors use the site, in aggregate, so we can improve it.",
    "Advertising",
    "Lets us measure and tailor our ads on this and other sites, including remarketing.",
    "Google Analytics",
    "Pages visited, time on page, device and browser type, approximate location from the IP address.",
    "Google Ads remarketing",
    "Visits and ad impressions, used to show our ads on other sites and measure them.",
    "Your privacy choices",
];

const ES: [&str; TEXT_COUNT] = [
    "Consentimiento de cookies",
    "Sus opciones de privacidad",
    "Usamos cookies de analítica y publicidad solo si usted lo permite. Puede cambiar sus opciones en cualquier momento.",
    "Aceptar todo",
    "Rechazar todo",
    "Preferencias",
    "Aviso de privacidad",
    "Se respeta la señal Global Privacy Control de su navegador: la publicidad está desactivada.",
    "Preferencias de privacidad",
    "Elija qué tipos de cookies y tecnologías similares puede usar este sitio.",
    "Guardar opciones",
    "Cerrar",
    "Servicios",
    "Descargar mi registro de consentimiento",
    "Sus opciones se han guardado.",
    "Global Privacy Control: detectada y respetada, la publicidad está desactivada.",
    "Global Privacy Control: detectada y registrada.",
    "Global Privacy Control: no detectada.",
    "Do Not Track: detectada y registrada; este sitio no cambia su comportamiento por ella.",
    "Do Not Track: detectada y respetada; la analítica y la publicidad están desactivadas.",
    "Do Not Track: no activada.",
    "Este contenido es de {name} y usa cookies.",
    "Cargar contenido",
    "Estrictamente necesarias",
    "Necesarias para que el sitio funcione y recuerde sus opciones. Siempre activas.",
    "Funcionales",
    "Recuerdan ajustes como el idioma para facilitar el uso del sitio.",
    "Analítica",
    "Nos ayuda a entender, de forma agregada, cómo se usa el sitio para mejorarlo.",
    "Publicidad",
    "Nos permite medir y adaptar nuestros anuncios en este y otros sitios, incluido el remarketing.",
    "Google Analytics",
    "Páginas visitadas, tiempo en la página, tipo de dispositivo y navegador, ubicación aproximada a partir de la IP.",
    "Remarketing de Google Ads",
    "Visitas e impresiones de anuncios, para mostrar nuestros anuncios en otros sitios y medirlos.",
    "Sus opciones de privacidad",
];

/// Languages built into the SDK.
pub const BUILT_IN: [&str; 2] = ["en", "es"];

impl Text {
    /// The camelCase name used in configuration (`texts.<lang>.<key>`).
    pub fn key(self) -> &'static str {
        KEYS[self as usize]
    }
    /// The text whose configuration name is `key`.
    pub fn from_key(key: &str) -> Option<Text> {
        KEYS.iter().position(|k| *k == key).map(|i| ALL[i])
    }
}

const ALL: [Text; TEXT_COUNT] = {
    use Text::*;
    [
        BannerLabel,
        BannerTitle,
        BannerText,
        AcceptAll,
        RejectAll,
        Preferences,
        PrivacyLink,
        GpcHonoured,
        DialogTitle,
        DialogText,
        Save,
        Close,
        Services,
        DownloadRecord,
        Saved,
        GpcStatusHonoured,
        GpcStatusLogged,
        GpcStatusAbsent,
        DntStatusLogged,
        DntStatusHonoured,
        DntStatusAbsent,
        EmbedNotice,
        EmbedLoad,
        NecessaryTitle,
        NecessaryText,
        FunctionalTitle,
        FunctionalText,
        AnalyticsTitle,
        AnalyticsText,
        AdvertisingTitle,
        AdvertisingText,
        GoogleAnalytics,
        GoogleAnalyticsText,
        GoogleAds,
        GoogleAdsText,
        ReopenButton,
    ]
};

/// The built-in texts of `lang`, if it is built in.
pub fn built_in(lang: &str) -> Option<&'static [&'static str; TEXT_COUNT]> {
    match lang {
        "en" => Some(&EN),
        "es" => Some(&ES),
        _ => None,
    }
}

/// The full set of texts for one language: built-in ones with the site's overrides applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Texts {
    /// The language these texts are in (a lowercase primary subtag such as `en`).
    pub lang: String,
    values: Vec<String>,
}

impl Texts {
    /// The built-in texts of `lang`, English where `lang` is not built in.
    pub fn new(lang: &str) -> Texts {
        let base = built_in(lang).unwrap_or(&EN);
        Texts { lang: lang.to_owned(), values: base.iter().map(|s| (*s).to_owned()).collect() }
    }
    /// One text.
    pub fn get(&self, t: Text) -> &str {
        &self.values[t as usize]
    }
    /// Replaces one text.
    pub fn set(&mut self, t: Text, value: String) {
        self.values[t as usize] = value;
    }
}

/// The primary language subtag of a BCP 47 tag, lowercased (`es-MX` → `es`).
pub fn primary_subtag(tag: &str) -> String {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
    primary.to_ascii_lowercase()
}

/// Chooses the interface language: the configured one, else `<html lang>`, else the first of
/// `navigator.languages` that the SDK or the site's texts offer; English when nothing matches.
pub fn negotiate(configured: Option<&str>, html_lang: Option<&str>, browser: &[String], offered: &[String]) -> String {
    let is_offered = |tag: &str| {
        let p = primary_subtag(tag);
        if !p.is_empty() && (BUILT_IN.contains(&p.as_str()) || offered.contains(&p)) {
            Some(p)
        } else {
            None
        }
    };
    configured
        .and_then(is_offered)
        .or_else(|| html_lang.and_then(is_offered))
        .or_else(|| browser.iter().find_map(|b| is_offered(b)))
        .unwrap_or_else(|| "en".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_texts_line_up() {
        for (i, t) in ALL.iter().enumerate() {
            assert_eq!(*t as usize, i);
            assert_eq!(Text::from_key(t.key()), Some(*t));
        }
        assert!(EN.iter().chain(ES.iter()).all(|s| !s.is_empty()));
        assert_eq!(Text::from_key("acceptAl"), None);
    }

    #[test]
    fn negotiation_order() {
        let none: Vec<String> = vec![];
        let nav = vec!["fr-FR".to_owned(), "es-MX".to_owned()];
        type Case<'a> = (Option<&'a str>, Option<&'a str>, &'a Vec<String>, &'a [&'a str], &'a str);
        let cases: &[Case] = &[
            (Some("es"), Some("en"), &none, &[], "es"),
            (None, Some("es-ES"), &none, &[], "es"),
            (None, None, &nav, &[], "es"),
            (None, None, &nav, &["fr"], "fr"),
            (Some("xx"), None, &none, &[], "en"),
            (Some("ES"), None, &none, &[], "es"),
            (None, Some(""), &none, &[], "en"),
        ];
        for (cfg, html, navs, offered, want) in cases {
            let offered: Vec<String> = offered.iter().map(|s| s.to_string()).collect();
            assert_eq!(negotiate(*cfg, *html, navs, &offered), *want, "{cfg:?} {html:?}");
        }
    }

    #[test]
    fn unknown_language_falls_back_to_english() {
        assert_eq!(Texts::new("de").get(Text::AcceptAll), "Accept all");
        assert_eq!(Texts::new("es").get(Text::AcceptAll), "Aceptar todo");
    }
}
