/**
 * Red team 15, Traefik (request oracle): 49db3d2 (traefik-kept-header-credential) refuses a KEPT
 * HEADER credential because its verifier reads one line while Traefik passes every line on. The same
 * mechanism stood for the kept carriers Traefik cannot hide at all:
 *
 * - a query API key (hideCredentials: false is REQUIRED on Traefik, traefik-credential-not-hidden):
 *   `?api_key=<alice's>&api_key=<forged>`. The forwardAuth service reads the key from X-Forwarded-Uri
 *   with Go's url.Values.Get / Spring's getParameter (the FIRST value) and says 200; Traefik forwarded
 *   the raw query whole, and a backend reading the LAST value (PHP $_GET, Django QueryDict.get,
 *   Express's qs gives an array) took the forged/other user's key nobody verified.
 * - a kept cookie key: `Cookie: sid=<alice's>; sid=<forged>`: Go's Request.Cookie (the first) at the
 *   service, Django's parse_cookie (dict, the LAST) at the backend.
 *
 * Fixed (query-names.ts onceQueryNames): the route's query-name redirect also matches a raw query
 * naming a kept query key TWICE, in any two spellings the lenient reading rule reads as it (case,
 * %XX, `+`/blanks, `.`/`[`/space as `_`, array forms, a NUL end), with `;` a separator as `&` is
 * (Traefik's entry point turns a raw `;` into `&` for everything but the RequestURI the redirect
 * reads): such a request is redirected without its query, never sent to the service or the backend.
 * A kept cookie key is refused at its scheme (traefik-kept-cookie-credential): HeaderRegexp matches
 * each Cookie line alone, and HTTP/1.1 may send several.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { queryNameAsRead } from '../../src/targets/query-names.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall, type OracleEnv } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const QSPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt15q
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /both: { get: { operationId: both, security: [{ qk: [], tk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/k' } } }
    tk: { type: apiKey, in: query, name: Tenant.Key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/t' } } }
`;
const CSPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt15c
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /c: { get: { operationId: c, security: [{ ck: [] }], responses: ${ok} } }
components:
  securitySchemes:
    ck:
      type: apiKey
      in: cookie
      name: sid
      x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/c' } }
`;

const queryOf = (call: AuthCall) => {
  const uri = call.headers.get('X-Forwarded-Uri') ?? '';
  return new URLSearchParams(uri.includes('?') ? uri.slice(uri.indexOf('?') + 1) : '');
};
/** A Go key service: url.Values.Get, the FIRST api_key of the URI it is told. */
const firstQuery = (call: AuthCall) => (queryOf(call).get('api_key') === 'key-a' ? { status: 200 } : { status: 401 });
/** A PHP key service: the LAST api_key. */
const lastQuery = (call: AuthCall) => (queryOf(call).getAll('api_key').at(-1) === 'key-a' ? { status: 200 } : { status: 401 });
/** Both services of /both, each reading its first value. */
const services = (call: AuthCall) => {
  const q = queryOf(call);
  return (call.address.endsWith('/k') ? q.get('api_key') === 'key-a' : q.get('Tenant.Key') === 'tenant-a') ? { status: 200 } : { status: 401 };
};

/** Every pair of the query the backend gets whose name the lenient rule reads as `name` (pairs split on `&` and `;`). */
const readAs = (rawQuery: string, name: string) => rawQuery.split(/[&;]/).filter((p) => p !== '' && queryNameAsRead(p.split('=')[0]!) === queryNameAsRead(name));

