// Users and invitations, /arrangor/anvandare (org-flow, issue 12), and the pages that now say who
// a deletion or a skipped date mails, in real Chromium against the real binary and SMTP sink:
// axe (WCAG 2.1 A and AA) and html-validate in Swedish and English at 1280 and 320 px with no
// sideways scrolling, for an admin and for an organiser, with and without errors; an invitation
// sent with the keyboard alone; a deletion's and a skip's warnings.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  autofocusedClass, checkPage, inviteLink, signedInThrough, launchBrowser, pressEnter, pressSpace, runKalendarium, smtpEnv, startService, startSmtpSink, tabTo,
} from './lib/index.mjs';

let sink;
let service;
let browser;
let ours;
let theirs;

before(async () => {
  sink = await startSmtpSink();
  service = await startService({ demo: false, env: { ...smtpEnv(sink), KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE: '0' } });
  browser = await launchBrowser();
  for (const [name, set] of [['Föreningen Vår', (id) => { ours = id; }], ['Föreningen Deras', (id) => { theirs = id; }]]) {
    const r = await service.api('POST', '/api/v1/organisations', { name, kind: 'association' });
    assert.equal(r.status, 201);
    set(r.body.id);
  }
});

after(async () => {
  await browser?.close();
  await service?.stop();
  await sink?.stop();
});

// A browser signed in as a new account made on the command line.
async function signedIn(email, role, organisation, options = {}) {
  const link = await inviteLink(service, { email, role, organisation, name: `Namn ${email.split('@')[0]}` });
  return signedInThrough(browser, service, link, options);
}

