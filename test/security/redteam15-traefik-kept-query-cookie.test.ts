/**
 * Red team 15, Traefik (request oracle): 49db3d2 (traefik-kept-header-credential) refuses a KEPT
 * HEADER credential because its verifier reads one line while Traefik passes every line on. The same
 * mechanism stands for the kept carriers Traefik cannot hide at all, which gwc still builds:
 *
 * - a query API key (hideCredentials: false is REQUIRED on Traefik, traefik-credential-not-hidden):
 *   `?api_key=<alice's>&api_key=<forged>`. The forwardAuth service reads the key from X-Forwarded-Uri
 *   with Go's url.Values.Get / Spring's getParameter (the FIRST value) and says 200; Traefik forwards
 *   the raw query whole, and a backend reading the LAST value (PHP $_GET, Django QueryDict.get,
 *   Express's qs gives an array) takes the forged/other user's key nobody verified.
 * - a kept cookie key: `Cookie: sid=<alice's>; sid=<forged>`: Go's Request.Cookie (the first) at the
 *   service, Django's parse_cookie (dict, the LAST) at the backend.
 * No router guard counts a query name's occurrences or a cookie's; nginx/Kong refuse a repeated key.
 * Safe behaviour: refused at build (as for a kept header) or the request refused / only one value
 * reaching the backend. Open: it.fails.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt15q
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /c: { get: { operationId: c, security: [{ ck: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/k' } } }
    ck: { type: apiKey, in: cookie, name: sid, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/c' } } }
`;

/** A Go key service: url.Values.Get, the FIRST api_key of the URI it is told. */
const firstQuery = (call: AuthCall) => {
  const uri = call.headers.get('X-Forwarded-Uri') ?? '';
  const q = new URLSearchParams(uri.includes('?') ? uri.slice(uri.indexOf('?') + 1) : '');
  return q.get('api_key') === 'key-a' ? { status: 200 } : { status: 401 };
};
/** A Go cookie service: Request.Cookie, the FIRST sid. */
const firstCookie = (call: AuthCall) => {
  const m = /(?:^|;\s*)sid=([^;]*)/.exec(call.headers.get('Cookie') ?? '');
  return m?.[1] === 'sid-a' ? { status: 200 } : { status: 401 };
};

describe('red team 15, Traefik: a kept query/cookie key sent twice', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built?.config as TraefikConfig;
  const go = (target: string, headers: Record<string, string>, auth: (c: AuthCall) => { status: number }) =>
    send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth });
  const built_ = built !== undefined && built.result.diagnostics.every((d) => d.severity !== 'error');

  it('control: builds; one key of each opens its route, a wrong one does not', () => {
    expect(built_).toBe(true);
    expect(go('/v1/q?api_key=key-a', {}, firstQuery).status).toBe(200);
    expect(go('/v1/q?api_key=nope', {}, firstQuery).status).toBe(401);
    expect(go('/v1/c', { Cookie: 'sid=sid-a' }, firstCookie).status).toBe(200);
    expect(go('/v1/c', { Cookie: 'sid=nope' }, firstCookie).status).toBe(401);
  });

  // Mechanism: the service verified the first api_key; Traefik forwarded the raw query whole, the
  // second (unverified) api_key reaches a backend reading the last value (PHP, Django).
  it.fails('query key: a second api_key never reaches the backend unverified', () => {
    if (!built_) return; // refused at build: safe
    const o = go('/v1/q?api_key=key-a&api_key=bob-key', {}, firstQuery);
    if (o.status !== 200) return; // refused: safe
    expect(new URLSearchParams(o.backend!.rawQuery).getAll('api_key')).toEqual(['key-a']);
  });

  // Mechanism: Go's Request.Cookie reads the first sid, Django's parse_cookie keeps the last.
  it.fails('cookie key: a second sid cookie never reaches the backend unverified', () => {
    if (!built_) return;
    const o = go('/v1/c', { Cookie: 'sid=sid-a; sid=bob-sid' }, firstCookie);
    if (o.status !== 200) return;
    const sids = (o.backend!.headers.values('Cookie').join('; ').match(/(?:^|;\s*)sid=[^;]*/g) ?? []);
    expect(sids.length).toBe(1);
  });
});
