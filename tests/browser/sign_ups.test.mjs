// The sign-ups of a meeting (issue 12, item 6; org-people), /arrangor/moten/{id}/anmalningar, in
// real Chromium against the real binary: axe (WCAG 2.1 AA) and html-validate in Swedish and
// English at 1280 and 320 px; the waiting list in order and "move up"; adding a person by hand
// (errors the GOV.UK way first); cancelling; the quota; the reminders; the messages the meeting
// caused; the CSV download in both separators; the change log (issue 12, item 9) with a time
// change's before and after.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  checkPage, inviteLink, signedInThrough, launchBrowser, smtpEnv, startService, startSmtpSink,
} from './lib/index.mjs';

let sink;
let service;
let browser;
let meetingId;

before(async () => {
  sink = await startSmtpSink();
  service = await startService({ demo: false, env: { ...smtpEnv(sink), KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE: '0' } });
  browser = await launchBrowser();
  const org = await service.api('POST', '/api/v1/organisations', { name: 'Föreningen Listan', kind: 'association' });
  const m = await service.api('POST', '/api/v1/meetings', {
    type: 'fro', title: 'FRÖ-möte med kö', start: '2099-03-12T18:00', end: '2099-03-12T20:00',
    location: 'Kraftens Hus, Borås', organisation_id: org.body.id, status: 'published', capacity: 2,
  });
  assert.equal(m.status, 201, JSON.stringify(m.body));
  meetingId = m.body.id;
  for (const [name, email, extra] of [
    ['Åsa Öberg', 'asa@example.se', { party_size: 2, needs: 'hörslinga' }],
    ['Bertil Ek', 'bertil@example.se', { organisation: 'Ängens IF' }],
    ['Cecilia Ås', 'cecilia@example.se', {}],
  ]) {
    const r = await service.api('POST', `/api/v1/meetings/${meetingId}/rsvps`, { name, email, consent: true, ...extra }, null);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  await sink.waitFor({ count: 3 });
});

after(async () => {
  await browser?.close();
  await service?.stop();
  await sink?.stop();
});

async function signedIn(viewport = { width: 1280, height: 800 }) {
  const link = await inviteLink(service, { email: 'lista@example.se', role: 'admin', name: 'Listvakten' });
  return signedInThrough(browser, service, link, { viewport });
}

describe('the sign-ups of a meeting', () => {
  test('it_passes_axe_and_html_validate_in_both_languages', { timeout: 90000 }, async () => {
    const { context, page } = await signedIn();
    try {
      for (const prefix of ['', '/en']) {
        const url = `${service.url}${prefix}/arrangor/moten/${meetingId}/anmalningar`;
        const answer = await page.goto(url);
        assert.equal(answer.status(), 200);
        assert.equal(answer.headers()['cache-control'], 'no-store');
        await checkPage(page, { html: await (await page.request.get(url)).text(), label: `${prefix}/anmalningar` });
      }
      // The add form's errors, in English.
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('alert').waitFor();
      await checkPage(page, { label: 'the add form with errors' });
    } finally {
      await context.close();
    }
  });

  test('the_waiting_list_moves_up_a_person_is_added_and_cancelled_and_the_settings_are_saved', { timeout: 90000 }, async () => {
    const { context, page } = await signedIn({ width: 390, height: 844 });
    try {
      await page.goto(`${service.url}/arrangor/moten/${meetingId}/anmalningar`);
      await page.getByText('2 av 2 platser tagna, 2 på väntelistan.').waitFor();
      const waiting = page.getByRole('table', { name: 'Väntelistan i tur och ordning' });
      assert.deepEqual(await waiting.locator('tbody th').allTextContents().then((t) => t.map((x) => x.split('@')[0])),
                       ['Bertil Ekbertil', 'Cecilia Åscecilia']);
      await page.getByRole('button', { name: 'Flytta upp Bertil Ek från väntelistan' }).click();
      await page.getByText('Flyttad från väntelistan.').waitFor();
      await page.getByText('3 av 2 platser tagna, 1 på väntelistan.').waitFor();
      const promoted = await sink.waitFor({ to: 'bertil@example.se', count: 2 });
      assert.ok(promoted.some((m) => m.mail.values['x-kalendarium-kind'] === 'promoted'));

      // Adding by hand: first without consent, then with.
      await page.getByLabel('Namn', { exact: true }).fill('Dagny Hand');
      await page.getByLabel('E-post', { exact: true }).fill('dagny@example.se');
      await page.getByRole('button', { name: 'Lägg till', exact: true }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByLabel('Namn', { exact: true }).inputValue(), 'Dagny Hand');
      await page.getByLabel('Personen vet hur vi hanterar namn och e-postadress och har sagt ja').check();
      await page.getByRole('button', { name: 'Lägg till', exact: true }).click();
      await page.getByText('Personen är tillagd.').waitFor();
      await page.getByRole('table', { name: 'Väntelistan i tur och ordning' }).getByRole('rowheader', { name: /Dagny Hand/ }).waitFor();

      await page.getByRole('button', { name: 'Avboka anmälan för Cecilia Ås' }).click();
      await page.getByText('Anmälan är avbokad.').waitFor();
      await page.getByRole('table', { name: 'Avbokade anmälningar' }).getByRole('rowheader', { name: 'Cecilia Ås' }).waitFor();

      await page.getByLabel('Platser per organisation').fill('3');
      await page.getByRole('button', { name: 'Spara gränsen' }).click();
      await page.getByText('Gränsen är sparad.').waitFor();
      assert.equal((await service.api('GET', `/api/v1/meetings/${meetingId}/quota`)).body.per_organisation, 3);

      await page.getByLabel('Påminnelser före mötet').fill('2d, 3h');
      await page.getByRole('button', { name: 'Spara påminnelserna' }).click();
      await page.getByText('Påminnelserna är sparade.').waitFor();
      await page.getByText('Påminnelser skickas 2 dagar och 3 timmar före mötet.').waitFor();
      await page.getByLabel('Påminnelser före mötet').fill('2x');
      await page.getByRole('button', { name: 'Spara påminnelserna' }).click();
      await page.getByRole('alert').getByText(/Skriv påminnelserna som 7d/).waitFor();

      // The messages the meeting caused are listed.
      const messages = page.getByRole('table', { name: 'E-post som mötet har orsakat' });
      await messages.getByText('Fått plats').waitFor();
      assert.ok(await messages.getByText('bertil@example.se').count() >= 2);
    } finally {
      await context.close();
    }
  });

  test('the_change_log_shows_a_time_change_with_before_and_after_in_both_languages', { timeout: 90000 }, async () => {
    const moved = await service.api('PATCH', `/api/v1/meetings/${meetingId}`, { start: '2099-03-12T19:00', end: '2099-03-12T21:00' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const { context, page } = await signedIn();
    try {
      await page.goto(`${service.url}/arrangor/moten/${meetingId}/anmalningar`);
      await page.getByRole('link', { name: 'Ändringar' }).click();
      const table = page.getByRole('table', { name: 'Ändringar av mötet' });
      const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Mötet: start' }) });
      await row.getByText('torsdag 12 mars 2099, kl. 18.00').waitFor();
      await row.getByText('torsdag 12 mars 2099, kl. 19.00').waitFor();
      await table.getByRole('rowheader', { name: 'Anmälan av Bertil Ek flyttades upp från väntelistan' }).waitFor();
      for (const prefix of ['', '/en']) {
        const url = `${service.url}${prefix}/arrangor/moten/${meetingId}/andringar`;
        assert.equal((await page.goto(url)).status(), 200);
        await checkPage(page, { html: await (await page.request.get(url)).text(), label: `${prefix}/andringar` });
      }
    } finally {
      await context.close();
    }
  });

  test('the_csv_download_comes_in_both_separators', { timeout: 60000 }, async () => {
    const { context, page } = await signedIn();
    try {
      await page.goto(`${service.url}/arrangor/moten/${meetingId}/anmalningar`);
      for (const [name, separator, bom] of [['Ladda ner som CSV (komma)', ',', false], ['Ladda ner som CSV (semikolon, för Excel)', ';', true]]) {
        const href = await page.getByRole('link', { name }).getAttribute('href');
        const r = await page.request.get(`${service.url}${href}`);
        assert.equal(r.status(), 200);
        assert.match(r.headers()['content-type'], /^text\/csv/);
        assert.equal(r.headers()['cache-control'], 'no-store');
        const body = await r.body();
        assert.equal(body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf, bom);
        const text = body.toString('utf8').replace(/^\uFEFF/, '');
        const [header, ...rows] = text.trim().split('\r\n');
        assert.equal(header.split(separator)[0], 'id');
        assert.ok(header.split(separator).includes('waitlist_position'));
        assert.ok(rows.some((row) => row.includes('Åsa Öberg')));
      }
      // Without a session: to the sign-in page, no file.
      const anonymous = await fetch(`${service.url}/arrangor/moten/${meetingId}/anmalningar.csv`, { redirect: 'manual' });
      assert.equal(anonymous.status, 303);
    } finally {
      await context.close();
    }
  });
});
