// A crawl of the whole site from the start page, as a person clicking every link would go: in
// Swedish and (through the language link of every page) in English. No link may be broken, and
// every kind of page passes html-validate and axe at 1280 and 320 px without sideways scrolling.
// Four pages of each kind are opened and followed in the browser; every further link is still
// asked for over HTTP, so none is broken. Nothing here lists pages: what the crawl checks is what the pages link to, so pages that
// other parts of the site add are checked as soon as something links to them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { crawl, launchBrowser, newContext, startService } from './lib/index.mjs';

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

test('every_internal_link_from_the_start_page_opens_a_valid_accessible_page_in_both_languages', { timeout: 840000 }, async () => {
  const context = await newContext(browser);
  const { visited, types, downloads } = await crawl(context, `${service.url}/`, { maxPages: 5000, expandPerType: 4 });
  await context.close();
  const paths = [...visited.keys()].map((u) => new URL(u).pathname);
  console.log(`crawled ${visited.size} pages of ${types.size} kinds, ${downloads.size} downloads:\n  ${[...types.keys()].sort().join('\n  ')}`);
  // Both languages were reached by links alone, and so were the footer's statements.
  assert.ok(paths.some((p) => p.startsWith('/en/')), 'the English pages are linked');
  for (const p of ['/tillganglighet', '/integritet', '/en/tillganglighet', '/en/integritet']) assert.ok(paths.includes(p), `${p} is linked`);
  assert.ok(types.has('/uppfoljning/{n}') && types.has('/en/uppfoljning/{n}'), 'the report is linked from the menu');
});
