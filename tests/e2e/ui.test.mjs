// The visitor's interface: banner, preferences dialog, notice with live controls, languages,
// look. Served by the demo site with the script tag; Google hosts intercepted (harness.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { rmSync } from 'node:fs';
import { ARGS, EXECUTABLE, dntProfile, interceptGoogle, openPage, ready, screenshot, serveForFile, settle } from './harness.mjs';
import { active, axe, looks, serveConfig, servePage, tabUntil, testPage } from './ui-helpers.mjs';

const server = serveForFile();

/** Opens `path` on the demo and waits for consent-gate. */
async function open(path = '/', opts = {}) {
  const o = await openPage(opts);
  if (opts.config) await serveConfig(o.context, opts.config);
  await o.page.goto(server.url + path);
  await ready(o.page);
  return o;
}

async function openDialog(page) {
  await page.evaluate(() => ConsentGate.showPreferences());
  await page.locator('#cg-prefs').waitFor({ state: 'visible' });
}

describe('banner', () => {
  test('shown without a decision: a labelled region with a privacy link and equal buttons', async () => {
    const { page, context, pageErrors } = await open('/');
    const banner = page.locator('#cg-banner');
    await banner.waitFor({ state: 'visible' });
    // The region is named by the bannerLabel text; its heading is the visible title.
    const region = page.getByRole('region', { name: 'Cookie consent', exact: true });
    assert.equal(await region.count(), 1, 'role region named "Cookie consent"');
    assert.equal(await region.getByRole('heading', { level: 2 }).textContent(), 'Your privacy choices');
    assert.equal(await banner.locator('a[href="/privacy/"]').textContent(), 'Privacy notice');
    const accept = await looks(banner.locator('[data-cg="accept"]'));
    const reject = await looks(banner.locator('[data-cg="reject"]'));
    for (const k of ['background', 'color', 'fontSize', 'fontWeight', 'padding', 'border']) {
      assert.equal(accept[k], reject[k], k + ' differs between Accept all and Reject all');
    }
    assert.ok(Math.abs(accept.width - reject.width) <= 1, `width ${accept.width} vs ${reject.width}`);
    assert.ok(Math.abs(accept.height - reject.height) <= 1, `height ${accept.height} vs ${reject.height}`);
    assert.equal(await banner.locator('.cg-gpc').count(), 0, 'no GPC line without GPC');
    assert.deepEqual(pageErrors, []);
    await screenshot(page, 'ui-banner-1280');
    await context.close();
  });

  test('bannerLabel names the banner region, in the visitor\'s language', async () => {
    const { page, context } = await open('/', { config: (c) => void (c.texts = { en: { bannerLabel: 'Privacy at Example Health' } }) });
    await page.locator('#cg-banner').waitFor({ state: 'visible' });
    assert.equal(await page.getByRole('region', { name: 'Privacy at Example Health', exact: true }).count(), 1);
    assert.equal(await page.getByRole('region', { name: 'Cookie consent' }).count(), 0);
    await context.close();
    const es = await open('/', { config: (c) => void (c.language = 'es') });
    await es.page.locator('#cg-banner').waitFor({ state: 'visible' });
    assert.equal(await es.page.getByRole('region', { name: 'Consentimiento de cookies', exact: true }).count(), 1);
    await es.context.close();
  });

  test('banner at 375 px', async () => {
    const { page, context } = await open('/', { viewport: { width: 375, height: 740 } });
    await page.locator('#cg-banner').waitFor({ state: 'visible' });
    await screenshot(page, 'ui-banner-375');
    await context.close();
  });

  test('is not a focus trap: Tab leaves the banner for the page', async () => {
    const { page, context } = await open('/');
    await page.locator('#cg-banner [data-cg="accept"]').focus();
    let left = false;
    for (let i = 0; i < 8 && !left; i++) {
      await page.keyboard.press('Tab');
      const a = await active(page, '#cg-banner');
      left = a && a.tag != 'body' && !a.inside;
    }
    assert.ok(left, 'focus reached the page after the banner');
    await context.close();
  });

  test('does not hide the focused element (WCAG 2.4.11) at 1280 and 375 px', async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 667 },
    ]) {
      const { page, context } = await open('/', { viewport });
      await page.locator('#cg-banner').waitFor({ state: 'visible' });
      let seen = 0;
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const r = await page.evaluate(() => {
          const a = document.activeElement;
          if (!a || a == document.body || a.closest('#cg-banner')) return null;
          const box = a.getBoundingClientRect();
          const banner = document.getElementById('cg-banner').getBoundingClientRect();
          return { what: a.outerHTML.slice(0, 80), top: box.top, bottom: box.bottom, bannerTop: banner.top, vh: innerHeight };
        });
        if (!r) continue;
        seen++;
        // Not even partly hidden (2.4.11 asks for "not entirely"; we do better).
        assert.ok(r.bottom <= r.bannerTop, `${viewport.width}px: ${r.what} is under the banner (bottom ${r.bottom}, banner top ${r.bannerTop})`);
        assert.ok(r.bottom > 0, `${viewport.width}px: ${r.what} is above the viewport`);
      }
      assert.ok(seen >= 10, 'tabbed through the page links: ' + seen);
      await context.close();
    }
  });

  test('with Global Privacy Control: the honoured line shows in the banner and the dialog', async () => {
    const { page, context } = await open('/', { gpc: true });
    const line = "Your browser's Global Privacy Control signal is honoured: advertising is off.";
    assert.equal(await page.locator('#cg-banner .cg-gpc').textContent(), line);
    await openDialog(page);
    assert.equal(await page.locator('#cg-prefs .cg-gpc').textContent(), line);
    assert.equal(await page.locator('#cg-prefs [data-cg-category="advertising"]').getAttribute('aria-checked'), 'false');
    await context.close();
  });
});

