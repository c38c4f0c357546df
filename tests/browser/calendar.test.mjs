// The calendar in real Chromium against the real binary with the demo data: the agenda (the
// start page) and the month view, in Swedish and English. WCAG 2.1 AA by axe, valid HTML, no
// sideways scrolling at 320 px, text at 200 % not clipped; the month as a real table (caption,
// th scope=col with the full weekday names, a link per meeting, today and the other months' days
// in words) that a phone shows as a list of days; dates as Swedish public sites write them; every
// filter, in the agenda and in the month; names in Swedish order (checked against ICU's Swedish
// collation); paging.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPage, checkTextZoom, launchBrowser, newContext, startService } from './lib/index.mjs';

let service;
let browser;
const ids = {};

// Names that sort differently by bytes, by English rules and by Swedish ones.
const ORGANISATIONS = ['Önnestads byalag', 'Ängens vänner', 'Åby IF', 'Zonta Borås', 'Éclair kulturförening', 'ebba-föreningen'];
const HOSTILE = '<script>alert(1)</script> "citat" </textarea> \u202Ehögerställd\u202C 🎉';

async function create(collection, body) {
  const r = await service.api('POST', `/api/v1/${collection}`, body);
  assert.equal(r.status, 201, `${collection}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function meeting(fields) {
  return (await create('meetings', { organisation_id: ids.organisation, status: 'published', ...fields })).id;
}

before(async () => {
  service = await startService();
  browser = await launchBrowser();
  for (const name of ORGANISATIONS) ids[name] = (await create('organisations', { name })).id;
  ids.organisation = ids['Åby IF'];
  const network = await create('networks', { name: 'Ölandsnätverket', kind: 'interest_network', organisation_ids: [ids.organisation] });
  ids.network = network.slug;
  const venue = await create('venues', { name: 'Äldreboendets matsal', address: 'Allégatan 1, Borås', capacity: 40, shared: true, organisation_id: ids.organisation });
  ids.venue = venue.slug;
  ids.fro = await meeting({ type: 'fro', title: 'FRÖ-möte: Kraftens Hus', theme: 'Socialt hållbart Borås', start: '2099-03-12T18:00', end: '2099-03-12T20:00', venue_id: venue.id });
  ids.networkMeeting = await meeting({ type: 'network', title: 'Ölandsnätverkets träff', start: '2099-03-19T17:30', end: '2099-03-19T19:00', network_ids: [network.id] });
  ids.training = await meeting({ type: 'training', title: 'Utbildning i två dagar', all_day: true, start: '2099-03-30', end: '2099-03-31' });
  ids.hostile = await meeting({ type: 'dialog', title: HOSTILE, start: '2099-03-24T13:00', end: '2099-03-24T15:00', organisation_id: ids['Zonta Borås'] });
  ids.cancelled = await meeting({ type: 'samrad', title: 'Samråd som ställs in', start: '2099-03-17T15:00', end: '2099-03-17T16:00' });
  assert.equal((await service.api('POST', `/api/v1/meetings/${ids.cancelled}/cancel`)).status, 200);
  // 51 meetings in May 2099: one more than a page of the agenda.
  for (let day = 1; day <= 51; day++) {
    const d = String(Math.ceil(day / 2)).padStart(2, '0');
    const hour = day % 2 ? '10:00' : '14:00';
    const end = day % 2 ? '11:00' : '15:00';
    await meeting({ type: 'other', title: `Majmöte ${day}`, start: `2099-05-${d}T${hour}`, end: `2099-05-${d}T${end}` });
  }
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

// Opens a path; returns { page, response, html, context }.
async function open(path, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  const response = await page.goto(service.url + path);
  const html = await response.text();
  return { context, page, response, html, dialogs };
}

// The text of the meetings listed in the agenda, in order.
async function agendaTitles(page) {
  return page.$$eval('.agenda .event__title', (els) => els.map((e) => e.textContent.trim()));
}

function stockholmToday() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

describe('the month view', () => {
  for (const [language, path] of [['sv', '/manad/2099-03'], ['en', '/en/manad/2099-03'], ['sv', '/manad/2099-05']]) {
    test(`month_${path}_passes_axe_html_validate_and_reflow_at_320px`, { timeout: 120000 }, async () => {
      const { context, page, response, html } = await open(path);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), language);
      await checkPage(page, { html, label: path });
      await checkTextZoom(page, { label: path });
      await context.close();
    });
  }

  test('the_month_is_a_table_with_a_caption_weekday_headers_and_a_link_per_meeting', async () => {
    const { context, page } = await open('/manad/2099-03');
    const table = await page.$eval('table.month', (t) => ({
      caption: t.caption?.textContent.trim(),
      headers: [...t.tHead.rows[0].cells].map((th) => ({ tag: th.tagName, scope: th.getAttribute('scope'), abbr: th.querySelector('abbr')?.title, text: th.textContent.trim() })),
      rows: [...t.tBodies[0].rows].map((r) => r.cells.length),
      first: t.tBodies[0].rows[0].cells[0].className,
      cells: Object.fromEntries([...t.querySelectorAll('td')].map((td) => [td.querySelector('time').getAttribute('datetime'),
        [...td.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent.replace(/\s+/g, ' ').trim(), struck: !!a.querySelector('s') }))])),
    }));
    assert.equal(table.caption, 'Mars 2099');
    assert.deepEqual(table.headers.map((h) => [h.tag, h.scope, h.abbr]),
      [['TH', 'col', 'måndag'], ['TH', 'col', 'tisdag'], ['TH', 'col', 'onsdag'], ['TH', 'col', 'torsdag'], ['TH', 'col', 'fredag'], ['TH', 'col', 'lördag'], ['TH', 'col', 'söndag']]);
    assert.ok(table.rows.length >= 5 && table.rows.every((n) => n === 7), JSON.stringify(table.rows));
    // 1 March 2099 is a Sunday: the first row begins on Monday 23 February, a day of another month.
    assert.match(table.first, /month__day--outside/);
    assert.deepEqual(table.cells['2099-03-12'], [{ href: `/moten/${ids.fro}`, text: '18.00 FRÖ-möte: Kraftens Hus', struck: false }]);
    assert.deepEqual(table.cells['2099-03-17'], [{ href: `/moten/${ids.cancelled}`, text: 'Inställt 15.00 Samråd som ställs in', struck: true }]);
    assert.deepEqual(table.cells['2099-03-30'].map((l) => l.text), ['Heldag Utbildning i två dagar']);
    assert.deepEqual(table.cells['2099-03-31'].map((l) => l.text), ['Utbildning i två dagar (fortsättning)']);
    assert.deepEqual(table.cells['2099-03-24'].map((l) => l.text), [`13.00 ${HOSTILE}`.replace(/\s+/g, ' ')]);
    assert.equal(await page.locator('script').count(), 0, 'a title became markup');
    assert.deepEqual(table.cells['2099-03-13'], []);
    // The day of another month is named in words for a screen reader.
    assert.equal(await page.locator('time[datetime="2099-02-23"]').textContent(), '23 februari');
    for (const [rel, text, href] of [['prev', '← Februari 2099', '/manad/2099-02'], ['next', 'April 2099 →', '/manad/2099-04']]) {
      const link = page.locator(`a[rel="${rel}"]`);
      assert.equal((await link.textContent()).trim(), text);
      assert.equal(await link.getAttribute('href'), href);
      assert.equal((await page.request.get(service.url + href)).status(), 200);
    }
    await context.close();
  });

  test('the_english_month_names_days_in_english', async () => {
    const { context, page } = await open('/en/manad/2099-03');
    assert.equal(await page.textContent('caption'), 'March 2099');
    assert.equal(await page.getAttribute('th:first-child abbr', 'title'), 'Monday');
    assert.equal((await page.textContent(`td a[href="/en/moten/${ids.fro}"]`)).trim(), '18:00 FRÖ-möte: Kraftens Hus');
    assert.equal((await page.textContent('a[rel="next"]')).trim(), 'April 2099 →');
    await context.close();
  });

  test('today_is_marked_in_words_in_this_months_table', async () => {
    const { context, page, response } = await open('/manad');
    const today = stockholmToday();
    assert.equal(new URL(response.url()).pathname, `/manad/${today.slice(0, 7)}`);
    const cell = page.locator('td[aria-current="date"]');
    assert.equal(await cell.count(), 1);
    assert.equal(await cell.locator('time').getAttribute('datetime'), today);
    assert.match(await cell.textContent(), /\(i dag\)/);
    await context.close();
  });

  test('on_a_phone_the_month_is_a_list_of_the_days_that_have_meetings', async () => {
    const { context, page } = await open('/manad/2099-03', { viewport: 'phone' });
    const shown = await page.$$eval('table.month td', (cells) => cells.filter((c) => c.offsetParent !== null && getComputedStyle(c).display !== 'none')
      .map((c) => c.querySelector('.month__date').innerText.replace(/\s+/g, ' ').trim()));
    assert.deepEqual(shown, ['torsdag 12 mars', 'tisdag 17 mars', 'torsdag 19 mars', 'tisdag 24 mars', 'måndag 30 mars', 'tisdag 31 mars']);
    assert.equal(await page.locator('thead').isVisible(), true, 'the headers stay for screen readers (visually hidden)');
    await context.close();
  });

  test('the_filters_apply_to_the_month_and_travel_with_its_links_without_javascript', async () => {
    const { context, page } = await open('/manad/2099-03', { javaScript: false });
    await page.click('summary');
    await page.selectOption('#filter-typ', 'fro');
    assert.equal(await page.locator('#filter-fran').count(), 0, 'the month is the date range');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button[type="submit"]')]);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/manad/2099-03');
    assert.equal(url.searchParams.get('typ'), 'fro');
    const links = await page.$$eval('table.month a', (as) => as.map((a) => a.textContent.trim()));
    assert.deepEqual(links, ['18.00 FRÖ-möte: Kraftens Hus']);
    assert.equal(await page.getAttribute('a[rel="next"]', 'href'), '/manad/2099-04?typ=fro');
    assert.equal(await page.getAttribute('.view-switch a:not([aria-current])', 'href'), '/?typ=fro&fran=2099-03-01');
    assert.equal(await page.getAttribute('details.details', 'open'), '', 'the filters in use are shown');
    for (const [query, expected] of [
      [`natverk=${ids.network}`, ['17.30 Ölandsnätverkets träff']],
      [`lokal=${ids.venue}`, ['18.00 FRÖ-möte: Kraftens Hus']],
      [`arrangor=${ids['Zonta Borås']}`, [`13.00 ${HOSTILE}`.replace(/\s+/g, ' ')]],
      ['sok=h%C3%A5llbart', ['18.00 FRÖ-möte: Kraftens Hus']],  // the theme, with å
    ]) {
      await page.goto(`${service.url}/manad/2099-03?${query}`);
      assert.deepEqual(await page.$$eval('table.month a', (as) => as.map((a) => a.textContent.replace(/\s+/g, ' ').trim())), expected, query);
    }
    await context.close();
  });
});

describe('the agenda', () => {
  for (const [language, path] of [['sv', '/'], ['en', '/en/'], ['sv', '/?fran=2099-03-01&till=2099-03-31'], ['en', '/en/?fran=2099-05-01']]) {
    test(`agenda_${path}_passes_axe_html_validate_and_reflow_at_320px`, { timeout: 120000 }, async () => {
      const { context, page, response, html } = await open(path);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), language);
      await checkPage(page, { html, label: path });
      await checkTextZoom(page, { label: path });
      await context.close();
    });
  }

  test('dates_and_times_read_as_swedish_and_english_public_sites_write_them', async () => {
    for (const [path, day, time] of [['/?fran=2099-03-12&till=2099-03-12', 'torsdag 12 mars 2099', 'kl. 18.00–20.00'],
                                     ['/en/?fran=2099-03-12&till=2099-03-12', 'Thursday 12 March 2099', '18:00–20:00'],
                                     ['/?fran=2099-03-30&till=2099-03-30', 'måndag 30 mars 2099', 'Heldag']]) {
      const { context, page } = await open(path);
      assert.equal((await page.textContent('.agenda__date')).trim(), day, path);
      assert.equal((await page.textContent('.event__time')).trim(), time, path);
      await context.close();
    }
  });

  test('a_cancelled_meeting_says_so_in_words_and_is_struck_through', async () => {
    const { context, page } = await open('/?fran=2099-03-17&till=2099-03-17');
    const item = page.locator('.event--cancelled');
    assert.equal(await item.locator('.tag--cancelled').textContent(), 'Inställt');
    assert.equal(await item.locator('.event__title s').textContent(), 'Samråd som ställs in');
    await context.close();
  });

  test('each_filter_narrows_the_agenda', async () => {
    const march = 'fran=2099-03-01&till=2099-03-31';
    const all = ['FRÖ-möte: Kraftens Hus', 'Inställt Samråd som ställs in', 'Ölandsnätverkets träff', HOSTILE, 'Utbildning i två dagar'];
    for (const [query, expected] of [
      [march, all],
      [`${march}&typ=fro`, ['FRÖ-möte: Kraftens Hus']],
      [`${march}&natverk=${ids.network}`, ['Ölandsnätverkets träff']],
      [`${march}&arrangor=${ids['Zonta Borås']}`, [HOSTILE]],
      [`${march}&lokal=${ids.venue}`, ['FRÖ-möte: Kraftens Hus']],
      [`${march}&sok=TR%C3%84FF`, ['Ölandsnätverkets träff']],  // case folded, Ä too
      ['fran=2099-03-18&till=2099-03-24', ['Ölandsnätverkets träff', HOSTILE]],
    ]) {
      const { context, page, dialogs } = await open(`/?${query}`);
      assert.deepEqual((await agendaTitles(page)).map((t) => t.replace(/\s+/g, ' ')), expected.map((t) => t.replace(/\s+/g, ' ')), query);
      assert.deepEqual(dialogs, []);
      await context.close();
    }
    // A filter that names nothing is a bad request, not an empty calendar.
    const bad = await open('/?natverk=finns-inte');
    assert.equal(bad.response.status(), 400);
    assert.match(await bad.page.textContent('h1'), /Felaktig|fel/i);
    await bad.context.close();
  });

  test('names_in_the_filters_come_in_swedish_order', async () => {
    const { context, page } = await open('/');
    const swedish = new Intl.Collator('sv').compare;
    for (const select of ['#filter-typ', '#filter-natverk', '#filter-arrangor', '#filter-lokal']) {
      const labels = await page.$$eval(`${select} option:not([value=""])`, (os) => os.map((o) => o.textContent));
      assert.ok(labels.length > 1, select);
      assert.deepEqual(labels, [...labels].sort(swedish), `${select} is not in Swedish order`);
    }
    const organisations = await page.$$eval('#filter-arrangor option', (os) => os.map((o) => o.textContent));
    const at = (name) => organisations.indexOf(name);
    assert.ok(at('ebba-föreningen') < at('Éclair kulturförening') && at('Éclair kulturförening') < at('Zonta Borås'), organisations.join(', '));
    assert.ok(at('Zonta Borås') < at('Åby IF') && at('Åby IF') < at('Ängens vänner') && at('Ängens vänner') < at('Önnestads byalag'));
    await context.close();
  });

  test('paging_moves_on_fifty_at_a_time_says_which_page_and_leads_back', async () => {
    const { context, page } = await open('/?fran=2099-05-01&till=2099-05-31', { javaScript: false });
    assert.equal((await agendaTitles(page)).length, 50);
    const more = page.locator('.pager a', { hasText: 'Fler möten' });
    assert.equal((await more.textContent()).trim(), 'Fler möten: sida 2');
    await Promise.all([page.waitForNavigation(), more.click()]);
    assert.deepEqual(await agendaTitles(page), ['Majmöte 51']);
    assert.match(await page.title(), /^Kalender, sida 2 – /);
    assert.equal(await page.locator('.pager a', { hasText: 'Fler möten' }).count(), 0);
    await Promise.all([page.waitForNavigation(), page.click('.pager a >> text=Till de första mötena')]);
    assert.equal((await agendaTitles(page))[0], 'Majmöte 1');
    assert.equal(new URL(page.url()).search, '?fran=2099-05-01&till=2099-05-31');
    await context.close();
  });

  test('the_month_link_keeps_the_filters', async () => {
    const { context, page } = await open(`/?typ=fro&fran=2099-03-05`);
    assert.equal(await page.getAttribute('.view-switch a:not([aria-current])', 'href'), '/manad/2099-03?typ=fro');
    await context.close();
  });
});
