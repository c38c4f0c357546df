// The door (issue 12, item 7; org-people) in real Chromium against the real binary, on a phone's
// 390×844 viewport: one person checked in by the QR code of their confirmation (read back from the
// PNG in the mail with jsQR), one by searching the list, one walk-in; the search filters as one
// types and works as a plain GET form without JavaScript; the door's pages and the QR link's pass
// axe (WCAG 2.1 AA) and html-validate in Swedish and English at 1280 and 320 px; a walk-in
// without a name is the page again with the error summary.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
  checkPage, launchBrowser, newContext, runKalendarium, smtpEnv, startService, startSmtpSink,
} from './lib/index.mjs';

let sink;
let service;
let browser;
let meetingId;

before(async () => {
  sink = await startSmtpSink();
  service = await startService({ demo: false, env: { ...smtpEnv(sink), KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE: '0' } });
  browser = await launchBrowser();
  const org = await service.api('POST', '/api/v1/organisations', { name: 'Föreningen Dörren', kind: 'association' });
  assert.equal(org.status, 201);
  const m = await service.api('POST', '/api/v1/meetings', {
    type: 'fro', title: 'FRÖ-möte vid dörren', start: '2099-03-12T18:00', end: '2099-03-12T20:00',
    location: 'Kraftens Hus, Borås', organisation_id: org.body.id, status: 'published', capacity: 20,
  });
  assert.equal(m.status, 201, JSON.stringify(m.body));
  meetingId = m.body.id;
  for (const [name, email, extra] of [
    ['Åsa Öberg', 'asa@example.se', {}],
    ['Bertil Ek', 'bertil@example.se', { organisation: 'Ängens IF', party_size: 2 }],
    ['Cecilia Ås', 'cecilia@example.se', { needs: 'hörslinga' }],
  ]) {
    const r = await service.api('POST', `/api/v1/meetings/${meetingId}/rsvps`, { name, email, consent: true, ...extra }, null);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});

// A one-time sign-in link for the door's admin, as the command line prints it (each works once).
async function newSignInLink() {
  const invited = await runKalendarium(['user', 'invite', '--email', 'dorrvakt@example.se', '--role', 'admin',
    '--name', 'Dörrvakten', '--db', service.databaseUrl]);
  assert.equal(invited.code, 0, invited.stderr);
  return /https?:\/\/\S+\/logga-in\/kali_[A-Za-z0-9_-]+/.exec(invited.stdout)[0];
}

after(async () => {
  await browser?.close();
  await service?.stop();
  await sink?.stop();
});

// This service's address for a path the service wrote with its public base URL.
function here(url) {
  const u = new URL(url);
  return `${service.url}${u.pathname}${u.search}`;
}

async function signedIn(options = {}) {
  const context = await newContext(browser, { viewport: { width: 390, height: 844 }, ...options });
  const page = await context.newPage();
  await page.goto(here(await newSignInLink()));
  await page.getByRole('button').filter({ hasText: /Logga in|Sign in/ }).first().click();
  await page.waitForURL((u) => !u.pathname.startsWith('/logga-in'));
  return { context, page };
}

// The link in the QR code of the confirmation mailed to `to`, read from the picture itself.
async function qrLinkOf(to) {
  const [mail] = await sink.waitFor({ to });
  const html = mail.mail.parts.find((p) => p.content_type === 'text/html').body;
  assert.match(html, /<img src="cid:checkin@kalendarium"/);
  const picture = mail.mail.parts.find((p) => p.content_type === 'image/png');
  assert.ok(picture, 'the confirmation carries a PNG');
  assert.equal(picture.content_id, '<checkin@kalendarium>');
  assert.ok(picture.png.valid);
  const png = PNG.sync.read(Buffer.from(picture.base64, 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(code, 'the picture is a QR code jsQR can read');
  assert.match(new URL(code.data).pathname, /^\/incheckning\/kalc_[A-Za-z0-9_-]{43}$/);
  // The link itself is in no text of the mail: only the picture holds it.
  assert.ok(!mail.raw.includes(new URL(code.data).pathname));
  return code.data;
}

describe('the door on a phone', () => {
  test('one_by_the_qr_link_one_by_searching_and_one_walk_in', { timeout: 120000 }, async () => {
    const qr = await qrLinkOf('asa@example.se');
    const { context, page } = await signedIn();
    try {
      // 1. The QR link: who it is and one button; opening it ticks nobody.
      const answer = await page.goto(here(qr));
      assert.equal(answer.status(), 200);
      assert.equal(answer.headers()['referrer-policy'], 'no-referrer');
      assert.equal(answer.headers()['cache-control'], 'no-store');
      await page.getByText('Åsa Öberg').first().waitFor();
      const door = await service.api('GET', `/api/v1/meetings/${meetingId}/checkins`);
      assert.equal(door.body.items?.length ?? door.body.length, 0, 'a GET of the link checks nobody in');
      const button = page.getByRole('button', { name: 'Checka in Åsa Öberg' });
      const box = await button.boundingBox();
      assert.ok(box.height >= 44 && box.width >= 44, `a large target (${box.width}×${box.height})`);
      await button.click();
      await page.getByText(/Åsa Öberg är incheckad kl\. \d\d\.\d\d\./).waitFor();

      // 2. Searching: the script filters the list as one types.
      await page.getByRole('link', { name: 'Till incheckningen för mötet' }).click();
      await page.getByText('1 av 4 incheckade').waitFor();
      await page.getByLabel('Sök namn eller organisation').fill('ängens');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-door-list] > li')].filter((li) => !li.hidden).length === 1);
      assert.equal(await page.locator('[data-door-list] > li:not([hidden])').first().locator('.checkin-list__name').textContent(), 'Bertil Ek');
      await page.getByRole('button', { name: 'Checka in Bertil Ek' }).click();
      await page.getByText('Bertil Ek är incheckad.').waitFor();
      await page.getByText('3 av 4 incheckade').waitFor();
      // Undo and again: one tap each.
      await page.locator('#anmalan-' + (await rsvpIdOf('bertil@example.se'))).getByRole('button', { name: /Ångra/ }).click();
      await page.getByText('1 av 4 incheckade').waitFor();

      // 3. A walk-in; without a name first: the page again with the error summary, 422.
      await page.getByRole('button', { name: 'Checka in', exact: true }).last().click();
      await page.getByRole('alert').getByText('Skriv namnet på den som kommer').waitFor();
      await page.getByLabel('Namn', { exact: true }).fill('Dagny Gäst');
      await page.getByLabel('Organisation (frivilligt)').fill('Kvarterets förening');
      await page.getByRole('button', { name: 'Checka in', exact: true }).last().click();
      await page.getByText('Dagny Gäst är incheckad utan anmälan.').waitFor();
      await page.getByText('1 utan anmälan').waitFor();
    } finally {
      await context.close();
    }
    const checkins = await service.api('GET', `/api/v1/meetings/${meetingId}/checkins`);
    const list = checkins.body.items ?? checkins.body;
    assert.equal(list.length, 2, JSON.stringify(checkins.body));
  });

  test('without_javascript_the_search_is_a_get_form_and_ticking_works', { timeout: 60000 }, async () => {
    const { context, page } = await signedIn({ javaScript: false });
    try {
      await page.goto(`${service.url}/arrangor/moten/${meetingId}/incheckning`);
      await page.getByLabel('Sök namn eller organisation').fill('cecilia');
      await page.getByRole('button', { name: 'Sök' }).click();
      await page.waitForURL(/sok=cecilia/);
      assert.equal(await page.locator('.checkin-list__name').count(), 1);
      await page.getByRole('button', { name: 'Checka in Cecilia Ås' }).click();
      await page.getByText('Cecilia Ås är incheckad.').waitFor();
      assert.match(page.url(), /sok=cecilia/);
      assert.ok(!page.url().includes('Cecilia'), 'no name in the address');
    } finally {
      await context.close();
    }
  });

  test('the_door_and_the_qr_link_pass_axe_and_html_validate_in_both_languages', { timeout: 120000 }, async () => {
    const qr = new URL(await qrLinkOf('cecilia@example.se'));
    const { context, page } = await signedIn({ viewport: { width: 1280, height: 800 } });
    try {
      for (const prefix of ['', '/en']) {
        for (const path of [`/arrangor/moten/${meetingId}/incheckning`, `/arrangor/moten/${meetingId}/incheckning?sok=%C3%A5`, qr.pathname]) {
          const url = `${service.url}${prefix}${path}`;
          const answer = await page.goto(url);
          assert.equal(answer.status(), 200, url);
          const html = await (await page.request.get(url)).text();
          await checkPage(page, { html, label: `${prefix}${path.replace(/kalc_.*/, 'kalc_…')}` });
        }
      }
      // The walk-in form's errors, in English.
      await page.goto(`${service.url}/en/arrangor/moten/${meetingId}/incheckning`);
      await page.getByLabel('Number of people').fill('none');
      await page.getByRole('button', { name: 'Check in', exact: true }).last().click();
      await page.getByRole('alert').getByText('Enter the name of the person who comes').waitFor();
      await page.getByRole('alert').getByText('Enter the number of people in digits, for example 2').waitFor();
      await checkPage(page, { label: 'the walk-in form with errors' });
    } finally {
      await context.close();
    }
  });
});

async function rsvpIdOf(email) {
  const r = await service.api('GET', `/api/v1/meetings/${meetingId}/rsvps`);
  const list = r.body.items ?? r.body;
  return list.find((x) => x.email === email).id;
}
