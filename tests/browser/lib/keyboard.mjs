// Using a page with the keyboard alone, as a person who cannot use a mouse does: Tab moves the
// focus, Space and Enter act. Nothing here clicks or focuses an element directly.

// Runs in the page: what has the focus, in the words a test matches on.
function describeFocus() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const labelled = el.getAttribute('aria-labelledby');
  const name = el.getAttribute('aria-label') ||
    (labelled && labelled.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ')) ||
    (el.labels && el.labels.length ? [...el.labels].map((l) => l.textContent).join(' ') : '') ||
    el.textContent || el.value || el.getAttribute('title') || '';
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.getAttribute('type') ?? '',
    role: el.getAttribute('role') ?? '',
    href: el.getAttribute('href') ?? '',
    name: name.trim().replace(/\s+/g, ' '),
  };
}

/** What has the focus now: { tag, id, type, role, href, name } or null for the document. */
export async function focused(page) {
  return page.evaluate(describeFocus);
}

function matches(target, info) {
  if (!info) return false;
  if (typeof target === 'function') return target(info);
  if (target instanceof RegExp) return target.test(info.name);
  if (typeof target === 'string') return info.name === target || info.name.includes(target);
  return Object.entries(target).every(([k, v]) => (v instanceof RegExp ? v.test(info[k]) : info[k] === v));
}

function label(info) {
  if (!info) return '(document)';
  return `${info.tag}${info.id ? `#${info.id}` : ''}${info.type ? `[${info.type}]` : ''} "${info.name.slice(0, 60)}"`;
}

/**
 * Presses Tab (Shift+Tab with backwards) until the focused element matches `target`: a text in
 * its accessible name, a RegExp on the name, { tag, id, type, name: RegExp, ... }, or a predicate
 * on the description. Fails after `max` presses, listing every focus stop it passed.
 * Returns the description of the matching element.
 */
export async function tabTo(page, target, { max = 60, backwards = false } = {}) {
  const stops = [];
  for (let i = 0; i < max; ++i) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const info = await focused(page);
    if (matches(target, info)) return info;
    stops.push(label(info));
  }
  const wanted = typeof target === 'function' ? 'the element the predicate wants'
    : typeof target === 'string' ? `"${target}"`
    : JSON.stringify(target, (k, v) => (v instanceof RegExp ? String(v) : v));
  // Runs of the same stop (the document, again and again) as one line with a count.
  const runs = [];
  for (const stop of stops) {
    if (runs.length && runs[runs.length - 1][0] === stop) runs[runs.length - 1][1] += 1;
    else runs.push([stop, 1]);
  }
  const listed = runs.map(([stop, n]) => (n > 1 ? `${stop} ×${n}` : stop));
  throw new Error(`Tab did not reach ${wanted} in ${max} presses; focus went through:\n- ${listed.join('\n- ')}`);
}

/**
 * The focus stops in Tab order from where the focus is (on a page just loaded: the top), until
 * the focus leaves the page or `max` presses, each as focused() describes it.
 */
export async function tabOrder(page, { max = 200 } = {}) {
  const stops = [];
  for (let i = 0; i < max; ++i) {
    await page.keyboard.press('Tab');
    const info = await focused(page);
    if (!info || (stops.length && JSON.stringify(info) === JSON.stringify(stops[0]))) break;
    stops.push(info);
  }
  return stops;
}

/**
 * Presses `key` ('Enter', 'Space', ...) on what has the focus. With navigates: true it waits for
 * the page that the key leads to (a link followed, a form sent) to load.
 */
export async function press(page, key, { navigates = false } = {}) {
  if (!navigates) {
    await page.keyboard.press(key);
    return;
  }
  const frame = page.mainFrame();
  await Promise.all([
    page.waitForEvent('framenavigated', { predicate: (f) => f === frame }),
    page.keyboard.press(key),
  ]);
  await page.waitForLoadState('load');
}

/** Enter on what has the focus (follows a link, sends a form): waits for the next page. */
export const pressEnter = (page, options = { navigates: true }) => press(page, 'Enter', options);

/** Space on what has the focus (a button sends its form; a checkbox or radio button toggles). */
export const pressSpace = (page, options = { navigates: false }) => press(page, 'Space', options);

/**
 * The class of the element that took the focus when the page loaded ('' if none did). Chromium
 * applies `autofocus` at a rendering step after the load event, so it is waited for (up to 5 s):
 * on a loaded machine the focus may not have moved yet when the navigation resolves.
 */
export async function autofocusedClass(page, timeout = 5000) {
  await page.waitForFunction(() => document.activeElement && document.activeElement !== document.body, null, { timeout })
    .catch(() => {});
  return page.evaluate(() => document.activeElement?.className ?? '');
}
