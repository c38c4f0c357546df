// The directory's organiser pages and the import by upload (issue 12 item 8; org-dir) in real
// Chromium against the real binary: organisations, networks and venues (lists, new, edit with
// its change log), the import's form, its preview and its errors, each in Swedish and English
// with 0 axe violations (WCAG 2.1 AA) at 1280 and 320 px, valid HTML and no sideways scrolling; a
// venue created with the keyboard alone; an .ics file chosen in the file input, previewed and
// imported. KAL_SCREENSHOT_DIR set: the pages are also photographed there (desktop and phone).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  autofocusedClass, checkPage, inviteLink, signedInThrough, launchBrowser, newContext, pressEnter, pressSpace, startService, tabTo,
} from './lib/index.mjs';

let service;
let browser;
let adminLink;
const files = mkdtempSync(path.join(tmpdir(), 'kal-import-'));

before(async () => {
  service = await startService();
  browser = await launchBrowser();
  const printed = /\/logga-in\/kali_[A-Za-z0-9_-]{43}/.exec(service.banner);
  assert.ok(printed, service.banner);
  adminLink = printed[0];
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

const signedIn = (link, options = {}) => signedInThrough(browser, service, link, options);

function event(uid, title, day) {
  return `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:${title}\r\n`
    + `DTSTART;TZID=Europe/Stockholm:${day}T180000\r\nDTEND;TZID=Europe/Stockholm:${day}T200000\r\nEND:VEVENT\r\n`;
}

function icsFile(name, events) {
  const file = path.join(files, name);
  writeFileSync(file, `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Test//SV\r\n${events}END:VCALENDAR\r\n`);
  return file;
}

describe('the directory\'s organiser pages and the import', () => {
  let admin;
  let organisation;
  let network;
  let venue;

  before(async () => {
    admin = await signedIn(adminLink);
    organisation = (await service.api('GET', '/api/v1/organisations?limit=200')).body.items[0];
    network = (await service.api('GET', '/api/v1/networks?limit=200')).body.items[0];
    venue = (await service.api('GET', '/api/v1/venues?limit=200')).body.items[0];
    // One change of the venue, so that its page shows a change log.
    const { page } = admin;
    await page.goto(`${service.url}/arrangor/lokaler/${venue.id}`);
    await page.fill('#lokal-platser', String((venue.capacity ?? 20) + 5));
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    assert.match(page.url(), /sparat=1$/);
  });

  after(async () => { await admin?.context.close(); });

  test('every_page_in_swedish_and_english_passes_axe_html_validate_and_reflow_and_is_no_store', { timeout: 300000 }, async () => {
    const { page } = admin;
    const paths = [
      '/arrangor/organisationer', '/arrangor/organisationer/ny', `/arrangor/organisationer/${organisation.id}`,
      '/arrangor/natverk', '/arrangor/natverk/ny', `/arrangor/natverk/${network.id}`,
      '/arrangor/lokaler', '/arrangor/lokaler/ny', `/arrangor/lokaler/${venue.id}`, '/arrangor/import',
    ];
    for (const prefix of ['', '/en']) {
      for (const p of paths) {
        const response = await page.goto(`${service.url}${prefix}${p}`);
        assert.equal(response.status(), 200, `${prefix}${p}`);
        assert.equal(response.headers()['cache-control'], 'no-store', `${prefix}${p}`);
        assert.equal(await page.getAttribute('html', 'lang'), prefix ? 'en' : 'sv');
        await checkPage(page, { html: await response.text(), label: `${prefix}${p}` });
      }
      // The organisers' navigation leads to the directory, the import and the yearly report.
      await page.goto(`${service.url}${prefix}/arrangor`);
      const nav = await page.locator('nav.site-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const href of ['/arrangor/organisationer', '/arrangor/natverk', '/arrangor/lokaler', '/arrangor/import', '/uppfoljning'])
        assert.ok(nav.includes(`${prefix}${href}`), `${prefix}${href} in ${nav}`);
      // The venue's change log names the change.
      await page.goto(`${service.url}${prefix}/arrangor/lokaler/${venue.id}`);
      assert.match(await page.textContent('table:has(#andringar-tabell)'), prefix ? /The venue: seats/ : /Lokalen: antal platser/);
    }
  });

  test('forms_with_errors_pass_axe_and_name_each_field', { timeout: 120000 }, async () => {
    const { page } = admin;
    for (const prefix of ['', '/en']) {
      await page.goto(`${service.url}${prefix}/arrangor/lokaler/ny`);
      await page.fill('#lokal-platser', 'många');
      await page.fill('#lokal-latitud', 'norr');
      const [response] = await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
      assert.equal(response.status(), 422);
      assert.equal(await autofocusedClass(page), 'error-summary');
      for (const id of ['lokal-namn', 'lokal-platser', 'lokal-latitud'])
        assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true', id);
      await checkPage(page, { html: await response.text(), label: `the venue form with errors ${prefix}` });

      await page.goto(`${service.url}${prefix}/arrangor/import`);
      await page.setInputFiles('#import-fil', icsFile('fel.ics', ''));
      await page.selectOption('#import-arrangor', String(organisation.id));
      const [refused] = await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
      assert.equal(refused.status(), 422);
      assert.equal(await page.getAttribute('#import-fil', 'aria-invalid'), 'true');
      await checkPage(page, { html: await refused.text(), label: `the import with a bad file ${prefix}` });
    }
  });

  test('an_ics_file_is_previewed_and_imported_only_by_the_button', { timeout: 120000 }, async () => {
    const { page } = admin;
    const before = (await service.api('GET', '/api/v1/meetings?limit=200&q=Importerat')).body.items.length;
    await page.goto(`${service.url}/arrangor/import`);
    await page.setInputFiles('#import-fil', icsFile('forening.ics', event('import-1@forening.example', 'Importerat möte', '20990312')
      + event('import-2@forening.example', 'Importerat årsmöte', '20990319')));
    await page.selectOption('#import-arrangor', String(organisation.id));
    await page.check('#import-status-draft');
    const [preview] = await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    assert.equal(preview.status(), 200);
    assert.match(page.url(), /\/arrangor\/import\/kalu_[A-Za-z0-9_-]{43}$/);
    assert.equal(await page.locator('table tbody tr').count(), 2);
    await checkPage(page, { html: await preview.text(), label: 'the import preview' });
    await page.goto(`${page.url().replace(service.url, `${service.url}/en`)}`);
    await checkPage(page, { label: 'the import preview in English' });
    // Nothing is imported yet.
    assert.equal((await service.api('GET', '/api/v1/meetings?limit=200&q=Importerat')).body.items.length, before);
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    assert.match(page.url(), /\/en\/arrangor\/import\?skapade=2&uppdaterade=0$/);
    await checkPage(page, { label: 'the import done' });
    const imported = (await service.api('GET', '/api/v1/meetings?limit=200&q=Importerat')).body.items;
    assert.equal(imported.length, before + 2);
    assert.ok(imported.every((m) => m.status === 'draft' && m.organisation_id === organisation.id));
  });

  test('a_venue_is_created_with_the_keyboard_alone', { timeout: 120000 }, async () => {
    const link = await inviteLink(service, { email: 'lokal@example.org', role: 'organiser', organisation: organisation.id });
    const { context, page } = await signedIn(link);
    await page.goto(`${service.url}/arrangor`);
    await tabTo(page, { tag: 'a', name: 'Lokaler' });
    await pressEnter(page);
    assert.equal(new URL(page.url()).pathname, '/arrangor/lokaler');
    await tabTo(page, { tag: 'a', name: 'Ny lokal' });
    await pressEnter(page);
    assert.equal(new URL(page.url()).pathname, '/arrangor/lokaler/ny');
    await tabTo(page, { id: 'lokal-namn' });
    await page.keyboard.type('Tangentbordssalen');
    await tabTo(page, { id: 'lokal-adress' });
    await page.keyboard.type('Tangentgatan 3, Borås');
    await tabTo(page, { id: 'lokal-platser' });
    await page.keyboard.type('35');
    await tabTo(page, { id: 'lokal-trappfri' });
    await pressSpace(page);
    await tabTo(page, { id: 'lokal-horslinga' });
    await pressSpace(page);
    await tabTo(page, { id: 'lokal-tillganglighet' });
    await page.keyboard.type('Ramp vid entrén');
    const button = await tabTo(page, { tag: 'button', name: 'Spara' });
    assert.equal(button.name, 'Spara');
    await pressEnter(page);
    assert.match(page.url(), /\/arrangor\/lokaler\/\d+\?sparat=1$/, await page.textContent('.error-summary').catch(() => 'no summary'));
    const id = Number(/lokaler\/(\d+)/.exec(page.url())[1]);
    const saved = await service.api('GET', `/api/v1/venues/${id}`);
    assert.equal(saved.body.name, 'Tangentbordssalen');
    assert.equal(saved.body.capacity, 35);
    assert.equal(saved.body.organisation_id, organisation.id);
    assert.equal(saved.body.accessibility.step_free, true);
    assert.equal(saved.body.accessibility.hearing_loop, true);
    assert.equal(saved.body.accessibility.accessible_toilet, false);
    assert.equal(saved.body.accessibility.notes, 'Ramp vid entrén');
    await context.close();
  });

  test('pictures_of_the_pages', { timeout: 120000, skip: !process.env.KAL_SCREENSHOT_DIR }, async () => {
    const dir = process.env.KAL_SCREENSHOT_DIR;
    mkdirSync(dir, { recursive: true });
    const cookies = await admin.context.cookies();
    for (const viewport of ['desktop', 'phone']) {
      const context = await newContext(browser, { viewport });
      await context.addCookies(cookies);
      const page = await context.newPage();
      for (const [p, name] of [['/arrangor/lokaler', 'org-venues'], [`/arrangor/lokaler/${venue.id}`, 'org-venue-edit'],
        ['/arrangor/organisationer', 'org-organisations'], [`/arrangor/natverk/${network.id}`, 'org-network-edit'],
        ['/arrangor/import', 'org-import']]) {
        await page.goto(`${service.url}${p}`);
        await page.screenshot({ path: path.join(dir, `${name}-${viewport}.png`), fullPage: true, animations: 'disabled' });
      }
      await context.close();
    }
  });
});