describe('red team 15, Traefik: a kept query/cookie key sent twice', async () => {
  const { built } = await compileCase(writeSpec(QSPEC));
  const config = built?.config as TraefikConfig;
  const go = (target: string, auth: (c: AuthCall) => { status: number }, env: OracleEnv = {}) =>
    send(config, { method: 'GET', host: 'api.test', target, headers: {}, tls: true }, { ...env, auth });

  it('control: builds; one key opens its route, a wrong one does not, other parameters pass', () => {
    expect(built?.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(go('/v1/q?api_key=key-a', firstQuery).status).toBe(200);
    expect(go('/v1/q?api_key=nope', firstQuery).status).toBe(401);
    expect(go('/v1/q?page=2&api_key=key-a&sort=name;lang=en', firstQuery).status).toBe(200);
    // Names that only begin or end like the key are other names.
    expect(go('/v1/q?api_key=key-a&api_keys=1&my_api_key=2&api_key_id=3', firstQuery).status).toBe(200);
    // A value holding the name is a value.
    expect(go('/v1/q?api_key=key-a&q=api_key%3Dx', firstQuery).status).toBe(200);
    expect(go('/v1/both?api_key=key-a&Tenant.Key=tenant-a', services).status).toBe(200);
  });

  // Mechanism: the service verified the first api_key; Traefik forwarded the raw query whole, the
  // second (unverified) api_key reached a backend reading the last value (PHP, Django).
  const TWICE: Array<[string, string]> = [
    ['the same name', 'api_key=key-a&api_key=bob-key'],
    ['a third occurrence', 'api_key=key-a&x=1&api_key=bob-key&api_key=eve-key'],
    ['an empty first value (a service reading the last)', 'api_key=&api_key=key-a'],
    ['a name without a value first', 'api_key&api_key=key-a'],
    ['`;` as the separator (AllowQuerySemicolons)', 'api_key=key-a;api_key=bob-key'],
    ['`;` after another pair', 'x=1;api_key=key-a;api_key=bob-key'],
    ['upper case (ASP.NET)', 'api_key=key-a&API_KEY=bob-key'],
    ['percent-encoded letters', 'api_key=key-a&%61pi_%4Bey=bob-key'],
    ['percent-encoded underscore', 'api_key=key-a&api%5fkey=bob-key'],
    ['`.` for `_` (PHP)', 'api_key=key-a&api.key=bob-key'],
    ['a space for `_` (PHP)', 'api_key=key-a&api+key=bob-key'],
    ['a leading blank (PHP)', 'api_key=key-a&+api_key=bob-key'],
    ['an array form (PHP, Rack, qs)', 'api_key=key-a&api_key[]=bob-key'],
    ['a NUL ending the name (PHP)', 'api_key=key-a&api_key%00x=bob-key'],
    ['KELVIN SIGN for k (Go EqualFold)', 'api_key=key-a&api_%E2%84%AAey=bob-key'],
    ['the forged one first', 'api_key=bob-key&api_key=key-a'],
  ];
  for (const [what, query] of TWICE) {
    it(`query key sent twice (${what}): never reaches the backend twice`, () => {
      for (const auth of [firstQuery, lastQuery]) {
        const o = go(`/v1/q?${query}`, auth);
        if (o.status !== 200) continue; // refused (redirected): safe
        expect(readAs(o.backend!.rawQuery, 'api_key')).toHaveLength(1);
      }
      // Redirected without its query, the service never asked.
      const o = go(`/v1/q?${query}`, firstQuery);
      expect([o.status, o.authCalls.length, o.responseHeaders.get('Location')]).toEqual([302, 0, 'https://api.test/v1/q']);
    });
  }

  it('the second key of an AND route is counted apart: each once passes, either twice is redirected', () => {
    expect(go('/v1/both?api_key=key-a&tenant.key=x&Tenant.Key=tenant-a', services).status).toBe(302);
    expect(go('/v1/both?api_key=key-a&api_key=b&Tenant.Key=tenant-a', services).status).toBe(302);
    expect(go('/v1/both?Tenant.Key=tenant-a&api_key=key-a', services).status).toBe(200);
  });

  it('with encodeQuerySemicolons a `;` is data: one pair reaches the backend', () => {
    const o = go('/v1/q?api_key=key-a;api_key=bob-key', firstQuery, { entryPoint: { encodeQuerySemicolons: true } });
    if (o.status === 200) expect(readAs(o.backend!.rawQuery, 'api_key')).toHaveLength(1);
  });

  // The `;` separator also reached past the `_method` redirect (its regex split pairs on `&` only).
  it('a `_method` spelling after a `;` is redirected as after a `&`', () => {
    for (const q of ['api_key=key-a;%20_method=DELETE', 'api_key=key-a;_METHOD=DELETE', 'x=1;_method%00=DELETE']) {
      const o = go(`/v1/q?${q}`, firstQuery);
      expect([q, o.status]).toEqual([q, 302]);
    }
  });

  it('cookie key: a kept cookie key is refused at its scheme, and lint --target traefik says so at the same line', async () => {
    const file = writeSpec(CSPEC);
    const b = await buildTarget(file, { target: 'traefik', options: {} });
    const errors = b.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.loc?.pointer, d.params, d.position?.line])).toEqual([['traefik-kept-cookie-credential', '/components/securitySchemes/ck', { scheme: 'ck', name: 'sid' }, 12]]);
    // lint relays the target's compile (target-compile, params.code) at the same node and line.
    const linted = await lint(file, { target: 'traefik' } as Parameters<typeof lint>[1]);
    const l = linted.diagnostics.filter((d) => d.severity === 'error');
    expect(l.map((d) => [d.params?.code ?? d.code, d.loc?.pointer, d.position?.line])).toEqual([['traefik-kept-cookie-credential', '/components/securitySchemes/ck', 12]]);
  });

  it('cookie key: hidden with backendCookies: none still builds, and no sid reaches the backend', async () => {
    const c = await compileCase(writeSpec(CSPEC.replace('hideCredentials: false,', 'backendCookies: none,')));
    expect(c.built?.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const firstCookie = (call: AuthCall) => (/(?:^|;\s*)sid=([^;]*)/.exec(call.headers.get('Cookie') ?? '')?.[1] === 'sid-a' ? { status: 200 } : { status: 401 });
    for (const cookie of [['sid=sid-a; sid=bob'], ['sid=sid-a', 'sid=bob'], ['sid=sid-a', 'SID=bob; sid=eve']]) {
      const o = send(c.built!.config as TraefikConfig, { method: 'GET', host: 'api.test', target: '/v1/c', headers: { Cookie: cookie }, tls: true }, { auth: firstCookie });
      if (o.status === 200) expect(o.backend!.headers.values('Cookie')).toEqual([]);
    }
  });
});
