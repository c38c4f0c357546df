// The harness's own checks fail where they must: each is shown a page that breaks its rule (and
// one that keeps it), so a green page test means the check ran and found nothing, not that it
// could not find anything.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  checkAxe, checkNoSideways, checkTextZoom, crawl, launchBrowser, newContext, pageType, startStaticServer,
  tabTo, validateHtml,
} from './lib/index.mjs';

const T = { timeout: 60000 };

const doc = (body, { head = '', lang = 'sv' } = {}) => `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Prov</title>
${head}
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function pageWith(html, options) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  await page.setContent(html);
  return { page, context };
}

describe('checkAxe', () => {
  test('fails_naming_the_rule_and_element_for_an_image_without_text_and_low_contrast', T, async () => {
    const { page, context } = await pageWith(doc(
      '<h1>Möten</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="logga"><p style="color:#aaa">Inställt</p>'));
    await assert.rejects(checkAxe(page), (e) => {
      assert.match(e.message, /image-alt \(critical\)/);
      assert.match(e.message, /#logga/);
      assert.match(e.message, /color-contrast/);
      return true;
    });
    await context.close();
  });

  test('passes_a_page_that_keeps_the_rules_with_javascript_on_and_off', T, async () => {
    for (const javaScript of [true, false]) {
      const { page, context } = await pageWith(doc('<h1>Möten</h1><p>Inga möten i dag.</p>'), { javaScript });
      await checkAxe(page);
      await context.close();
    }
  });

  test('finds_violations_in_a_page_without_javascript_too', T, async () => {
    const { page, context } = await pageWith(doc('<h1>Möten</h1><button></button>'), { javaScript: false });
    await assert.rejects(checkAxe(page), /button-name/);
    await context.close();
  });
});

describe('validateHtml', () => {
  test('fails_with_line_rule_and_source_for_a_duplicate_id_and_an_unclosed_element', T, async () => {
    const bad = doc('<h1 id="x">Möten</h1>\n<p id="x">Två <b>gånger</p>');
    await assert.rejects(validateHtml(bad, { label: 'prov' }), (e) => {
      assert.match(e.message, /no-dup-id/);
      assert.match(e.message, /prov/);
      assert.match(e.message, /\d+:\d+ /);
      return true;
    });
  });

  test('fails_on_a_lowercase_doctype_as_the_recommended_rules_say', T, async () => {
    await assert.rejects(validateHtml(doc('<h1>Möten</h1>').replace('<!DOCTYPE html>', '<!doctype html>')), /doctype-style/);
  });

  test('passes_a_valid_document', T, async () => {
    await validateHtml(doc('<h1>Möten</h1><p>Inga möten i dag.</p>'));
  });
});

describe('checkNoSideways', () => {
  test('fails_for_a_box_wider_than_320px_naming_it', T, async () => {
    const { page, context } = await pageWith(doc('<h1>Möten</h1><div id="bred" style="width:400px">Bred</div>'));
    await assert.rejects(checkNoSideways(page), (e) => {
      assert.match(e.message, /scrolls sideways at 320 px/);
      assert.match(e.message, /div#bred/);
      return true;
    });
    await context.close();
  });

  test('fails_for_a_long_word_that_does_not_wrap', T, async () => {
    const { page, context } = await pageWith(doc(`<h1>Möten</h1><p>https://kalendarium.example.se/${'prenumerera'.repeat(8)}</p>`));
    await assert.rejects(checkNoSideways(page), /scrolls sideways/);
    await context.close();
  });

  test('passes_a_wide_table_inside_its_own_scrolling_region', T, async () => {
    const { page, context } = await pageWith(doc(
      '<h1>Möten</h1><div style="overflow-x:auto" role="region" aria-label="Tabell" tabindex="0"><table style="width:600px"><tr><td>1</td></tr></table></div>'));
    await checkNoSideways(page);
    await context.close();
  });
});

