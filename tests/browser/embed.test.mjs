// The embed (/inbaddning) and the page that explains it (/badda-in), in real Chromium against the
// real binary with the demo data. The embed renders inside an <iframe> of another origin (a host
// page on 127.0.0.2, a second loopback address) while the other pages refuse to be framed there;
// the snippet the explaining page writes, pasted into that other site, shows the chosen
// network's meetings; both pages pass axe, html-validate and the 320 px reflow in both languages.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { checkPage, checkTextZoom, launchBrowser, newContext, startService } from './lib/index.mjs';

let service;
let browser;
let host;  // another origin: { url, show(html) }
let network;  // a demo network with coming meetings: { id, slug, name }

// A tiny site on 127.0.0.2 (another origin than the service's 127.0.0.1) that serves whatever
// page the test gives it, as an association's website would hold the snippet.
async function startHost() {
  let page = '<!DOCTYPE html><title>Föreningen</title>';
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.2', resolve); });
  return {
    url: `http://127.0.0.2:${server.address().port}/`,
    show(html) { page = html; },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function hostPage(body) {
  return `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Föreningen Ödegärdet</title></head><body><h1>Föreningen Ödegärdet</h1>${body}</body></html>`;
}

before(async () => {
  service = await startService();
  browser = await launchBrowser();
  host = await startHost();
  const today = new Date().toISOString().slice(0, 10);
  const meetings = await service.api('GET', `/api/v1/meetings?from=${today}&limit=100`, undefined, null);
  const networks = await service.api('GET', '/api/v1/networks', undefined, null);
  const withMeetings = new Set(meetings.body.items.flatMap((m) => m.network_ids));
  network = networks.body.items.find((n) => withMeetings.has(n.id));
  assert.ok(network, 'the demo data has a network with coming meetings');
});

after(async () => {
  await browser?.close();
  await host?.close();
  await service?.stop();
});

async function open(path, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const response = await page.goto(service.url + path);
  return { context, page, response, html: await response.text() };
}

// The frame of `page` whose address starts with `prefix`, once it has loaded.
async function frameAt(page, prefix) {
  const element = await page.waitForSelector(`iframe[src^="${prefix}"]`);
  const frame = await element.contentFrame();
  await frame.waitForLoadState('load');
  return frame;
}

describe('the embed', () => {
  for (const [language, path] of [['sv', '/inbaddning'], ['en', '/en/inbaddning'], ['sv', '/inbaddning?typ=fro&antal=3']]) {
    test(`embed_${path}_is_accessible_on_its_own`, { timeout: 60000 }, async () => {
      const { context, page, response, html } = await open(path);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), language);
      assert.ok((await page.title()).length > 10);
      assert.equal(await page.locator('h1').count(), 0, 'the host page has the h1');
      assert.equal(await page.locator('h2').count(), 1);
      assert.equal(await page.locator('main').count(), 1);
      assert.equal(await page.locator('.site-nav, .site-header, .site-footer').count(), 0);
      const targets = await page.$$eval('a', (as) => as.map((a) => a.target));
      assert.ok(targets.length >= 1 && targets.every((t) => t === '_top'), JSON.stringify(targets));
      await checkPage(page, { html, label: path });
      await checkTextZoom(page, { label: path });
      await context.close();
    });
  }

  test('the_embed_lists_a_networks_coming_meetings_with_date_time_and_place', async () => {
    const { context, page } = await open(`/inbaddning?natverk=${network.slug}&antal=2`);
    assert.equal((await page.textContent('h2')).trim(), `Kommande möten – ${network.name}`);
    const items = await page.$$eval('.embed-list__item', (lis) => lis.map((li) => li.querySelector('.embed-list__when').textContent));
    assert.equal(items.length, 2);
    for (const when of items) assert.match(when, /^(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag) \d{1,2} [a-zé]+ \d{4}, kl\. \d\d\.\d\d–\d\d\.\d\d$/);
    await context.close();
  });

  test('the_embed_renders_inside_an_iframe_of_another_origin_and_its_links_open_the_whole_window', async () => {
    const src = `${service.url}/inbaddning?natverk=${network.slug}`;
    host.show(hostPage(`<iframe src="${src}" title="Våra möten" width="100%" height="480"></iframe>`));
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(host.url);
    assert.notEqual(new URL(host.url).origin, new URL(service.url).origin);
    const frame = await frameAt(page, src);
    assert.equal((await frame.textContent('h2')).trim(), `Kommande möten – ${network.name}`);
    const first = frame.locator('.embed-list__title a').first();
    const href = await first.getAttribute('href');
    assert.ok(await frame.locator('.embed-list__item').count() >= 1);
    // The stylesheet came along: the list has no bullets.
    assert.equal(await frame.$eval('.embed-list', (ol) => getComputedStyle(ol).listStyleType), 'none');
    await Promise.all([page.waitForURL(`${service.url}${href}`), first.click()]);
    assert.equal(page.url(), `${service.url}${href}`, 'the meeting opens in the whole window, not in the frame');
    await context.close();
  });

  test('every_other_page_refuses_to_be_framed_by_another_origin', async () => {
    const paths = ['/', '/en/', '/manad/2099-03', '/badda-in', '/inbaddning-finns-inte'];
    host.show(hostPage([`<iframe src="${service.url}/inbaddning" title="Inbäddningen"></iframe>`,
      ...paths.map((p) => `<iframe src="${service.url}${p}" title="${p}"></iframe>`)].join('\n')));
    const context = await newContext(browser);
    const page = await context.newPage();
    const refused = [];
    page.on('console', (m) => { if (/frame-ancestors|Refused to display/i.test(m.text())) refused.push(m.text()); });
    await page.goto(host.url, { waitUntil: 'load' });
    const embed = await frameAt(page, `${service.url}/inbaddning`);
    assert.ok((await embed.textContent('h2')).includes('Kommande möten'), 'the embed itself shows');
    for (const p of paths) {
      const element = await page.$(`iframe[title="${p}"]`);
      const frame = await element.contentFrame();
      // A refused frame holds Chromium's error page ("127.0.0.1 is blocked"), never the page:
      // nothing of our markup, and not our address.
      const ours = frame ? await frame.evaluate(() => document.querySelectorAll('.site-header, .site-main, .embed__main, link[href^="/static/"]').length).catch(() => 0) : 0;
      assert.equal(ours, 0, `${p} was shown in a frame of another origin`);
      assert.notEqual(frame?.url(), `${service.url}${p}`, `${p} loaded in the frame`);
    }
    assert.ok(refused.length >= paths.length, `Chromium said why: ${refused.join(' | ')}`);
    await context.close();
  });
});

