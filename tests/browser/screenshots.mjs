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
  let meeting;
  for (const m of meetings.body.items) {
    const r = await service.api('POST', `/api/v1/meetings/${m.id}/rsvps`,
      { name: 'Anna Andersson', email: 'anna.andersson@example.se', consent: true, needs: 'Hörslinga' }, null);
    if (r.status === 201) {
      manage = `${service.url}${new URL(r.body.manage_url).pathname}`;
      meeting = `${service.url}/moten/${m.id}`;
      break;
    }
  }
  if (!manage) throw new Error('no demo meeting took a sign-up');

  const PAGES = [
    ['mote', meeting],
    ['mote-en', meeting.replace('/moten/', '/en/moten/')],
    ['anmalan', manage],
    ['kalender', `${service.url}/`],
    ['manad', `${service.url}/manad`],
    ['inbaddning', `${service.url}/inbaddning`],
    ['badda-in', `${service.url}/badda-in`],
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