describe('preferences dialog', () => {
  test('a native modal dialog with every category, switches and services', async () => {
    const { page, context } = await open('/');
    await page.click('#cg-banner [data-cg="prefs"]');
    const d = page.locator('#cg-prefs');
    await d.waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.getElementById('cg-prefs').matches('dialog:modal')), true);
    assert.equal(await page.getByRole('dialog', { name: 'Privacy preferences' }).count(), 1);
    const cats = await d.locator('li.cg-cat').evaluateAll((lis) =>
      lis.map((li) => {
        const s = li.querySelector('[role="switch"]');
        return {
          id: s.getAttribute('data-cg-category'),
          title: li.querySelector('h3').textContent,
          description: li.querySelector('.cg-text').textContent,
          checked: s.getAttribute('aria-checked'),
          disabled: s.getAttribute('aria-disabled'),
          name: s.getAttribute('aria-labelledby') && document.getElementById(s.getAttribute('aria-labelledby')).textContent,
          services: [...li.querySelectorAll('.cg-services strong')].map((e) => e.textContent),
        };
      }),
    );
    assert.deepEqual(
      cats.map((c) => [c.id, c.title, c.checked, c.disabled]),
      [
        ['necessary', 'Strictly necessary', 'true', 'true'],
        ['functional', 'Functional', 'false', null],
        ['analytics', 'Analytics', 'false', null],
        ['advertising', 'Advertising', 'false', null],
      ],
    );
    for (const c of cats) {
      assert.ok(c.description.length > 20, c.id + ' has a description');
      assert.equal(c.name, c.title, 'switch named by its title');
    }
    assert.deepEqual(cats.find((c) => c.id == 'analytics').services, ['Google Analytics']);
    assert.deepEqual(cats.find((c) => c.id == 'advertising').services, ['Google Ads remarketing', 'Example Video']);
    assert.deepEqual(await d.locator('.cg-actions .cg-btn').allTextContents(), ['Save choices', 'Accept all', 'Reject all']);
    await screenshot(page, 'ui-dialog-1280');
    await context.close();
  });

  test('dialog at 375 px', async () => {
    const { page, context } = await open('/', { viewport: { width: 375, height: 740 } });
    await openDialog(page);
    await screenshot(page, 'ui-dialog-375');
    await context.close();
  });

  test('APG: focus moves in, Tab stays inside, Escape closes, focus returns to the footer link', async () => {
    const { page, context } = await open('/');
    await page.click('#cg-banner [data-cg="reject"]');
    const link = page.locator('footer [data-consent-gate="preferences"]');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('#cg-prefs').waitFor({ state: 'visible' });
    assert.equal((await active(page, '#cg-prefs')).inside, true, 'focus moved into the dialog');
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const a = await active(page, '#cg-prefs');
      assert.equal(a.inside, true, `Tab ${i + 1} left the dialog for ${JSON.stringify(a)}`);
    }
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Shift+Tab');
      assert.equal((await active(page, '#cg-prefs')).inside, true, 'Shift+Tab stays inside');
    }
    await page.keyboard.press('Escape');
    await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement.matches('footer [data-consent-gate="preferences"]')), true, 'focus back on the opener');
    assert.equal(page.url(), server.url + '/', 'the link did not navigate');
    await context.close();
  });

  test('reopens via ConsentGate.showPreferences() and the close button', async () => {
    const { page, context } = await open('/');
    await page.click('#cg-banner [data-cg="accept"]');
    await openDialog(page);
    assert.equal(await page.locator('#cg-prefs [data-cg-category="analytics"]').getAttribute('aria-checked'), 'true', 'shows the stored choice');
    await page.click('#cg-prefs [data-cg="close"]');
    await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
    await openDialog(page);
    assert.equal(await page.locator('#cg-prefs').count(), 1, 'one dialog, reused');
    await context.close();
  });

  test('switches toggle with Space and Enter; a required one does not', async () => {
    const { page, context } = await open('/');
    await openDialog(page);
    const sw = page.locator('#cg-prefs [data-cg-category="analytics"]');
    await sw.focus();
    await page.keyboard.press('Space');
    assert.equal(await sw.getAttribute('aria-checked'), 'true', 'Space');
    await page.keyboard.press('Enter');
    assert.equal(await sw.getAttribute('aria-checked'), 'false', 'Enter');
    const nec = page.locator('#cg-prefs [data-cg-category="necessary"]');
    await nec.focus();
    await page.keyboard.press('Space');
    await nec.click({ force: true });
    assert.equal(await nec.getAttribute('aria-checked'), 'true', 'necessary stays on');
    const outline = await sw.evaluate((el) => {
      el.focus();
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.notEqual(outline.style, 'none', 'visible focus');
    assert.ok(outline.width >= 2, 'focus outline at least 2px');
    await context.close();
  });

  test('Save stores the switches, Accept all and Reject all act at once, each closing the dialog', async () => {
    const { page, context, net } = await open('/');
    await openDialog(page);
    await page.click('#cg-prefs [data-cg-category="analytics"]');
    await page.click('#cg-prefs [data-cg="save"]');
    await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
    let r = await page.evaluate(() => ConsentGate.getConsentRecord());
    assert.equal(r.method, 'preferences');
    assert.deepEqual(
      r.choices.map((c) => [c.category, c.granted]),
      [
        ['necessary', true],
        ['functional', false],
        ['analytics', true],
        ['advertising', false],
      ],
    );
    assert.equal(await page.locator('#cg-banner').count(), 0, 'banner gone after a decision');
    await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
    assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-DEMO12345']);
    await openDialog(page);
    await page.click('#cg-prefs [data-cg="accept"]');
    await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
    assert.equal((await page.evaluate(() => ConsentGate.getConsent())).categories.advertising, true);
    await openDialog(page);
    await page.click('#cg-prefs [data-cg="reject"]');
    await page.locator('#cg-prefs').waitFor({ state: 'hidden' });
    r = await page.evaluate(() => ConsentGate.getConsent());
    assert.deepEqual(r.allowed, ['necessary']);
    await context.close();
  });

  test('very long texts wrap and scroll inside the dialog; Save stays visible', async () => {
    const long = 'Lorem ipsum dolor sit amet. '.repeat(357).slice(0, 9990) + 'Averyveryverylongwordwithoutanyspacesatall'.repeat(3);
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 320, height: 640 },
    ]) {
      const { page, context } = await open('/', {
        viewport,
        config: (c) => {
          c.categories[2].description = long;
          c.language = 'en';
        },
      });
      await openDialog(page);
      const m = await page.evaluate(() => {
        const d = document.getElementById('cg-prefs');
        const body = d.querySelector('.cg-dialog-body');
        const save = d.querySelector('[data-cg="save"]').getBoundingClientRect();
        const box = d.getBoundingClientRect();
        return {
          dialog: { top: box.top, bottom: box.bottom, width: box.width, scrollWidth: d.scrollWidth, clientWidth: d.clientWidth },
          body: { scrollHeight: body.scrollHeight, clientHeight: body.clientHeight, scrollWidth: body.scrollWidth, clientWidth: body.clientWidth },
          save: { top: save.top, bottom: save.bottom },
          vh: innerHeight,
          docWidth: document.documentElement.scrollWidth,
        };
      });
      assert.ok(m.dialog.bottom <= m.vh && m.dialog.top >= 0, 'dialog fits the viewport ' + JSON.stringify(m.dialog));
      assert.ok(m.body.scrollHeight > m.body.clientHeight, 'the body scrolls');
      assert.ok(m.body.scrollWidth <= m.body.clientWidth, 'no horizontal scrolling in the body');
      assert.ok(m.save.top >= 0 && m.save.bottom <= m.vh, 'Save visible without scrolling ' + JSON.stringify(m.save));
      assert.ok(m.docWidth <= viewport.width, 'page does not scroll sideways');
      await page.click('#cg-prefs [data-cg="save"]', { trial: true });
      if (viewport.width == 1280) await screenshot(page, 'ui-dialog-long-1280');
      await context.close();
    }
  });
});

