// Subscribing, in real Chromium against the real binary with the demo data: /prenumerera in
// Swedish and English (axe at 1280 and 320 px, valid HTML, 200 % text); every feed it offers
// answers 200 with its type (each https address and its webcal:// twin fetched; the Google and
// Outlook links carry the right address and are not followed); the builder of a feed of one's
// own works without JavaScript and its feed holds what was chosen; the Atom feeds parse with
// parsers we did not write (Python's ElementTree and feedparser), hold what RFC 4287 requires and
// the coming meetings in words, answer ETag and 304; the calendar's and the scope pages' <link
// rel="alternate"> lead to them.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { checkPage, checkTextZoom, launchBrowser, newContext, sourceDir, startService } from './lib/index.mjs';

const PUBLIC = 'https://kalendarium.example.se';
const HOSTILE = '<script>alert(1)</script> "citat" & </textarea> \u202Ehögerställd\u202C 🎉 \uFFFF';

let service;
let browser;
const ids = {};

async function create(collection, body) {
  const r = await service.api('POST', `/api/v1/${collection}`, body);
  assert.equal(r.status, 201, `${collection}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// A day some weeks ahead (Stockholm's date), inside the feeds' window; and how the pages say it.
function day(offset) {
  const d = new Date(Date.now() + offset * 86400000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
function dayText(date) {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
    .format(new Date(`${date}T12:00:00Z`));
}

before(async () => {
  service = await startService({ env: { KALENDARIUM_SERVER_PUBLIC_BASE_URL: PUBLIC } });
  browser = await launchBrowser();
  ids.organisation = await create('organisations', { name: 'Åby IF' });
  ids.other = await create('organisations', { name: 'Zonta Borås' });
  ids.network = await create('networks', { name: 'Ölandsnätverket', kind: 'interest_network', organisation_ids: [ids.organisation.id] });
  const meeting = async (fields) => (await create('meetings', { organisation_id: ids.organisation.id, status: 'published', ...fields })).id;
  ids.fro = await meeting({ type: 'fro', title: 'FRÖ-möte i Ölandsnätverket', start: `${day(30)}T18:00`, end: `${day(30)}T20:00`, network_ids: [ids.network.id] });
  ids.samrad = await meeting({ type: 'samrad', title: 'Samråd i Ölandsnätverket', start: `${day(31)}T18:00`, end: `${day(31)}T20:00`, network_ids: [ids.network.id] });
  ids.zonta = await meeting({ type: 'fro', title: 'FRÖ-möte hos Zonta', start: `${day(32)}T18:00`, end: `${day(32)}T20:00`, organisation_id: ids.other.id, network_ids: [ids.network.id] });
  ids.cancelled = await meeting({ type: 'samrad', title: 'Samråd som ställs in', start: `${day(35)}T15:00`, end: `${day(35)}T16:00`, network_ids: [ids.network.id] });
  assert.equal((await service.api('POST', `/api/v1/meetings/${ids.cancelled}/cancel`)).status, 200);
  ids.hostile = await meeting({ type: 'dialog', title: HOSTILE, start: `${day(42)}T13:00`, end: `${day(42)}T15:00`, network_ids: [ids.network.id] });
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function open(path, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const response = await page.goto(service.url + path);
  return { context, page, response, html: await response.text() };
}

// An address the page gives, on the running service: the public origin and webcal:// stand for it.
function onService(href) {
  const url = new URL(href.replace(/^webcal:\/\//, 'http://'), service.url);
  return `${service.url}${url.pathname}${url.search}`;
}

// What tests/tools/xml_inspect.py (ElementTree, RFC 4287's rules, feedparser) reads in a feed.
async function inspectAtom(body) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kal-atom-'));
  try {
    const file = path.join(dir, 'feed.atom');
    writeFileSync(file, body);
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [path.join(sourceDir, 'tests/tools/xml_inspect.py'), '--atom', file]);
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the subscribe page', () => {
  for (const [language, path] of [['sv', '/prenumerera'], ['en', '/en/prenumerera'], ['sv', '/prenumerera?typ=fro&natverk=olandsnatverket']]) {
    test(`subscribe_${path}_passes_axe_html_validate_reflow_and_200_percent_text`, { timeout: 180000 }, async () => {
      const { context, page, response, html } = await open(path);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), language);
      assert.equal(await page.locator('h1').count(), 1);
      assert.equal(await page.getAttribute('.site-nav a[aria-current="page"]', 'href'), language === 'en' ? '/en/prenumerera' : '/prenumerera');
      await checkPage(page, { html, label: path });
      await checkTextZoom(page, { label: path });
      await context.close();
    });
  }

  test('every_feed_on_the_page_answers_with_its_type_and_every_program_gets_its_address', { timeout: 180000 }, async () => {
    const { context, page } = await open('/prenumerera');
    // Each offered feed: an address field with its label, and its links beside it.
    const offers = await page.$$eval('input.feed-url', (inputs) => inputs.map((input) => {
      const list = input.closest('.form-group').nextElementSibling;
      const link = (text) => [...list.querySelectorAll('a')].find((a) => a.textContent.startsWith(text))?.getAttribute('href');
      return {
        url: input.value,
        readonly: input.readOnly,
        label: document.querySelector(`label[for="${input.id}"]`)?.textContent.trim(),
        webcal: link('Öppna i kalenderprogrammet'),
        google: link('Lägg till i Google Kalender'),
        outlook: link('Lägg till i Outlook.com'),
        office: link('Lägg till i Outlook för jobb och skola'),
        atom: list.querySelector('a[type="application/atom+xml"]')?.getAttribute('href'),
      };
    }));
    const types = ['fro', 'stormote', 'network', 'samrad', 'dialog', 'training', 'conference', 'other'];
    assert.deepEqual(offers.map((o) => o.url), [`${PUBLIC}/feeds/all.ics`, ...types.map((t) => `${PUBLIC}/feeds/types/${t}.ics`)]);
    for (const o of offers) {
      assert.ok(o.readonly, o.url);
      assert.match(o.label, /^Adress till kalendern: /, o.url);
      assert.equal(o.webcal, o.url.replace('https://', 'webcal://'));
      const google = new URL(o.google);
      assert.equal(`${google.origin}${google.pathname}`, 'https://calendar.google.com/calendar/r');
      assert.equal(google.searchParams.get('cid'), o.webcal);
      for (const [href, origin] of [[o.outlook, 'https://outlook.live.com'], [o.office, 'https://outlook.office.com']]) {
        const outlook = new URL(href);
        assert.equal(`${outlook.origin}${outlook.pathname}`, `${origin}/calendar/0/addfromweb`);
        assert.equal(outlook.searchParams.get('url'), o.url);
        assert.match(outlook.searchParams.get('name'), /^Överenskommelsen i Borås – /);
      }
      assert.equal(o.atom, o.url.replace(PUBLIC, '').replace(/\.ics$/, '.atom'));
    }
    // Every feed answers, over https:// (here http) and webcal://, with its type; so does each Atom link.
    const atoms = await page.$$eval('main a[type="application/atom+xml"]', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(atoms.length >= 18, atoms.join(' '));
    const wanted = [...offers.flatMap((o) => [[o.url, 'text/calendar'], [o.webcal, 'text/calendar']]), ...atoms.map((a) => [a, 'application/atom+xml'])];
    for (const [href, type] of wanted) {
      const r = await page.request.get(onService(href));
      assert.equal(r.status(), 200, href);
      assert.equal(r.headers()['content-type'], `${type}; charset=utf-8`, href);
    }
    // The networks, organisers and venues lead to their pages' subscribe boxes.
    const scopes = await page.$$eval('#fler ~ ul a', (as) => as.filter((a) => a.getAttribute('href').includes('#prenumerera')).map((a) => a.getAttribute('href')));
    assert.ok(scopes.some((h) => h === `/natverk/${ids.network.slug}#prenumerera`), scopes.join(' '));
    assert.ok(scopes.some((h) => h.startsWith('/organisationer/')) && scopes.some((h) => h.startsWith('/lokaler/')));
    for (const href of scopes) {
      await page.goto(service.url + href);
      assert.equal(await page.locator('#prenumerera').count(), 1, href);
      const feed = await page.inputValue('#prenumerera ~ .form-group input.feed-url');
      const r = await page.request.get(onService(feed));
      assert.equal(r.status(), 200, feed);
      assert.equal(r.headers()['content-type'], 'text/calendar; charset=utf-8', feed);
    }
    await context.close();
  });

  test('the_page_explains_subscribing_and_has_steps_for_each_program_and_a_way_to_the_embed', async () => {
    const { context, page } = await open('/prenumerera');
    const headings = await page.$$eval('main h2, main h3', (hs) => hs.map((h) => `${h.tagName} ${h.textContent.trim()}`));
    for (const h of ['H2 Så fungerar en prenumeration', 'H2 Steg för steg', 'H3 Outlook på datorn', 'H3 Google Kalender',
                     'H3 Apple Kalender (Mac, iPhone och iPad)', 'H3 Thunderbird', 'H2 Gör en egen kalender',
                     'H2 Nyhetsflöden (Atom)', 'H2 Visa mötena på er webbplats'])
      assert.ok(headings.includes(h), `${h} in ${headings.join(' | ')}`);
    for (const id of ['outlook', 'google', 'apple', 'thunderbird'])
      assert.ok(await page.locator(`#${id} + ol.steps > li`).count() >= 3, id);
    assert.match(await page.textContent('#sa-fungerar-det + p'), /hämtar kalendern på nytt av sig självt/);
    assert.equal(await page.getAttribute('a >> text=Så bäddar ni in mötena', 'href'), '/badda-in');
    assert.equal((await page.request.get(`${service.url}/badda-in`)).status(), 200);
    await context.close();
  });

  test('the_builder_works_without_javascript_and_its_feed_holds_what_was_chosen', { timeout: 120000 }, async () => {
    const { context, page } = await open('/prenumerera', { javaScript: false });
    const legends = await page.$$eval('form fieldset legend', (ls) => ls.map((l) => l.textContent.trim()));
    assert.deepEqual(legends, ['Typer av möten', 'Nätverk', 'Arrangörer']);
    await page.check('#urval-typ-fro');
    await page.check('#urval-typ-samrad');
    await page.check(`#urval-natverk-${ids.network.slug}`);
    await page.check(`#urval-arrangor-${ids.organisation.slug}`);
    assert.equal(await page.textContent(`label[for="urval-arrangor-${ids.organisation.slug}"]`), 'Åby IF');
    await Promise.all([page.waitForNavigation(), page.click('button >> text=Visa adressen')]);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/prenumerera');
    assert.equal(url.hash, '#eget-urval');
    assert.deepEqual(url.searchParams.getAll('typ').sort(), ['fro', 'samrad']);
    assert.deepEqual(url.searchParams.getAll('natverk'), [ids.network.slug]);
    assert.deepEqual(url.searchParams.getAll('arrangor'), [ids.organisation.slug]);
    // The answer is the same page, the choice kept, with the feed's address and its links.
    assert.ok(await page.isChecked('#urval-typ-fro'));
    assert.ok(await page.isChecked(`#urval-arrangor-${ids.organisation.slug}`));
    assert.ok(!(await page.isChecked(`#urval-arrangor-${ids.other.slug}`)));
    const result = page.locator('section[aria-labelledby="ditt-urval"]');
    assert.equal(await result.locator('h3').textContent(), 'Din egen kalender');
    const rows = await result.locator('.facts__row').evaluateAll((rs) => rs.map((r) => [r.querySelector('dt').textContent, r.querySelector('dd').textContent]));
    assert.deepEqual(rows, [['Typer av möten', 'FRÖ-möten, Samråd'], ['Nätverk', 'Ölandsnätverket'], ['Arrangörer', 'Åby IF']]);
    const feed = await result.locator('input.feed-url').inputValue();
    assert.equal(feed, `${PUBLIC}/feeds/custom.ics?type=fro,samrad&network=${ids.network.slug}&organisation=${ids.organisation.slug}`);
    assert.equal(await result.locator('a >> text=Öppna i kalenderprogrammet').getAttribute('href'), feed.replace('https://', 'webcal://'));
    const google = new URL(await result.locator('a >> text=Lägg till i Google Kalender').getAttribute('href'));
    assert.equal(google.searchParams.get('cid'), feed.replace('https://', 'webcal://'));
    const outlook = new URL(await result.locator('a >> text=Lägg till i Outlook.com').getAttribute('href'));
    assert.equal(outlook.searchParams.get('url'), feed);
    assert.equal(await result.locator('a[type="application/atom+xml"]').count(), 0, 'there is no Atom feed of a selection');
    // The feed holds the chosen types of the chosen network by the chosen organiser, nothing else.
    const r = await page.request.get(onService(feed));
    assert.equal(r.status(), 200);
    assert.equal(r.headers()['content-type'], 'text/calendar; charset=utf-8');
    const summaries = [...(await r.text()).replace(/\r\n[ \t]/g, '').matchAll(/^SUMMARY:(.*)$/gm)].map((m) => m[1].trim()).sort();
    assert.deepEqual(summaries, ['FRÖ-möte i Ölandsnätverket', 'INSTÄLLT: Samråd som ställs in', 'Samråd i Ölandsnätverket']);
    // The language link keeps the choice.
    assert.equal(await page.getAttribute('.site-header__lang', 'href'),
                 `/en/prenumerera?typ=fro&typ=samrad&natverk=${ids.network.slug}&arrangor=${ids.organisation.slug}`);
    await context.close();
  });

  test('a_builder_choice_that_names_nothing_is_a_bad_request_not_a_broken_address', async () => {
    for (const query of ['natverk=finns-inte', 'typ=fest', 'arrangor=finns-inte']) {
      const { context, page, response } = await open(`/prenumerera?${query}`);
      assert.equal(response.status(), 400, query);
      assert.equal(await page.textContent('h1'), 'Felaktig begäran');
      await context.close();
    }
  });
});

