// Uppföljning (/uppfoljning/{year}) in Chromium against the real binary with the demo data: valid
// and accessible in both languages at 1280 and 320 px and at 200 % text, each chart an image
// with a name, a description, values on its bars, a summary and a table beside it, the same
// figures as the API, the CSV behind plain links, and the years to either side.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  checkPage, checkTextZoom, focused, launchBrowser, newContext, press, startService, tabTo,
} from './lib/index.mjs';

const T = { timeout: 180000 };
// The service's year: the demo data and the report are in Europe/Stockholm.
const year = Number(new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' }).slice(0, 4));

let service;
let browser;
let report;
before(async () => {
  service = await startService();
  browser = await launchBrowser();
  report = (await service.api('GET', `/api/v1/reports/year/${year}`, undefined, null)).body;
});
after(async () => {
  await browser?.close();
  await service?.stop();
});

async function open(path, options) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const response = await page.goto(`${service.url}${path}`);
  return { page, context, response };
}

// The cells of a table's rows (th and td), as text.
function rowsOf(page, selector) {
  return page.$$eval(`${selector} tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
}

const number = (text) => Number(text.replace(/[^\d]/g, ''));

for (const [language, path] of [['sv', `/uppfoljning/${year}`], ['en', `/en/uppfoljning/${year}`]]) {
  describe(`the report in ${language}`, () => {
    test('is_valid_accessible_reflows_at_320px_and_keeps_text_whole_at_200_percent', T, async () => {
      const { page, context, response } = await open(path);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), language);
      await checkPage(page, { html: await response.text() });
      await checkTextZoom(page);
      await context.close();
    });

    test('every_chart_is_an_image_with_a_name_a_description_values_a_summary_and_a_table_beside_it', T, async () => {
      const { page, context, response } = await open(path);
      const html = await response.text();
      // The Content-Security-Policy allows no inline style or script: the charts need neither.
      assert.doesNotMatch(html, /\sstyle=/);
      assert.doesNotMatch(html, /<script/);
      const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => {
        const ids = (svg.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
        const named = ids.map((id) => document.getElementById(id));
        const figure = svg.closest('figure');
        const report = svg.closest('.report');
        return {
          role: svg.getAttribute('role'),
          title: svg.querySelector(':scope > title')?.textContent ?? '',
          desc: svg.querySelector(':scope > desc')?.textContent ?? '',
          labelledByTitleAndDesc: named.length === 2 && named[0]?.tagName === 'title' && named[1]?.tagName === 'desc' &&
            named.every((n) => n.closest('svg') === svg),
          bars: svg.querySelectorAll('rect.chart__bar').length,
          values: [...svg.querySelectorAll('text.chart__value')].map((t) => t.textContent.trim()),
          summary: figure?.querySelector('figcaption')?.textContent.trim() ?? '',
          table: report?.querySelector('table') ? {
            caption: report.querySelector('table caption')?.textContent.trim() ?? '',
            rowHeaders: report.querySelectorAll('tbody th[scope="row"]').length,
            rows: report.querySelectorAll('tbody tr').length,
            colHeaders: report.querySelectorAll('thead th[scope="col"]').length,
          } : null,
        };
      }));
      assert.equal(charts.length, 4, 'targets, attendance, networks and months');
      for (const c of charts) {
        assert.equal(c.role, 'img');
        assert.ok(c.title.length > 0 && c.desc.length > 0, `title and desc: ${JSON.stringify(c)}`);
        assert.ok(c.labelledByTitleAndDesc, `aria-labelledby names the chart's own title and desc: ${c.title}`);
        assert.ok(c.values.length > 0 && c.values.every((v) => /\d/.test(v)), `values as text on the chart: ${c.title}`);
        assert.ok(c.values.length >= c.bars / 2, `a value for every bar (held and planned share one): ${c.title}`);
        assert.ok(/[.!]$/.test(c.summary), `a sentence sums the chart up: ${c.title}`);
        assert.ok(c.table, `a table beside ${c.title}`);
        assert.ok(c.table.caption.length > 0);
        assert.equal(c.table.rowHeaders, c.table.rows, 'every row has its header');
        assert.ok(c.table.colHeaders >= 2);
      }
      // The name a screen reader hears starts with the chart's title, its description follows.
      const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\s+/g, '\\s+');  // a thousands separator (no-break space) may be heard as a space
      for (const c of charts) {
        assert.equal(await page.getByRole('img', { name: new RegExp(`^${escaped(c.title)} ${escaped(c.desc)}$`) }).count(), 1, c.title);
      }
      await context.close();
    });
  });
}

