// The real kalendarium binary on port 0 with a fresh SQLite file, and the real SMTP sink
// (tests/tools/smtp_sink.py), for the browser tests. The same steps as tests/support/
// server_process.cpp and smtp_sink.cpp: start, read what the program prints, stop with SIGTERM.

import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function kalendariumBinary() {
  const binary = process.env.KAL_BINARY;
  if (!binary) throw new Error('KAL_BINARY is not set: run the browser tests through ctest (or set it to build/bin/kalendarium)');
  return binary;
}

// What configures the binary is exactly what a test says: no KALENDARIUM_* of the caller's shell.
function environment(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KALENDARIUM_')) env[k] = v;
  return { ...env, KALENDARIUM_LOG_LEVEL: 'warn', ...extra };
}

// Children die with this process even when it is killed (a ctest timeout): setpriv sets
// PR_SET_PDEATHSIG before it execs the program, as server_process.cpp does after fork.
function command(program, args) {
  return existsSync('/usr/bin/setpriv')
    ? ['/usr/bin/setpriv', ['--pdeathsig', 'SIGKILL', '--', program, ...args]]
    : [program, args];
}

const running = new Set();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

function track(child) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

// Runs a kalendarium command to its end: { code, stdout, stderr }.
export async function runKalendarium(args, env = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(kalendariumBinary(), args, { env: environment(env) });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export async function createToken(databaseUrl, role = 'admin', name = 'browser test') {
  const r = await runKalendarium(['token', 'create', '--role', role, '--name', name, '--db', databaseUrl]);
  if (r.code !== 0) throw new Error(`token create failed (${r.code}): ${r.stderr}`);
  return r.stdout.split('\n')[0].trim();
}

// Reads a child's stdout until `done(text)` holds; rejects when it exits first or time runs out.
function readUntil(child, done, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let text = '';
    let stderr = '';
    const timer = setTimeout(() => finish(new Error(`${what} printed no start banner in ${timeoutMs} ms; stdout: ${text}`)), timeoutMs);
    const onData = (chunk) => { text += chunk; if (done(text)) finish(null); };
    const onErr = (chunk) => { stderr += chunk; };
    const onExit = (code, signal) => finish(new Error(`${what} exited (${code ?? signal}) before it was ready; stdout: ${text} stderr: ${stderr}`));
    function finish(error) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      if (error) { child.kill('SIGKILL'); reject(error); } else resolve(text);
    }
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

function stopChild(child, what) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (signal) reject(new Error(`${what} was killed by ${signal}`));
      else resolve(code);
    });
    child.kill('SIGTERM');
  });
}

// A fresh PostgreSQL database beside the one of tests/with-postgres.sh (KAL_TEST_PG_URL), made
// and dropped with psql, as tests/support/test_db.cpp does for the C++ tests.
async function freshPostgresql(dir) {
  const maintenance = process.env.KAL_TEST_PG_URL;
  if (!maintenance) throw new Error('KAL_TEST_DB=postgresql needs KAL_TEST_PG_URL: run under tests/with-postgres.sh');
  const name = `kal_browser_${path.basename(dir).replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;
  await execFileAsync('/usr/bin/psql', ['-q', maintenance, '-c', `CREATE DATABASE ${name}`]);
  const url = new URL(maintenance);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => execFileAsync('/usr/bin/psql', ['-q', maintenance, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

/**
 * Starts `kalendarium serve --port 0 --db sqlite:<fresh file>` (with --demo unless demo: false).
 * Returns { url, port, databaseUrl, adminToken, organiserToken, banner, api(), stop() }.
 * `env` adds KALENDARIUM_* settings, e.g. from smtpEnv(sink). `database: 'postgresql'` (or
 * KAL_TEST_DB=postgresql with `database: process.env.KAL_TEST_DB`) uses a fresh PostgreSQL
 * database under tests/with-postgres.sh instead of a SQLite file.
 */
export async function startService({ demo = true, env = {}, timeoutMs = 60000, database = 'sqlite' } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kal-browser-'));
  const pg = database === 'postgresql' ? await freshPostgresql(dir) : null;
  const databaseUrl = pg ? pg.url : `sqlite:${dir}/kalendarium.db`;
  const adminToken = await createToken(databaseUrl, 'admin', 'browser test admin');
  const args = ['serve', '--port', '0', '--db', databaseUrl, ...(demo ? ['--demo'] : [])];
  const [program, argv] = command(kalendariumBinary(), args);
  const child = track(spawn(program, argv, { env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  // The banner ends with the health URL, and with --demo with an example ending "?status=draft".
  const lastLine = demo ? '?status=draft\n' : '/healthz\n';
  const banner = await readUntil(child, (t) => t.includes(lastLine) && /is listening on http:\/\/[^:]+:\d+/.test(t),
                                 'kalendarium', timeoutMs).catch((e) => { rmSync(dir, { recursive: true, force: true }); throw e; });
  child.stderr.on('data', (c) => { stderr = (stderr + c).slice(-20000); });
  child.stdout.resume();
  const port = Number(/is listening on http:\/\/[^:]+:(\d+)/.exec(banner)[1]);
  const organiserToken = /Bearer (kal_[A-Za-z0-9_-]+)/.exec(banner)?.[1] ?? null;
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, databaseUrl, adminToken, organiserToken, banner,
    stderr: () => stderr,
    /** JSON API call: resolves { status, headers, body } (body parsed when JSON). */
    async api(method, target, body = undefined, token = adminToken) {
      const headers = { Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(new URL(target, url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, headers: res.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
    },
    async stop() {
      try {
        const code = await stopChild(child, 'kalendarium');
        if (code !== 0) throw new Error(`kalendarium exited with ${code} on SIGTERM; stderr: ${stderr}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await pg?.drop();
      }
    },
  };
}

