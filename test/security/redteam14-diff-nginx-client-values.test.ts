/**
 * Red team 14, `gwc diff` for nginx (DESIGN.md 7.3, 7.4, 7.8): a directive gwc writes keeps its
 * name and place but takes its value from the CLIENT's request (`$http_*`), and the reader does not
 * compare the value, so each reads as no change either way:
 * - `auth_request_set $gwc_cov_id_consumer $http_x_consumer;` (was $sent_http_x_gwc_consumer, what
 *   njs verified): the X-Consumer the backend trusts is whatever the client sends;
 * - `auth_request_set $gwc_cov_id_key $http_x_whoami;`: the identity every per-consumer limit and
 *   cache key counts is the client's choice (a fresh bucket per value; another caller's entry);
 * - `auth_request_set $gwc_cov_fa_x_user_id $http_x_user_id;`: the forward-auth answer header the
 *   backend is told comes from the client, not the service;
 * - `proxy_pass http://$http_x_backend;`: the client picks the server (backend-changed expected).
 * Control: `set $args $args;` in place of the cleaned query ($gwc_cov_args) is found.
 * Fix class: read the value side of auth_request_set / proxy_set_header / proxy_pass; a `$http_*`,
 * `$arg_*`, `$cookie_*` or `$request_*` there is the client's (request-header-passed,
 * rate-limit-key-changed, backend-changed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build, judge } from './helpers/diff-coverage.js';

describe("red team 14: gwc diff (nginx) and a value taken from the client's request", () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('nginx'));
  }, 300_000);
  const edit = (from: RegExp, to: string) => {
    const next = files.map((f) => (f.path.endsWith('.conf') ? { ...f, contents: f.contents.replace(from, to) } : f));
    expect(next.some((f, i) => f.contents !== files[i]!.contents), `no ${from}`).toBe(true);
    return judge('nginx', built, { at: to, sig: to, what: 'set', files: next }, [], []);
  };

  it("control: the query no longer cleaned (set $args $args) is a security finding", () => {
    expect(edit(/set \$args \$gwc_cov_args;/g, 'set $args $args;').result).toBe('covered');
  });

  it("X-Consumer from the client's header (auth_request_set ... $http_x_consumer) is a security finding", () => {
    const v = edit(/auth_request_set \$gwc_cov_id_consumer \$sent_http_x_gwc_consumer;/g, 'auth_request_set $gwc_cov_id_consumer $http_x_consumer;');
    expect(v.result, v.detail).toBe('covered');
  });

  it("the limit and cache identity from the client's header is a security finding", () => {
    const v = edit(/auth_request_set \$gwc_cov_id_key \$sent_http_x_gwc_identity;/g, 'auth_request_set $gwc_cov_id_key $http_x_whoami;');
    expect(v.result, v.detail).toBe('covered');
  });

  it("the forward-auth answer header from the client's request is a security finding", () => {
    const v = edit(/auth_request_set \$gwc_cov_fa_x_user_id \$sent_http_x_user_id;/g, 'auth_request_set $gwc_cov_fa_x_user_id $http_x_user_id;');
    expect(v.result, v.detail).toBe('covered');
  });

  it('proxy_pass to a server the client names ($http_x_backend) is a security finding', () => {
    const v = edit(/proxy_pass http:\/\/gwc_cov_app;/, 'proxy_pass http://$http_x_backend;');
    expect(v.result, v.detail).toBe('covered');
  });
});
