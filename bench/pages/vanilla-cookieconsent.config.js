// vanilla-cookieconsent 3.1.0, configured like bench-consent.json: necessary + analytics + advertising,
// English texts, GA4's gtag.js gated on "analytics" by the library's own script-tag blocking
// (<script type="text/plain" data-category="analytics"> in the page).
// hideFromBots is turned off because Playwright's Chromium reports navigator.webdriver = true,
// and the library would otherwise never show its banner to the benchmark.
CookieConsent.run({
  revision: 1,
  hideFromBots: false,
  categories: {
    necessary: { enabled: true, readOnly: true },
    analytics: {},
    advertising: {}
  },
  language: {
    default: 'en',
    translations: {
      en: {
        consentModal: {
          title: 'We use cookies',
          description: 'We use cookies for analytics and advertising, only with your consent. <a href="/privacy">Privacy policy</a>',
          acceptAllBtn: 'Accept all',
          acceptNecessaryBtn: 'Reject all',
          showPreferencesBtn: 'Manage preferences'
        },
        preferencesModal: {
          title: 'Cookie preferences',
          acceptAllBtn: 'Accept all',
          acceptNecessaryBtn: 'Reject all',
          savePreferencesBtn: 'Save preferences',
          closeIconLabel: 'Close',
          sections: [
            { title: 'Strictly necessary', description: 'Needed for the site to work.', linkedCategory: 'necessary' },
            { title: 'Analytics', description: 'Google Analytics: how visitors use the site.', linkedCategory: 'analytics' },
            { title: 'Advertising', description: 'Ads and their measurement.', linkedCategory: 'advertising' }
          ]
        }
      }
    }
  }
});