describe('the page explaining the embed', () => {
  for (const [language, path] of [['sv', '/badda-in'], ['en', '/en/badda-in'], ['sv', '/badda-in?typ=fro&antal=5']]) {
    test(`help_${path}_passes_axe_html_validate_and_reflow_at_320px`, { timeout: 60000 }, async () => {
      const { context, page, response, html } = await open(path);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), language);
      await checkPage(page, { html, label: path });
      await checkTextZoom(page, { label: path });
      await context.close();
    });
  }

  test('the_snippet_for_a_chosen_network_works_when_pasted_into_another_site', async () => {
    const { context, page } = await open('/badda-in', { javaScript: false });
    await page.selectOption('#embed-natverk', network.slug);
    await Promise.all([page.waitForNavigation(), page.click('form.filters button[type="submit"]')]);
    // The snippet: a labelled, read-only box holding one <iframe> with a title.
    const box = page.getByLabel(/Kod att klistra in/);
    assert.equal(await box.getAttribute('readonly'), '');
    const snippet = await box.inputValue();
    const parsed = await page.evaluate((s) => {
      const doc = new DOMParser().parseFromString(s, 'text/html');
      const f = doc.querySelectorAll('iframe');
      return { count: f.length, src: f[0]?.getAttribute('src'), title: f[0]?.getAttribute('title'), bodyChildren: doc.body.children.length };
    }, snippet);
    assert.equal(parsed.count, 1, snippet);
    assert.equal(parsed.bodyChildren, 1, snippet);
    assert.equal(parsed.title, `Kommande möten – ${network.name}`);
    const src = new URL(parsed.src);
    assert.equal(src.pathname, '/inbaddning');
    assert.equal(src.searchParams.get('natverk'), network.slug);
    // The snippet names the public address of the service (server.public_base_url), which a test
    // on port 0 cannot know beforehand: the same path on the running one.
    const pasted = snippet.replace(src.origin, service.url);
    assert.equal((await page.request.get(`${service.url}${src.pathname}${src.search}`)).status(), 200);
    assert.equal((await page.request.get(service.url + await page.getAttribute('a >> text=Se hur listan ser ut', 'href'))).status(), 200);
    await context.close();

    host.show(hostPage(pasted));
    const other = await newContext(browser);
    const hostTab = await other.newPage();
    await hostTab.goto(host.url);
    const frame = await frameAt(hostTab, `${service.url}/inbaddning`);
    assert.equal((await frame.textContent('h2')).trim(), `Kommande möten – ${network.name}`);
    assert.ok(await frame.locator('.embed-list__item').count() >= 1);
    await other.close();
  });

  test('an_embed_with_a_mistyped_network_says_so_inside_the_frame', async () => {
    const src = `${service.url}/inbaddning?natverk=finns-inte`;
    host.show(hostPage(`<iframe src="${src}" title="Våra möten"></iframe>`));
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(host.url);
    const frame = await frameAt(page, src);
    assert.match(await frame.textContent('h1'), /Felaktig/);
    await context.close();
  });
});
