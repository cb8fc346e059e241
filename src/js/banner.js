// The banner, in a file of its own: a page loads it while the wasm loads when no decision is
// stored (a first visit), else when core asks for the banner (a new revision, an expired
// record); most page views, of visitors who decided, never load it. What it shows was decided in
// Rust (src/web/ui.rs `Part::Banner`); `k` is bridge.js's builders, so the banner is owned like
// the rest of the interface, and `k.banner_` is the banner shown now.
let watching;

/**
 * Builds the banner from the description `a` ([language, direction, label, title, text, privacy
 * link text, its href, signal line, accept, reject, preferences]), shows it, and returns it.
 */
export default function banner(k, a) {
  const { d_: d, el_: el, button_: button } = k;
  const b = k.mark_(el('section', 'cg-root cg-banner'), a, 'banner');
  b.id = 'cg-banner';
  k.banner_ = b;
  // The region's accessible name is the `bannerLabel` text; the heading stays visible.
  b.ariaLabel = a[2];
  el('h2', 'cg-title', a[3], b);
  const p = el('p', 'cg-text', a[4], b);
  if (a[6]) {
    p.append(' ');
    el('a', 'cg-link', a[5], p).href = a[6];
  }
  if (a[7]) el('p', 'cg-gpc', a[7], b);
  const actions = el('div', 'cg-actions', '', b);
  // Accept and reject look the same: no dark patterns.
  button(actions, a[8], 'accept');
  button(actions, a[9], 'reject');
  button(actions, a[10], 'prefs', 'cg-btn cg-btn-quiet');
  // First in the document: keyboard and screen-reader users meet it before the page. In the
  // top layer, above anything page markup can draw: a look-alike made of our classes cannot
  // cover it. Markup cannot take it out (`popovertarget="cg-banner"`): it goes straight back.
  // Never while the SDK's dialog is open (a banner whose file came late, or hidden by a script):
  // shown after the modal dialog, it would be drawn above it, each of its buttons over one of the
  // dialog's, which a click would press. It shows when the dialog closes, if still in force.
  b.popover = 'manual';
  const show = () => b == k.banner_ && (k.dialog_?.open ? k.dialog_.addEventListener('close', show, { once: true }) : b.showPopover?.());
  b.ontoggle = show;
  d.body.prepend(b);
  show();
  // The banner never hides the focused element of the page (WCAG 2.4.11): browsers ignore
  // scroll-padding when the element is already inside the viewport, so scroll it above the
  // banner. (A modal dialog is above the banner.)
  if (!watching) {
    watching = 1;
    d.addEventListener('focusin', (e) => {
      const s = k.banner_?.isConnected && k.banner_;
      const gap = s && !e.target.closest('#cg-banner,dialog') && e.target.getBoundingClientRect().bottom - s.getBoundingClientRect().top + 8;
      if (gap > 0) scrollBy(0, gap);
    });
  }
  return b;
}
