/**
 * Red team 14, `gwc diff` (DESIGN.md 7.3, 7.8): a request header the gateway sets or clears keeps
 * its NAME but gets another VALUE in the deployed copy. The readers compare the names a route sets
 * (nginx deployed-route-facts.ts `facts.requestHeaders`: `[...new Set(sets.map((d) => d.args[0]))]`,
 * classify.ts request-header-passed: "requestHeaders loses a name"), never the value, so:
 * - nginx `proxy_set_header X-Forwarded-User "";` made `$http_x_forwarded_user` passes the
 *   client's own value on every route (exactly "reaches the backend as the client sent it");
 * - nginx `proxy_set_header X-Consumer $gwc_cov_id_consumer;` made `"admin"` tells the backend
 *   every caller (anonymous on a public route included) is admin;
 * - Traefik's clear-inputs `customRequestHeaders: { X-Consumer: "" }` made `admin`: the same, on
 *   every router of the gateway (forwardAuth routes set no X-Consumer after it);
 * all read as no security change either way. Also Traefik: a forwardAuth middleware given
 * `authResponseHeadersRegex` (Traefik deletes the request's matching headers and copies the
 * service's matching answer headers onto the request, forward.go) is read as nothing, while its
 * sibling authResponseHeaders is the verifier since b2cb62c (auth-verifier-changed expected).
 * Fix class: compare the value of each set header (gwc's variable, "", a literal, a client
 * variable `$http_*` read as passed), and read authResponseHeadersRegex with authResponseHeaders.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build, judge } from './helpers/diff-coverage.js';

describe('red team 14: gwc diff and the value of a header the gateway sets (nginx)', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('nginx'));
  }, 300_000);
  const edit = (from: RegExp, to: string) => {
    const next = files.map((f) => (f.path.endsWith('.conf') ? { ...f, contents: f.contents.replace(from, to) } : f));
    expect(next.some((f, i) => f.contents !== files[i]!.contents)).toBe(true);
    return judge('nginx', built, { at: to, sig: to, what: 'set', files: next }, [], []);
  };

  it('control: the X-Forwarded-User clear removed from every route is a security finding', () => {
    expect(edit(/ *proxy_set_header X-Forwarded-User "";\n/g, '').result).toBe('covered');
  });

  it("X-Forwarded-User's clear made $http_x_forwarded_user (the client's value passed) is a security finding", () => {
    const v = edit(/proxy_set_header X-Forwarded-User "";/g, 'proxy_set_header X-Forwarded-User $http_x_forwarded_user;');
    expect(v.result, v.detail).toBe('covered');
  });

  it('X-Consumer set to "admin" in place of the verified consumer is a security finding', () => {
    const v = edit(/proxy_set_header X-Consumer \$gwc_cov_id_consumer;/g, 'proxy_set_header X-Consumer "admin";');
    expect(v.result, v.detail).toBe('covered');
  });
});

type TraefikDoc = { http: { middlewares: Record<string, { headers?: { customRequestHeaders: Record<string, string> }; forwardAuth?: Record<string, unknown> }> } };

describe('red team 14: gwc diff and the value of a header the gateway sets (Traefik)', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('traefik'));
  }, 300_000);
  const edit = (sig: string, change: (d: TraefikDoc) => void) => {
    const d = parse(files[0]!.contents) as TraefikDoc;
    change(d);
    return judge('traefik', built, { at: sig, sig, what: 'set', files: [{ ...files[0]!, contents: stringify(d) }] }, [], []);
  };

  it('control: re-serialised, unchanged; the X-Consumer clear removed is a security finding', () => {
    expect(edit('same', () => {}).result).toBe('unchanged');
    expect(edit('drop', (d) => delete d.http.middlewares['cov-clear-inputs']!.headers!.customRequestHeaders['X-Consumer']).result).toBe('covered');
  });

  it('clear-inputs X-Consumer: "" made "admin" (every router tells the backend admin) is a security finding', () => {
    const v = edit('admin', (d) => (d.http.middlewares['cov-clear-inputs']!.headers!.customRequestHeaders['X-Consumer'] = 'admin'));
    expect(v.result, v.detail).toBe('covered');
  });

  it("a forwardAuth middleware given authResponseHeadersRegex (the service's answer headers copied onto the request) is a security finding", () => {
    const v = edit('regex', (d) => (d.http.middlewares['cov-auth-fwd-read']!.forwardAuth!.authResponseHeadersRegex = '^X-'));
    expect(v.result, v.detail).toBe('covered');
  });
});
