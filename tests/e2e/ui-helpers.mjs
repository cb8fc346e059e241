// Helpers shared by ui.test.mjs and a11y.test.mjs: configuration variants, axe, keyboard walks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';

/** The demo configuration, parsed afresh. */
export function demoConfig() {
  return JSON.parse(readFileSync(join(root, 'www', 'consent.json'), 'utf8'));
}

/** Serves `mutate(demo config)` (or a whole object) as /consent.json to every page of `context`. */
export async function serveConfig(context, mutate) {
  let cfg = mutate;
  if (typeof mutate == 'function') {
    const base = demoConfig();
    cfg = mutate(base) || base;
  }
  await context.route('**/consent.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(cfg) }));
}

/** Serves `html` at `url` (a page that is not in www/). */
export async function servePage(context, url, html) {
  await context.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
}

/** A minimal page with the script tag (with `attributes`, e.g. ` data-notice`); `lang` null leaves <html lang> out. */
export function testPage(lang, attributes = '') {
  return `<!DOCTYPE html><html${lang ? ` lang="${lang}"` : ''}><head><meta charset="utf-8"><title>t</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script src="/consent-gate/consent-gate.js" data-config="/consent.json"${attributes}></script></head>
<body><main><h1>Test</h1><p><a href="/privacy/" data-consent-gate="preferences">Cookie settings</a></p></main></body></html>`;
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe-core on the page (WCAG 2.0/2.1/2.2 A and AA) and returns the violations as short
 * strings. Uses @axe-core/playwright; if it cannot run (it declares Node >= 22), injects
 * axe-core itself.
 */
export async function axe(page) {
  let violations;
  try {
    const { AxeBuilder } = await import('@axe-core/playwright');
    violations = (await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations;
  } catch (e) {
    if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: join(root, 'node_modules', 'axe-core', 'axe.min.js') });
    violations = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }).then((r) => r.violations), AXE_TAGS);
  }
  return violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Describes document.activeElement: tag, id, data-cg action, text, and whether inside `scope`. */
export function active(page, scope) {
  return page.evaluate((scope) => {
    const a = document.activeElement;
    if (!a) return null;
    return {
      tag: a.tagName.toLowerCase(),
      id: a.id,
      cg: a.getAttribute('data-cg'),
      category: a.getAttribute('data-cg-category'),
      text: (a.textContent || '').trim(),
      inside: scope ? !!a.closest(scope) : null,
    };
  }, scope);
}

/** Presses Tab until `test(active)` holds (at most `max` times); returns the active element. */
export async function tabUntil(page, test, max = 60, key = 'Tab') {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const a = await active(page);
    if (a && test(a)) return a;
  }
  throw new Error('tabbed ' + max + ' times without reaching the element');
}

/** The computed styles that make a button prominent, and its size. */
export function looks(locator) {
  return locator.evaluate((el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      background: s.backgroundColor,
      color: s.color,
      fontSize: s.fontSize,
      fontWeight: s.fontWeight,
      padding: s.padding,
      border: s.border,
      width: r.width,
      height: r.height,
    };
  });
}