describe('users and invitations', () => {
  test('the_page_of_an_admin_and_of_an_organiser_pass_axe_html_validate_and_reflow_in_both_languages', { timeout: 240000 }, async () => {
    const admin = await signedIn('chef@example.se', 'admin');
    const organiser = await signedIn('anna@example.se', 'organiser', ours);
    await runKalendarium(['user', 'invite', '--email', 'bo@example.se', '--role', 'organiser', '--organisation', String(ours),
      '--organisation', String(theirs), '--db', service.databaseUrl]);
    try {
      for (const [who, { page }] of [['admin', admin], ['organiser', organiser]]) {
        for (const prefix of ['', '/en']) {
          const url = `${service.url}${prefix}/arrangor/anvandare`;
          const response = await page.goto(url);
          assert.equal(response.status(), 200);
          assert.equal(response.headers()['cache-control'], 'no-store');
          assert.equal(await page.getAttribute('html', 'lang'), prefix ? 'en' : 'sv');
          assert.equal(await page.locator('h1').count(), 1);
          // The navigation marks the page.
          assert.equal(await page.locator('[aria-current="page"]').textContent(), prefix ? 'Users' : 'Användare');
          await checkPage(page, { html: await response.text(), label: `${prefix}/arrangor/anvandare (${who})` });
        }
      }
      // The admin chooses a role; the organiser does not, and sees only its own organisation.
      await admin.page.goto(`${service.url}/arrangor/anvandare`);
      assert.equal(await admin.page.locator('input[name=roll]').count(), 2);
      assert.equal(await admin.page.locator('input[name=organisation]').count(), 2);
      await organiser.page.goto(`${service.url}/arrangor/anvandare`);
      assert.equal(await organiser.page.locator('input[name=roll]').count(), 0);
      assert.equal(await organiser.page.locator('input[name=organisation]').count(), 1);
      assert.ok(await organiser.page.locator('input[name=organisation]').isChecked(), 'its one organisation is ticked');
      assert.equal(await organiser.page.getByText('chef@example.se').count(), 0);

      // The form with errors: the summary takes the focus, each field says what is wrong.
      for (const prefix of ['', '/en']) {
        await admin.page.goto(`${service.url}${prefix}/arrangor/anvandare`);
        await admin.page.fill('#anvandare-epost', 'inte en adress');
        const [response] = await Promise.all([admin.page.waitForNavigation(), admin.page.click('main form button[type=submit]')]);
        assert.equal(response.status(), 422);
        assert.equal(await autofocusedClass(admin.page), 'error-summary');
        assert.match(await admin.page.title(), prefix ? /^Error:/ : /^Fel:/);
        assert.equal(await admin.page.getAttribute('#anvandare-epost', 'aria-invalid'), 'true');
        assert.equal(await admin.page.inputValue('#anvandare-epost'), 'inte en adress');
        await checkPage(admin.page, { html: await response.text(), label: `the invitation with errors ${prefix}` });
      }
    } finally {
      await admin.context.close();
      await organiser.context.close();
    }
  });

  test('an_organiser_invites_with_the_keyboard_alone_and_the_invitation_is_mailed_in_its_language', { timeout: 120000 }, async () => {
    const { context, page } = await signedIn('cia@example.se', 'organiser', ours);
    try {
      await page.goto(`${service.url}/arrangor`);
      await tabTo(page, { tag: 'a', name: 'Användare' });
      await pressEnter(page);
      assert.equal(new URL(page.url()).pathname, '/arrangor/anvandare');
      await tabTo(page, { id: 'anvandare-epost' });
      await page.keyboard.type('dagny@example.se');
      await tabTo(page, { id: 'anvandare-namn' });
      await page.keyboard.type('Dagny Dahl');
      await tabTo(page, { id: 'anvandare-sprak-sv' });
      await page.keyboard.press('ArrowDown');  // English
      await tabTo(page, { tag: 'button', name: 'Skicka inbjudan' });
      await pressEnter(page);
      assert.match(page.url(), /\/arrangor\/anvandare\?klart=invited$/);
      await page.getByText('Inbjudan är skickad.').waitFor();
      assert.match(await page.locator('table:has(#vantande-tabell) tbody').textContent(), /dagny@example\.se/);
      const [mail] = await sink.waitFor({ to: 'dagny@example.se' });
      assert.equal(mail.mail.subject, "You're invited to Kalendarium");
      await checkPage(page, { label: 'the users page with a pending invitation' });
      // Deactivating the invitation with the keyboard.
      await tabTo(page, { tag: 'button', name: /Stäng av kontot för Dagny Dahl/ });
      await pressSpace(page, { navigates: true });
      await page.getByText('Kontot är avstängt.', { exact: false }).waitFor();
      assert.match(await page.locator('table:has(#konton-tabell) tbody').textContent(), /Avstängt/);
    } finally {
      await context.close();
    }
  });

  test('the_delete_page_and_the_series_page_say_how_many_signed_up_get_a_cancellation', { timeout: 120000 }, async () => {
    const m = await service.api('POST', '/api/v1/meetings', {
      type: 'fro', title: 'Mötet som raderas', start: '2099-03-12T18:00', end: '2099-03-12T20:00',
      location: 'Kraftens Hus', organisation_id: ours, status: 'published', capacity: 20,
    });
    const s = await service.api('POST', '/api/v1/series', {
      type: 'network', title: 'Serien med anmälda', start: '2099-04-07T18:00', end: '2099-04-07T20:00',
      rrule: 'FREQ=WEEKLY;COUNT=3', location: 'Kraftens Hus', organisation_id: ours, status: 'published',
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    const first = (await service.api('GET', `/api/v1/meetings?series=${s.body.id}`)).body.items[0].id;
    for (const [meeting, email] of [[m.body.id, 'ett@example.se'], [m.body.id, 'tva@example.se'], [first, 'tre@example.se']]) {
      const r = await service.api('POST', `/api/v1/meetings/${meeting}/rsvps`, { name: 'Någon', email, consent: true }, null);
      assert.equal(r.status, 201);
    }
    const { context, page } = await signedIn('erik@example.se', 'organiser', ours);
    try {
      for (const prefix of ['', '/en']) {
        const del = await page.goto(`${service.url}${prefix}/arrangor/moten/${m.body.id}/radera`);
        assert.match(await page.textContent('.notice--warning'),
          prefix ? /2 people signed up get an e-mail that the meeting is cancelled/ : /2 anmälda får ett mejl om att mötet är inställt/);
        await checkPage(page, { html: await del.text(), label: `${prefix}/radera with sign-ups` });
        const series = await page.goto(`${service.url}${prefix}/arrangor/serier/${s.body.id}`);
        assert.match(await page.locator('table:has(#tillfallen) tbody tr').first().textContent(), prefix ? /1 person signed up gets an e-mail/ : /1 anmäld får mejl/);
        assert.equal(await page.locator('table:has(#tillfallen) tbody tr button').count(), 3, 'every date may be skipped');
        await checkPage(page, { html: await series.text(), label: `${prefix}/arrangor/serier/{id} with sign-ups` });
      }
      await page.goto(`${service.url}/arrangor/serier/${s.body.id}`);
      await Promise.all([page.waitForURL(/hoppad=2$/), page.locator('table:has(#tillfallen) tbody tr:first-child button').click()]);
      await page.getByText('de anmälda får ett mejl om att det är inställt', { exact: false }).waitFor();
      const [cancelled] = await sink.waitFor({ to: 'tre@example.se', count: 2 }).then((all) => all.slice(-1));
      assert.match(cancelled.raw, /X-Kalendarium-Kind: meeting_cancelled/);
      assert.match(cancelled.raw, /method=CANCEL/);
    } finally {
      await context.close();
    }
  });
});