/** The settings that send the service's mail to `sink` quickly (as tests/e2e/mail_tests.cpp does). */
export function smtpEnv(sink) {
  return {
    KALENDARIUM_MAIL_SMTP_URL: sink.url,
    KALENDARIUM_MAIL_POLL_INTERVAL: '50ms',
    KALENDARIUM_MAIL_RETRY_INITIAL: '200ms',
    KALENDARIUM_MAIL_RETRY_MAX: '500ms',
    KALENDARIUM_MAIL_FROM_ADDRESS: 'no-reply@kalendarium.example.se',
  };
}

/**
 * Starts tests/tools/smtp_sink.py on a free loopback port. Returns { port, url, dir, messages(),
 * waitFor(), inspect(), stop() }. A message is { name, recipients, raw }; inspect(message) adds
 * `mail`, what tests/tools/mail_inspect.py (Python's email package) read from it: headers and
 * parts with decoded bodies, which text() and links() below use.
 */
export async function startSmtpSink({ timeoutMs = 20000 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kal-smtp-sink-'));
  const script = path.join(sourceDir, 'tests/tools/smtp_sink.py');
  const child = track(spawn('/usr/bin/python3', [script, '--dir', dir, '--port', '0', '--exit-with-parent'],
                            { stdio: ['ignore', 'pipe', 'inherit'] }));
  const printed = await readUntil(child, (t) => /^PORT \d+\n/.test(t), 'smtp_sink.py', timeoutMs)
    .catch((e) => { rmSync(dir, { recursive: true, force: true }); throw e; });
  child.stdout.resume();
  const port = Number(/^PORT (\d+)/.exec(printed)[1]);
  const known = new Map();

  // Every message so far, in arrival order. The sink writes the .eml last, so a visible .eml
  // has its .rcpt beside it.
  function messages() {
    return readdirSync(dir).filter((f) => f.endsWith('.eml') && !f.startsWith('.')).sort().map((file) => {
      const name = file.slice(0, -4);
      if (!known.has(name)) {
        known.set(name, {
          name,
          recipients: readFileSync(path.join(dir, `${name}.rcpt`), 'utf8').split('\n').filter(Boolean),
          raw: readFileSync(path.join(dir, file), 'latin1'),
        });
      }
      return known.get(name);
    });
  }

  async function inspect(message) {
    if (!message.mail) {
      const { stdout } = await execFileAsync('/usr/bin/python3',
        [path.join(sourceDir, 'tests/tools/mail_inspect.py'), path.join(dir, `${message.name}.eml`)], { maxBuffer: 64 << 20 });
      message.mail = JSON.parse(stdout);
    }
    return message;
  }

  return {
    port, dir, url: `smtp://127.0.0.1:${port}`,
    messages,
    inspect,
    /**
     * Waits until `count` messages (to `to`, when given) have arrived; returns those, inspected.
     */
    async waitFor({ to, count = 1, timeoutMs: limit = 15000 } = {}) {
      const deadline = Date.now() + limit;
      for (;;) {
        const all = messages();
        const wanted = to ? all.filter((m) => m.recipients.includes(to)) : all;
        if (wanted.length >= count) return Promise.all(wanted.map(inspect));
        if (Date.now() > deadline) {
          throw new Error(`the SMTP sink got ${wanted.length} of ${count} message(s)${to ? ` to ${to}` : ''} in ${limit} ms (${all.length} in all)`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      try {
        const code = await stopChild(child, 'smtp_sink.py');
        if (code !== 0) throw new Error(`smtp_sink.py exited with ${code}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The decoded text/plain body of an inspected message from the sink. */
export function text(message) {
  if (!message.mail) throw new Error('inspect the message first (sink.inspect(message) or sink.waitFor())');
  return message.mail.parts.filter((p) => p.content_type === 'text/plain').map((p) => p.body).join('\n');
}

/** Every http(s) URL in a message's text/plain body, in order. */
export function links(message) {
  return [...text(message).matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]);
}
