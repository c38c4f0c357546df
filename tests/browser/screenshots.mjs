// `make screenshots`: the real binary with demo data and the pattern library, photographed in
// Debian's Chromium at 1280×800 and 390×844 into docs/screenshots/<name>-desktop.png and
// -phone.png.
//
// The pages are found the way a person finds them: the start page, then the links it and the
// menu offer (the month view, the first meeting, Lokaler, Prenumerera, Uppföljning, the footer's
// statements), the sign-up form of that meeting sent empty, and the manage link the API gives a
// new sign-up. A page that a link leads to but that answers 404 (not built yet) is skipped with
// a note, so that the pictures follow the site as it grows. Then the organisers' pages, signed in
// as the demo's admin: Översikt, a new meeting, a meeting's sign-ups and door, Lokaler, Användare.
//
// Usage: KAL_BINARY=build/bin/kalendarium node tests/browser/screenshots.mjs

import {
  launchBrowser, newContext, screenshot, signedInThrough, startService, startStaticServer, SCREENSHOT_DIR,
} from './lib/index.mjs';

const service = await startService();
const fixtures = await startStaticServer();
const browser = await launchBrowser();

// Pictures of a page as it opens: from the top, whatever has the focus.
const fromTheTop = (page) => page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });

// The href of the first link matching `selector` on the page at `path`, or null.
async function linkOn(path, selector) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(`${service.url}${path}`);
    const link = page.locator(selector).first();
    return (await link.count()) ? new URL(await link.getAttribute('href'), page.url()).href : null;
  } finally {
    await context.close();
  }
}

// A form that takes an e-mail address and is sent with POST: a sign-up.
const SIGN_UP_FORM = 'form[method="post" i]:has(input[type="email"])';
async function signUpForm(url) {
  if (!(await exists(url))) return false;
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(url);
    return (await page.locator(SIGN_UP_FORM).count()) > 0;
  } finally {
    await context.close();
  }
}

// A page: it answers, and in HTML (a link that still leads to JSON is no page to photograph).
async function exists(url) {
  if (!url) return false;
  const r = await fetch(url, { headers: { Accept: 'text/html' } });
  return r.status < 400 && (r.headers.get('content-type') ?? '').startsWith('text/html');
}

try {
  // A sign-up of the demo data's next meeting that takes sign-ups, for its manage page.
  const today = new Date().toISOString().slice(0, 10);
  const meetings = await service.api('GET', `/api/v1/meetings?from=${today}&limit=50`, undefined, null);
  let manage;
  for (const m of meetings.body.items) {
    const r = await service.api('POST', `/api/v1/meetings/${m.id}/rsvps`,
      { name: 'Anna Andersson', email: 'anna.andersson@example.se', consent: true, needs: 'Hörslinga' }, null);
    if (r.status === 201) { manage = new URL(new URL(r.body.manage_url).pathname, service.url).href; break; }
  }
  if (!manage) throw new Error('no demo meeting took a sign-up');

  const meeting = await linkOn('/', '.agenda .event:not(.event--cancelled) .event__title a');
  const PAGES = [
    ['kalender', `${service.url}/`],
    ['kalender-en', `${service.url}/en/`],
    ['manad', await linkOn('/', '.view-switch a:not([aria-current])')],
    ['mote', meeting],
    // The meeting's sign-up form sent empty: the error summary and the messages at the fields.
    ['anmalan-fel', (await signUpForm(meeting)) ? meeting : null, async (page) => {
      const form = page.locator(SIGN_UP_FORM).first();
      await form.evaluate((f) => { f.noValidate = true; });  // the server's messages, not the browser's
      await Promise.all([page.waitForEvent('framenavigated'), form.locator('[type="submit"]').first().click()]);
      await page.waitForLoadState('load');
    }],
    ['anmalan', manage],
    ['lokaler', await linkOn('/', '.site-nav a[href="/lokaler"]')],
    ['prenumerera', await linkOn('/', '.site-nav a[href="/prenumerera"]')],
    ['uppfoljning', await linkOn('/', '.site-nav a[href="/uppfoljning"]')],
    ['tillganglighet', await linkOn('/', '.site-footer a[href="/tillganglighet"]')],
    ['integritet', await linkOn('/', '.site-footer a[href="/integritet"]')],
    // The embed and its instructions (a page for another site's frame: not linked from the menu).
    ['inbaddning', `${service.url}/inbaddning`],
    ['badda-in', `${service.url}/badda-in`],
    // the directory's pages and subscribing: demo networks, organisers and venues with meetings
    ['natverk', `${service.url}/natverk`],
    ['natverk-sida', `${service.url}/natverk/natverket-for-psykisk-ohalsa`],
    ['organisationer', `${service.url}/organisationer`],
    ['organisation', `${service.url}/organisationer/kraftens-hus`],
    ['lokal', `${service.url}/lokaler/kraftens-hus-samlingssalen`],
    ['monster', `${fixtures.url}/patterns.html`],
    ['monster-en', `${fixtures.url}/patterns-en.html`],
  ];
  for (const [name, url, act] of PAGES) {
    if (!(await exists(url))) {
      // (a secret in a link is not printed)
      console.log(`${name}: skipped, ${url?.replace(/kal[a-z]*_[A-Za-z0-9_-]+/, 'kal…') ?? 'no link or form'} is not a page (yet)`);
      continue;
    }
    const files = await screenshot(browser, url, name, { prepare: act ?? fromTheTop });
    console.log(files.map((f) => f.replace(`${SCREENSHOT_DIR}/`, 'docs/screenshots/')).join('  '));
  }

  // The organisers' pages, signed in as the demo's admin through the link the banner prints (one
  // sign-in; its cookies are the storage state of every picture).
  const link = /\/logga-in\/kali_[A-Za-z0-9_-]{43}/.exec(service.banner)?.[0];
  if (!link) throw new Error('the demo banner printed no sign-in link');
  const signedIn = await signedInThrough(browser, service, link);
  const state = await signedIn.context.storageState();
  const overview = signedIn.page;
  await overview.goto(`${service.url}/arrangor`);
  // The first coming meeting the overview links to (its form is /arrangor/moten/{id}).
  const hrefs = await overview.locator('main a[href^="/arrangor/moten/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const meetingPath = hrefs.map((h) => /^\/arrangor\/moten\/\d+$/.exec(h)?.[0]).find(Boolean) ?? null;
  await signedIn.context.close();
  const ORGANISER_PAGES = [
    ['arrangor-oversikt', `${service.url}/arrangor`],
    ['arrangor-nytt-mote', `${service.url}/arrangor/moten/ny`],
    ['arrangor-anmalningar', meetingPath ? `${service.url}${meetingPath}/anmalningar` : null],
    ['arrangor-incheckning', meetingPath ? `${service.url}${meetingPath}/incheckning` : null],
    ['arrangor-lokaler', `${service.url}/arrangor/lokaler`],
    ['arrangor-anvandare', `${service.url}/arrangor/anvandare`],
  ];
  for (const [name, url] of ORGANISER_PAGES) {
    if (!url) {
      console.log(`${name}: skipped, the overview links to no meeting`);
      continue;
    }
    const files = await screenshot(browser, url, name, { prepare: fromTheTop, contextOptions: { storageState: state } });
    console.log(files.map((f) => f.replace(`${SCREENSHOT_DIR}/`, 'docs/screenshots/')).join('  '));
  }
} finally {
  await browser.close();
  await fixtures.close();
  await service.stop();
}
