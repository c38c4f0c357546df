// The accessibility statement (/tillganglighet) and the privacy notice (/integritet) in Chromium
// against the real binary: valid and accessible in both languages, reached from every page's
// footer, Digg's template's parts in its order, and every value that differs between cities
// taken from the configuration (a service configured for another city says that city's words).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPage, checkTextZoom, launchBrowser, newContext, pressEnter, startService, tabTo } from './lib/index.mjs';

const T = { timeout: 180000 };

// Another city than the defaults, so that nothing can pass by being written into a template.
const CITY = {
  KALENDARIUM_SITE_ORGANISATION_NAME: 'Testköpings kommun',
  KALENDARIUM_SITE_SERVICE_NAME: 'Mötesplatsen i Testköping',
  KALENDARIUM_SITE_SERVICE_NAME_EN: 'Meeting place of Testköping',
  KALENDARIUM_SITE_ACCESSIBILITY_CONTACT: 'webb@testkoping.example',
  KALENDARIUM_SITE_ACCESSIBILITY_ASSESSED: '2026-11-20',
  KALENDARIUM_SITE_CONTROLLER: 'Kommunstyrelsen i Testköping',
  KALENDARIUM_SITE_CONTROLLER_CONTACT: 'kommunstyrelsen@testkoping.example',
  KALENDARIUM_SITE_DATA_PROTECTION_OFFICER: 'dso@testkoping.example',
  KALENDARIUM_RSVPS_ANONYMISE_AFTER_DAYS: '90',
};

let service;
let browser;
before(async () => {
  service = await startService({ env: CITY });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await service?.stop();
});

async function open(path, options) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const response = await page.goto(`${service.url}${path}`);
  assert.equal(response.status(), 200, path);
  return { page, context, html: await response.text() };
}

const headings = (page) => page.$$eval('main h1, main h2, main h3', (hs) => hs.map((h) => `${h.tagName}:${h.textContent.trim()}`));

for (const path of ['/tillganglighet', '/en/tillganglighet', '/integritet', '/en/integritet']) {
  test(`${path}_is_valid_accessible_reflows_at_320px_and_keeps_text_whole_at_200_percent`, T, async () => {
    const { page, context, html } = await open(path);
    assert.equal(await page.getAttribute('html', 'lang'), path.startsWith('/en') ? 'en' : 'sv');
    await checkPage(page, { html });
    await checkTextZoom(page);
    await context.close();
  });
}

describe('the accessibility statement', () => {
  test('follows_diggs_template_with_the_organisation_status_contact_digg_method_and_date', T, async () => {
    const { page, context } = await open('/tillganglighet');
    const text = await page.textContent('main');
    // (a soft hyphen lets the long word break on a phone)
    assert.equal((await page.textContent('h1')).replace(/\u00ad/g, ''), 'Tillgänglighetsredogörelse för Mötesplatsen i Testköping');
    assert.match(text, /Testköpings kommun står bakom webbplatsen Mötesplatsen i Testköping/);
    // Digg's parts, in Digg's order.
    const h2 = (await headings(page)).filter((h) => h.startsWith('H2:')).map((h) => h.slice(3));
    assert.deepEqual(h2, ['Hur tillgänglig är webbplatsen?', 'Vad kan du göra om du inte kan använda delar av webbplatsen?',
      'Rapportera brister i webbplatsens tillgänglighet', 'Tillsyn', 'Teknisk information om webbplatsens tillgänglighet',
      'Hur vi testat webbplatsen']);
    assert.equal(await page.textContent('main strong'), 'delvis förenlig');
    assert.equal(await page.locator('a[href="mailto:webb@testkoping.example"]').count(), 2);
    const digg = page.locator('a[href="https://www.digg.se/tdosanmalan"]');
    assert.equal(await digg.textContent(), 'Anmäl bristande tillgänglighet');
    assert.equal(await page.locator('time[datetime="2026-11-20"]').first().textContent(), 'fredag 20 november 2026');
    for (const words of [/PDF/, /axe-core/, /html-validate/, /320 pixlar/, /200 procent/, /För hand/, /skärmläsare/]) assert.match(text, words);
    // The in-page link to the list of problems leads somewhere.
    assert.equal(await page.locator('#brister').count(), 1);
    await context.close();
  });

  test('says_the_same_in_english_with_the_same_structure', T, async () => {
    const sv = await open('/tillganglighet');
    const en = await open('/en/tillganglighet');
    const [hs, he] = [await headings(sv.page), await headings(en.page)];
    assert.deepEqual(he.map((h) => h.slice(0, 3)), hs.map((h) => h.slice(0, 3)), 'the same headings at the same levels');
    assert.equal(await en.page.locator('main li').count(), await sv.page.locator('main li').count());
    assert.equal(await en.page.textContent('main strong'), 'partially compliant');
    assert.match(await en.page.textContent('main'), /Testköpings kommun runs the website Meeting place of Testköping/);
    const digg = en.page.locator('a[href="https://www.digg.se/tdosanmalan"]');
    assert.equal(await digg.getAttribute('lang'), 'sv');
    assert.equal(await en.page.locator('time[datetime="2026-11-20"]').first().textContent(), 'Friday 20 November 2026');
    await sv.context.close();
    await en.context.close();
  });
});

describe('the privacy notice', () => {
  test('names_the_controller_the_officer_what_is_stored_for_how_long_and_the_rights', T, async () => {
    for (const [path, words] of [
      ['/integritet', [/Kommunstyrelsen i Testköping är personuppgiftsansvarig/, /90 dagar efter mötet/,
        /artikel 6\.1 a/, /Integritetsskyddsmyndigheten \(IMY\)/, /den enda kakan/i, /radera din anmälan/, /hash/]],
      ['/en/integritet', [/Kommunstyrelsen i Testköping is the controller/, /90 days after the meeting/,
        /Article 6\(1\)\(a\)/, /Integritetsskyddsmyndigheten, IMY/, /The only cookie/, /erasing your sign-up/, /hash/]],
    ]) {
      const { page, context } = await open(path);
      const text = await page.textContent('main');
      for (const w of words) assert.match(text, w, path);
      for (const address of ['kommunstyrelsen@testkoping.example', 'dso@testkoping.example'])
        assert.equal(await page.locator(`a[href="mailto:${address}"]`).count(), 1, `${path}: ${address}`);
      await context.close();
    }
  });

  test('says_names_go_when_the_meeting_ends_when_they_are_kept_no_longer', T, async () => {
    const other = await startService({ demo: false, env: { KALENDARIUM_RSVPS_ANONYMISE_AFTER_DAYS: '0' } });
    try {
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto(`${other.url}/integritet`);
      assert.match(await page.textContent('main'), /När mötet är slut tar vi bort namn/);
      assert.doesNotMatch(await page.textContent('main'), /0 dagar/);
      await context.close();
    } finally {
      await other.stop();
    }
  });
});

describe('the footer', () => {
  test('leads_to_both_statements_from_a_page_in_either_language_with_the_keyboard', T, async () => {
    for (const [start, links] of [
      ['/', [['Tillgänglighetsredogörelse', '/tillganglighet'], ['Integritetsmeddelande', '/integritet']]],
      ['/en/', [['Accessibility statement', '/en/tillganglighet'], ['Privacy notice', '/en/integritet']]],
    ]) {
      for (const [name, path] of links) {
        const { page, context } = await open(start);
        await tabTo(page, { tag: 'a', name }, { backwards: true, max: 10 });
        await pressEnter(page);
        assert.equal(new URL(page.url()).pathname, path);
        await context.close();
      }
    }
  });
});
