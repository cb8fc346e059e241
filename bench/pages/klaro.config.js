// klaro 0.7.22, configured like bench-consent.json: analytics + advertising purposes, English texts,
// GA4's gtag.js gated on "analytics" with klaro's own mechanism:
// <script type="text/plain" data-type="text/javascript" data-name="google-analytics" data-src="..."> in the page.
// acceptAll: true gives the notice an "Accept all" button (klaro's own default config does the same).
window.klaroConfig = {
  version: 1,
  lang: 'en',
  acceptAll: true,
  groupByPurpose: true,
  storageMethod: 'cookie',
  translations: {
    en: {
      privacyPolicyUrl: '/privacy',
      purposes: { analytics: 'Analytics', advertising: 'Advertising' },
      'google-analytics': { description: 'Google Analytics: how visitors use the site.' },
      'google-ads': { description: 'Ads and their measurement.' }
    }
  },
  services: [
    {
      name: 'google-analytics',
      title: 'Google Analytics',
      purposes: ['analytics'],
      cookies: [/^_ga(_.*)?$/]
    },
    {
      name: 'google-ads',
      title: 'Google Ads',
      purposes: ['advertising'],
      cookies: []
    }
  ]
};
