// Signing in as an organiser, as the organisers' page tests do it: a user invited on the command
// line (`kalendarium user invite`, which prints the one-time link) and a browser context that
// opens the link's page and presses its button.

import assert from 'node:assert/strict';
import { newContext } from './browser.mjs';
import { runKalendarium } from './service.mjs';

/** The path of the sign-in link `user invite` prints for `email` (a new user or a known one). */
export async function inviteLink(service, { email, role, organisation, name }) {
  const args = ['user', 'invite', '--email', email, '--role', role, '--db', service.databaseUrl];
  if (name) args.push('--name', name);
  if (organisation) args.push('--organisation', String(organisation));
  const r = await runKalendarium(args);
  assert.equal(r.code, 0, r.stderr);
  return new URL(/https?:\/\/\S+\/logga-in\/kali_[A-Za-z0-9_-]{43}/.exec(r.stdout)[0]).pathname;
}

/**
 * A browser context signed in through the page behind `link` (a path): the page answers 200 with
 * Referrer-Policy: no-referrer (its address holds the secret), its button is pressed and the
 * organisers' start page follows. Resolves { context, page }; `options` as newContext's.
 */
export async function signedInThrough(browser, service, link, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const shown = await page.goto(`${service.url}${link}`);
  assert.equal(shown.status(), 200);
  assert.equal(shown.headers()['referrer-policy'], 'no-referrer');
  await Promise.all([page.waitForURL(/\/arrangor$/), page.click('main form button[type=submit]')]);
  return { context, page };
}
