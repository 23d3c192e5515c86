/**
 * The auth of each route of fixtures/oidc on the HTTP API flavour, by the oracle (oracle.ts, which
 * reads only the template) against the spec's own security requirements (the model): for every
 * route and every token, API Gateway admits exactly the callers the spec admits. Wrong issuer,
 * wrong audience, expired, unsigned and missing tokens are 401 everywhere a route is protected; a
 * missing scope is 403; a protected route is never AuthorizationType NONE.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../../src/api.js';
import type { Route } from '../../../../src/model/types.js';
import { type Claims, HttpApiOracle, NOW } from './oracle.js';

const FIXTURE = path.resolve(__dirname, '../../../../fixtures/oidc/gateway.yaml');
const GOOD: Claims = { iss: 'https://id.example.com/', aud: 'bookings-api', exp: NOW + 600, iat: NOW - 10, signedByIssuer: true };
const SCOPE_SETS = [[], ['read:bookings'], ['write:bookings'], ['admin:bookings'], ['delete:bookings'], ['read:bookings', 'write:bookings'], ['other']];

/** What the spec says: OR of alternatives, AND of schemes, every scope of an item held. */
function specAdmits(route: Route, scopes: string[]): boolean {
  if (route.security.length === 0) return true;
  return route.security.some((alt) => alt.every((item) => item.scopes.every((s) => scopes.includes(s))));
}

const concrete = (p: string) => p.replace(/\{[^}]+\}/g, 'b-1');

describe('aws api=http: who gets through each route of fixtures/oidc', async () => {
  const built = await buildTarget(FIXTURE, { target: 'aws', options: { api: 'http' } });
  const template = JSON.parse(built.files[0]!.contents);
  const oracle = new HttpApiOracle(template);
  const routes = built.gateway!.routes;
  const send = (r: Route, claims: Claims | undefined, header = 'Authorization', prefix = 'Bearer ') => {
    const tokens = new Map(claims ? [['tok', claims]] : []);
    return oracle.request(r.method, concrete(r.path), claims ? { [header]: `${prefix}tok` } : {}, tokens);
  };

  it('every route is reached on its own route key', () => {
    for (const r of routes) expect(send(r, { ...GOOD, scope: 'read:bookings write:bookings admin:bookings' }).routeKey).toBe(`${r.method} ${r.path}`);
  });

  it('a route the spec secures is never NONE', () => {
    const byKey = Object.fromEntries(Object.values<any>(template.Resources).filter((x) => x.Type === 'AWS::ApiGatewayV2::Route').map((x) => [x.Properties.RouteKey, x.Properties]));
    for (const r of routes) {
      const type = byKey[`${r.method} ${r.path}`].AuthorizationType;
      expect(type, r.id).toBe(r.security.length === 0 ? 'NONE' : 'JWT');
    }
  });

  it.each(SCOPE_SETS.map((s) => [s.join(' ') || '(no scope)', s] as const))('a valid token with %s: admitted exactly where the spec admits it', (_n, scopes) => {
    for (const r of routes) {
      const d = send(r, { ...GOOD, scope: scopes.join(' ') });
      expect(d.status === 200, `${r.id} with [${scopes}]: ${d.why}`).toBe(specAdmits(r, [...scopes]));
      if (d.status !== 200) expect(d.status, r.id).toBe(403);
    }
  });

  it('scp (array) is read as scope is', () => {
    const r = routes.find((x) => x.id === 'listBookings')!;
    expect(send(r, { ...GOOD, scp: ['read:bookings'] }).status).toBe(200);
  });

  it.each([
    ['a missing token', undefined],
    ['another issuer', { ...GOOD, iss: 'https://evil.example.com/' }],
    ['the issuer without its trailing slash', { ...GOOD, iss: 'https://id.example.com' }],
    ['another audience', { ...GOOD, aud: 'other-app' }],
    ['no audience at all', { ...GOOD, aud: undefined }],
    ['an expired token', { ...GOOD, exp: NOW - 1 }],
    ['a token not valid yet', { ...GOOD, nbf: NOW + 60 }],
    ['a signature by other keys', { ...GOOD, signedByIssuer: false }],
  ] as Array<[string, Claims | undefined]>)('%s is 401 on every protected route', (_n, claims) => {
    const all = 'read:bookings write:bookings admin:bookings delete:bookings';
    for (const r of routes) {
      const d = send(r, claims && { ...claims, scope: all });
      expect(d.status, `${r.id}: ${d.why}`).toBe(r.security.length === 0 ? 200 : 401);
    }
  });

  it('an audience in client_id (no aud) passes as AWS documents', () => {
    const r = routes.find((x) => x.id === 'getReports')!;
    expect(send(r, { ...GOOD, aud: undefined, client_id: 'bookings-api' }).status).toBe(200);
  });
});
