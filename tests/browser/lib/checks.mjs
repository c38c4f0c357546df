// The checks every page must pass: axe-core (WCAG 2.1 A and AA), html-validate (recommended
// rules), reflow at 320 px without sideways scrolling, and text zoom to 200 % without clipping.
// Each throws an Error whose message lists every finding in words a person can act on.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { HtmlValidate, StaticConfigLoader } from 'html-validate';
import { scriptDisabled } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

function where(page) {
  return page.url();
}

// A page of a context without JavaScript, as a page that axe can run in: a context with
// scripts on, the same viewport, and the same URL answered with the page's current DOM under a
// policy that lets none of the page's own scripts run. So the DOM, origin, styles and layout
// are the ones the person without JavaScript has (only <noscript> would differ).
async function scriptedTwin(page) {
  const browser = page.context().browser();
  const context = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const twin = await context.newPage();
  const html = await page.content();
  const url = page.url();
  if (url === 'about:blank') {
    await twin.setContent(html);  // made with setContent(): no URL to answer
  } else {
    await twin.route((u) => u.href === url, (route) => route.fulfill({
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "script-src 'none'" },
      body: html,
    }));
    await twin.goto(url, { waitUntil: 'load' });
  }
  return { twin, close: () => context.close() };
}

/**
 * Runs axe-core in the page for WCAG 2.0/2.1 A and AA. Fails listing each violation: rule, impact,
 * what it means, and every element (selector, markup, axe's summary). Returns axe's results.
 * A page without JavaScript (newContext({ javaScript: false })) is checked through a twin that
 * has its DOM (see scriptedTwin).
 */
export async function checkAxe(page, { label = where(page), exclude = [] } = {}) {
  const { twin, close } = scriptDisabled(page.context()) ? await scriptedTwin(page) : { twin: page, close: async () => {} };
  let results;
  try {
    let builder = new AxeBuilder({ page: twin }).withTags(AXE_TAGS);
    for (const selector of exclude) builder = builder.exclude(selector);
    results = await builder.analyze();
  } finally {
    await close();
  }
  if (results.violations.length > 0) {
    const lines = [`axe found ${results.violations.length} kind(s) of WCAG violation on ${label}:`];
    for (const v of results.violations) {
      lines.push(`- ${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]`);
      for (const n of v.nodes.slice(0, 10)) {
        lines.push(`    at ${n.target.join(' ')}: ${n.html.slice(0, 160)}`);
        if (n.failureSummary) lines.push(...n.failureSummary.split('\n').map((l) => `      ${l}`));
      }
      if (v.nodes.length > 10) lines.push(`    ... and ${v.nodes.length - 10} more element(s)`);
    }
    throw new Error(lines.join('\n'));
  }
  return results;
}

let validator;
function htmlValidator() {
  if (!validator) {
    const config = JSON.parse(readFileSync(path.join(here, '..', '.htmlvalidate.json'), 'utf8'));
    validator = new HtmlValidate(new StaticConfigLoader(config));
  }
  return validator;
}

/**
 * Validates a document (the bytes the server sent, not Chromium's repaired DOM) with
 * html-validate's recommended rules (tests/browser/.htmlvalidate.json). Fails listing
 * line:column, rule and message for each error and warning.
 */
