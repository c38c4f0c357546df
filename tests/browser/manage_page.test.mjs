// The holder's own page of a sign-up (/anmalan/{token}), the link in every answer and e-mail, in
// real Chromium against the real binary: WCAG 2.1 AA by axe, valid HTML, no sideways scrolling
// at 320 px, in Swedish and English; private (no-store, no referrer); changing, cancelling and
// erasing with the keyboard alone and without JavaScript; looking changes nothing; a wrong link
// is a 404 page that says nothing; the old page of earlier e-mails (/rsvp/{token}) leads here;
// hostile names show as text.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  checkAxe, checkNoSideways, checkPage, checkTextZoom, focused, launchBrowser, newContext, pressEnter,
  startService, tabTo, validateHtml,
} from './lib/index.mjs';

let service;
let browser;
let organisation;

const HOSTILE = 'Anna <script>alert(1)</script> "citat" \'apostrof\' </textarea> & \u202Edrow\u202C 🎉';

before(async () => {
  service = await startService({ env: { KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE: '0' } });
  browser = await launchBrowser();
  const org = await service.api('POST', '/api/v1/organisations', { name: 'Föreningen Kvittot', kind: 'association' });
  assert.equal(org.status, 201);
  organisation = org.body.id;
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function meeting(capacity, title = 'FRÖ-möte: Kraftens Hus') {
  const r = await service.api('POST', '/api/v1/meetings', {
    type: 'fro', title, start: '2099-03-12T18:00', end: '2099-03-12T20:00', location: 'Kraftens Hus, Borås',
    organisation_id: organisation, status: 'published', capacity,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

// Signs up as the public does through the API; the answer's manage_url is the holder's page.
async function signUp(meetingId, name, email, extra = {}) {
  const r = await service.api('POST', `/api/v1/meetings/${meetingId}/rsvps`, { name, email, consent: true, ...extra }, null);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const manage = new URL(r.body.manage_url);
  assert.match(manage.pathname, /^(\/en)?\/anmalan\/kalr_[A-Za-z0-9_-]{43}$/);
  const secret = manage.pathname.split('/').pop();
  assert.equal(new URL(r.body.url).pathname, `/api/v1/rsvp/${secret}`);
  return { ...r.body, page: `${service.url}${manage.pathname}`, secret };
}

async function held(secret) {
  const r = await service.api('GET', `/api/v1/rsvp/${secret}`, undefined, null);
  return r.status === 200 ? r.body : null;
}

describe('the holder\'s own page', () => {
  test('in_swedish_and_english_it_passes_axe_html_validate_reflow_and_text_zoom_and_stays_private', { timeout: 90000 }, async () => {
    const m = await meeting(10);
    const anna = await signUp(m, 'Anna Andersson', 'anna@example.org', { needs: 'Tolk\nVegetarisk', organisation: 'Föreningen Kvittot' });
    for (const [prefix, lang] of [['', 'sv'], ['/en', 'en']]) {
      const context = await newContext(browser);
      const page = await context.newPage();
      const response = await page.goto(`${service.url}${prefix}/anmalan/${anna.secret}`);
      assert.equal(response.status(), 200);
      assert.equal(response.headers()['cache-control'], 'no-store');
      assert.equal(response.headers()['referrer-policy'], 'no-referrer');
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await checkPage(page, { html: await response.text(), label: `the holder's page (${lang})` });
      await checkTextZoom(page);
      const main = await page.textContent('main');
      assert.match(main, lang === 'sv' ? /Du har en plats/ : /You have a place/);
      assert.match(main, /Föreningen Kvittot/);
      // The needs as ticks and free text, as the form shows them.
      assert.equal(await page.locator('#anmalan-behov-tolk').isChecked(), true);
      assert.equal(await page.locator('#anmalan-ovrigt').inputValue(), 'Vegetarisk');
      // Add to calendar, and the holder's own feed, which exists.
      assert.equal(await page.getAttribute('.calendar-box a[download]', 'href'), `/feeds/meetings/${m}.ics`);
      const feed = await page.getAttribute(`.subscribe-box a[href^="/feeds/rsvp/"]`, 'href');
      assert.equal(feed, `/feeds/rsvp/${anna.secret}.ics`);
      assert.equal((await page.request.get(`${service.url}${feed}`)).status(), 200);
      assert.equal(await page.getAttribute('.subscribe-box a[href^="webcal:"]', 'href'), `webcal://127.0.0.1:8080${feed}`);
      await context.close();
    }
  });

  test('every_link_of_the_page_to_a_meeting_a_sign_up_or_a_feed_works', { timeout: 60000 }, async () => {
    // The site's other pages (the menu, the footer) are checked by the crawl from the start page.
    const m = await meeting(10);
    const erik = await signUp(m, 'Erik Ek', 'erik.links@example.org');
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const start of [erik.page, `${service.url}/moten/${m}`]) {
      await page.goto(start);
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
      const own = hrefs.filter((h) => /^\/(en\/)?(moten|anmalan|serier|feeds)\//.test(new URL(h).pathname) && new URL(h).origin === service.url);
      assert.ok(own.length >= 4, own.join(' '));
      for (const href of own) assert.equal((await page.request.get(href)).status(), 200, `${href} (linked from ${start})`);
    }
    assert.equal((await held(erik.secret)).status, 'confirmed');
    await context.close();
  });

  test('a_wrong_unknown_or_erased_link_is_a_404_page_that_says_nothing', { timeout: 60000 }, async () => {
    const context = await newContext(browser, { viewport: 'narrow' });
    const page = await context.newPage();
    const bodies = [];
    for (const token of [`kalr_${'A'.repeat(43)}`, 'kalr_short', 'nonsense', `kal_${'A'.repeat(43)}`]) {
      const response = await page.goto(`${service.url}/anmalan/${token}`);
      assert.equal(response.status(), 404, token);
      const html = await response.text();
      bodies.push(html.replace(token, '{token}'));
    }
    assert.equal(new Set(bodies.map((b) => b.replace(/kalr?_\w*|nonsense/g, ''))).size, 1, 'every wrong link gets the same page');
    await checkPage(page, { html: bodies[0], label: 'the 404 page of a wrong link' });
    await context.close();
  });

  test('the_page_of_earlier_e_mails_leads_here_and_looking_changes_nothing', { timeout: 60000 }, async () => {
    const m = await meeting(3);
    const david = await signUp(m, 'David Dahl', 'david@example.org');
    const old = await fetch(`${service.url}/rsvp/${david.secret}`, { redirect: 'manual' });
    assert.equal(old.status, 301);
    assert.equal(old.headers.get('location'), `/anmalan/${david.secret}`);
    const context = await newContext(browser, { javaScript: false });
    const page = await context.newPage();
    for (const path of [`/rsvp/${david.secret}`, `/anmalan/${david.secret}`, `/anmalan/${david.secret}/radera`, `/anmalan/${david.secret}`]) {
      const response = await page.goto(`${service.url}${path}`);
      assert.equal(response.status(), 200, path);
    }
    assert.equal((await held(david.secret)).status, 'confirmed', 'opening every link cancelled and erased nothing');
    await context.close();
  });

  test('changing_the_party_and_needs_with_the_keyboard_shows_errors_beside_the_field_then_saves', { timeout: 60000 }, async () => {
    const m = await meeting(3);
    const eva = await signUp(m, 'Eva Ek', 'eva@example.org');
    const context = await newContext(browser, { viewport: 'phone', javaScript: false });
    const page = await context.newPage();
    await page.goto(eva.page);
    // Eleven people: more than a party may be. Shown beside the field, nothing saved.
    await tabTo(page, { tag: 'input', id: 'anmalan-antal' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('11');
    await tabTo(page, { tag: 'button', name: 'Spara ändringarna' });
    let answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await pressEnter(page);
    assert.equal((await answer).status(), 422);
    assert.equal((await focused(page)).name, 'Det finns problem i ändringen');
    assert.equal(await page.getAttribute('#anmalan-antal', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#anmalan-antal', 'aria-describedby'), /anmalan-antal-fel/);
    assert.match(await page.textContent('#anmalan-antal-fel'), /från 1 till 10/);
    assert.equal(await page.locator('#anmalan-antal').inputValue(), '11');
    assert.equal((await held(eva.secret)).party_size, 1);
    await checkAxe(page, { label: 'the holder\'s page with an error' });
    // Three seats are free: two people and a hearing loop are fine.
    await tabTo(page, { tag: 'input', id: 'anmalan-antal' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await tabTo(page, { tag: 'input', id: 'anmalan-behov-horslinga' });
    await page.keyboard.press('Space');
    await tabTo(page, { tag: 'textarea', id: 'anmalan-ovrigt' });
    await page.keyboard.type('Glutenfritt');
    // Her mail from now on in English: the radio buttons are one stop, the arrow key moves.
    assert.equal(await page.isChecked('#anmalan-sprak-sv'), true);
    await tabTo(page, { tag: 'input', id: 'anmalan-sprak-sv' });
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.isChecked('#anmalan-sprak-en'), true);
    await tabTo(page, { tag: 'button', name: 'Spara ändringarna' });
    answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await pressEnter(page);
    assert.equal((await answer).status(), 303);
    assert.match(await page.textContent('main'), /Ändringen är sparad/);
    const saved = await held(eva.secret);
    assert.equal(saved.party_size, 2);
    assert.equal(saved.needs, 'Hörslinga\nGlutenfritt');
    assert.equal(saved.language, 'en');
    assert.equal(await page.isChecked('#anmalan-sprak-en'), true, 'the page shows the language chosen');
    await context.close();
  });

  test('erasing_asks_first_then_erases_for_good_and_the_seat_goes_to_the_waitlist', { timeout: 60000 }, async () => {
    const m = await meeting(1);
    const frida = await signUp(m, 'Frida Fors', 'frida@example.org');
    const gustav = await signUp(m, 'Gustav Gran', 'gustav@example.org');
    assert.equal(gustav.status, 'waitlisted');
    const context = await newContext(browser, { javaScript: false });
    const page = await context.newPage();
    await page.goto(`${service.url}/en/anmalan/${frida.secret}`);
    await tabTo(page, { tag: 'a', name: 'Erase my sign-up' });
    await pressEnter(page);
    assert.match(new URL(page.url()).pathname, /\/radera$/);
    const question = await page.request.get(page.url());
    assert.equal(question.headers()['cache-control'], 'no-store');
    await checkPage(page, { html: await question.text(), label: 'the question before erasing' });
    assert.equal((await held(frida.secret)).status, 'confirmed', 'the question erased nothing');
    await tabTo(page, { tag: 'button', name: 'Yes, erase my sign-up' });
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await pressEnter(page);
    assert.equal((await answer).status(), 303);
    assert.equal(new URL(page.url()).pathname, `/en/moten/${m}`);
    assert.match(await page.textContent('main'), /Your sign-up has been erased/);
    assert.equal(await held(frida.secret), null);
    assert.equal((await page.goto(frida.page)).status(), 404);
    assert.equal((await held(gustav.secret)).status, 'confirmed', 'the seat went to the waitlist');
    await checkNoSideways(page);
    await context.close();
  });

  test('cancelling_at_320px_with_space_on_the_button', { timeout: 60000 }, async () => {
    const m = await meeting(5);
    const cecilia = await signUp(m, 'Cecilia Ek', 'cecilia@example.org');
    const context = await newContext(browser, { viewport: 'narrow' });
    const page = await context.newPage();
    await page.goto(cecilia.page);
    const button = await tabTo(page, { tag: 'button', name: /Avboka min plats/ });
    assert.deepEqual(await focused(page), button);
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await Promise.all([page.waitForURL(cecilia.page), page.keyboard.press('Space')]);
    assert.equal((await answer).status(), 303);
    assert.equal((await held(cecilia.secret)).status, 'cancelled');
    // A cancelled sign-up says so and offers only erasing.
    assert.match(await page.textContent('main'), /Anmälan är avbokad/);
    assert.equal(await page.locator('main form').count(), 0);
    await checkPage(page, { label: 'the page of a cancelled sign-up' });
    await context.close();
  });

  test('hostile_names_and_titles_show_as_text_on_the_page', { timeout: 60000 }, async () => {
    const m = await meeting(5, `FRÖ ${HOSTILE}`);
    const hostile = await signUp(m, HOSTILE, 'hostile@example.org', { organisation: HOSTILE, needs: HOSTILE });
    const context = await newContext(browser);
    const page = await context.newPage();
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    const response = await page.goto(hostile.page);
    const html = await response.text();
    assert.doesNotMatch(html, /<script>alert/);
    await validateHtml(html, { label: 'the holder\'s page with hostile text' });
    assert.equal(await page.locator('script').count(), 0);
    const facts = await page.locator('.facts dd').allTextContents();
    assert.ok(facts.includes(HOSTILE), facts.join(' | '));                      // the name, the organisation
    assert.ok(facts.some((f) => f === `FRÖ ${HOSTILE}`), facts.join(' | '));    // the meeting
    assert.equal(await page.locator('#anmalan-ovrigt').inputValue(), HOSTILE);  // the needs, in the textarea
    await checkPage(page, { label: 'the holder\'s page with hostile text' });
    assert.deepEqual(dialogs, []);
    await context.close();
  });
});