describe('the figures', () => {
  test('are_those_of_the_api_and_the_targets_are_said_in_words', T, async () => {
    const { page, context } = await open(`/uppfoljning/${year}`);
    const types = await rowsOf(page, 'table:has(#tabell-typer) tbody');
    assert.equal(types.length, report.by_type.length);
    report.by_type.forEach((t, i) => {
      const [, held, planned, cancelled, target] = types[i];
      assert.deepEqual([number(held), number(planned), number(cancelled)], [t.held, t.planned, t.cancelled], t.type);
      if (t.target !== null) assert.equal(number(target), t.target);
    });
    const fro = report.by_type.find((t) => t.type === 'fro');
    const sentence = `${fro.held} av ${fro.target} FRÖ-möten hållna`;
    assert.ok((await page.locator('#mal ~ ul li').allTextContents()).some((l) => l.startsWith(sentence)), sentence);

    const facts = Object.fromEntries((await rowsOf(page, 'table:has(#tabell-deltagande) tbody')).map(([k, v]) => [k, v]));
    const total = report.totals;
    assert.equal(number(facts['Anmälda']), total.signed_up_people);
    assert.equal(number(facts['Deltog']), total.attended_people);
    assert.equal(number(facts['Deltog utan anmälan']), total.walk_in_people);
    assert.equal(number(facts['Anmälda som inte kom']), total.no_show_people);
    assert.equal(number(facts['Föreningar som deltog']), total.organisations_attended);
    assert.equal(number(facts['Föreningar som anmälde sig']), total.organisations_signed_up);

    const networks = await rowsOf(page, 'table:has(#tabell-natverk) tbody');
    assert.equal(networks.length, report.by_network.length);
    for (const n of report.by_network) {
      const row = networks.find(([name]) => name === n.name);
      assert.ok(row, `a row for ${n.name}`);
      assert.deepEqual(row.slice(1).map(number), [n.held, n.planned, n.cancelled, n.attended_people, n.organisations_attended]);
    }
    const months = await rowsOf(page, 'table:has(#tabell-manader) tbody');
    assert.deepEqual(months.map((r) => number(r[4])), report.by_month.map((m) => m.attended_people));
    const whole = (await rowsOf(page, 'table:has(#tabell-manader) tfoot'))[0];
    assert.equal(number(whole[4]), total.attended_people);
    // The month chart's value labels are the same numbers.
    assert.deepEqual((await page.locator('#diagram-manader-rubrik ~ text.chart__value').allTextContents()).map(number),
      report.by_month.map((m) => m.attended_people));
    await context.close();
  });
});

describe('the CSV links', () => {
  test('download_the_report_with_a_comma_or_a_semicolon', T, async () => {
    const { page, context } = await open(`/uppfoljning/${year}`, { acceptDownloads: true });
    for (const [name, separator, bom] of [['kommaseparerad', ',', false], ['semikolonseparerad (för Excel på svenska)', ';', true]]) {
      await tabTo(page, { tag: 'a', name });
      const [download] = await Promise.all([page.waitForEvent('download'), press(page, 'Enter')]);
      assert.equal(download.suggestedFilename(), `uppfoljning-${year}.csv`);
      const bytes = readFileSync(await download.path());
      assert.equal(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, bom);
      const lines = bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
      assert.ok(lines[0].startsWith(`section${separator}key${separator}name`), lines[0]);
      assert.ok(lines[1].startsWith(`year${separator}${year}`), lines[1]);
    }
    await context.close();
  });
});

describe('the years', () => {
  test('the_menu_address_opens_this_year_and_the_neighbours_are_a_link_away_back_to_the_first_year_with_meetings', T, async () => {
    const { page, context } = await open('/uppfoljning');
    assert.equal(new URL(page.url()).pathname, `/uppfoljning/${year}`);
    assert.equal(await page.textContent('h1'), `Uppföljning ${year}`);
    await page.click('a[rel="next"]');
    assert.equal(await page.textContent('h1'), `Uppföljning ${year + 1}`);
    assert.equal(await page.locator('a[rel="next"]').count(), 0, 'nothing is offered beyond next year');
    await page.click('a[rel="prev"]');
    assert.equal(await page.textContent('h1'), `Uppföljning ${year}`);
    // Back to the year of the first meeting there is, and no further.
    const first = (await service.api('GET', '/api/v1/meetings?from=2000-01-01&limit=1', undefined, null)).body.items[0];
    const firstYear = Number(first.start.local.slice(0, 4));
    for (let y = year; y > firstYear; --y) {
      await page.click('a[rel="prev"]');
      assert.equal(await page.textContent('h1'), `Uppföljning ${y - 1}`);
    }
    assert.equal(await page.locator('a[rel="prev"]').count(), 0, `nothing before ${firstYear}`);
    await context.close();
  });

  test('a_year_that_is_not_one_is_a_404_page_in_the_page_language', T, async () => {
    for (const [path, heading] of [['/uppfoljning/1999', 'Sidan hittades inte'], ['/en/uppfoljning/abcd', 'Page not found']]) {
      const { page, context, response } = await open(path);
      assert.equal(response.status(), 404);
      assert.equal(await page.textContent('h1'), heading);
      await context.close();
    }
  });

  test('a_wide_table_scrolls_in_its_own_region_with_the_keyboard_on_a_phone', T, async () => {
    const { page, context } = await open(`/uppfoljning/${year}`, { viewport: 'narrow' });
    const caption = await page.textContent('#tabell-manader');
    await tabTo(page, { tag: 'section', name: caption });
    assert.equal((await focused(page)).tag, 'section');
    const region = page.locator('section.table-scroll:has(#tabell-manader)');
    assert.ok(await region.evaluate((el) => el.scrollWidth > el.clientWidth), 'the table is wider than a phone');
    await press(page, 'ArrowRight');
    await press(page, 'ArrowRight');
    // Chromium scrolls smoothly: the position moves over some frames.
    await page.waitForFunction((el) => el.scrollLeft > 0, await region.elementHandle(), { timeout: 5000 })
      .catch(() => assert.fail('the arrow keys scroll the table'));
    await context.close();
  });
});
