// Follows every internal link from a start page in a real browser: broken links are reported
// with the page that links to them, and each distinct page type is validated and run through axe.

import { checkPage } from './checks.mjs';

const DOWNLOAD = /\.(ics|csv|atom|xml|json|pdf|png|jpe?g|svg|zip|txt)$/i;

/** /api/, /feeds/, /static/ and files to download are not pages; everything else on the origin is. */
export function isPageLink(url, origin) {
  return url.origin === origin && !url.pathname.startsWith('/api/') && !isDownloadLink(url, origin);
}

/** Same-origin links that are not pages but must exist: feeds, files, static assets. */
export function isDownloadLink(url, origin) {
  return url.origin === origin &&
         (url.pathname.startsWith('/feeds/') || url.pathname.startsWith('/static/') || DOWNLOAD.test(url.pathname));
}

/**
 * A page's type: its path with numbers and secrets generalised and its query reduced to the
 * parameter names, so /moten/12 and /moten/13 are one type and each type is checked once.
 */
export function pageType(url) {
  const segments = url.pathname.split('/').map((s) =>
    /^\d+$/.test(s) ? '{n}' : /^kal[a-z]*_[A-Za-z0-9_-]{20,}$/.test(s) ? '{secret}' : /^\d{4}-\d{2}(-\d{2})?$/.test(s) ? '{date}' : s);
  const keys = [...new Set([...url.searchParams.keys()])].sort();
  return segments.join('/') + (keys.length ? `?${keys.join('&')}` : '');
}

/**
 * Crawls from `startUrl` in `context` (a playwright BrowserContext). Options:
 *   typeOf(url)    page type for "check once per type" (default pageType)
 *   check          true: checkPage() (html-validate, axe, 320 px reflow) once per page type
 *   onPage(page, { url, type, html, firstOfType })  extra checks of your own
 *   maxPages       a bound, so a link generator cannot make it run forever (default 500)
 *   expandPerType  open at most this many pages of one type in the browser and follow their
 *                  links (default: all); further pages of a type are only asked for over HTTP,
 *                  so a link is still never broken, but endless pagers (months, pages of a
 *                  list) and the thousandth meeting page cost one request, not a page load
 * Feeds, static files and downloads are not followed but asked for with HEAD: they must exist.
 * Returns { visited: Map(url -> { status, type, from }), types: Map(type -> url), downloads:
 * Map(url -> status) }. Throws after
 * the whole crawl if any link was broken (status >= 400 or no answer), naming the referring page,
 * or if any check failed, listing them all.
 */
export async function crawl(context, startUrl, { typeOf = pageType, check = true, onPage, maxPages = 500, expandPerType = Infinity } = {}) {
  const origin = new URL(startUrl).origin;
  const visited = new Map();
  const types = new Map();
  const broken = [];
  const failures = [];
  const queue = [{ url: new URL(startUrl).href, from: '(start)' }];
  const seen = new Set([queue[0].url]);
  const downloads = new Map();
  const opened = new Map();  // type -> pages of it opened in the browser
  const page = await context.newPage();
  try {
    while (queue.length > 0) {
      if (visited.size >= maxPages) throw new Error(`crawl stopped after ${maxPages} pages; raise maxPages or check for endless links`);
      const { url, from } = queue.shift();
      const type = typeOf(new URL(url));
      if ((opened.get(type) ?? 0) >= expandPerType) {
        // Enough of this kind of page seen: it must answer, nothing more.
        const r = await context.request.get(url, { maxRedirects: 5 }).catch((e) => ({ status: () => 0, error: e }));
        visited.set(url, { status: r.status(), type, from });
        if (r.status() === 0 || r.status() >= 400) broken.push(`${url} (linked from ${from}): status ${r.status()}`);
        continue;
      }
      opened.set(type, (opened.get(type) ?? 0) + 1);
      let response;
      try {
        response = await page.goto(url, { waitUntil: 'load' });
      } catch (e) {
        broken.push(`${url} (linked from ${from}): ${e.message.split('\n')[0]}`);
        continue;
      }
      const status = response?.status() ?? 0;
      visited.set(url, { status, type, from });
      if (!response || status >= 400) {
        broken.push(`${url} (linked from ${from}): status ${status}`);
        continue;
      }
      if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) continue;
      const html = await response.text();
      const firstOfType = !types.has(type);
      if (firstOfType) {
        types.set(type, url);
        if (check) await checkPage(page, { html, label: url }).catch((e) => failures.push(e.message));
      }
      if (onPage) {
        try { await onPage(page, { url, type, html, firstOfType }); } catch (e) { failures.push(`${url}: ${e.message}`); }
      }
      const hrefs = await page.$$eval('a[href], area[href]', (els) => els.map((a) => ({ href: a.href, download: a.hasAttribute('download') })));
      for (const { href, download } of hrefs) {
        const target = new URL(href);
        target.hash = '';
        if (download || isDownloadLink(target, origin)) {
          if (target.origin !== origin || downloads.has(target.href)) continue;
          const head = await context.request.head(target.href, { maxRedirects: 5 }).catch((e) => ({ status: () => 0, error: e }));
          downloads.set(target.href, head.status());
          if (head.status() === 0 || head.status() >= 400) broken.push(`${target.href} (linked from ${url}): status ${head.status()}`);
          continue;
        }
        if (!isPageLink(target, origin) || seen.has(target.href)) continue;
        seen.add(target.href);
        queue.push({ url: target.href, from: url });
      }
    }
  } finally {
    await page.close();
  }
  if (broken.length > 0 || failures.length > 0) {
    const parts = [];
    if (broken.length) parts.push(`${broken.length} broken link(s):\n- ${broken.join('\n- ')}`);
    if (failures.length) parts.push(`${failures.length} failed check(s):\n${failures.join('\n')}`);
    throw new Error(`crawl from ${startUrl} (${visited.size} pages, ${types.size} types): ${parts.join('\n')}`);
  }
  return { visited, types, downloads };
}
