// `make screenshots`: the real binary with demo data and the pattern library, photographed in
// Debian's Chromium at 1280×800 and 390×844 into docs/screenshots/<name>-desktop.png and
// -phone.png. Add a page to PAGES when it exists.
//
// Usage: KAL_BINARY=build/bin/kalendarium node tests/browser/screenshots.mjs

import { launchBrowser, screenshot, startService, startStaticServer, SCREENSHOT_DIR } from './lib/index.mjs';

const service = await startService();
const fixtures = await startStaticServer();
const browser = await launchBrowser();
try {
  // A sign-up of the demo data's next meeting that takes sign-ups, for its manage page.
  const today = new Date().toISOString().slice(0, 10);
  const meetings = await service.api('GET', `/api/v1/meetings?from=${today}&limit=50`, undefined, null);
  let manage;
  for (const m of meetings.body.items) {
    const r = await service.api('POST', `/api/v1/meetings/${m.id}/rsvps`,
      { name: 'Anna Andersson', email: 'anna.andersson@example.se', consent: true }, null);
    if (r.status === 201) { manage = `${service.url}/rsvp/${r.body.manage_url.split('/').pop()}`; break; }
  }
  if (!manage) throw new Error('no demo meeting took a sign-up');

  const PAGES = [
    ['anmalan', manage],
    ['kalender', `${service.url}/`],
    ['manad', `${service.url}/manad`],
    ['inbaddning', `${service.url}/inbaddning`],
    ['badda-in', `${service.url}/badda-in`],
    // the directory's pages and subscribing: demo networks, organisers and venues with meetings
    ['natverk', `${service.url}/natverk`],
    ['natverk-sida', `${service.url}/natverk/natverket-for-psykisk-ohalsa`],
    ['organisationer', `${service.url}/organisationer`],
    ['organisation', `${service.url}/organisationer/kraftens-hus`],
    ['lokaler', `${service.url}/lokaler`],
    ['lokal', `${service.url}/lokaler/kraftens-hus-samlingssalen`],
    ['prenumerera', `${service.url}/prenumerera?typ=fro&natverk=natverket-for-integration#eget-urval`],
    ['monster', `${fixtures.url}/patterns.html`],
    ['monster-en', `${fixtures.url}/patterns-en.html`],
  ];
  for (const [name, url] of PAGES) {
    const files = await screenshot(browser, url, name, {
      // Pictures of a page as it opens: from the top, whatever has the focus.
      prepare: (page) => page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); }),
    });
    console.log(files.map((f) => f.replace(`${SCREENSHOT_DIR}/`, 'docs/screenshots/')).join('  '));
  }
} finally {
  await browser.close();
  await fixtures.close();
  await service.stop();
}
