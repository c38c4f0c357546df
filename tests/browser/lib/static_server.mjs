// A tiny HTTP server on a free loopback port for the static pattern library: /static/ is
// service/web/static/ (as the service will serve it), everything else tests/browser/fixtures/.
// Only GET and HEAD, only files under those two folders.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sourceDir } from './service.mjs';

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
                '.png': 'image/png', '.ics': 'text/calendar; charset=utf-8', '.csv': 'text/csv; charset=utf-8' };

export const ROOTS = {
  '/static/': path.join(sourceDir, 'service/web/static'),
  '/': path.join(sourceDir, 'tests/browser/fixtures'),
};

/** Starts the server; resolves { url, close() }. */
export async function startStaticServer(roots = ROOTS) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    const prefix = Object.keys(roots).find((p) => pathname.startsWith(p));
    const root = roots[prefix];
    const file = path.resolve(root, decodeURIComponent(pathname.slice(prefix.length)) || 'index.html');
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !file.startsWith(root + path.sep)) {
      res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
                           'Content-Length': body.length,
                           // The same policy as the service's pages: no inline script, nothing external.
                           'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'" });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

// `node tests/browser/lib/static_server.mjs`: serves the pattern library for a look by hand.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { url } = await startStaticServer();
  console.log(`${url}/patterns.html  ${url}/patterns-en.html  (Ctrl-C stops)`);
}
