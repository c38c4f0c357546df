// Signing up on a meeting's page, end to end, in real Chromium against the real binary and a real
// SMTP server: with the keyboard alone (Tab, Space, Enter), with JavaScript off and on; the
// receipt says the status, the confirmation arrives, its link opens the holder's page, and
// cancelling there gives the seat to the head of the waitlist, who is told. Every link in the
// confirmation, reminder and cancellation mails opens a page with status 200.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  checkPage, launchBrowser, links, newContext, pressEnter, pressSpace, smtpEnv, startService, startSmtpSink, tabTo,
  validateHtml,
} from './lib/index.mjs';

let sink;
let service;
let browser;
let organisation;

before(async () => {
  sink = await startSmtpSink();
  service = await startService({ env: { ...smtpEnv(sink), KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE: '0' } });
  browser = await launchBrowser();
  const org = await service.api('POST', '/api/v1/organisations', { name: 'Föreningen Tangentbordet', kind: 'association' });
  assert.equal(org.status, 201);
  organisation = org.body.id;
});

after(async () => {
  await browser?.close();
  await service?.stop();
  await sink?.stop();
});

async function meeting(capacity, extra = {}) {
  const r = await service.api('POST', '/api/v1/meetings', {
    type: 'fro', title: 'FRÖ-möte: Kraftens Hus', start: '2099-03-12T18:00', end: '2099-03-12T20:00',
    location: 'Kraftens Hus, Sandwalls plats 4, Borås', organisation_id: organisation, status: 'published', capacity, ...extra,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function rsvps(meetingId) {
  const r = await service.api('GET', `/api/v1/meetings/${meetingId}/rsvps`);
  assert.equal(r.status, 200);
  return r.body.items;
}

const kind = (message) => message.mail.values['x-kalendarium-kind'];

// The same path on this instance: links in mail are made with public_base_url.
const here = (link) => {
  const u = new URL(link);
  return new URL(u.pathname + u.search + u.hash, service.url).href;
};

// Each link of a message opens an HTML page with status 200 (in a browser, following redirects).
async function everyLinkOpensAPage(context, message, label) {
  const page = await context.newPage();
  const all = links(message);
  assert.ok(all.length >= 1, `${label}: no link`);
  for (const link of all) {
    await page.goto('about:blank');  // so that a link to a part of the last page loads it anew
    const response = await page.goto(here(link));
    assert.equal(response.status(), 200, `${label}: ${link}`);
    assert.match(response.headers()['content-type'], /^text\/html/, `${label}: ${link}`);
  }
  await page.close();
  return all;
}

// Fills the sign-up form with the keyboard alone and sends it with Enter.
async function signUpWithKeyboard(page, { name, email, party, needHearingLoop }) {
  await tabTo(page, { tag: 'input', id: 'anmalan-namn' });
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(email);
  if (party) {
    await tabTo(page, { tag: 'input', id: 'anmalan-antal' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type(String(party));
  }
  if (needHearingLoop) {
    await tabTo(page, { tag: 'input', id: 'anmalan-behov-horslinga' });
    await pressSpace(page);
  }
  const consent = await tabTo(page, { tag: 'input', id: 'anmalan-samtycke' });
  assert.match(consent.name, /Jag har läst|I have read/);
  await pressSpace(page);
  await tabTo(page, { tag: 'button', type: 'submit' });
  const answer = page.waitForResponse((r) => r.request().method() === 'POST');
  await pressEnter(page);
  return answer;
}

describe('signing up on the meeting page', () => {
  for (const javaScript of [false, true]) {
    test(`with_the_keyboard_alone_${javaScript ? 'with' : 'without'}_javascript_the_receipt_mail_and_manage_page_work_and_cancelling_promotes_the_waitlist`, { timeout: 120000 }, async () => {
      const m = await meeting(1);
      const tag = javaScript ? 'js' : 'nojs';
      const context = await newContext(browser, { viewport: 'phone', javaScript });
      const page = await context.newPage();

      // Anna takes the only seat.
      await page.goto(`${service.url}/moten/${m.id}`);
      const sent = await signUpWithKeyboard(page, { name: 'Anna Andersson', email: `anna.${tag}@example.org`, needHearingLoop: true });
      assert.equal(sent.status(), 303);
      assert.match(new URL(page.url()).pathname, /^\/anmalan\/kalr_[A-Za-z0-9_-]{43}$/);
      assert.match(await page.textContent('h1'), /Tack för din anmälan/);
      assert.match(await page.textContent('.notice__title'), /Du har en plats/);
      const receipt = await page.request.get(page.url());
      assert.equal(receipt.headers()['cache-control'], 'no-store');
      assert.equal(receipt.headers()['referrer-policy'], 'no-referrer');
      await checkPage(page, { html: await receipt.text(), label: 'the receipt' });
      const [annaRow] = await rsvps(m.id);
      assert.equal(annaRow.status, 'confirmed');
      assert.equal(annaRow.needs, 'Hörslinga');

      // Bertil gets the waitlist, and is told so with his place.
      await page.goto(`${service.url}/moten/${m.id}`);
      assert.match(await page.textContent('.sign-up'), /Mötet är fullbokat/);
      await signUpWithKeyboard(page, { name: 'Bertil Berg', email: `bertil.${tag}@example.org` });
      assert.match(await page.textContent('.notice__title'), /Du står på väntelistan, plats 1/);

      // Anna's confirmation: every link opens a page, and its manage link opens her page.
      const [confirmation] = await sink.waitFor({ to: `anna.${tag}@example.org` });
      assert.equal(kind(confirmation), 'confirmed');
      const linked = await everyLinkOpensAPage(context, confirmation, 'the confirmation');
      assert.ok(linked.some((l) => new URL(l).pathname === `/moten/${m.id}`), linked.join(' '));
      const manage = linked.find((l) => new URL(l).pathname.startsWith('/anmalan/'));
      assert.ok(manage, linked.join(' '));
      await page.goto(here(manage));
      assert.match(await page.textContent('main'), /Du har en plats/);
      assert.match(await page.textContent('main'), /Anna Andersson/);

      // She cancels there with the keyboard: the seat goes to Bertil, who gets a "promoted" mail.
      await tabTo(page, { tag: 'button', name: /Avboka min plats/ });
      const cancelled = page.waitForResponse((r) => r.request().method() === 'POST');
      await pressEnter(page);
      assert.equal((await cancelled).status(), 303);
      assert.match(await page.textContent('.notice__title'), /Anmälan är avbokad/);
      const statuses = Object.fromEntries((await rsvps(m.id)).map((r) => [r.email, r.status]));
      assert.equal(statuses[`anna.${tag}@example.org`], 'cancelled');
      assert.equal(statuses[`bertil.${tag}@example.org`], 'confirmed', 'the seat went to the head of the waitlist');
      const bertils = await sink.waitFor({ to: `bertil.${tag}@example.org`, count: 2 });
      assert.deepEqual(bertils.map(kind), ['waitlisted', 'promoted']);
      // Her cancellation mail's links open pages too.
      const annas = await sink.waitFor({ to: `anna.${tag}@example.org`, count: 2 });
      assert.equal(kind(annas[1]), 'rsvp_cancelled');
      await everyLinkOpensAPage(context, annas[1], 'the cancellation of a sign-up');
      await context.close();
    });
  }

  test('in_english_the_form_and_the_receipt_speak_english_and_the_mail_is_english', { timeout: 60000 }, async () => {
    const m = await meeting(10);
    const context = await newContext(browser, { javaScript: false });
    const page = await context.newPage();
    await page.goto(`${service.url}/en/moten/${m.id}`);
    const sent = await signUpWithKeyboard(page, { name: 'Emma Ek', email: 'emma.en@example.org', party: 2 });
    assert.equal(sent.status(), 303);
    assert.match(new URL(page.url()).pathname, /^\/en\/anmalan\//);
    assert.match(await page.textContent('h1'), /Thank you for signing up/);
    await checkPage(page, { html: await (await page.request.get(page.url())).text(), label: 'the English receipt' });
    const [row] = await rsvps(m.id);
    assert.equal(row.language, 'en');
    assert.equal(row.party_size, 2);
    const [mail] = await sink.waitFor({ to: 'emma.en@example.org' });
    const linked = await everyLinkOpensAPage(context, mail, 'an English confirmation');
    assert.ok(linked.some((l) => new URL(l).pathname.startsWith('/en/anmalan/')), linked.join(' '));
    assert.ok(linked.some((l) => new URL(l).pathname === `/en/moten/${m.id}`), linked.join(' '));
    await context.close();
  });

  test('the_links_of_a_reminder_and_of_a_cancelled_meeting_open_pages', { timeout: 90000 }, async () => {
    // A meeting whose two-hour reminder is due a few seconds from now.
    const start = new Date(Date.now() + 2 * 3600 * 1000 + 4000);
    const end = new Date(start.getTime() + 3600 * 1000);
    const local = (d) => d.toISOString().slice(0, 19);
    const m = await meeting(10, { start: local(start), end: local(end), time_zone: 'UTC' });
    assert.equal((await service.api('PUT', `/api/v1/meetings/${m.id}/reminders`, { offsets: ['2h'] })).status, 200);
    const context = await newContext(browser, { javaScript: false });
    const page = await context.newPage();
    await page.goto(`${service.url}/moten/${m.id}`);
    await signUpWithKeyboard(page, { name: 'Rut Påminnelse', email: 'rut.reminder@example.org' });
    const herPage = page.url();
    const [, reminder] = await sink.waitFor({ to: 'rut.reminder@example.org', count: 2, timeoutMs: 30000 });
    assert.equal(kind(reminder), 'reminder');
    await everyLinkOpensAPage(context, reminder, 'the reminder');
    // The organiser cancels the meeting: the mail that says so links to pages that say so.
    assert.equal((await service.api('POST', `/api/v1/meetings/${m.id}/cancel`)).status, 200);
    const [, , gone] = await sink.waitFor({ to: 'rut.reminder@example.org', count: 3 });
    assert.equal(kind(gone), 'meeting_cancelled');
    const linked = await everyLinkOpensAPage(context, gone, 'the cancellation of the meeting');
    assert.ok(linked.some((l) => new URL(l).pathname === `/moten/${m.id}`), linked.join(' '));
    await page.goto(herPage);
    assert.match(await page.textContent('main'), /Mötet är inställt/);
    assert.equal(await page.locator('form').count(), 0, 'nothing left to change');
    await context.close();
  });

  test('a_full_meeting_offers_the_waitlist_and_a_closed_one_says_why_instead_of_a_form', { timeout: 60000 }, async () => {
    const full = await meeting(1);
    const first = await service.api('POST', `/api/v1/meetings/${full.id}/rsvps`, { name: 'Först', email: 'forst@example.org', consent: true }, null);
    assert.equal(first.status, 201);
    const closed = await meeting(10, { registration_deadline: '2026-01-01T12:00' });
    const context = await newContext(browser);
    const page = await context.newPage();
    let response = await page.goto(`${service.url}/moten/${full.id}`);
    assert.match(await page.textContent('.sign-up'), /Mötet är fullbokat/);
    assert.match(await page.textContent('.facts'), /Fullbokat – väntelistan är öppen/);
    assert.equal(await page.textContent('.sign-up button[type="submit"]'), 'Ställ mig på väntelistan');
    await checkPage(page, { html: await response.text(), label: 'a full meeting' });
    response = await page.goto(`${service.url}/en/moten/${closed.id}`);
    assert.equal(await page.locator('.sign-up form').count(), 0);
    assert.match(await page.textContent('.sign-up'), /Sign-up is closed.*The registration deadline was Thursday 1 January 2026, 12:00\./s);
    await validateHtml(await response.text(), { label: 'a closed meeting' });
    await context.close();
  });

  test('the_honeypot_is_out_of_reach_of_people_and_a_form_that_fills_it_in_is_answered_as_if_fine_and_writes_nothing', { timeout: 60000 }, async () => {
    const m = await meeting(10);
    const context = await newContext(browser, { javaScript: false });
    const page = await context.newPage();
    await page.goto(`${service.url}/moten/${m.id}`);
    // Tab never reaches the trap, and assistive technology does not see it.
    const stops = [];
    for (let i = 0; i < 60; ++i) {
      await page.keyboard.press('Tab');
      stops.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    assert.ok(!stops.includes('anmalan-webbplats'), stops.join(' '));
    assert.equal(await page.locator('.form-trap').getAttribute('aria-hidden'), 'true');
    assert.equal(await page.locator('#anmalan-webbplats').isVisible(), false);
    // A program fills in everything it finds.
    await page.fill('#anmalan-namn', 'Robot');
    await page.fill('#anmalan-epost', 'robot@example.org');
    await page.$eval('#anmalan-webbplats', (el) => { el.value = 'https://spam.example'; });
    await page.check('#anmalan-samtycke');
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.click('.sign-up button[type="submit"]');
    assert.equal((await answer).status(), 303);
    assert.match(await page.textContent('main'), /Tack för din anmälan/);
    assert.deepEqual(await rsvps(m.id), []);
    await context.close();
  });
});