export async function validateHtml(html, { label = 'document' } = {}) {
  const report = await htmlValidator().validateString(html, `${label}.html`);
  const messages = report.results.flatMap((r) => r.messages);
  if (messages.length > 0) {
    const lines = html.split('\n');
    const out = [`html-validate found ${messages.length} problem(s) in ${label}:`];
    for (const m of messages) {
      out.push(`- ${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
      const source = lines[m.line - 1];
      if (source !== undefined) out.push(`    ${source.trim().slice(0, 160)}`);
    }
    throw new Error(out.join('\n'));
  }
  return report;
}

// Runs in the page: elements that stick out of the viewport sideways, unless a scrolling or
// clipping box that itself fits holds them (WCAG 1.4.10 allows that for data tables), and not
// elements hidden on purpose (display: none, visually-hidden text clipped to 1 px).
function findOverflow() {
  const vw = document.documentElement.clientWidth;
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    if (typeof el.className === 'string' && el.className.trim()) s += `.${el.className.trim().split(/\s+/).join('.')}`;
    return s;
  };
  const pathOf = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.documentElement && parts.length < 4; e = e.parentElement) parts.unshift(describe(e));
    return parts.join(' > ');
  };
  const clippedByFittingAncestor = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== 'visible') {
        const r = a.getBoundingClientRect();
        return r.left >= -1 && r.right <= vw + 1;
      }
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.width <= 1 && r.height <= 1) continue;  // visually hidden
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    const x = r.left + window.scrollX;
    if (x + r.width > vw + 1 || x < -1) {
      if (clippedByFittingAncestor(el)) continue;
      out.push(`${pathOf(el)}: from ${Math.round(x)} to ${Math.round(x + r.width)} px` +
               ` "${(el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60)}"`);
    }
  }
  return { vw, scrollWidth: document.documentElement.scrollWidth, bodyScrollWidth: document.body.scrollWidth, out };
}

/**
 * WCAG 1.4.10 reflow: at `width` px (320 unless told) the document does not scroll sideways
 * (scrollWidth <= viewport width) and no element reaches past either edge. Sets the viewport's
 * width for the check and leaves it so.
 */
export async function checkNoSideways(page, { width = 320, label = where(page) } = {}) {
  const size = page.viewportSize();
  if (!size || size.width !== width) await page.setViewportSize({ width, height: size?.height ?? 640 });
  const r = await page.evaluate(findOverflow);
  const problems = [];
  if (r.scrollWidth > r.vw) problems.push(`the document is ${r.scrollWidth} px wide in a ${r.vw} px viewport`);
  for (const line of r.out.slice(0, 25)) problems.push(line);
  if (r.out.length > 25) problems.push(`... and ${r.out.length - 25} more element(s)`);
  if (problems.length > 0) throw new Error(`${label} scrolls sideways at ${width} px:\n- ${problems.join('\n- ')}`);
}

// Runs in the page: boxes that cut off text in them (their own or their children's) by
// overflow hidden/clip or an ellipsis. Scrolling boxes (auto, scroll) do not cut anything off.
function findClippedText() {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (el.clientWidth <= 1 && el.clientHeight <= 1) continue;  // visually hidden on purpose
    const clipsX = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
    const clipsY = style.overflowY !== 'visible';
    const cutX = clipsX && style.overflowX !== 'auto' && style.overflowX !== 'scroll' && el.scrollWidth > el.clientWidth + 1;
    const cutY = clipsY && style.overflowY !== 'auto' && style.overflowY !== 'scroll' && el.scrollHeight > el.clientHeight + 1;
    if (cutX || cutY) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}: "${el.textContent.trim().replace(/\s+/g, ' ').slice(0, 60)}"` +
               ` needs ${el.scrollWidth}×${el.scrollHeight} px, shows ${el.clientWidth}×${el.clientHeight}`);
    }
  }
  return out;
}

/**
 * WCAG 1.4.4 resize text: sets Chromium's default font size to `factor` times 16 px (what a
 * person's browser setting does, so it enlarges text sized in rem/em, not the layout in px),
 * then fails if any text is clipped or the page scrolls sideways. Restores 16 px after.
 */
export async function checkTextZoom(page, { factor = 2, label = where(page) } = {}) {
  const cdp = await page.context().newCDPSession(page);
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  try {
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16 * factor, fixed: 13 * factor } });
    const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    if (after < before * factor * 0.99) {
      throw new Error(`${label}: text zoom did not enlarge the root font (${before} px -> ${after} px): the root font size must not be fixed in px`);
    }
    const clipped = await page.evaluate(findClippedText);
    if (clipped.length > 0) throw new Error(`${label} clips text at ${factor * 100} % text size:\n- ${clipped.slice(0, 25).join('\n- ')}`);
    const r = await page.evaluate(findOverflow);
    if (r.scrollWidth > r.vw || r.out.length > 0) {
      throw new Error(`${label} scrolls sideways at ${factor * 100} % text size (${r.scrollWidth} px in ${r.vw} px):\n- ${r.out.slice(0, 25).join('\n- ')}`);
    }
  } finally {
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16, fixed: 13 } });
    await cdp.detach();
  }
}

/**
 * The checks every page type gets: html-validate on `html` (the server's bytes, when given),
 * axe at the page's viewport, then at 320 px the reflow check and axe again; the viewport is put
 * back after. Runs them all and fails once, with every finding.
 */
export async function checkPage(page, { html, label = where(page), narrow = true } = {}) {
  const failures = [];
  const attempt = async (check) => { try { await check(); } catch (e) { failures.push(e.message); } };
  if (html !== undefined) await attempt(() => validateHtml(html, { label }));
  await attempt(() => checkAxe(page, { label }));
  if (narrow) {
    const size = page.viewportSize();
    await attempt(() => checkNoSideways(page, { label }));
    await attempt(() => checkAxe(page, { label: `${label} at 320 px` }));
    if (size) await page.setViewportSize(size);
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}
