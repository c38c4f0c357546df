// The page behind the link in every sign-up e-mail (/rsvp/{token}), in real Chromium against
// the real binary: WCAG 2.1 AA by axe, valid HTML, no sideways scrolling at 320 px, and the
// sign-up cancelled with the keyboard alone, without JavaScript, freeing the seat for the waitlist.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  checkAxe, checkNoSideways, checkPage, checkTextZoom, crawl, focused, launchBrowser, links, newContext, pressEnter,
  pressSpace, smtpEnv, startService, startSmtpSink, tabTo, validateHtml,
} from './lib/index.mjs';

let sink;
let service;
let browser;
let organisation;

before(async () => {
  sink = await startSmtpSink();
  service = await startService({ env: { ...smtpEnv(sink), KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE: '0' } });
  browser = await launchBrowser();
  const orgs = await service.api('GET', '/api/v1/organisations');
  assert.equal(orgs.status, 200);
  organisation = orgs.body.items[0].id;
});

after(async () => {
  await browser?.close();
  await service?.stop();
  await sink?.stop();
});

// A published FRÖ-möte with `capacity` seats, through the JSON API with the admin token.
async function meeting(capacity) {
  const r = await service.api('POST', '/api/v1/meetings', {
    type: 'fro', title: 'FRÖ-möte: Kraftens Hus', start: '2099-03-12T18:00', end: '2099-03-12T20:00',
    organisation_id: organisation, status: 'published', capacity,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

// Signs up as the public does (no token); returns the answer with the page's path.
async function signUp(meetingId, name, email) {
  const r = await service.api('POST', `/api/v1/meetings/${meetingId}/rsvps`, { name, email, consent: true }, null);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const secret = r.body.manage_url.split('/').pop();
  return { ...r.body, page: `${service.url}/rsvp/${secret}`, secret };
}

async function statusOf(secret) {
  const r = await service.api('GET', `/api/v1/rsvp/${secret}`, undefined, null);
  assert.equal(r.status, 200);
  return r.body.status;
}

describe('the sign-up page behind the e-mail link', () => {
  test('manage_page_in_swedish_passes_axe_html_validate_and_reflow_at_320px', { timeout: 60000 }, async () => {
    const m = await meeting(10);
    const anna = await signUp(m, 'Anna Andersson', 'anna@example.org');
    const context = await newContext(browser);
    const page = await context.newPage();
    const response = await page.goto(anna.page);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /^text\/html/);
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    await validateHtml(await response.text(), { label: 'the manage page' });
    await checkAxe(page);
    await checkTextZoom(page);
    await checkNoSideways(page);
    await checkAxe(page, { label: 'the manage page at 320 px' });
    assert.match(await page.textContent('main'), /Du har en plats/);
    await context.close();
  });

  test('a_crawl_from_the_manage_page_finds_every_page_valid_and_no_broken_link', { timeout: 60000 }, async () => {
    const m = await meeting(10);
    const erik = await signUp(m, 'Erik Ek', 'erik.crawl@example.org');
    const context = await newContext(browser);
    const { visited, types } = await crawl(context, erik.page);
    assert.ok(visited.size >= 1 && types.has('/rsvp/{secret}'), JSON.stringify([...types.keys()]));
    await context.close();
  });

  test('an_unknown_link_answers_a_valid_accessible_404_page', { timeout: 60000 }, async () => {
    const context = await newContext(browser, { viewport: 'narrow' });
    const page = await context.newPage();
    const response = await page.goto(`${service.url}/rsvp/kalr_${'A'.repeat(43)}`);
    assert.equal(response.status(), 404);
    await checkPage(page, { html: await response.text(), label: 'the 404 page' });
    await context.close();
  });

  test('cancelling_with_the_keyboard_alone_and_no_javascript_frees_the_seat_for_the_waitlist', { timeout: 60000 }, async () => {
    const m = await meeting(1);
    const anna = await signUp(m, 'Anna Andersson', 'anna.k@example.org');
    const bertil = await signUp(m, 'Bertil Berg', 'bertil.k@example.org');
    assert.equal(anna.status, 'confirmed');
    assert.equal(bertil.status, 'waitlisted');

    const context = await newContext(browser, { viewport: 'phone', javaScript: false });
    const page = await context.newPage();
    await page.goto(anna.page);
    await tabTo(page, { tag: 'button', name: /Avboka min plats/ });
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await pressEnter(page);
    assert.match(page.url(), /\/cancel$/);
    assert.match(await page.textContent('h1'), /avbokad/);
    await validateHtml(await (await answer).text(), { label: 'the page after cancelling' });
    await validateHtml(await (await page.request.get(anna.page)).text(), { label: 'the manage page of a cancelled sign-up' });
    await checkAxe(page, { label: 'the page after cancelling' });
    await checkNoSideways(page);
    assert.equal(await statusOf(anna.secret), 'cancelled');
    assert.equal(await statusOf(bertil.secret), 'confirmed', 'the seat went to the head of the waitlist');

    // The page of a cancelled sign-up says so and offers no button.
    await page.goto(anna.page);
    assert.match(await page.textContent('main'), /avbokad/);
    assert.equal(await page.locator('button').count(), 0);
    await context.close();
  });

  test('space_on_the_button_cancels_too_at_320px', { timeout: 60000 }, async () => {
    const m = await meeting(5);
    const cecilia = await signUp(m, 'Cecilia Ek', 'cecilia.k@example.org');
    const context = await newContext(browser, { viewport: 'narrow' });
    const page = await context.newPage();
    await page.goto(cecilia.page);
    const button = await tabTo(page, { tag: 'button' });
    assert.match(button.name, /Avboka/);
    assert.deepEqual(await focused(page), button);
    await pressSpace(page, { navigates: true });
    assert.equal(await statusOf(cecilia.secret), 'cancelled');
    await context.close();
  });

  test('the_link_in_the_confirmation_e_mail_opens_the_page_and_looking_changes_nothing', { timeout: 60000 }, async () => {
    const m = await meeting(3);
    const david = await signUp(m, 'David Dahl', 'david.mail@example.org');
    const [confirmation] = await sink.waitFor({ to: 'david.mail@example.org' });
    const pageLinks = links(confirmation).filter((l) => new URL(l).pathname.startsWith('/rsvp/'));
    assert.ok(pageLinks.length > 0, `no /rsvp/ link in the confirmation: ${links(confirmation).join(' ')}`);
    // Links are made with public_base_url; the same path on this instance.
    const target = new URL(new URL(pageLinks[0]).pathname, service.url).href;
    const context = await newContext(browser, { javaScript: false });
    const page = await context.newPage();
    for (let i = 0; i < 2; ++i) {
      const response = await page.goto(target);
      assert.equal(response.status(), 200);
    }
    await checkAxe(page);
    assert.equal(await statusOf(david.secret), 'confirmed', 'opening the link twice cancelled nothing');
    await context.close();
  });
});
