// Debian's Chromium (/usr/bin/chromium) driven by playwright-core: never a downloaded browser.

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.KAL_CHROMIUM ?? '/usr/bin/chromium';

// Flags that work as root in a container without a GPU or network; playwright adds --headless
// and a new, empty, temporary --user-data-dir of its own for every launch.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The viewports the pages are checked at: a desktop, a phone, and the 320 px of WCAG 1.4.10. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
  narrow: { width: 320, height: 640 },
};

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Contexts made without JavaScript: axe-core cannot run in them (Chromium then runs no timers,
// and axe schedules its work on timers), so checkAxe() checks a twin of such a page.
const withoutScript = new WeakSet();

/** Whether `context` was made by newContext() with javaScript: false. */
export function scriptDisabled(context) {
  return withoutScript.has(context);
}

/**
 * A fresh context (own cookies and storage): viewport 'desktop' | 'phone' | 'narrow' or
 * { width, height }; javaScript false for the no-script path every page must work on.
 */
export async function newContext(browser, { viewport = 'desktop', javaScript = true, locale = 'sv-SE', ...rest } = {}) {
  const size = typeof viewport === 'string' ? VIEWPORTS[viewport] : viewport;
  if (!size) throw new Error(`unknown viewport ${viewport}`);
  const context = await browser.newContext({ viewport: size, javaScriptEnabled: javaScript, locale, timezoneId: 'Europe/Stockholm', ...rest });
  if (!javaScript) withoutScript.add(context);
  return context;
}