describe('checkTextZoom', () => {
  test('fails_for_text_clipped_by_a_fixed_height_box', T, async () => {
    const { page, context } = await pageWith(doc(
      '<h1>Möten</h1><p id="kort" style="height:20px;overflow:hidden;font-size:1rem">FRÖ-möte: Kraftens Hus, torsdag 3 december</p>'));
    await assert.rejects(checkTextZoom(page), (e) => {
      assert.match(e.message, /clips text at 200 %/);
      assert.match(e.message, /p#kort/);
      return true;
    });
    await context.close();
  });

  test('fails_for_a_link_cut_off_by_the_fixed_height_heading_around_it', T, async () => {
    const { page, context } = await pageWith(doc(
      '<h1>Möten</h1><h2 id="rubrik" style="height:1.6rem;overflow:hidden;width:10rem"><a href="#a">Utbildning: Den europeiska koden för idéburna organisationer</a></h2>'));
    await assert.rejects(checkTextZoom(page), /h2#rubrik/);
    await context.close();
  });

  test('fails_when_the_root_font_size_is_fixed_in_px', T, async () => {
    const { page, context } = await pageWith(doc('<h1>Möten</h1>', { head: '<style>html{font-size:16px}</style>' }));
    await assert.rejects(checkTextZoom(page), /did not enlarge the root font/);
    await context.close();
  });

  test('passes_text_that_may_grow', T, async () => {
    const { page, context } = await pageWith(doc('<h1>Möten</h1><p>FRÖ-möte: Kraftens Hus</p>'));
    await checkTextZoom(page);
    await context.close();
  });
});

describe('crawl', () => {
  let dir;
  let site;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kal-crawl-'));
    writeFileSync(path.join(dir, 'index.html'), doc(
      '<h1>Start</h1><a href="/moten/1.html">Möte 1</a> <a href="/moten/2.html">Möte 2</a> <a href="/api/v1/meetings">API</a>'));
    writeFileSync(path.join(dir, 'fel.html'), doc('<h1>Fel</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'));
    const moten = path.join(dir, 'moten');
    mkdirSync(moten);
    writeFileSync(path.join(moten, '1.html'), doc('<h1>Möte 1</h1><a href="/saknas.html">Dokument</a> <a href="/feeds/saknas.ics">Prenumerera</a> <a href="/fel.html">Fel</a>'));
    writeFileSync(path.join(moten, '2.html'), doc('<h1>Möte 2</h1><a href="/">Start</a>'));
    site = await startStaticServer({ '/': dir });
  });
  after(async () => {
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('page_types_generalise_numbers_and_secrets', T, () => {
    assert.equal(pageType(new URL('http://x/moten/12?q=a&typ=fro&q=b')), '/moten/{n}?q&typ');
    assert.equal(pageType(new URL(`http://x/rsvp/kalr_${'A'.repeat(43)}`)), '/rsvp/{secret}');
  });

  test('reports_broken_links_with_the_referring_page_and_failed_checks', T, async () => {
    const context = await newContext(browser);
    await assert.rejects(crawl(context, `${site.url}/`, { typeOf: (u) => u.pathname }), (e) => {
      assert.match(e.message, /saknas\.html \(linked from http:\/\/127\.0\.0\.1:\d+\/moten\/1\.html\): status 404/);
      assert.match(e.message, /feeds\/saknas\.ics \(linked from .*moten\/1\.html\): status 404/);
      assert.match(e.message, /image-alt/);
      assert.doesNotMatch(e.message, /api\/v1/);
      return true;
    });
    await context.close();
  });

  test('visits_every_page_once_breadth_first_and_marks_the_first_of_each_type', T, async () => {
    const context = await newContext(browser);
    const seen = [];
    await assert.rejects(crawl(context, `${site.url}/moten/2.html`, {
      typeOf: (u) => u.pathname.replace(/\d+/g, '{n}'),
      check: false,
      onPage: (page, { url, firstOfType }) => { seen.push([new URL(url).pathname, firstOfType]); },
    }), /2 broken link\(s\)/);  // saknas.html, and the feed: asked for with HEAD, and missing
    assert.deepEqual(seen, [['/moten/2.html', true], ['/', true], ['/moten/1.html', false], ['/fel.html', true]]);
    await context.close();
  });
});

describe('tabTo', () => {
  test('reaches_an_element_by_name_and_fails_listing_the_focus_stops_when_it_is_missing', T, async () => {
    const { page, context } = await pageWith(doc('<h1>Möten</h1><a href="#a">Kalender</a><button type="button">Avboka</button>'));
    const found = await tabTo(page, { tag: 'button', name: 'Avboka' });
    assert.equal(found.name, 'Avboka');
    await assert.rejects(tabTo(page, 'Finns inte', { max: 4 }), (e) => {
      assert.match(e.message, /Tab did not reach "Finns inte" in 4 presses/);
      assert.match(e.message, /a "Kalender"/);
      return true;
    });
    await context.close();
  });
});