describe('the Atom feeds', () => {
  test('every_atom_feed_parses_and_holds_what_rfc_4287_requires', { timeout: 120000 }, async () => {
    const paths = ['/feeds/all.atom', '/feeds/types/fro.atom', '/feeds/types/conference.atom', `/feeds/networks/${ids.network.slug}.atom`,
                   `/feeds/organisations/${ids.organisation.slug}.atom`];
    const venues = await service.api('GET', '/api/v1/venues', undefined, null);
    for (const v of venues.body.items) paths.push(`/feeds/venues/${v.slug}.atom`);
    for (const p of paths) {
      const r = await fetch(service.url + p);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get('content-type'), 'application/atom+xml; charset=utf-8', p);
      const body = await r.text();
      const read = await inspectAtom(body);
      assert.ok(read.well_formed, `${p}: ${read.error}`);
      assert.equal(read.root, '{http://www.w3.org/2005/Atom}feed', p);
      assert.deepEqual(read.atom.problems, [], p);
      assert.ok(read.feedparser, 'python3-feedparser is installed (deploy/install-deps.sh test)');
      assert.equal(read.feedparser.bozo, false, `${p}: ${read.feedparser.bozo_exception}`);
      assert.equal(read.feedparser.version, 'atom10', p);
      assert.equal(read.feedparser.feed.id, `${PUBLIC}${p}`);
      const rels = Object.fromEntries(read.feedparser.feed.links.map((l) => [l.rel, l.href]));
      assert.equal(rels.self, `${PUBLIC}${p}`);
      assert.ok(rels.alternate.startsWith(PUBLIC), p);
      assert.equal((await fetch(onService(rels.alternate))).status, 200, rels.alternate);
      assert.equal((await fetch(onService(rels.related))).status, 200, rels.related);
    }
  });

  test('a_networks_atom_feed_has_an_entry_per_coming_meeting_in_words', async () => {
    const body = await (await fetch(`${service.url}/feeds/networks/${ids.network.slug}.atom`)).text();
    const read = await inspectAtom(body);
    assert.ok(read.well_formed, read.error);
    const feed = read.feedparser;
    assert.equal(feed.feed.title, 'Överenskommelsen i Borås – Ölandsnätverket');
    const alternate = feed.feed.links.find((l) => l.rel === 'alternate');
    assert.equal(alternate.href, `${PUBLIC}/natverk/${ids.network.slug}`);
    assert.equal(alternate.type, 'text/html');
    // One entry per coming meeting, in order; the cancelled one says so, as the .ics does; the
    // hostile title is text (U+FFFF, which XML cannot hold, as U+FFFD).
    assert.deepEqual(feed.entries.map((e) => e.title), ['FRÖ-möte i Ölandsnätverket', 'Samråd i Ölandsnätverket', 'FRÖ-möte hos Zonta',
                                                      'INSTÄLLT: Samråd som ställs in', HOSTILE.replace('\uFFFF', '\uFFFD')]);
    const first = feed.entries[0];
    assert.equal(first.id, `${PUBLIC}/moten/${ids.fro}`);
    assert.equal(first.link, `${PUBLIC}/moten/${ids.fro}`);
    assert.equal(first.author, 'Åby IF');
    assert.deepEqual(first.categories, ['fro']);
    assert.equal(first.summary, `${dayText(day(30))}, kl. 18.00–20.00. Arrangör: Åby IF.`);
    assert.equal(feed.entries[3].summary, `Inställt. ${dayText(day(35))}, kl. 15.00–16.00. Arrangör: Åby IF.`);
    const meeting = await service.api('GET', `/api/v1/meetings/${ids.fro}`, undefined, null);
    assert.equal(new Date(first.updated).getTime(), new Date(meeting.body.updated_at).getTime());
    assert.ok(!body.includes('<script>'), 'a title became markup');
  });

  test('an_atom_feed_answers_etag_and_304_and_changes_with_the_meetings', async () => {
    const p = `/feeds/organisations/${ids.organisation.slug}.atom`;
    const first = await fetch(service.url + p);
    const etag = first.headers.get('etag');
    const lastModified = first.headers.get('last-modified');
    assert.match(etag, /^"[0-9a-f]+"$/);
    assert.match(first.headers.get('cache-control'), /^public, max-age=\d+$/);
    const body = await first.text();
    for (const headers of [{ 'If-None-Match': etag }, { 'If-None-Match': `W/${etag}` }, { 'If-Modified-Since': lastModified }]) {
      const again = await fetch(service.url + p, { headers });
      assert.equal(again.status, 304, JSON.stringify(headers));
      assert.equal(await again.text(), '');
      assert.equal(again.headers.get('etag'), etag);
    }
    // The .ics feed of the same scope is another answer with another tag.
    const ics = await fetch(`${service.url}/feeds/organisations/${ids.organisation.slug}.ics`);
    assert.notEqual(ics.headers.get('etag'), etag);
    // A change of a meeting makes a new feed with a new tag; the old tag is then a 200.
    assert.equal((await service.api('PATCH', `/api/v1/meetings/${ids.samrad}`, { title: 'Samråd med nytt namn' })).status, 200);
    const changed = await fetch(service.url + p, { headers: { 'If-None-Match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    const text = await changed.text();
    assert.notEqual(text, body);
    assert.ok(text.includes('Samråd med nytt namn'));
    assert.equal((await fetch(`${service.url}/feeds/networks/finns-inte.atom`)).status, 404);
    const missing = await fetch(`${service.url}/feeds/types/fest.atom`, { headers: { Accept: 'text/html' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json', 'feeds keep problem+json');
  });

  test('calendar_and_scope_pages_link_their_atom_feed', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const [path, href] of [['/', '/feeds/all.atom'], ['/en/', '/feeds/all.atom'], ['/?typ=fro', '/feeds/types/fro.atom'],
                                [`/manad/${day(30).slice(0, 7)}?natverk=${ids.network.id}`, `/feeds/networks/${ids.network.slug}.atom`],
                                [`/?arrangor=${ids.organisation.slug}`, `/feeds/organisations/${ids.organisation.slug}.atom`],
                                [`/natverk/${ids.network.slug}`, `/feeds/networks/${ids.network.slug}.atom`],
                                [`/organisationer/${ids.organisation.slug}`, `/feeds/organisations/${ids.organisation.slug}.atom`],
                                ['/?typ=fro&natverk=' + ids.network.slug, '/feeds/all.atom']]) {
      await page.goto(service.url + path);
      const link = page.locator('head link[rel="alternate"][type="application/atom+xml"]');
      assert.equal(await link.count(), 1, path);
      assert.equal(await link.getAttribute('href'), href, path);
      assert.ok((await link.getAttribute('title')).length > 5, path);
      assert.equal((await page.request.get(service.url + href)).status(), 200, href);
    }
    await context.close();
  });
});
