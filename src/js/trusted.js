// Which page elements are the site's own, for the files loaded when needed that act on page
// markup (the gating and the notice renderer): bundled into consent-gate-gating.js and
// consent-gate-notice.js, not into consent-gate.js, which never asks.

/**
 * Whether page element `el` is the site's own, with `k` bridge.js's `kit` (`k.nonce_`: the nonce
 * `gate` last set). With a nonce configured, only elements that carry it themselves are: an HTML
 * injection cannot know it, so it cannot have its markup run under the nonce (`el.nonce`, not the
 * attribute, which browsers hide). As the browser's own nonce check does, an element with
 * `<script` or `<style` in an attribute is not trusted with the nonce: that is dangling markup,
 * an injection that swallowed the start of the site's own nonced tag.
 */
export const trusted = (k, el) => !k.nonce_ || (el.nonce === k.nonce_ && ![...el.attributes].some((a) => /<(script|style)/i.test(a.name + a.value)));
