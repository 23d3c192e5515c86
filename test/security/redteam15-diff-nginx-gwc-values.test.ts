/**
 * Red team 15, `gwc diff` for nginx (DESIGN.md 7.8): ab28671 (deployed-unread.ts) reads a hand edit
 * outside gwc's vocabulary as unread-changed, but judges a directive by its NAME where gwc writes it,
 * and a header value by whether its variables carry gwc's prefix. Variants it reads as nothing:
 *
 * - `proxy_ignore_headers` at SERVER level: SERVER_WRITES admits the directive whatever it lists (the
 *   LINES exact match applies only outside the vocabulary), and 81733a5's guard only asks that
 *   X-Accel-Redirect be in the list. `proxy_ignore_headers X-Accel-Redirect Set-Cookie Cache-Control`
 *   in gwc's server is inherited by every route location that sets none (all but JWKS): a cached
 *   route stores an answer the backend marked private or that set a session cookie and serves it to
 *   the next caller (the same effect redteam14-diff-nginx-hand-additions covers on a route location).
 * - `proxy_set_header X-Consumer $gwc_cov_args` (or `$gwc_cov_cookies`): headerValues accepts any
 *   variable starting with gwc's prefix, but cleanArgs / cleanCookies are the CLIENT's query / Cookie
 *   less the hidden names: `GET /v1/admin?admin` with a valid key tells the backend X-Consumer: admin.
 *   Facts.requestHeaders compares names only, so the identity taken from the client reads as equal.
 * Fix class: compare header values (and server-level bitmask lists) exactly against what gwc writes,
 * or read any gwc variable gwc does not set for that header as a client value.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import type { Mutation } from '../helpers/diff-mutations.js';
import { build, judge } from './helpers/diff-coverage.js';

function replaced(files: OutputFile[], from: RegExp, to: string, sig: string): Mutation {
  const fi = files.findIndex((f) => f.path.endsWith('.conf') && from.test(f.contents));
  if (fi < 0) throw new Error(`no line matches ${from}`);
  const contents = files[fi]!.contents.replace(from, to);
  return { at: `${files[fi]!.path}: ${from.source} -> ${to}`, sig, what: 'change', files: files.map((f, j) => (j === fi ? { ...f, contents } : f)) } as Mutation;
}

describe('red team 15: gwc diff (nginx) and hand edits inside gwc vocabulary', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('nginx'));
  }, 300_000);
  const verdict = (from: RegExp, to: string, sig: string) => judge('nginx', built, replaced(files, from, to, sig), [], []);

  it('control: X-Consumer set from the client header is a security finding', () => {
    const v = verdict(/proxy_set_header X-Consumer \$gwc_cov_id_consumer;/, 'proxy_set_header X-Consumer $http_x_consumer;', 'x-consumer client');
    expect(v.result, v.detail).toBe('covered');
  });

  it('control: X-Accel-Redirect dropped from the server list is a security finding', () => {
    const v = verdict(/^( *)proxy_ignore_headers X-Accel-Redirect;/m, '$1proxy_ignore_headers X-Accel-Expires;', 'accel dropped');
    expect(v.result, v.detail).toBe('covered');
  });

  // Mechanism: SERVER_WRITES admits proxy_ignore_headers by name; every route inherits the list.
  it("server-level proxy_ignore_headers adding Set-Cookie Cache-Control is a security finding", () => {
    const v = verdict(/^( *)proxy_ignore_headers X-Accel-Redirect;/m, '$1proxy_ignore_headers X-Accel-Redirect Set-Cookie Cache-Control Expires;', 'server ignore private');
    expect(v.result, v.detail).toBe('covered');
  });

  // Mechanism: headerValues accepts any $gwc_cov_* variable; cleanArgs is the client's query.
  it("X-Consumer set from gwc's cleaned query ($gwc_cov_args, the client's) is a security finding", () => {
    const v = verdict(/proxy_set_header X-Consumer \$gwc_cov_id_consumer;/, 'proxy_set_header X-Consumer $gwc_cov_args;', 'x-consumer args');
    expect(v.result, v.detail).toBe('covered');
  });

  it("X-Consumer set from gwc's cleaned Cookie ($gwc_cov_cookies, the client's) is a security finding", () => {
    const v = verdict(/proxy_set_header X-Consumer \$gwc_cov_id_consumer;/, 'proxy_set_header X-Consumer $gwc_cov_cookies;', 'x-consumer cookies');
    expect(v.result, v.detail).toBe('covered');
  });
});