describe('notice page', () => {
  test('renders the sections from configuration with live switches and signal lines', async () => {
    const { page, context, pageErrors } = await open('/privacy/');
    const notice = page.locator('[data-consent-gate="notice"] .cg-notice');
    await notice.waitFor();
    const headings = await notice.locator('section > h2').allTextContents();
    assert.equal(headings.length, 10);
    assert.equal(headings[0], 'About this notice');
    assert.equal(headings[1], 'Cookies and similar technologies');
    assert.equal(await notice.locator('section#cookies h3').first().textContent(), 'Your cookie choices');
    assert.ok((await notice.locator('p').count()) > 15);
    assert.equal(await notice.locator('section#google > ul > li').count(), 4);
    assert.equal(await notice.locator('a[href="https://adssettings.google.com"]').textContent(), "Google's ad settings");
    assert.equal(await notice.locator('a[href="mailto:privacy@lakeside-health.example"]').count(), 1);
    assert.equal(await notice.locator('a[href="#cookies"]').count(), 1);
    const switches = notice.locator('section#cookies [role="switch"]');
    assert.equal(await switches.count(), 4);
    assert.deepEqual(await page.locator('section#cookies .cg-signals li').allTextContents(), ['Global Privacy Control: not detected.', 'Do Not Track: not enabled.']);
    assert.deepEqual(pageErrors, []);
    await page.evaluate(() => document.querySelector('section#cookies h3').scrollIntoView());
    await screenshot(page, 'ui-notice-1280');
    await page.setViewportSize({ width: 375, height: 740 });
    await page.evaluate(() => document.querySelector('section#cookies h3').scrollIntoView());
    await screenshot(page, 'ui-notice-375');
    await context.close();
  });

  test('GPC: the notice says it is detected and honoured', async () => {
    const { page, context } = await open('/privacy/', { gpc: true });
    assert.equal(await page.locator('.cg-signals li').first().textContent(), 'Global Privacy Control: detected and honoured, advertising is off.');
    assert.equal(await page.locator('.cg-notice [data-cg-category="advertising"]').getAttribute('aria-checked'), 'false');
    await context.close();
  });

  test('DNT from a real browser profile: detected and recorded', async () => {
    const dir = dntProfile();
    const context = await chromium.launchPersistentContext(dir, { executablePath: EXECUTABLE, args: ARGS });
    try {
      await interceptGoogle(context);
      const page = context.pages()[0] || (await context.newPage());
      await page.goto(server.url + '/privacy/');
      await ready(page);
      assert.equal(await page.evaluate(() => navigator.doNotTrack), '1');
      assert.equal(
        await page.locator('.cg-signals li').nth(1).textContent(),
        'Do Not Track: detected and recorded; this site does not change its behaviour for it.',
      );
      assert.equal((await page.evaluate(() => ConsentGate.getConsent())).signals.dnt, 'on');
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('choices made in the notice behave like the dialog (method notice, gtag loads)', async () => {
    const { page, context, net } = await open('/privacy/');
    const sw = page.locator('.cg-notice [data-cg-category="analytics"]');
    await sw.click();
    assert.equal(await sw.getAttribute('aria-checked'), 'true');
    await page.click('.cg-notice [data-cg="save"]');
    await page.waitForFunction(() => document.querySelector('script[src*="gtag/js"]'));
    const r = await page.evaluate(() => ConsentGate.getConsentRecord());
    assert.equal(r.method, 'notice');
    assert.equal(r.choices.find((c) => c.category == 'analytics').granted, true);
    assert.equal(r.choices.find((c) => c.category == 'advertising').granted, false);
    assert.deepEqual(net.gtag(), ['https://www.googletagmanager.com/gtag/js?id=G-DEMO12345']);
    assert.equal(await page.locator('.cg-notice .cg-status').textContent(), 'Your choices are saved.');
    assert.equal(await page.locator('#cg-banner').count(), 0, 'the banner went away');
    await openDialog(page);
    assert.equal(await page.locator('#cg-prefs [data-cg-category="analytics"]').getAttribute('aria-checked'), 'true', 'dialog in step');
    await page.click('#cg-prefs [data-cg="reject"]');
    assert.equal(await sw.getAttribute('aria-checked'), 'false', 'notice in step with the dialog');
    assert.match(await page.evaluate(() => localStorage.getItem('consent-gate')), /analytics:0u/);
    await context.close();
  });
});

test('two notice containers on one page: every id stays unique, both sets of switches work, axe passes', async () => {
  const o = await openPage();
  const html = testPage('en').replace('</main>', '<div data-consent-gate="notice"></div><div data-consent-gate="notice"></div></main>');
  await servePage(o.context, server.url + '/t/two.html', html);
  await o.page.goto(server.url + '/t/two.html');
  await ready(o.page);
  await o.page.locator('.cg-notice').nth(1).waitFor();
  const dupes = await o.page.evaluate(() => {
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    return ids.filter((id, i) => ids.indexOf(id) !== i);
  });
  assert.deepEqual(dupes, [], 'duplicate ids');
  // The second container's switch is labelled by its own heading and acts.
  const second = o.page.locator('.cg-notice').nth(1).getByRole('switch', { name: 'Analytics' });
  await second.click();
  await o.page.locator('.cg-notice').nth(1).locator('[data-cg="save"]').click();
  await o.page.waitForFunction(() => ConsentGate.getConsent().categories.analytics === true);
  assert.equal(await o.page.locator('.cg-notice').first().getByRole('switch', { name: 'Analytics' }).getAttribute('aria-checked'), 'true', 'the first set follows');
  assert.deepEqual((await axe(o.page)).filter((v) => v.startsWith('duplicate-id') || v.startsWith('aria-valid-attr-value')), []);
  await o.context.close();
});

describe('languages', () => {
  const bannerTexts = (page) => page.locator('#cg-banner .cg-btn').allTextContents();

  test('configured language wins over <html lang>', async () => {
    const { page, context } = await open('/', { config: (c) => void (c.language = 'es') });
    assert.deepEqual(await bannerTexts(page), ['Aceptar todo', 'Rechazar todo', 'Preferencias']);
    assert.equal(await page.locator('#cg-banner').getAttribute('lang'), 'es');
    assert.equal((await page.evaluate(() => ConsentGate.getConsent())).language, 'es');
    await context.close();
  });

  test('<html lang> wins over the browser', async () => {
    const o = await openPage({ contextOptions: { locale: 'en-US' } });
    await servePage(o.context, server.url + '/t/es.html', testPage('es-MX'));
    await o.page.goto(server.url + '/t/es.html');
    await ready(o.page);
    assert.deepEqual(await bannerTexts(o.page), ['Aceptar todo', 'Rechazar todo', 'Preferencias']);
    await o.context.close();
  });

  test('without <html lang>: navigator.languages, else English', async () => {
    for (const [locale, want] of [
      ['es-ES', 'Aceptar todo'],
      ['de-DE', 'Alle akzeptieren'],
      ['it-IT', 'Accept all'],
    ]) {
      const o = await openPage({ contextOptions: { locale } });
      await servePage(o.context, server.url + '/t/nolang.html', testPage(null));
      await o.page.goto(server.url + '/t/nolang.html');
      await ready(o.page);
      assert.equal((await bannerTexts(o.page))[0], want, locale);
      await o.context.close();
    }
  });

  test('texts override a string and add a language; missing keys stay English with a warning', async () => {
    const { page, context, consoleMessages } = await open('/', {
      config: (c) => {
        c.language = 'it';
        c.texts = { en: { rejectAll: 'No thanks' }, it: { acceptAll: 'Accetta tutto', rejectAll: 'Rifiuta tutto', bannerTitle: 'Le tue scelte' } };
      },
    });
    assert.deepEqual(await bannerTexts(page), ['Accetta tutto', 'Rifiuta tutto', 'Preferences']);
    assert.equal(await page.locator('#cg-banner .cg-title').textContent(), 'Le tue scelte');
    assert.equal(await page.locator('#cg-banner').getAttribute('lang'), 'it');
    const warn = consoleMessages.find((m) => m.type == 'warning' && m.text.includes('texts.it'));
    assert.ok(warn, 'a warning names texts.it: ' + JSON.stringify(consoleMessages));
    await context.close();
    const en = await open('/', { config: (c) => void (c.texts = { en: { rejectAll: 'No thanks' } }) });
    assert.deepEqual(await bannerTexts(en.page), ['Accept all', 'No thanks', 'Preferences']);
    await en.context.close();
  });

  test('markup in configuration shows as text', async () => {
    const evil = '<img src=x onerror=alert(1)><b>bold</b>';
    const { page, context } = await open('/privacy/', {
      initScript: () => {
        window.__alerts = 0;
        window.alert = () => window.__alerts++;
      },
      config: (c) => {
        c.texts = { en: { bannerText: evil, acceptAll: evil } };
        c.categories[2].description = evil;
        c.notice.sections[0].heading = evil;
        c.notice.sections[0].blocks[0] = { p: [evil, { text: evil, href: '/x' }] };
      },
    });
    await openDialog(page);
    await settle(page);
    assert.ok((await page.locator('#cg-banner .cg-text').textContent()).includes(evil));
    assert.equal(await page.locator('#cg-banner [data-cg="accept"]').textContent(), evil);
    assert.equal(await page.locator('#cg-prefs [data-cg-category="analytics"]').evaluate((s) => document.getElementById(s.getAttribute('aria-describedby')).textContent), evil);
    assert.equal(await page.locator('.cg-notice section#about h2').textContent(), evil);
    assert.equal(await page.locator('.cg-notice section#about p').first().textContent(), evil + evil);
    assert.equal(await page.locator('.cg-root img, .cg-root b').count(), 0, 'no element created from markup');
    assert.equal(await page.evaluate(() => window.__alerts), 0, 'no alert');
    await context.close();
  });

  test('unsafe links are refused with a configuration error naming the field', async () => {
    const { page, context, consoleMessages } = await open('/privacy/', {
      config: (c) => {
        c.privacyUrl = 'javascript:alert(1)';
        c.notice.sections[0].blocks[0] = { p: ['x ', { text: 'click', href: 'javascript:alert(2)' }, { text: 'data', href: 'data:text/html,hi' }] };
      },
    });
    const errors = consoleMessages.filter((m) => m.type == 'error').map((m) => m.text).join('\n');
    assert.match(errors, /privacyUrl/);
    assert.match(errors, /notice\.sections\[0\]\.blocks\[0\]\.p\[1\]\.href/);
    assert.match(errors, /notice\.sections\[0\]\.blocks\[0\]\.p\[2\]\.href/);
    assert.equal(await page.locator('a[href^="javascript:"], a[href^="data:"]').count(), 0);
    assert.equal(await page.locator('#cg-banner').isVisible(), true, 'banner still shows (fail closed)');
    await context.close();
  });
});

describe('look', () => {
  test('stylesheets next to the script, the interface\'s right after the first; no inline styles, no <style> elements', async () => {
    const { page, context } = await open('/privacy/');
    await openDialog(page);
    const r = await page.evaluate(() => ({
      sheets: [...document.styleSheets].map((s) => s.href && new URL(s.href).pathname),
      styled: document.querySelectorAll('.cg-root[style], .cg-root [style]').length,
      styles: document.querySelectorAll('style').length,
      roots: [...document.querySelectorAll('.cg-root')].map((e) => e.id || e.className),
    }));
    assert.deepEqual(r.sheets, ['/site.css', '/consent-gate/consent-gate.css', '/consent-gate/consent-gate-ui.css']);
    assert.equal(r.styled, 0);
    assert.equal(r.styles, 0);
    assert.deepEqual(r.roots, ['cg-banner', 'cg-root cg-notice', 'cg-prefs']);
    await context.close();
  });

  test('a gated iframe behind its placeholder stays hidden although the site styles iframes display: block', async () => {
    const { page, context } = await open('/');
    await page.locator('.cg-embed').waitFor();
    assert.deepEqual(await page.locator('iframe[data-consent-category]').evaluate((f) => [f.hidden, getComputedStyle(f).display]), [true, 'none']);
    await context.close();
  });

  test('themeable with custom properties on :root or .cg-root', async () => {
    const o = await openPage();
    await o.context.route('**/site.css', async (route) => {
      const res = await route.fetch();
      const css = (await res.text()) + '\n:root { --cg-accent: rgb(1, 2, 3); --cg-radius: 3px; } .cg-root { --cg-bg: rgb(250, 240, 230); }';
      return route.fulfill({ response: res, body: css });
    });
    await o.page.goto(server.url + '/');
    await ready(o.page);
    const s = await o.page.locator('#cg-banner [data-cg="accept"]').evaluate((b) => {
      const c = getComputedStyle(b);
      return { bg: c.backgroundColor, radius: c.borderTopLeftRadius, banner: getComputedStyle(document.getElementById('cg-banner')).backgroundColor };
    });
    assert.deepEqual(s, { bg: 'rgb(1, 2, 3)', radius: '3px', banner: 'rgb(250, 240, 230)' });
    await o.context.close();
  });

  test('dark colour scheme: the banner and dialog turn dark', async () => {
    const { page, context } = await open('/', { contextOptions: { colorScheme: 'dark' } });
    const bg = await page.locator('#cg-banner').evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(bg, 'rgb(27, 27, 31)');
    await screenshot(page, 'ui-banner-dark-1280');
    await openDialog(page);
    await screenshot(page, 'ui-dialog-dark-1280');
    await context.close();
  });

  test('no layout shift of the host page when the banner appears', async () => {
    // Positions of the page's content at DOMContentLoaded (before the wasm starts) and after the
    // banner shows, plus the layout-shift entries. The home page's embed placeholder replaces an
    // iframe further down (gating), so there only the content above it is compared; the test
    // page has no embed and must have no shift at all.
    const initScript = () => {
      const sel = 'header, main h1, main h2, main p, main li, footer';
      const tops = () => [...document.querySelectorAll(sel)].filter((e) => !e.closest('.cg-root, .demo, footer') || e.matches('footer')).map((e) => Math.round(e.getBoundingClientRect().top));
      window.__tops = tops;
      window.__shifts = [];
      new PerformanceObserver((l) => window.__shifts.push(...l.getEntries().map((e) => e.value))).observe({ type: 'layout-shift', buffered: true });
      document.addEventListener('DOMContentLoaded', () => (window.__before = tops()));
    };
    const long = '<p>' + 'Some page text that fills the page. '.repeat(40) + '</p>';
    for (const [path, all] of [
      ['/', false],
      ['/t/long.html', true],
    ]) {
      const o = await openPage({ initScript });
      await servePage(o.context, server.url + '/t/long.html', testPage('en').replace('</main>', long.repeat(6) + '</main><footer><p>end</p></footer>'));
      await o.page.goto(server.url + path);
      await ready(o.page);
      await o.page.locator('#cg-banner').waitFor({ state: 'visible' });
      await settle(o.page);
      const r = await o.page.evaluate(() => ({ before: window.__before, after: window.__tops(), shifts: window.__shifts }));
      const n = all ? r.before.length : r.before.length - 1; // without the footer on the home page
      assert.ok(n > 5, path);
      assert.deepEqual(r.after.slice(0, n), r.before.slice(0, n), path + ': content did not move');
      if (all) assert.equal(r.shifts.reduce((a, b) => a + b, 0), 0, 'CLS 0');
      await o.context.close();
    }
  });
});
