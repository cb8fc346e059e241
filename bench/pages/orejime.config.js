// orejime 3.2.1, configured like bench-consent.json: analytics + advertising purposes (orejime has no
// "necessary" purpose to declare: only purposes needing consent are listed), English build
// (orejime-standard-en.js), GA4's gtag.js gated on "analytics" with orejime's v3 mechanism:
// <template data-purpose="analytics"> around the tag in the page.
window.orejimeConfig = {
  privacyPolicyUrl: '/privacy',
  purposes: [
    {
      id: 'analytics',
      title: 'Analytics',
      description: 'Google Analytics: how visitors use the site.',
      cookies: [/^_ga(_.*)?$/]
    },
    {
      id: 'advertising',
      title: 'Advertising',
      description: 'Ads and their measurement.',
      cookies: []
    }
  ]
};
