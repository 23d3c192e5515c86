/**
 * Kong: a client's spelling of an identity, forwarding or override header (any case, `_` for any
 * `-`: PHP, Rack and CGI/WSGI backends read X_Consumer_Username as X-Consumer-Username, DESIGN.md
 * 7.3) never reaches the backend, however many headers come before it, while the identity headers
 * Kong's own auth plugins set after verification still do (issue #18: the removal became a
 * pre-function that compares each request header's normalised name, src/targets/kong/header-family.ts).
 * Request by request through the oracle (kong-oracle.ts), whose pre-function chunks run for real in
 * fengari with Kong's get_headers limits (lua-headers.ts) and whose request-transformer reads the
 * first lua_max_req_headers (100) lines only, as Kong's access.lua does.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CLIENT_FORWARDING_HEADERS,
  FOREIGN_IDENTITY_HEADERS,
  GATEWAY_IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  URL_OVERRIDE_HEADERS,
} from '../../../src/model/overrides.js';
import { evaluate, type DeckDoc, type Outcome } from './kong-oracle.js';
import { compile, loc, shop, url } from './model.js';

const env = { DECK_ALICE_API_KEY: 'k-alice', DECK_OPS_PASSWORD: 'p-ops' };
const alice = { 'x-api-key': 'k-alice' };
const FAMILY = [...FOREIGN_IDENTITY_HEADERS, ...GATEWAY_IDENTITY_HEADERS, ...CLIENT_FORWARDING_HEADERS, ...URL_OVERRIDE_HEADERS, ...METHOD_OVERRIDE_HEADERS, 'X-User-Id'];

/** A client's other spellings of `h`: `_` for every `-`, for the first one only, upper case, both. */
function spellings(h: string): string[] {
  return [...new Set([h.replace(/-/g, '_'), h.replace('-', '_'), h.toUpperCase(), h.toUpperCase().replace(/-/g, '_'), h.toLowerCase().replace(/-([^-]*)$/, '_$1')])];
}

function doc(): DeckDoc {
  const g = shop();
  g.routes.push({ ...g.routes.find((r) => r.id === 'getDocs')!, id: 'publicPing', operationId: 'publicPing', path: '/ping', publicPath: '/v1/ping', backend: 'users', policy: {} });
  // On a scheme no route requires: on a required one Kong refuses it (it cannot call the service the
  // backend relies on, forward-auth-not-callable, red team 10); its answer header is removed anyway.
  g.securitySchemes.push({
    name: 'svc', kind: 'forward', openapiType: 'http', hideCredentials: true, loc: loc('/components/securitySchemes/svc'),
    forwardAuth: { url: url('http://auth.internal/check'), requestHeaders: [], responseHeaders: ['x-user-id'], loc: loc('/components/securitySchemes/svc/x-gateway/forwardAuth') },
  });
  const r = compile(g);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), JSON.stringify(r.diagnostics)).toEqual([]);
  return parse(r.yaml) as DeckDoc;
}

/** The upstream headers still holding a client's forged value. */
const forged = (o: Outcome) => Object.entries(o.upstream?.headers ?? {}).filter(([, v]) => v === 'forged').map(([k]) => k);
/** `n` padding lines the backend may have. */
const padding = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-pad-${i}`, 'pad']));

const ROUTES = [
  ['a public route', 'GET', '/v1/ping', {}],
  ['an API-key route', 'GET', '/v1/users/42', alice],
  ['an API-key route that removes X-Debug', 'POST', '/v1/users', alice],
] as const;
/** What each route removes besides the family: its own requestHeaders.remove. */
const OWN: Record<string, Record<string, string>> = { '/v1/users': { 'X-Debug': 'forged', X_Debug: 'forged' } };

describe('kong: every client spelling of an identity, forwarding or override header is removed', () => {
  const d = doc();

  it.each(FAMILY)('%s, any case and separator, on public and authenticated routes', (h) => {
    for (const [what, method, path, auth] of ROUTES) {
      const o = evaluate(d, { method, path, headers: { ...Object.fromEntries(spellings(h).map((s) => [s, 'forged'])), ...auth } }, env);
      expect(o.status, `${what} ${h}`).toBe(200);
      expect(forged(o), `${what} ${h}`).toEqual([]);
    }
  });

  it('X_Consumer_Username, x-consumer_id and X-CONSUMER-CUSTOM-ID never reach the backend; Kong\'s own consumer headers do, as before', () => {
    const sent = { X_Consumer_Username: 'forged', 'x-consumer_id': 'forged', 'X-CONSUMER-CUSTOM-ID': 'forged', 'X-Consumer-Username': 'forged', X_Anonymous_Consumer: 'forged', 'x-credential_identifier': 'forged' };
    const pub = evaluate(d, { method: 'GET', path: '/v1/ping', headers: sent }, env);
    expect(pub.status).toBe(200);
    expect(forged(pub)).toEqual([]);
    expect(Object.keys(pub.upstream!.headers).filter((k) => /consumer|credential/.test(k))).toEqual([]);
    const key = evaluate(d, { method: 'GET', path: '/v1/users/42', headers: { ...sent, ...alice } }, env);
    expect(key.status).toBe(200);
    expect(forged(key)).toEqual([]);
    const aliceId = (d.consumers ?? []).find((c) => c.username === 'shop.alice')!.id;
    const identity = Object.fromEntries(Object.entries(key.upstream!.headers).filter(([k]) => /consumer|credential/.test(k)));
    expect(identity).toEqual({ 'x-consumer-id': aliceId, 'x-consumer-username': 'shop.alice' });
  });

  it('a header the route sets itself still wins, and one it removes is still removed in every spelling', () => {
    const o = evaluate(d, { method: 'POST', path: '/v1/users', headers: { ...alice, 'X-Gateway': 'forged', X_Gateway: 'forged', 'X-Debug': 'forged', X_DEBUG: 'forged' } }, env);
    expect(o.upstream?.headers['x-gateway']).toBe('shop');
    expect(forged(o)).toEqual([]);
  });

  it('a request with a few dozen ordinary headers passes unchanged', () => {
    const o = evaluate(d, { method: 'GET', path: '/v1/users/42', headers: { ...padding(60), ...alice } }, env);
    expect(o.status).toBe(200);
    expect(o.upstream?.headers['x-pad-59']).toBe('pad');
  });
});

describe('kong: a spelling after many other headers is removed too, or the request refused', () => {
  const d = doc();
  const bad = { X_Consumer_Username: 'forged', 'x-forwarded_user': 'forged', 'X-Forwarded-User': 'forged', 'x-http-method-override': 'forged' };
  // request-transformer reads the first 100 lines (get_headers() at lua_max_req_headers): before
  // #18's pre-function, a removed header sent after 100 others reached the backend.
  for (const n of [90, 150, 999, 1200]) {
    // request-transformer's remove.headers is applied to `get_headers()`, the first
    // lua_max_req_headers (100) lines (access.lua transform_headers: cleared only `if
    // headers[name]`): before #18's pre-function, a removed header sent after 100 padding lines
    // reached the backend. The pre-function reads 1000 and refuses more than 100 (431).
it(`${n} padding headers first: nothing forged reaches the backend`, () => {
      for (const [what, method, path, auth] of ROUTES) {
        const o = evaluate(d, { method, path, headers: { ...auth, ...padding(n), ...bad, ...OWN[path] } }, env);
        if (o.upstream) expect(forged(o), `${what}: ${n} headers first`).toEqual([]);
        else expect(o.status, `${what}: ${n} headers first`).toBe(431);
      }
    });
  }
});
