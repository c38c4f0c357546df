// The organisers' pages of org-core (issue 12) in real Chromium against the real binary: signing
// in through the page behind a link, the Översikt, the account's sessions and API keys, the
// meeting form (new, edit, copy, with errors, with a booked venue), cancelling and deleting; each
// in Swedish and English with 0 axe violations (WCAG 2.1 AA) at 1280 and 320 px, valid HTML and
// no sideways scrolling; a meeting created with the keyboard alone. KAL_SCREENSHOT_DIR set: the
// pages are also photographed there (desktop and phone), signed in.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  autofocusedClass, checkPage, inviteLink, signedInThrough, launchBrowser, newContext, pressEnter, startService, tabTo,
} from './lib/index.mjs';

let service;
let browser;
let adminLink;

before(async () => {
  service = await startService();
  browser = await launchBrowser();
  // The demo admin's one-time link from the banner, on this service's own address.
  const printed = /\/logga-in\/kali_[A-Za-z0-9_-]{43}/.exec(service.banner);
  assert.ok(printed, service.banner);
  adminLink = printed[0];
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

const signedIn = (link, options = {}) => signedInThrough(browser, service, link, options);

async function organisationId(name) {
  const list = await service.api('GET', '/api/v1/organisations?limit=200');
  return list.body.items.find((o) => o.name === name)?.id ?? list.body.items[0].id;
}

describe('the organisers\' pages', () => {
  let admin;
  let meetingId;
  let bookedVenue;

  before(async () => {
    admin = await signedIn(adminLink);
    // A meeting of the demo with a venue, in the future: the one the edit pages show.
    const coming = await service.api('GET', `/api/v1/meetings?from=${new Date().toISOString().slice(0, 10)}&limit=50`);
    const withVenue = coming.body.items.find((m) => m.venue_id && m.status === 'published');
    meetingId = withVenue.id;
    bookedVenue = withVenue;
  });

  after(async () => { await admin?.context.close(); });

  test('every_page_in_swedish_and_english_passes_axe_html_validate_and_reflow_and_is_no_store', { timeout: 300000 }, async () => {
    const { page } = admin;
    const paths = [
      '/arrangor', '/konto/sessioner', '/konto/nycklar', '/arrangor/moten/ny', `/arrangor/moten/${meetingId}`,
      `/arrangor/moten/${meetingId}/kopiera`, `/arrangor/moten/${meetingId}/stall-in`, `/arrangor/moten/${meetingId}/radera`,
    ];
    for (const prefix of ['', '/en']) {
      for (const p of paths) {
        const response = await page.goto(`${service.url}${prefix}${p}`);
        assert.equal(response.status(), 200, `${prefix}${p}`);
        assert.equal(response.headers()['cache-control'], 'no-store', `${prefix}${p}`);
        assert.equal(await page.getAttribute('html', 'lang'), prefix ? 'en' : 'sv');
        await checkPage(page, { html: await response.text(), label: `${prefix}${p}` });
      }
    }
    // The pages one sees before signing in, in a browser without a session.
    const context = await newContext(browser, { viewport: 'narrow' });
    const anonymous = await context.newPage();
    for (const prefix of ['', '/en']) {
      for (const p of ['/logga-in', '/logga-in?skickat=1', '/logga-in?utloggad=1', `/logga-in/kali_${'A'.repeat(43)}`]) {
        const response = await anonymous.goto(`${service.url}${prefix}${p}`);
        await checkPage(anonymous, { html: await response.text(), label: `${prefix}${p}` });
      }
      // A signed-in page sends the browser to sign in, and back after.
      const response = await anonymous.goto(`${service.url}${prefix}/konto/nycklar`);
      assert.equal(new URL(anonymous.url()).pathname, `${prefix}/logga-in`);
      assert.equal(new URL(anonymous.url()).searchParams.get('tillbaka'), `${prefix}/konto/nycklar`);
      assert.equal(response.status(), 200);
    }
    await context.close();
  });

  test('the_form_with_errors_and_the_booked_venue_warning_pass_axe_and_name_the_other_meeting', { timeout: 120000 }, async () => {
    const { page } = admin;
    for (const prefix of ['', '/en']) {
      await page.goto(`${service.url}${prefix}/arrangor/moten/ny`);
      await page.fill('#mote-platser', 'många');
      const [response] = await Promise.all([page.waitForNavigation(), page.click('button[value=publicera]')]);
      assert.equal(response.status(), 422);
      assert.equal(await autofocusedClass(page), 'error-summary');
      assert.match(await page.title(), prefix ? /^Error:/ : /^Fel:/);
      for (const id of ['mote-titel', 'mote-platser', 'mote-startdatum', 'mote-arrangor'])
        assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true', id);
      await checkPage(page, { html: await response.text(), label: `the form with errors ${prefix}` });
    }
    // The venue of a published meeting at its own time: the warning names it, booking anyway saves.
    await page.goto(`${service.url}/arrangor/moten/ny`);
    await page.fill('#mote-titel', 'Krockar med ett annat möte');
    await page.selectOption('#mote-arrangor', String(bookedVenue.organisation_id));
    await page.fill('#mote-startdatum', bookedVenue.start.local.slice(0, 10));
    await page.fill('#mote-starttid', bookedVenue.start.local.slice(11, 16));
    await page.fill('#mote-sluttid', bookedVenue.end.local.slice(11, 16));
    await page.check(`#mote-lokal-${bookedVenue.venue_id}`);
    const [conflict] = await Promise.all([page.waitForNavigation(), page.click('button[value=utkast]')]);
    assert.equal(conflict.status(), 409);
    assert.match(await page.textContent('.notice--warning'), new RegExp(bookedVenue.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await checkPage(page, { html: await conflict.text(), label: 'the booked venue warning' });
    await page.check('#mote-boka-anda');
    await Promise.all([page.waitForNavigation(), page.click('button[value=utkast]')]);
    assert.match(page.url(), /\/arrangor\/moten\/\d+\?sparat=1$/);
    const id = Number(/moten\/(\d+)/.exec(page.url())[1]);
    const saved = await service.api('GET', `/api/v1/meetings/${id}`);
    assert.equal(saved.body.status, 'draft');
    assert.equal(saved.body.venue_id, bookedVenue.venue_id);
  });

  test('a_meeting_is_created_with_the_keyboard_alone', { timeout: 120000 }, async () => {
    const organisation = await organisationId('Kraftens Hus');
    const link = await inviteLink(service, { email: 'tangent@example.org', role: 'organiser', organisation });
    const { context, page } = await signedIn(link);
    await page.goto(`${service.url}/arrangor`);
    await tabTo(page, { tag: 'a', name: 'Nytt möte' });
    await pressEnter(page);
    assert.equal(new URL(page.url()).pathname, '/arrangor/moten/ny');
    await tabTo(page, { id: 'mote-typ' });
    await page.keyboard.press('End');  // the last type: "Annat" (other)
    await tabTo(page, { id: 'mote-titel' });
    await page.keyboard.type('Tangentbordets träff');
    // Debian's headless Chromium draws date and time fields in its own (US) format whatever the
    // page's language: month, day, year, and a 12-hour clock. A person types what the field shows.
    await tabTo(page, { id: 'mote-startdatum' });
    await page.keyboard.type('03122099');
    await tabTo(page, { id: 'mote-starttid' });
    await page.keyboard.type('0600P');
    await tabTo(page, { id: 'mote-sluttid' });
    await page.keyboard.type('0800P');
    await tabTo(page, { id: 'mote-plats' });
    await page.keyboard.type('Kraftens Hus, samlingssalen');
    await tabTo(page, { id: 'mote-platser' });
    await page.keyboard.type('25');
    const button = await tabTo(page, { tag: 'button', name: 'Publicera' });
    assert.equal(button.name, 'Publicera');
    await pressEnter(page);
    assert.match(page.url(), /\/arrangor\/moten\/\d+\?sparat=1$/, await page.textContent('.error-summary').catch(() => 'no summary'));
    const id = Number(/moten\/(\d+)/.exec(page.url())[1]);
    const saved = await service.api('GET', `/api/v1/meetings/${id}`);
    assert.equal(saved.body.title, 'Tangentbordets träff');
    assert.equal(saved.body.status, 'published');
    assert.equal(saved.body.organisation_id, organisation);
    assert.equal(saved.body.capacity, 25);
    assert.equal(saved.body.start.local, '2099-03-12T18:00:00');
    assert.equal(saved.body.end.local, '2099-03-12T20:00:00');
    await context.close();
  });

  test('a_weekly_series_is_made_in_words_its_dates_listed_and_one_skipped', { timeout: 120000 }, async () => {
    const { page } = admin;
    for (const prefix of ['', '/en']) {
      const response = await page.goto(`${service.url}${prefix}/arrangor/serier/ny`);
      assert.equal(response.status(), 200);
      await checkPage(page, { html: await response.text(), label: `${prefix}/arrangor/serier/ny` });
    }
    await page.goto(`${service.url}/arrangor/serier/ny`);
    await page.selectOption('#serie-typ', 'network');
    await page.fill('#serie-titel', 'Veckoträffen');
    await page.selectOption('#serie-arrangor', String(bookedVenue.organisation_id));
    await page.check('#serie-upprepning-weekly');
    await page.selectOption('#serie-veckodag', 'TU');
    await page.fill('#serie-forsta-datum', '2099-03-04');  // a Wednesday: the first Tuesday after is 10 March
    await page.fill('#serie-starttid', '17:00');
    await page.fill('#serie-sluttid', '18:30');
    await page.fill('#serie-antal', '3');
    await page.fill('#serie-plats', 'Kraftens Hus');
    await Promise.all([page.waitForNavigation(), page.click('button[value=publicera]')]);
    assert.match(page.url(), /\/arrangor\/serier\/\d+\?sparat=1$/);
    const seriesId = Number(/serier\/(\d+)/.exec(page.url())[1]);
    const series = await service.api('GET', `/api/v1/series/${seriesId}`);
    assert.match(series.body.rrule, /^FREQ=WEEKLY;BYDAY=TU;COUNT=3$/);
    const rows = await page.locator('table:has(#tillfallen) tbody tr th').allTextContents();
    assert.deepEqual(rows.map((r) => r.trim().slice(0, 22)), ['tisdag 10 mars 2099, k', 'tisdag 17 mars 2099, k', 'tisdag 24 mars 2099, k']);
    for (const prefix of ['', '/en']) {
      const response = await page.goto(`${service.url}${prefix}/arrangor/serier/${seriesId}`);
      await checkPage(page, { html: await response.text(), label: `${prefix}/arrangor/serier/{id}` });
    }
    await page.goto(`${service.url}/arrangor/serier/${seriesId}`);
    await Promise.all([page.waitForNavigation(), page.click('table:has(#tillfallen) tbody tr:nth-child(2) button')]);
    assert.match(page.url(), /hoppad=1$/);
    assert.equal(await page.locator('table:has(#tillfallen) tbody tr').count(), 2);
    const after = await service.api('GET', `/api/v1/series/${seriesId}`);
    assert.deepEqual(after.body.exdates.map((d) => d.slice(0, 10)), ['2099-03-17']);
  });

  test('pictures_of_the_pages_signed_in', { timeout: 120000, skip: !process.env.KAL_SCREENSHOT_DIR }, async () => {
    const dir = process.env.KAL_SCREENSHOT_DIR;
    mkdirSync(dir, { recursive: true });
    const cookies = await admin.context.cookies();
    for (const [viewport, suffix] of [['desktop', 'desktop'], ['phone', 'phone']]) {
      const context = await newContext(browser, { viewport });
      await context.addCookies(cookies);
      const page = await context.newPage();
      for (const [p, name] of [['/arrangor', 'organiser-overview'], ['/arrangor/moten/ny', 'meeting-form'],
        [`/arrangor/moten/${meetingId}`, 'meeting-edit'], [`/arrangor/moten/${meetingId}/radera`, 'meeting-delete'],
        ['/konto/sessioner', 'account-sessions'], ['/arrangor/serier/ny', 'series-form'], ['/konto/nycklar', 'account-tokens'], ['/logga-in', 'sign-in']]) {
        await page.goto(`${service.url}${p}`);
        await page.screenshot({ path: path.join(dir, `${name}-${suffix}.png`), fullPage: true, animations: 'disabled' });
      }
      await context.close();
    }
  });
});
