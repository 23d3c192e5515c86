/**
 * Traefik, a query of more than 10,000 parameters (closing15 "Still open" 4; request oracle).
 *
 * Mechanism, from the sources (not run on a real Traefik):
 * - Go's net/url parseQuery, since the CVE-2025-61726 fix (Go 1.24.12, 1.25.6, 1.26; GODEBUG
 *   urlmaxqueryparams, default 10000), counts `&`s + 1 BEFORE reading any pair and returns an error
 *   with nothing read when over the limit; URL.Query() drops the error, so it is EMPTY, not the
 *   first 10,000. Traefik's go.mod says go 1.26.0 (default GODEBUG: the limit on).
 * - Traefik's Query/QueryRegexp matchers read `req.URL.Query()[key]` (pkg/muxer/http/matcher.go):
 *   over the limit every QueryRegexp is false, so every `!QueryRegexp(...)` router guard passes.
 * - The proxy forwards the query whole: its Rewrite (pkg/proxy/httputil/proxy.go) re-parses the
 *   RequestURI and copies RawQuery as sent; a backend without Go's limit (Werkzeug, Rack < 3.1,
 *   ASP.NET Core's query, Express with a raised parameterLimit) reads the name after the 10,000th `&`.
 * ~10 KB of `&` fits Node's 16 KB and Go's 1 MB header limits.
 *
 * gwc's routers guard `_method`, `access_token` beside a bearer scheme and a header key's own name
 * with `!QueryRegexp(...)` (clears.ts, bearer-query.ts, the anonymous router of optional auth), which
 * the limit blinds; but every such name is also caught by the route's query-names redirectRegex
 * middleware (query-names.ts), which matches the RAW URL (pkg/middlewares/redirect rawURL) and reads
 * no parsed query. So the blinded guard only moves the answer from 404 to the redirect: the name
 * never reaches the backend. A query key selector (`QueryRegexp(name, '.')`, credentials.ts) only
 * picks which alternative a caller is held to; the fallback router still enforces its own (a kept
 * query key on a router that does not verify it is refused: traefik-or-kept-credential).
 * The oracle's parseQuery (test/targets/traefik/go-http.ts) models the limit.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { GO_MAX_QUERY_PARAMS, parseQuery } from '../targets/traefik/go-http.js';
import { send, type AuthCall, type AuthAnswer } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: qlimit
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /item:
    get: { x-gateway: { public: true }, responses: ${ok} }
    delete: { security: [{ hkey: [] }], responses: ${ok} }
  /me:
    get: { security: [{ sso: [] }], responses: ${ok} }
  /keys:
    get: { security: [{ hkey: [] }], responses: ${ok} }
  /opt:
    get: { security: [{}, { hkey: [] }], responses: ${ok} }
components:
  securitySchemes:
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check' } } }
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check' } } }
`;

/** `n` empty pairs, then the name: n + 1 parameters to Go. */
const padded = (n: number, pair: string) => `${'&'.repeat(n)}${pair}`;
const OVER = GO_MAX_QUERY_PARAMS; // 10,000 `&`: 10,001 parameters, Query() empty
const UNDER = GO_MAX_QUERY_PARAMS - 2; // 9,999 parameters: read

describe('the Go model', () => {
  it('over the limit Query() is empty, not the first 10,000 pairs; at the limit the name is read', () => {
    expect(parseQuery(padded(OVER, '_method=DELETE'))).toEqual({});
    expect(parseQuery(`_method=DELETE${padded(OVER, '')}`)).toEqual({});
    expect(parseQuery(padded(GO_MAX_QUERY_PARAMS - 1, '_method=DELETE'))).toEqual({ _method: ['DELETE'] });
  });
});

describe('Traefik: a watched query name after 10,000 `&`', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const env = {
    auth: {
      'http://auth.internal:9000/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('Authorization') === 'Bearer good' ? 200 : 401 }),
      'http://keys.internal:9100/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('X-Api-Key') === 'key-good' ? 200 : 401 }),
    },
  };
  const get = (path: string, query: string, headers: Record<string, string> = {}) =>
    send(config, { method: 'GET', host: 'api.example.com', target: `${path}?${query}`, headers, tls: true }, env);

  it('builds', () => {
    expect(built!.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('control: the requests without the name reach the backend with the whole padded query', () => {
    for (const [path, headers] of [['/v1/item', {}], ['/v1/me', { Authorization: 'Bearer good' }], ['/v1/keys', { 'X-Api-Key': 'key-good' }], ['/v1/opt', {}]] as const) {
      const o = get(path, padded(OVER, 'page=2'), headers);
      expect(o.status, path).toBe(200);
      expect(o.backend?.rawQuery, path).toBe(padded(OVER, 'page=2'));
    }
  });

  const CASES: Array<[string, string, string, Record<string, string>]> = [
    ['_method=DELETE on the public GET beside a keyed DELETE', '/v1/item', '_method=DELETE', {}],
    ['_METHOD=DELETE (a case-blind backend)', '/v1/item', '_METHOD=DELETE', {}],
    ['access_token=forged beside the verified bearer', '/v1/me', 'access_token=forged', { Authorization: 'Bearer good' }],
    ['x-api-key=forged beside the verified header key', '/v1/keys', 'x-api-key=forged', { 'X-Api-Key': 'key-good' }],
    ['x-api-key=forged on the anonymous router of optional auth', '/v1/opt', 'x-api-key=forged', {}],
    ['X-API-KEY=forged (a case-blind backend) on the anonymous router of optional auth', '/v1/opt', 'X-API-KEY=forged', {}],
  ];

  it.each(CASES)('%s: never reaches the backend past a blinded router guard', (_label, path, pair, headers) => {
    const o = get(path, padded(OVER, pair), headers);
    expect(o.backend, `${pair} reached the backend`).toBeUndefined();
    // Caught by the raw-URL redirect, whatever the parsed query says.
    expect(o.status).toBe(302);
    const under = get(path, padded(UNDER, pair), headers);
    expect(under.backend).toBeUndefined();
  });

  it('mechanism: over the limit the `!QueryRegexp(_method)` guard passes (the GET router is chosen, its redirect answers); read, the guard keeps the request off it', () => {
    expect(JSON.stringify(config.http.routers)).toContain('QueryRegexp(`_method`');
    const over = get('/v1/item', padded(OVER, '_method=DELETE'));
    expect([over.status, over.router, over.answeredBy]).toEqual([302, 'qlimit-get-item', expect.stringContaining('query-names')]);
    const under = get('/v1/item', padded(UNDER, '_method=DELETE'));
    expect(under.router).not.toBe('qlimit-get-item');
    expect(under.backend).toBeUndefined();
  });
});
