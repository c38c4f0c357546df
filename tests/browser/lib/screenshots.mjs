// Screenshots for `make screenshots` (docs/screenshots/<name>-desktop.png and -phone.png), and
// for looking at a page while working on it.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { newContext } from './browser.mjs';
import { sourceDir } from './service.mjs';

export const SCREENSHOT_DIR = process.env.KAL_SCREENSHOT_DIR ?? path.join(sourceDir, 'docs/screenshots');

/**
 * Opens `url` at 1280×800 and at 390×844 and writes the whole page of each as
 * <dir>/<name>-desktop.png and <name>-phone.png. `prepare(page)` runs before each picture (to
 * fill a form, say); `contextOptions` go to newContext (a signed-in storageState, say). Returns
 * the two paths.
 */
export async function screenshot(browser, url, name, { dir = SCREENSHOT_DIR, prepare, fullPage = true, contextOptions = {} } = {}) {
  mkdirSync(dir, { recursive: true });
  const written = [];
  for (const [viewport, suffix] of [['desktop', 'desktop'], ['phone', 'phone']]) {
    const context = await newContext(browser, { viewport, ...contextOptions });
    try {
      const page = await context.newPage();
      const response = await page.goto(url, { waitUntil: 'load' });
      if (!response || response.status() >= 400) throw new Error(`${url} answered ${response?.status()}`);
      if (prepare) await prepare(page);
      const file = path.join(dir, `${name}-${suffix}.png`);
      await page.screenshot({ path: file, fullPage, animations: 'disabled' });
      written.push(file);
    } finally {
      await context.close();
    }
  }
  return written;
}
