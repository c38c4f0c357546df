// A meeting's page (/moten/{id}) in real Chromium against the real binary: WCAG 2.1 AA by axe,
// valid HTML and no sideways scrolling at 320 px in Swedish and English; its JSON-LD as
// schema.org wants an Event (and EventCancelled when it is); hostile titles, names and
// descriptions as text everywhere, never as markup; the URL of a feed's event opens a page; and a
// sign-up sent with errors focuses the error summary, marks and describes each wrong field, keeps
// the values and writes nothing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  checkPage, checkTextZoom, focused, launchBrowser, newContext, pressEnter, pressSpace, startService, tabTo,
  validateHtml,
} from './lib/index.mjs';

let service;
let browser;

// Everything a hostile person might type: markup, quotes of both kinds, the end of a textarea, an
// ampersand, right-to-left marks and emoji.
const HOSTILE = 'Möte <script>alert(1)</script> "citat" \'apostrof\' </textarea> & \u202Edrow\u202C 🎉';

before(async () => {
  service = await startService({ env: { KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE: '0' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function created(path, body) {
  const r = await service.api('POST', path, body);
  assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// A meeting with everything a page shows: a venue with coordinates and accessibility, an
// organiser, a network, documents, an online link, seats, a deadline.
async function fullMeeting({ title = 'FRÖ-möte: Socialt Hållbart Borås', description = 'Vi ses på Kraftens Hus.\n\nTa med en vän.', name = 'Föreningen Mötesplatsen', extra = {} } = {}) {
  const suffix = Math.random().toString(36).slice(2, 8);
  const organisation = await created('/api/v1/organisations', { name: `${name} ${suffix}`, kind: 'association' });
  const network = await created('/api/v1/networks', { name: `Intressenätverk ${name} ${suffix}`, kind: 'interest_network', description: 'Nätverket.' });
  const venue = await created('/api/v1/venues', {
    name: `${name} – stora salen ${suffix}`, address: 'Sandwalls plats 4, 503 38 Borås', capacity: 80,
    accessibility: { step_free: true, hearing_loop: true, accessible_toilet: false, notes: `Parkering vid entrén. ${extra.notes ?? ''}` },
    latitude: 57.721, longitude: 12.9401, shared: true,
  });
  return created('/api/v1/meetings', {
    type: 'fro', title, description, theme: `Tema ${name}`, start: '2099-03-12T18:00', end: '2099-03-12T20:00',
    organisation_id: organisation.id, network_ids: [network.id], venue_id: venue.id, capacity: 40,
    registration_deadline: '2099-03-10T23:59', online_url: 'https://moten.example.se/fro',
    documents: [{ title: `Dagordning ${name}`, url: 'https://example.se/dagordning.pdf' }],
    status: 'published', ...extra.meeting,
  });
}

async function rsvpCount(meetingId) {
  const r = await service.api('GET', `/api/v1/meetings/${meetingId}/rsvps`);
  assert.equal(r.status, 200);
  return r.body.items.length;
}

// The JSON-LD of the page in the browser: each block parsed with JSON.parse.
async function jsonLd(page) {
  const blocks = await page.$$eval('script[type="application/ld+json"]', (els) => els.map((e) => e.textContent));
  return blocks.map((b) => JSON.parse(b));
}

describe('the meeting page', () => {
  test('in_swedish_and_english_it_passes_axe_html_validate_reflow_at_320px_and_text_zoom', { timeout: 120000 }, async () => {
    const m = await fullMeeting();
    for (const [prefix, lang] of [['', 'sv'], ['/en', 'en']]) {
      const context = await newContext(browser);
      const page = await context.newPage();
      const response = await page.goto(`${service.url}${prefix}/moten/${m.id}`);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await checkPage(page, { html: await response.text(), label: `the meeting page (${lang})` });
      await checkTextZoom(page);
      const main = await page.textContent('main');
      assert.match(main, lang === 'sv' ? /Ingång utan trappsteg/ : /Step-free entrance/);
      assert.match(main, lang === 'sv' ? /Ingen tillgänglighetsanpassad toalett/ : /No accessible toilet/);
      assert.match(main, lang === 'sv' ? /torsdag 12 mars 2099, kl\. 18\.00–20\.00/ : /Thursday 12 March 2099, 18:00–20:00/);
      assert.match(main, lang === 'sv' ? /40 platser kvar av 40/ : /40 of 40 places left/);
      // A map link with the venue's coordinates; no map tiles are embedded.
      const map = await page.getAttribute('a[href*="openstreetmap.org"]', 'href');
      assert.equal(map, 'https://www.openstreetmap.org/?mlat=57.72100&mlon=12.94010#map=17/57.72100/12.94010');
      assert.equal(await page.locator('iframe, img[src*="openstreetmap"]').count(), 0);
      // "Add to calendar" and "Subscribe" are two boxes, each with its own heading.
      const calendarBox = page.locator('.calendar-box');
      assert.equal(await calendarBox.locator('a[href$=".ics"][download]').getAttribute('href'), `/feeds/meetings/${m.id}.ics`);
      const google = new URL(await calendarBox.locator('a[href^="https://calendar.google.com/"]').getAttribute('href'));
      assert.equal(google.searchParams.get('action'), 'TEMPLATE');
      assert.equal(google.searchParams.get('text'), m.title);
      assert.equal(google.searchParams.get('dates'), '20990312T170000Z/20990312T190000Z');
      assert.match(google.searchParams.get('details'), new RegExp(`${prefix}/moten/${m.id}$`));
      assert.match(google.searchParams.get('location'), /Sandwalls plats 4/);
      const outlook = new URL(await calendarBox.locator('a[href^="https://outlook.office.com/"]').getAttribute('href'));
      assert.equal(outlook.pathname, '/calendar/action/compose');
      assert.equal(outlook.searchParams.get('subject'), m.title);
      assert.equal(outlook.searchParams.get('startdt'), '2099-03-12T17:00:00Z');
      assert.equal(outlook.searchParams.get('enddt'), '2099-03-12T19:00:00Z');
      const subscribeBox = page.locator('.subscribe-box');
      const webcal = await subscribeBox.locator('a[href^="webcal://"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(webcal.some((h) => h.endsWith('/feeds/types/fro.ics')), webcal.join(' '));
      assert.match(await subscribeBox.locator('h3').first().textContent(), lang === 'sv' ? /^Alla FRÖ-möten$/ : /^All FRÖ meetings$/);
      // Every feed it offers exists.
      for (const href of await subscribeBox.locator('a[href^="/feeds/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
        assert.equal((await page.request.get(`${service.url}${href}`)).status(), 200, href);
      }
      await context.close();
    }
  });

  test('its_json_ld_is_a_schema_org_event_with_what_an_event_needs_and_says_cancelled_when_it_is', { timeout: 60000 }, async () => {
    const m = await fullMeeting({ name: 'Föreningen JSON' });
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${service.url}/moten/${m.id}`);
    const [event, ...more] = await jsonLd(page);
    assert.equal(more.length, 0);
    assert.equal(event['@context'], 'https://schema.org');
    assert.equal(event['@type'], 'Event');
    assert.equal(event.name, m.title);
    assert.equal(event.startDate, '2099-03-12T18:00:00+01:00');
    assert.equal(event.endDate, '2099-03-12T20:00:00+01:00');
    assert.equal(event.eventStatus, 'https://schema.org/EventScheduled');
    assert.equal(event.eventAttendanceMode, 'https://schema.org/MixedEventAttendanceMode');
    assert.equal(event.inLanguage, 'sv');
    assert.match(event.url, new RegExp(`/moten/${m.id}$`));
    const [place, online] = event.location;
    assert.equal(place['@type'], 'Place');
    assert.equal(place.address['@type'], 'PostalAddress');
    assert.equal(place.address.streetAddress, 'Sandwalls plats 4');
    assert.equal(place.address.postalCode, '503 38');
    assert.equal(place.address.addressLocality, 'Borås');
    assert.equal(place.address.addressCountry, 'SE');
    assert.equal(Number(place.geo.latitude), 57.721);
    assert.equal(online['@type'], 'VirtualLocation');
    assert.equal(online.url, 'https://moten.example.se/fro');
    assert.equal(event.organizer['@type'], 'Organization');
    assert.match(event.organizer.url, /\/organisationer\//);
    assert.ok(event.description.length > 0);
    // OpenGraph and the canonical link.
    assert.equal(await page.getAttribute('meta[property="og:title"]', 'content'), m.title);
    assert.equal(await page.getAttribute('meta[property="og:locale"]', 'content'), 'sv_SE');
    assert.match(await page.getAttribute('link[rel="canonical"]', 'href'), new RegExp(`/moten/${m.id}$`));

    // Cancelled: the word, the title struck through, the status said plainly, and EventCancelled.
    const cancelled = await service.api('POST', `/api/v1/meetings/${m.id}/cancel`);
    assert.equal(cancelled.status, 200);
    for (const prefix of ['', '/en']) {
      const response = await page.goto(`${service.url}${prefix}/moten/${m.id}`);
      assert.equal(response.status(), 200);
      const [gone] = await jsonLd(page);
      assert.equal(gone.eventStatus, 'https://schema.org/EventCancelled');
      const h1 = page.locator('h1');
      assert.match(await h1.textContent(), prefix ? /^Cancelled/ : /^Inställt/);
      assert.equal(await h1.locator('s').textContent(), m.title);
      const main = await page.textContent('main');
      assert.match(main, prefix ? /Cancelled: the meeting will not take place/ : /Inställt: mötet blir inte av/);
      assert.doesNotMatch(main, /platser kvar|places left/, 'no seats are offered for a cancelled meeting');
      assert.equal(await page.locator('.calendar-box').count(), 0, 'nothing to add to a calendar');
      // No sign-up form, but a sentence saying why.
      assert.equal(await page.locator('form[action$="/anmalan"]').count(), 0);
      assert.match(await page.textContent('.sign-up'), prefix ? /cancelled, so you cannot sign up/ : /inställt, så det går inte att anmäla sig/);
      await checkPage(page, { html: await response.text(), label: `a cancelled meeting's page${prefix}` });
    }
    await context.close();
  });

  test('an_online_meeting_says_virtual_location_and_a_moved_occurrence_of_a_series_says_rescheduled', { timeout: 60000 }, async () => {
    const organisation = await created('/api/v1/organisations', { name: 'Digitala föreningen', kind: 'association' });
    const series = await created('/api/v1/series', {
      type: 'network', title: 'Digital nätverksträff', start: '2099-01-06T18:00', end: '2099-01-06T19:00',
      rrule: 'FREQ=MONTHLY;COUNT=4', organisation_id: organisation.id, online_url: 'https://moten.example.se/digital',
      status: 'published',
    });
    const occurrences = await service.api('GET', `/api/v1/meetings?series=${series.id}`);
    const [first, second] = occurrences.body.items;
    const moved = await service.api('PATCH', `/api/v1/meetings/${second.id}`, { start: '2099-02-04T17:00', end: '2099-02-04T18:00' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${service.url}/moten/${first.id}`);
    const [event] = await jsonLd(page);
    assert.equal(event.eventAttendanceMode, 'https://schema.org/OnlineEventAttendanceMode');
    assert.deepEqual(event.location, [{ '@type': 'VirtualLocation', url: 'https://moten.example.se/digital' }]);
    assert.equal(event.eventStatus, 'https://schema.org/EventScheduled');
    // The coming dates of the series, each a link to its page.
    const coming = await page.locator('main h2:has-text("Kommande tillfällen") + ul a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(coming, occurrences.body.items.slice(1).map((o) => `/moten/${o.id}`));
    await page.goto(`${service.url}/moten/${second.id}`);
    const [rescheduled] = await jsonLd(page);
    assert.equal(rescheduled.eventStatus, 'https://schema.org/EventRescheduled');
    assert.equal(second.start.local, '2099-02-06T18:00:00');
    assert.equal(rescheduled.previousStartDate, '2099-02-06T18:00:00+01:00');
    assert.equal(rescheduled.startDate, '2099-02-04T17:00:00+01:00');
    assert.match(await page.textContent('main'), /Flyttat, var först planerat till fredag 6 februari 2099, kl\. 18\.00/);
    // The series' link, the URL of its event in every feed, leads to its next meeting's page.
    const response = await page.goto(`${service.url}/serier/${series.id}`);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, `/moten/${first.id}`);
    await context.close();
  });

  test('drafts_and_unknown_meetings_are_404_pages', { timeout: 60000 }, async () => {
    const m = await fullMeeting({ name: 'Utkastet', extra: { meeting: { status: 'draft' } } });
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const path of [`/moten/${m.id}`, '/moten/999999', '/moten/abc', '/en/moten/999999']) {
      const response = await page.goto(`${service.url}${path}`);
      assert.equal(response.status(), 404, path);
      assert.doesNotMatch(await page.content(), /Utkastet/);
    }
    await context.close();
  });

  test('hostile_titles_names_and_descriptions_show_as_text_on_the_page_and_in_json_ld_never_as_markup', { timeout: 60000 }, async () => {
    const m = await fullMeeting({ title: HOSTILE, description: `${HOSTILE}\n\n${HOSTILE}`, name: HOSTILE, extra: { notes: HOSTILE } });
    for (const prefix of ['', '/en']) {
      const context = await newContext(browser);
      const page = await context.newPage();
      const dialogs = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
      const response = await page.goto(`${service.url}${prefix}/moten/${m.id}`);
      assert.equal(response.status(), 200);
      const html = await response.text();
      assert.doesNotMatch(html, /<script>alert/);
      await validateHtml(html, { label: 'a meeting page with hostile text' });
      // The only script is the JSON-LD, and it holds the text exactly.
      assert.equal(await page.locator('script').count(), 1);
      const [event] = await jsonLd(page);
      assert.equal(event.name, HOSTILE);
      assert.ok(event.organizer.name.startsWith(HOSTILE));
      assert.ok(event.location[0].name.startsWith(HOSTILE));
      assert.ok(event.description.startsWith(HOSTILE));
      // As text where a person reads it: the title, the organiser, the notes, the description.
      assert.equal(await page.locator('h1').textContent(), HOSTILE);
      // The title is cut to what search engines show, as text.
      const title = await page.title();
      assert.ok(HOSTILE.startsWith(title.slice(0, title.indexOf('…'))), title);
      const main = await page.textContent('main');
      assert.ok(main.includes(`${HOSTILE}`), 'the title as text');
      assert.equal((main.match(/<script>alert\(1\)<\/script>/g) ?? []).length >= 4, true, 'title, description, organiser and notes as text');
      assert.equal(await page.getAttribute('meta[property="og:title"]', 'content'), HOSTILE);
      // The sign-up form after the description still stands: the textarea is empty and the fields follow it.
      assert.equal(await page.locator('#anmalan-ovrigt').inputValue(), '');
      assert.equal(await page.locator('#anmalan-samtycke').count(), 1);
      await checkPage(page, { label: `a meeting page with hostile text${prefix}` });
      assert.deepEqual(dialogs, []);
      await context.close();
    }
  });

  test('the_url_of_an_event_in_a_feed_opens_the_meeting_page', { timeout: 60000 }, async () => {
    const m = await fullMeeting({ name: 'Flödet' });
    const feed = await (await fetch(`${service.url}/feeds/meetings/${m.id}.ics`)).text();
    const url = /\r\nURL:([^\r]+)\r\n/.exec(feed.replace(/\r\n[ \t]/g, ''))?.[1];
    assert.ok(url, feed);
    assert.equal(new URL(url).pathname, `/moten/${m.id}`);
    const context = await newContext(browser, { javaScript: false });
    const page = await context.newPage();
    // Links are made with public_base_url; the same path on this instance.
    const response = await page.goto(new URL(new URL(url).pathname, service.url).href);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /^text\/html/);
    assert.equal(await page.locator('h1').textContent(), m.title);
    await context.close();
  });
});

describe('signing up with errors', () => {
  test('a_form_sent_with_errors_focuses_the_error_summary_marks_and_describes_each_field_keeps_the_values_and_writes_nothing', { timeout: 60000 }, async () => {
    const m = await fullMeeting({ name: 'Felrutan' });
    for (const [prefix, javaScript] of [['', true], ['/en', false]]) {
      const context = await newContext(browser, { javaScript });
      const page = await context.newPage();
      await page.goto(`${service.url}${prefix}/moten/${m.id}`);
      // A name, an e-mail address without a domain, a party size in words, no consent: with the keyboard.
      await tabTo(page, { tag: 'input', id: 'anmalan-namn' });
      await page.keyboard.type('Anna </textarea> Andersson');
      await tabTo(page, { tag: 'input', id: 'anmalan-epost' });
      await page.keyboard.type('anna.andersson@');
      await tabTo(page, { tag: 'input', id: 'anmalan-antal' });
      await page.keyboard.type('två');
      await tabTo(page, { tag: 'input', id: 'anmalan-behov-horslinga' });
      await pressSpace(page);
      await tabTo(page, { tag: 'button', name: prefix ? /Sign me up/ : /Anmäl mig/ });
      const answer = page.waitForResponse((r) => r.request().method() === 'POST');
      await pressEnter(page);
      const response = await answer;
      assert.equal(response.status(), 422);
      await validateHtml(await response.text(), { label: 'the meeting page with errors' });
      assert.match(await page.title(), prefix ? /^Error: / : /^Fel: /);

      // The summary has the focus, and links to each wrong field in the order of the form.
      const focus = await focused(page);
      assert.equal(focus.name, prefix ? 'There is a problem with your sign-up' : 'Det finns problem i anmälan');
      assert.match(await page.evaluate(() => document.activeElement.className), /error-summary/);
      const targets = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(targets, ['#anmalan-epost', '#anmalan-antal', '#anmalan-samtycke']);
      for (const id of ['anmalan-epost', 'anmalan-antal', 'anmalan-samtycke']) {
        const field = page.locator(`#${id}`);
        assert.equal(await field.getAttribute('aria-invalid'), 'true', id);
        const described = (await field.getAttribute('aria-describedby')).split(' ');
        const message = await page.locator(`#${id}-fel`).textContent();
        assert.ok(described.includes(`${id}-fel`), `${id} is described by its message`);
        assert.ok(message.trim().length > 10, message);
      }
      assert.equal(await page.locator('#anmalan-namn').getAttribute('aria-invalid'), null);
      // The values as they were sent.
      assert.equal(await page.locator('#anmalan-namn').inputValue(), 'Anna </textarea> Andersson');
      assert.equal(await page.locator('#anmalan-epost').inputValue(), 'anna.andersson@');
      assert.equal(await page.locator('#anmalan-antal').inputValue(), 'två');
      assert.equal(await page.locator('#anmalan-behov-horslinga').isChecked(), true);
      // A link of the summary takes the focus to its field.
      await page.keyboard.press('Tab');
      await pressEnter(page, { navigates: false });
      assert.equal((await focused(page)).id, 'anmalan-epost');
      await checkPage(page, { label: `the meeting page with errors${prefix}` });
      assert.equal(await rsvpCount(m.id), 0, 'nothing was written');
      await context.close();
    }
  });
});
