/**
 * Red team 15, `gwc diff` for nginx (DESIGN.md 7.8): 81733a5 stopped a backend's X-Accel-Redirect
 * from sending a request into another route's proxy step /_gwc_internal/r/N, which asks only that
 * some identity be set (`if ($gwc_cov_id_key = "") { return 403; }` on a route whose auth runs in
 * /_gwc_internal/v/N). `error_page CODE = URI` in gwc's server is the same internal redirect, and
 * ab28671's deployed-unread.ts admits `error_page` in the server by NAME (SERVER_WRITES), never
 * comparing where it sends: gwc's `error_page 403 /_gwc_internal/e/403;` edited by hand to
 * `error_page 403 = /_gwc_internal/r/4;` reads as no change, while bob's 403 on the admin route (his
 * identity already set by auth_request_set, which runs whatever the subrequest answers) is handed
 * to r/4 and proxied to that route's backend as bob, past v/4's checks. Likewise `error_page 429`
 * (a caller over a limit sent on into a route). Fix class: compare the server's (and every
 * location's) error_page targets with what gwc writes (or read any other as unread-changed).
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
  return { at: `${files[fi]!.path}: ${from.source} -> ${to}`, sig, what: 'change', files: files.map((f, j) => (j === fi ? { ...f, contents } : f)) };
}

describe("red team 15: gwc diff (nginx) and gwc's server error_page edited into a route's proxy step", () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('nginx'));
  }, 300_000);
  const verdict = (from: RegExp, to: string, sig: string) => judge('nginx', built, replaced(files, from, to, sig), [], []);

  it('control: the `_` refusal answering 200 is a security finding', () => {
    const v = verdict(/^( *)if \(\$gwc_cov_underscore\) \{\n *return 400;/m, '$1if ($gwc_cov_underscore) {\n        return 200;', 'underscore 200');
    expect(v.result, v.detail).toBe('covered');
  });

  // Mechanism: SERVER_WRITES admits error_page by name; the 403 is redirected into r/4 (identity set).
  it('error_page 403 sent to /_gwc_internal/r/4 is a security finding', () => {
    const v = verdict(/error_page 403 \/_gwc_internal\/e\/403;/, 'error_page 403 = /_gwc_internal/r/4;', 'error_page 403 r4');
    expect(v.result, v.detail).toBe('covered');
  });

  it('error_page 429 sent to /_gwc_internal/r/4 is a security finding', () => {
    const v = verdict(/error_page 429 \/_gwc_internal\/e\/429;/, 'error_page 429 = /_gwc_internal/r/4;', 'error_page 429 r4');
    expect(v.result, v.detail).toBe('covered');
  });

  // Mechanism: r/N's only guard against being entered other than from its v/N (X-Accel-Redirect,
  // error_page) is `if ($<gw>_id_key = "") { return 403; }`; the reader does not read it, so it
  // edited to never match reads as no change (anonymous callers reach r/4 through any redirect).
  it("r/4's identity check made never to match is a security finding", () => {
    const v = verdict(/if \(\$gwc_cov_id_key = ""\) \{/, 'if ($gwc_cov_id_key = "never") {', 'r4 id_key');
    expect(v.result, v.detail).toBe('covered');
  });
});
