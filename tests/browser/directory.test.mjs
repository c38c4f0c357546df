// The directory's pages in real Chromium against the real binary with the demo data and a few
// things of the test's own: the networks by kind (/natverk) and a network's page, the
// organisations (/organisationer) and an organisation's page, the venues (/lokaler) and a venue's
// page, in Swedish and English. WCAG 2.1 AA by axe at 1280 and 320 px, valid HTML, text at 200 %;
// the kinds in the brief's order and names in Swedish order (ICU's collation); descriptions and
// owners; coming meetings with cancelled ones in words; contact details only when the
// organisation made them public; a venue's accessibility in words, its map link and its coming
// bookings (never a draft, never a past meeting); each page's feed to subscribe to and its Atom
// link; hostile names as text; every link on these pages leads somewhere.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPage, checkTextZoom, launchBrowser, newContext, startService } from './lib/index.mjs';

// The public address the service writes into feed links (server.public_base_url): not the port
// the test runs on, so links are checked for their shape and then fetched on the running one.
const PUBLIC = 'https://kalendarium.example.se';
const HOSTILE = '<script>alert(1)</script> "citat" </textarea> \u202Ehögerställd\u202C 🎉';

let service;
let browser;
const ids = {};

async function create(collection, body) {
  const r = await service.api('POST', `/api/v1/${collection}`, body);
  assert.equal(r.status, 201, `${collection}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function meeting(fields) {
  return (await create('meetings', { organisation_id: ids.open.id, status: 'published', ...fields })).id;
}

before(async () => {
  service = await startService({ env: { KALENDARIUM_SERVER_PUBLIC_BASE_URL: PUBLIC } });
  browser = await launchBrowser();
  ids.hidden = await create('organisations', { name: 'Föreningen Hemlig', contact_email: 'hemlig@example.se', contact_phone: '033-11 22 33', contact_public: false });
  ids.open = await create('organisations', { name: 'Föreningen Öppen', contact_email: 'oppen@example.se', contact_phone: '+46 33 44 55 66', contact_public: true });
  ids.hostileOrg = await create('organisations', { name: `Förening ${HOSTILE}` });
  ids.network = await create('networks', {
    name: 'Ölandsnätverket', kind: 'interest_network', organisation_ids: [ids.open.id, ids.hidden.id],
    description: `Ett nätverk för föreningar på Öland.\n\nVi träffas varje månad. ${HOSTILE}`,
  });
  ids.venue = await create('venues', {
    name: 'Äldreboendets matsal', address: 'Allégatan 1, 503 32 Borås', capacity: 40, shared: true,
    accessibility: { step_free: true, hearing_loop: false, accessible_toilet: true, notes: 'Parkering för rörelsehindrade vid entrén.' },
    latitude: 57.7201, longitude: 12.9412, organisation_id: ids.open.id,
  });
  ids.private = await create('venues', { name: 'Björkens föreningslokal', address: 'Björkgatan 2', shared: false });
  ids.first = await meeting({ type: 'network', title: 'Ölandsnätverkets träff', start: '2099-03-12T18:00', end: '2099-03-12T20:00', venue_id: ids.venue.id, network_ids: [ids.network.id] });
  ids.cancelled = await meeting({ type: 'samrad', title: 'Samråd som ställs in', start: '2099-03-17T15:00', end: '2099-03-17T16:00', venue_id: ids.venue.id, network_ids: [ids.network.id] });
  assert.equal((await service.api('POST', `/api/v1/meetings/${ids.cancelled}/cancel`)).status, 200);
  ids.hostile = await meeting({ type: 'dialog', title: HOSTILE, start: '2099-03-24T13:00', end: '2099-03-24T15:00', venue_id: ids.venue.id, organisation_id: ids.hostileOrg.id });
  ids.draft = await meeting({ type: 'other', title: 'Utkast i matsalen', start: '2099-03-25T13:00', end: '2099-03-25T15:00', venue_id: ids.venue.id, status: 'draft' });
  ids.past = await meeting({ type: 'other', title: 'Förra årets möte', start: '2020-03-25T13:00', end: '2020-03-25T15:00', venue_id: ids.venue.id });
  ids.hidden_meeting = await meeting({ type: 'training', title: 'Hemliga föreningens kurs', start: '2099-04-02T09:00', end: '2099-04-02T12:00', organisation_id: ids.hidden.id, venue_id: ids.private.id });
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function open(path, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  const response = await page.goto(service.url + path);
  return { context, page, response, html: await response.text(), dialogs };
}

const squash = (s) => s.replace(/\s+/g, ' ').trim();

// The address a link gives, fetched from the running service: the public origin (and webcal://)
// stand for it.
function onService(href) {
  const url = new URL(href.replace(/^webcal:\/\//, 'http://'), service.url);
  return `${service.url}${url.pathname}${url.search}`;
}

describe('the directory pages pass axe, html-validate, the 320 px reflow and 200 % text', () => {
  const pages = () => [
    ['sv', '/natverk'], ['en', '/en/natverk'],
    ['sv', `/natverk/${ids.network.slug}`], ['en', `/en/natverk/${ids.network.slug}`],
    ['sv', '/organisationer'], ['en', '/en/organisationer'],
    ['sv', `/organisationer/${ids.open.slug}`], ['en', `/en/organisationer/${ids.hidden.slug}`],
    ['sv', '/lokaler'], ['en', '/en/lokaler'],
    ['sv', `/lokaler/${ids.venue.slug}`], ['en', `/en/lokaler/${ids.venue.slug}`],
    ['sv', `/lokaler/${ids.private.slug}`],
  ];
  for (let i = 0; i < 13; i++) {
    test(`directory_page_${i}_is_accessible_and_valid`, { timeout: 120000 }, async () => {
      const [language, path] = pages()[i];
      const { context, page, response, html, dialogs } = await open(path);
      assert.equal(response.status(), 200, path);
      assert.equal(await page.getAttribute('html', 'lang'), language, path);
      assert.equal(await page.locator('h1').count(), 1, path);
      await checkPage(page, { html, label: path });
      await checkTextZoom(page, { label: path });
      assert.deepEqual(dialogs, [], `${path}: a name ran as script`);
      await context.close();
    });
  }
});

describe('networks', () => {
  test('the_networks_are_grouped_by_kind_in_the_briefs_order_and_named_in_swedish_order', async () => {
    const { context, page } = await open('/natverk');
    const groups = await page.$$eval('main section', (sections) => sections.map((s) => ({
      kind: s.querySelector('h2').textContent.trim(),
      names: [...s.querySelectorAll('h3')].map((h) => h.textContent.trim()),
    })));
    const order = ['Områdesnätverk', 'Ortsråd', 'Intressenätverk', 'Samråd', 'Forum', 'Övriga nätverk'];
    const kinds = groups.map((g) => g.kind);
    assert.deepEqual(kinds, order.filter((k) => kinds.includes(k)), 'kinds out of order');
    assert.ok(kinds.length >= 4, kinds.join(', '));
    const swedish = new Intl.Collator('sv').compare;
    for (const g of groups) assert.deepEqual(g.names, [...g.names].sort(swedish), `${g.kind} is not in Swedish order`);
    assert.ok(groups.find((g) => g.kind === 'Intressenätverk').names.includes('Ölandsnätverket'));
    // Each description is there, in its paragraphs, as text.
    const heading = page.locator('h3', { hasText: 'Ölandsnätverket' });
    assert.equal(await heading.locator('a').getAttribute('href'), `/natverk/${ids.network.slug}`);
    const paragraphs = await heading.evaluate((h) => [h.nextElementSibling.textContent, h.nextElementSibling.nextElementSibling.textContent]);
    assert.deepEqual(paragraphs, ['Ett nätverk för föreningar på Öland.', `Vi träffas varje månad. ${HOSTILE}`]);
    assert.equal(await page.locator('main script').count(), 0);
    await context.close();
  });

  test('a_networks_page_has_its_description_owners_coming_meetings_and_feeds', async () => {
    const { context, page, response } = await open(`/natverk/${ids.network.slug}`);
    assert.equal(response.headers()['content-type'], 'text/html; charset=utf-8');
    assert.equal(await page.textContent('h1'), 'Ölandsnätverket');
    assert.equal(squash(await page.textContent('.meeting__kicker')), 'Nätverk');
    assert.equal(squash(await page.locator('.facts__row', { hasText: 'Typ av nätverk' }).locator('dd').textContent()), 'Intressenätverk');
    const owners = await page.$$eval('.facts__row:has(dt:text("Ansvariga")) a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
    assert.deepEqual(owners, [['Föreningen Hemlig', `/organisationer/${ids.hidden.slug}`], ['Föreningen Öppen', `/organisationer/${ids.open.slug}`]]);
    // Coming meetings as the agenda lists them, with the day in words; the cancelled one in words.
    const items = await page.$$eval('.agenda__list .event', (els) => els.map((e) => ({
      time: e.querySelector('.event__time').textContent.trim(),
      title: e.querySelector('.event__title').textContent.replace(/\s+/g, ' ').trim(),
      href: e.querySelector('a').getAttribute('href'),
      struck: !!e.querySelector('s'),
    })));
    assert.deepEqual(items, [
      { time: 'torsdag 12 mars 2099, kl. 18.00–20.00', title: 'Ölandsnätverkets träff', href: `/moten/${ids.first}`, struck: false },
      { time: 'tisdag 17 mars 2099, kl. 15.00–16.00', title: 'Inställt Samråd som ställs in', href: `/moten/${ids.cancelled}`, struck: true },
    ]);
    assert.equal(await page.getAttribute('a >> text=Se alla i kalendern', 'href'), `/?natverk=${ids.network.slug}`);
    assert.equal(await page.getAttribute('a >> text=Se dem i månadsvyn', 'href'), `/manad?natverk=${ids.network.slug}`);
    // The feed: its address to copy and the links that subscribe to it.
    const feed = `${PUBLIC}/feeds/networks/${ids.network.slug}.ics`;
    assert.equal(await page.inputValue('.subscribe-box input.feed-url'), feed);
    assert.equal(await page.getAttribute('.subscribe-box input.feed-url', 'readonly'), '');
    assert.equal(await page.getAttribute('.subscribe-box a >> text=Öppna i kalenderprogrammet', 'href'), feed.replace('https://', 'webcal://'));
    const google = new URL(await page.getAttribute('.subscribe-box a >> text=Lägg till i Google Kalender', 'href'));
    assert.equal(google.origin + google.pathname, 'https://calendar.google.com/calendar/r');
    assert.equal(google.searchParams.get('cid'), feed.replace('https://', 'webcal://'));
    const outlook = new URL(await page.getAttribute('.subscribe-box a >> text=Lägg till i Outlook.com', 'href'));
    assert.equal(outlook.origin + outlook.pathname, 'https://outlook.live.com/calendar/0/addfromweb');
    assert.equal(outlook.searchParams.get('url'), feed);
    assert.equal(outlook.searchParams.get('name'), 'Överenskommelsen i Borås – Ölandsnätverket');
    const office = new URL(await page.getAttribute('.subscribe-box a >> text=Microsoft 365', 'href'));
    assert.equal(office.origin + office.pathname, 'https://outlook.office.com/calendar/0/addfromweb');
    assert.equal(office.searchParams.get('url'), feed);
    const atom = `/feeds/networks/${ids.network.slug}.atom`;
    assert.equal(await page.getAttribute('.subscribe-box a[type="application/atom+xml"]', 'href'), atom);
    assert.equal(await page.getAttribute('head link[rel="alternate"][type="application/atom+xml"]', 'href'), atom);
    assert.equal(await page.getAttribute('.subscribe-box a >> text=Så prenumererar du, steg för steg', 'href'), '/prenumerera#steg');
    for (const [href, type] of [[feed, 'text/calendar; charset=utf-8'], [atom, 'application/atom+xml; charset=utf-8']]) {
      const r = await page.request.get(onService(href));
      assert.equal(r.status(), 200, href);
      assert.equal(r.headers()['content-type'], type, href);
    }
    await context.close();
  });

  test('the_english_network_page_speaks_english_and_links_in_english', async () => {
    const { context, page } = await open(`/en/natverk/${ids.network.slug}`);
    assert.equal(squash(await page.locator('.facts__row', { hasText: 'Kind of network' }).locator('dd').textContent()), 'Interest network');
    assert.equal(await page.textContent('.agenda__list .event__time >> nth=0'), 'Thursday 12 March 2099, 18:00–20:00');
    assert.equal(await page.getAttribute('.agenda__list a >> nth=0', 'href'), `/en/moten/${ids.first}`);
    assert.equal(await page.getAttribute(`a >> text=Föreningen Öppen`, 'href'), `/en/organisationer/${ids.open.slug}`);
    assert.equal(await page.getAttribute('a >> text=How to subscribe, step by step', 'href'), '/en/prenumerera#steg');
    await context.close();
  });

  test('a_network_that_does_not_exist_is_a_404_page_in_its_language', async () => {
    for (const [path, heading] of [['/natverk/finns-inte', /hittades inte|finns inte/i], ['/en/natverk/finns-inte', /not found|does not exist/i],
                                   [`/natverk/${ids.network.id}`, /hittades inte|finns inte/i]]) {
      const { context, page, response } = await open(path);
      assert.equal(response.status(), 404, path);
      assert.match(await page.textContent('h1'), heading, path);
      await context.close();
    }
  });
});

describe('organisations', () => {
  test('organisations_are_listed_by_kind_in_swedish_order', async () => {
    const { context, page } = await open('/organisationer');
    const groups = await page.$$eval('main section', (sections) => sections.map((s) => ({
      kind: s.querySelector('h2').textContent.trim(),
      names: [...s.querySelectorAll('li a')].map((a) => a.textContent.trim()),
    })));
    const kinds = groups.map((g) => g.kind);
    assert.deepEqual(kinds, ['Föreningar', 'Borås Stad', 'Övriga organisationer'].filter((k) => kinds.includes(k)));
    const swedish = new Intl.Collator('sv').compare;
    for (const g of groups) assert.deepEqual(g.names, [...g.names].sort(swedish), g.kind);
    assert.ok(groups[0].names.includes('Föreningen Öppen'));
    await context.close();
  });

  test('contact_details_show_only_when_the_organisation_made_them_public', async () => {
    const hidden = await open(`/organisationer/${ids.hidden.slug}`);
    for (const secret of ['hemlig@example.se', '11 22 33', '112233'])
      assert.ok(!hidden.html.includes(secret), `the page of an organisation with private contact details shows ${secret}`);
    const main = await hidden.page.innerHTML('main');
    for (const link of ['mailto:', 'tel:']) assert.ok(!main.includes(link), `a ${link} link on the page of an organisation with private contact details`);
    assert.equal(await hidden.page.textContent('p.secondary-text'), 'Organisationen visar inte sina kontaktuppgifter här.');
    // Its coming meeting, at a venue it does not own.
    assert.deepEqual(await hidden.page.$$eval('.agenda__list .event__title', (els) => els.map((e) => e.textContent.trim())), ['Hemliga föreningens kurs']);
    await hidden.context.close();

    const shown = await open(`/organisationer/${ids.open.slug}`);
    assert.equal(await shown.page.getAttribute('a >> text=oppen@example.se', 'href'), 'mailto:oppen@example.se');
    // Spaces and hyphens in the number do not break: no line ends inside it.
    assert.equal(await shown.page.getAttribute('a[href^="tel:"]', 'href'), 'tel:+4633445566');
    assert.equal(await shown.page.textContent('a[href^="tel:"]'), '+46\u00A033\u00A044\u00A055\u00A066');
    assert.equal(await shown.page.locator('p.secondary-text').count(), 0);
    const facts = await shown.page.$$eval('.facts__row', (rows) => Object.fromEntries(rows.map((r) => [
      r.querySelector('dt').textContent.trim(), [...r.querySelectorAll('dd a')].map((a) => a.getAttribute('href'))])));
    assert.deepEqual(facts['Ansvarar för nätverk'], [`/natverk/${ids.network.slug}`]);
    assert.deepEqual(facts['Lokaler'], [`/lokaler/${ids.venue.slug}`]);
    assert.equal(await shown.page.inputValue('input.feed-url'), `${PUBLIC}/feeds/organisations/${ids.open.slug}.ics`);
    // The API says the same: the rule is the use case's.
    const api = await service.api('GET', `/api/v1/organisations/${ids.hidden.id}`, undefined, null);
    assert.equal(api.body.contact_email, undefined);
    await shown.context.close();
  });
});

describe('venues', () => {
  test('the_shared_venues_show_capacity_accessibility_in_words_address_and_map', async () => {
    const { context, page } = await open('/lokaler');
    const names = await page.$$eval('main section h3', (hs) => hs.map((h) => h.textContent.trim()));
    assert.ok(names.includes('Äldreboendets matsal'));
    assert.ok(!names.includes('Björkens föreningslokal'), 'a venue that is not shared is not among the shared ones');
    assert.deepEqual(names, [...names].sort(new Intl.Collator('sv').compare));
    const box = page.locator('section', { has: page.locator('h3', { hasText: 'Äldreboendets matsal' }) });
    const facts = await box.locator('.facts__row').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [
      r.querySelector('dt').textContent.trim(), r.querySelector('dd').textContent.replace(/\s+/g, ' ').trim()])));
    assert.deepEqual(facts, {
      Adress: 'Allégatan 1, 503 32 Borås Visa på karta: Äldreboendets matsal (OpenStreetMap)',
      Rymmer: '40 personer',
      Tillgänglighet: 'Ingång utan trappsteg Ingen hörslinga Tillgänglighetsanpassad toalett Parkering för rörelsehindrade vid entrén.',
      'Lokalen tillhör': 'Föreningen Öppen',
    });
    assert.equal(await box.locator('a', { hasText: 'Visa på karta' }).getAttribute('href'),
                 'https://www.openstreetmap.org/?mlat=57.7201&mlon=12.9412#map=17/57.7201/12.9412');
    assert.equal(await page.getAttribute('a >> text=Björkens föreningslokal', 'href'), `/lokaler/${ids.private.slug}`);
    await context.close();
  });

  test('a_venues_page_lists_its_coming_bookings_so_a_party_sees_when_it_is_free', async () => {
    const { context, page, html } = await open(`/lokaler/${ids.venue.slug}`);
    const table = await page.$eval('table.table', (t) => ({
      caption: t.caption.textContent.trim(),
      headers: [...t.tHead.rows[0].cells].map((c) => [c.tagName, c.getAttribute('scope'), c.textContent.trim()]),
      rows: [...t.tBodies[0].rows].map((r) => ({
        when: r.cells[0].textContent.trim(),
        datetime: r.cells[0].querySelector('time').getAttribute('datetime'),
        header: r.cells[0].tagName + ':' + r.cells[0].getAttribute('scope'),
        meeting: r.cells[1].textContent.replace(/\s+/g, ' ').trim(),
        href: r.cells[1].querySelector('a').getAttribute('href'),
        struck: !!r.cells[1].querySelector('s'),
        organiser: r.cells[2].textContent.trim(),
        organiserHref: r.cells[2].querySelector('a')?.getAttribute('href'),
      })),
    }));
    assert.equal(table.caption, 'Kommande bokningar: Äldreboendets matsal');
    assert.deepEqual(table.headers, [['TH', 'col', 'Datum och tid'], ['TH', 'col', 'Möte'], ['TH', 'col', 'Arrangör']]);
    assert.deepEqual(table.rows, [
      { when: 'torsdag 12 mars 2099, kl. 18.00–20.00', datetime: '2099-03-12T18:00', header: 'TH:row', meeting: 'Ölandsnätverkets träff', href: `/moten/${ids.first}`, struck: false, organiser: 'Föreningen Öppen', organiserHref: `/organisationer/${ids.open.slug}` },
      { when: 'tisdag 17 mars 2099, kl. 15.00–16.00', datetime: '2099-03-17T15:00', header: 'TH:row', meeting: 'Inställt Samråd som ställs in', href: `/moten/${ids.cancelled}`, struck: true, organiser: 'Föreningen Öppen', organiserHref: `/organisationer/${ids.open.slug}` },
      { when: 'tisdag 24 mars 2099, kl. 13.00–15.00', datetime: '2099-03-24T13:00', header: 'TH:row', meeting: HOSTILE.replace(/\s+/g, ' '), href: `/moten/${ids.hostile}`, struck: false, organiser: `Förening ${HOSTILE}`.replace(/\s+/g, ' ').trim(), organiserHref: `/organisationer/${ids.hostileOrg.slug}` },
    ]);
    assert.ok(!html.includes('Utkast i matsalen'), 'a draft is never shown');
    assert.ok(!html.includes('Förra årets möte'), 'a past meeting is not a coming booking');
    assert.equal(await page.getAttribute('a >> text=Se dem i månadsvyn', 'href'), `/manad?lokal=${ids.venue.slug}`);
    assert.equal(await page.inputValue('input.feed-url'), `${PUBLIC}/feeds/venues/${ids.venue.slug}.ics`);
    assert.equal(await page.getAttribute('head link[type="application/atom+xml"]', 'href'), `/feeds/venues/${ids.venue.slug}.atom`);
    // The table scrolls in its own region on a phone, which the keyboard can reach.
    assert.equal(await page.getAttribute('.table-scroll', 'tabindex'), '0');
    await context.close();
  });

  test('a_venue_without_bookings_says_so', async () => {
    const empty = await create('venues', { name: 'Tomma salen', shared: true });
    const { context, page } = await open(`/lokaler/${empty.slug}`);
    assert.equal(await page.locator('table').count(), 0);
    assert.equal(await page.locator('p', { hasText: 'Lokalen har inga kommande bokningar.' }).count(), 1);
    assert.equal(await page.locator('.facts__row', { hasText: 'Adress' }).count(), 0, 'no address row without an address');
    await context.close();
  });
});

test('every_link_on_the_directory_pages_leads_somewhere', { timeout: 180000 }, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const checked = new Map();
  for (const path of ['/natverk', `/natverk/${ids.network.slug}`, '/organisationer', `/organisationer/${ids.open.slug}`,
                      '/lokaler', `/lokaler/${ids.venue.slug}`, '/en/lokaler', `/en/natverk/${ids.network.slug}`]) {
    await page.goto(service.url + path);
    const hrefs = await page.$$eval('main a[href]', (as) => as.map((a) => a.getAttribute('href')));
    for (const href of hrefs) {
      const url = new URL(href, service.url);
      // Other sites are not asked; meeting pages are another page builder's (branch web-meeting).
      if (url.origin !== service.url && url.protocol !== 'webcal:' && url.origin !== PUBLIC) continue;
      if (url.pathname.match(/^(\/en)?\/moten\/\d+$/)) continue;
      const target = onService(url.href);
      if (checked.has(target)) continue;
      const r = await page.request.get(target);
      checked.set(target, r.status());
      assert.equal(r.status(), 200, `${href} on ${path}`);
    }
  }
  assert.ok(checked.size > 30, `only ${checked.size} links`);
  await context.close();
});
