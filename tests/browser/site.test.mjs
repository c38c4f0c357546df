// The frame of the site in Chromium against the real binary (issue 11, items 10 and 11): errors
// as pages in the language of the address (404, 405, 500, 503) while /api/ and /feeds/ keep
// problem+json, the city's logo and accent colour from the configuration, and the agenda on
// paper.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkPage, launchBrowser, newContext, sourceDir, startService } from './lib/index.mjs';

const T = { timeout: 180000 };
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let service;
let browser;
before(async () => {
  service = await startService();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await service?.stop();
});

// Shows an answer that a browser cannot ask for by navigating (a POST, one of many at once) in
// the browser at its own address, byte for byte and with its headers, so that axe and the
// checks see it as a person would.
async function show(page, url, answer) {
  await page.route(url, (route) => route.fulfill({ status: answer.status, headers: answer.headers, body: answer.body }));
  await page.goto(url);
  await page.unroute(url);
}

async function answerOf(response) {
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

// The error page's promises: status, language, the words for the status, a way back, not cached.
async function checkErrorPage(page, answer, { status, language, heading }) {
  assert.equal(answer.status, status);
  assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(answer.headers['cache-control'], 'no-store');
  assert.equal(await page.getAttribute('html', 'lang'), language);
  assert.equal(await page.textContent('h1'), heading);
  assert.equal(await page.getAttribute('main a', 'href'), language === 'en' ? '/en/' : '/');
  await checkPage(page, { html: answer.body, label: `${status} ${language}` });
}

function sqlite(databaseUrl, statement) {
  const file = databaseUrl.replace(/^sqlite:/, '');
  execFileSync('/usr/bin/python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()', file, statement]);
}

describe('errors', () => {
  test('a_missing_page_is_a_404_page_in_the_language_of_its_address', T, async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const [url, language, heading] of [['/moten-som-inte-finns', 'sv', 'Sidan hittades inte'],
      ['/en/no-such-page', 'en', 'Page not found']]) {
      const response = await page.goto(`${service.url}${url}`);
      await checkErrorPage(page, { status: response.status(), headers: response.headers(), body: await response.text() },
        { status: 404, language, heading });
    }
    await context.close();
  });

  test('a_method_a_page_does_not_take_is_a_405_page_with_allow', T, async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const [url, language, heading] of [['/tillganglighet', 'sv', 'Det går inte att göra så här'],
      ['/en/tillganglighet', 'en', null]]) {
      const answer = await answerOf(await fetch(`${service.url}${url}`, { method: 'POST', headers: { Accept: HTML } }));
      assert.match(answer.headers.allow, /GET/);
      await show(page, `${service.url}${url}`, answer);
      await checkErrorPage(page, answer, { status: 405, language, heading: heading ?? await englishTitle(405) });
    }
    await context.close();
  });

  test('an_unexpected_failure_is_a_500_page_that_says_it_is_ours', T, async () => {
    // A table gone from under the running service: every report read fails in a way no use
    // case expects.
    sqlite(service.databaseUrl, 'ALTER TABLE meetings RENAME TO meetings_away');
    const context = await newContext(browser);
    const page = await context.newPage();
    try {
      for (const [url, language] of [['/uppfoljning/2003', 'sv'], ['/en/uppfoljning/2004', 'en']]) {
        const response = await page.goto(`${service.url}${url}`);
        await checkErrorPage(page, { status: response.status(), headers: response.headers(), body: await response.text() },
          { status: 500, language, heading: language === 'sv' ? 'Något gick fel hos oss' : await englishTitle(500) });
        assert.doesNotMatch(await page.textContent('main'), /meetings_away|sqlite|SQL/i, 'no internals on the page');
      }
    } finally {
      sqlite(service.databaseUrl, 'ALTER TABLE meetings_away RENAME TO meetings');
      await context.close();
    }
    assert.equal((await fetch(`${service.url}/uppfoljning/2003`)).status, 200);
  });

  test('a_busy_database_is_a_503_page_with_retry_after', T, async () => {
    // One database connection, and a request may wait for it a millisecond: most of many
    // uncached pages at once are refused with 503.
    const busy = await startService({ env: { KALENDARIUM_DATABASE_POOL_SIZE: '1', KALENDARIUM_DATABASE_LEASE_TIMEOUT: '1ms' } });
    const context = await newContext(browser);
    const page = await context.newPage();
    try {
      const urls = [];
      for (let y = 2001; y <= 2040; ++y) urls.push(`${busy.url}/uppfoljning/${y}`, `${busy.url}/en/uppfoljning/${y}`);
      const answers = await Promise.all(urls.map(async (url) => ({ url, ...(await answerOf(await fetch(url, { headers: { Accept: HTML } }))) })));
      for (const language of ['sv', 'en']) {
        const refused = answers.find((a) => a.status === 503 && (language === 'en') === a.url.includes('/en/'));
        assert.ok(refused, `a 503 among ${answers.length} requests at once (${language}); got ${[...new Set(answers.map((a) => a.status))]}`);
        assert.ok(Number(refused.headers['retry-after']) > 0);
        await show(page, refused.url, refused);
        await checkErrorPage(page, refused, { status: 503, language,
          heading: language === 'sv' ? 'Tjänsten är tillfälligt otillgänglig' : await englishTitle(503) });
      }
      // The API refuses the same way in problem+json.
      const api = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        fetch(`${busy.url}/api/v1/reports/year/${2001 + i}`, { headers: { Accept: HTML } })));
      const refusedApi = api.find((r) => r.status === 503);
      assert.ok(refusedApi, 'a 503 from the API too');
      assert.equal(refusedApi.headers.get('content-type'), 'application/problem+json');
    } finally {
      await context.close();
      await busy.stop();
    }
  });

  test('the_api_and_the_feeds_answer_problem_json_even_to_a_browser', T, async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const url of ['/api/v1/meetings/999999', '/api/v1/no-such-resource', '/feeds/networks/finns-inte.ics', '/feeds/types/nothing.ics']) {
      const response = await page.goto(`${service.url}${url}`);
      assert.equal(response.status(), 404, url);
      assert.equal(response.headers()['content-type'], 'application/problem+json', url);
      assert.equal(JSON.parse(await response.text()).status, 404);
    }
    await context.close();
  });
});

