// The pattern library (tests/browser/fixtures/patterns*.html) with service/web/static/
// kalendarium.css, served as the service will serve them: valid HTML, no WCAG 2.1 AA violation at
// 1280 and 320 px, no sideways scrolling at 320 px, text at 200 % without clipping, and the
// promises of the stylesheet that axe cannot see (targets, focus ring, "Inställt", print, accent).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  autofocusedClass, checkAxe, checkNoSideways, checkTextZoom, focused, launchBrowser, newContext, press, sourceDir,
  startStaticServer, tabOrder, tabTo, validateHtml,
} from './lib/index.mjs';

const T = { timeout: 90000 };
const PAGES = ['patterns.html', 'patterns-en.html'];

let site;
let browser;
before(async () => {
  site = await startStaticServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(name, options) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const response = await page.goto(`${site.url}/${name}`);
  assert.equal(response.status(), 200);
  return { page, context };
}

for (const name of PAGES) {
  describe(name, () => {
    test('is_valid_html_by_the_recommended_rules', T, async () => {
      await validateHtml(readFileSync(path.join(sourceDir, 'tests/browser/fixtures', name), 'utf8'), { label: name });
    });

    test('has_no_axe_violations_at_1280px_and_keeps_text_whole_at_200_percent', T, async () => {
      const { page, context } = await open(name);
      await checkAxe(page);
      await checkTextZoom(page);
      await context.close();
    });

    test('reflows_at_320px_without_sideways_scrolling_or_axe_violations', T, async () => {
      const { page, context } = await open(name, { viewport: 'narrow' });
      await checkNoSideways(page);
      await checkAxe(page);
      await context.close();
    });

    test('reflows_at_320px_without_javascript_too', T, async () => {
      const { page, context } = await open(name, { viewport: 'narrow', javaScript: false });
      await checkNoSideways(page);
      await context.close();
    });
  });
}

describe('the stylesheet', () => {
  test('every_button_and_choice_is_a_target_of_at_least_44_by_44_px_on_a_phone', T, async () => {
    for (const viewport of ['phone', 'narrow']) {
      const { page, context } = await open('patterns.html', { viewport });
      const small = await page.evaluate(() => {
        const targets = [...document.querySelectorAll('.button, .checkboxes__item, .radios__item, .input, .select, .site-nav__list a, .pager a, .details__summary')];
        return targets.map((el) => {
          const r = el.getBoundingClientRect();
          return { what: `${el.className} "${el.textContent.trim().slice(0, 30)}"`, width: r.width, height: r.height };
        }).filter((t) => t.height < 44 || t.width < 44);
      });
      assert.deepEqual(small, [], `targets under 44×44 px at ${viewport}`);
      const large = await page.locator('.checkin-list .button--large').first().boundingBox();
      assert.ok(large.width >= 0.8 * page.viewportSize().width, 'the check-in button takes the width of a phone');
      await context.close();
    }
  });

  test('cancelled_meetings_are_struck_through_and_say_installt_in_words_on_screen_and_paper', T, async () => {
    const { page, context } = await open('patterns.html', { viewport: 'narrow' });
    for (const media of ['screen', 'print']) {
      await page.emulateMedia({ media });
      const cancelled = await page.evaluate(() => [...document.querySelectorAll('.event--cancelled, .month__event--cancelled, .meeting--cancelled .meeting__header')]
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => {
          const tag = el.querySelector('.tag--cancelled');
          const struck = el.querySelector('s');
          const tagStyle = getComputedStyle(tag);
          const r = tag.getBoundingClientRect();
          return {
            word: tag.innerText.trim(),
            tagVisible: tagStyle.visibility === 'visible' && tagStyle.display !== 'none' && r.width > 20 && r.height > 10,
            tagStruck: tagStyle.textDecorationLine.includes('line-through'),
            titleStruck: getComputedStyle(struck).textDecorationLine.includes('line-through'),
          };
        }));
      assert.ok(cancelled.length >= 2, `cancelled meetings are shown (${media})`);
      for (const c of cancelled) assert.deepEqual(c, { word: 'Inställt', tagVisible: true, tagStruck: false, titleStruck: true }, media);
    }
    await context.close();
  });

  test('print_leaves_out_navigation_and_forms_and_prints_addresses_of_outside_links', T, async () => {
    const { page, context } = await open('patterns.html');
    await page.emulateMedia({ media: 'print' });
    const r = await page.evaluate(() => ({
      hidden: ['.site-nav', '.skip-link', 'form', '.filters', '.button', '.pager', '.site-footer']
        .map((s) => [...document.querySelectorAll(s)].every((el) => el.getClientRects().length === 0)),
      after: getComputedStyle(document.querySelector('.site-main a[href^="https://www.openstreetmap.org"]'), '::after').content,
      agenda: document.querySelector('.agenda').getClientRects().length > 0,
    }));
    assert.deepEqual(r.hidden, [true, true, true, true, true, true, true]);
    assert.match(r.after, /openstreetmap\.org/);
    assert.ok(r.agenda, 'the agenda is printed');
    await context.close();
  });

  test('the_skip_link_is_the_first_tab_stop_and_shows_when_focused', T, async () => {
    // As a page without errors: the error summary's autofocus would start the Tab order there.
    const context = await newContext(browser, { viewport: 'narrow', javaScript: false });
    const page = await context.newPage();
    await page.route(/\/patterns\.html$/, async (route) => {
      const original = await route.fetch();
      await route.fulfill({ response: original, body: (await original.text()).replace(' autofocus', '') });
    });
    await page.goto(`${site.url}/patterns.html`);
    const stops = await tabOrder(page);
    assert.equal(stops[0].name, 'Hoppa till innehållet');
    assert.ok(stops.length > 40, 'every link and field is a stop');
    await page.goto(`${site.url}/patterns.html`);
    await tabTo(page, 'Hoppa till innehållet', { max: 1 });
    const box = await page.locator('.skip-link').boundingBox();
    assert.ok(box.y >= 0 && box.height >= 24, `the skip link is on screen when focused (${JSON.stringify(box)})`);
    await press(page, 'Enter');
    assert.equal(new URL(page.url()).hash, '#innehall');
    await context.close();
  });

  test('the_focus_ring_is_3px_with_an_offset_and_two_colours_for_light_and_dark_backgrounds', T, async () => {
    const { page, context } = await open('patterns.html');
    await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
    for (const target of [{ name: 'English' }, { tag: 'button', name: 'Visa möten' }]) {
      if (target.name === 'Visa möten') {
        await tabTo(page, { name: 'Filtrera möten' });
        await press(page, 'Enter');  // opens the <details> with the keyboard
      }
      await tabTo(page, target);
      const ring = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return { width: s.outlineWidth, style: s.outlineStyle, offset: s.outlineOffset, dark: s.outlineColor, shadow: s.boxShadow };
      });
      assert.equal(ring.width, '3px', JSON.stringify(ring));
      assert.equal(ring.style, 'solid');
      assert.equal(ring.offset, '2px');
      assert.equal(ring.dark, 'rgb(11, 12, 12)');
      assert.match(ring.shadow, /rgb\(255, 221, 0\)/, 'a yellow ring inside the dark one');
    }
    await context.close();
  });

  test('the_error_summary_takes_the_focus_when_the_page_loads_without_javascript', T, async () => {
    const { page, context } = await open('patterns.html', { javaScript: false });
    const info = await focused(page);
    assert.equal(info?.tag, 'div');
    assert.match(info.name, /Det finns problem i anmälan/);
    assert.equal(await autofocusedClass(page), 'error-summary');
    // Each link leads to its field, which is described by its message and marked invalid.
    const fields = await page.evaluate(() => [...document.querySelectorAll('.error-summary__list a')].map((a) => {
      const field = document.querySelector(a.getAttribute('href'));
      const described = (field.getAttribute('aria-describedby') ?? '').split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
      return { invalid: field.getAttribute('aria-invalid'), mentionsMessage: described.includes(a.textContent.trim()) };
    }));
    assert.ok(fields.length >= 3);
    for (const f of fields) assert.deepEqual(f, { invalid: 'true', mentionsMessage: true });
    await context.close();
  });

  test('the_month_table_becomes_a_list_of_days_with_meetings_on_a_phone', T, async () => {
    const { page, context } = await open('patterns.html', { viewport: 'narrow' });
    const r = await page.evaluate(() => ({
      theadShown: document.querySelector('.month thead').getBoundingClientRect().height > 1,
      emptyDaysShown: [...document.querySelectorAll('.month__day--empty, .month__day--outside')].some((el) => el.getClientRects().length > 0),
      firstDay: document.querySelector('.month__day:not(.month__day--empty):not(.month__day--outside) .month__date').innerText.trim(),
    }));
    assert.deepEqual(r, { theadShown: false, emptyDaysShown: false, firstDay: 'tisdag 1 december (i dag)' });
    await context.close();
  });

  test('the_accent_colour_comes_from_the_custom_property', T, async () => {
    const { page, context } = await open('patterns.html', { bypassCSP: true });
    await page.addStyleTag({ content: ':root { --kal-accent: #6b1d5c; }' });
    const r = await page.evaluate(() => ({
      button: getComputedStyle(document.querySelector('.button:not(.button--secondary):not(.button--warning)')).backgroundColor,
      link: getComputedStyle(document.querySelector('.site-main p a')).color,
      header: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
    }));
    assert.deepEqual(r, { button: 'rgb(107, 29, 92)', link: 'rgb(107, 29, 92)', header: 'rgb(107, 29, 92)' });
    await context.close();
  });

  test('the_documented_colour_pairs_meet_their_contrast', T, async () => {
    const { page, context } = await open('patterns.html');
    const colours = await page.evaluate(() => {
      const s = getComputedStyle(document.documentElement);
      const names = ['accent', 'text', 'text-secondary', 'background', 'surface', 'border', 'error', 'success', 'focus', 'focus-text'];
      return Object.fromEntries(names.map((n) => [n, s.getPropertyValue(`--kal-${n}`).trim()]));
    });
    const luminance = (hex) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const pairs = [
      ['text', 'background', 7], ['text', 'surface', 7], ['text-secondary', 'background', 7], ['text-secondary', 'surface', 7],
      ['accent', 'background', 7], ['accent', 'surface', 4.5], ['error', 'background', 4.5], ['error', 'surface', 4.5],
      ['success', 'background', 4.5], ['border', 'background', 3], ['focus-text', 'background', 3], ['focus', 'accent', 3],
    ];
    const failing = pairs.map(([a, b, min]) => [a, b, min, Number(ratio(colours[a], colours[b]).toFixed(2))]).filter(([, , min, r]) => r < min);
    assert.deepEqual(failing, [], JSON.stringify(colours));
    await context.close();
  });
});