// An error's title in English, as the texts have it (the English texts are the source).
async function englishTitle(status) {
  const toml = readFileSync(path.join(sourceDir, 'service/texts/en.toml'), 'utf8');
  const m = new RegExp(`^title_${status} = "(.*)"$`, 'm').exec(toml);
  assert.ok(m, `en.toml has errors.title_${status}`);
  return m[1];
}

describe('the look from the configuration', () => {
  test('a_configured_logo_and_accent_colour_appear_under_names_that_change_with_them', T, async () => {
    const logoFile = path.join(sourceDir, 'tests/browser/fixtures/logo.svg');
    const accent = '#6b2c91';
    const city = await startService({ demo: false, env: { KALENDARIUM_SITE_LOGO_FILE: logoFile, KALENDARIUM_SITE_ACCENT_COLOUR: accent } });
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const response = await page.goto(`${city.url}/`);
      const html = await response.text();
      // The logo: in the header, beside the name (so its text alternative is empty), under a
      // content-hash name that may be cached for a year.
      const src = await page.getAttribute('.site-header img', 'src');
      assert.match(src, /^\/static\/logo\.[0-9a-f]{16}\.svg$/);
      assert.equal(await page.getAttribute('.site-header img', 'alt'), '');
      const logo = await fetch(`${city.url}${src}`);
      assert.equal(logo.status, 200);
      assert.equal(logo.headers.get('content-type'), 'image/svg+xml');
      assert.match(logo.headers.get('cache-control'), /max-age=31536000/);
      assert.match(logo.headers.get('cache-control'), /immutable/);
      assert.equal(await logo.text(), readFileSync(logoFile, 'utf8'));
      assert.ok(await page.evaluate(() => document.querySelector('.site-header img').naturalWidth > 0), 'the logo loads');
      // The accent: the stylesheet's name differs from the default one's, and the header is in it.
      const css = await page.getAttribute('link[rel="stylesheet"]', 'href');
      const defaultPage = await (await fetch(`${service.url}/`)).text();
      const defaultCss = /href="(\/static\/kalendarium\.[0-9a-f]{16}\.css)"/.exec(defaultPage)[1];
      assert.match(css, /^\/static\/kalendarium\.[0-9a-f]{16}\.css$/);
      assert.notEqual(css, defaultCss);
      const sheet = await fetch(`${city.url}${css}`);
      assert.match(sheet.headers.get('cache-control'), /max-age=31536000/);
      assert.match(await sheet.text(), new RegExp(`--kal-accent: ${accent};`));
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).backgroundColor), 'rgb(107, 44, 145)');
      // The old name is not served by the new service: a cached old sheet cannot mix with a new page.
      assert.equal((await fetch(`${city.url}${defaultCss}`)).status, 404);
      await checkPage(page, { html, label: 'a page in the configured look' });
    } finally {
      await context.close();
      await city.stop();
    }
  });
});

describe('print', () => {
  test('the_agenda_prints_without_menu_forms_or_footer', T, async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${service.url}/`);
    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => {
      const display = (selector) => [...document.querySelectorAll(selector)].map((el) => getComputedStyle(el).display);
      return {
        hidden: Object.fromEntries(['.skip-link', '.site-nav', '.site-header__lang', '.site-footer', 'form', '.details', '.view-switch']
          .map((s) => [s, display(s)])),
        agenda: display('.agenda'),
        events: document.querySelectorAll('.agenda .event').length,
        visibleEvents: [...document.querySelectorAll('.agenda .event')].filter((e) => e.getBoundingClientRect().height > 0).length,
        header: getComputedStyle(document.querySelector('.site-header')).color,
      };
    });
    for (const [selector, displays] of Object.entries(shown.hidden)) {
      assert.ok(displays.length > 0, `${selector} is on the page`);
      assert.ok(displays.every((d) => d === 'none'), `${selector} is not printed`);
    }
    assert.ok(shown.agenda.every((d) => d !== 'none'));
    assert.ok(shown.events > 0);
    assert.equal(shown.visibleEvents, shown.events, 'every meeting is printed');
    assert.equal(shown.header, 'rgb(0, 0, 0)', 'black on white on paper');
    // On screen the same page has its menu and filters.
    await page.emulateMedia({ media: 'screen' });
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.querySelector('.site-nav')).display), 'none');
    await context.close();
  });
});
