/**
 * Red team 10, Kong and AWS (REST and HTTP API): `x-gateway.forwardAuth` on a scheme the target
 * verifies itself. Neither can call a service (Kong OSS bundles no forward-auth plugin; API
 * Gateway's only hook is a Lambda authorizer), and both answered the keys `ignored` (keys.ts): no
 * word at build or lint. So:
 * - a service sent only the credential (a fallback for Traefik) was dropped silently: now
 *   forward-auth-not-called, a warning at the scheme's forwardAuth;
 * - a service whose answer headers the backend reads as the caller (responseHeaders: X-User-Id)
 *   or which verifies request headers besides the credential (requestHeaders: X-Session) built
 *   without it: the backend never got the identity, and read a client's X-Session as if the
 *   service had verified it. Now forward-auth-not-callable, a refusal at that list, which lint
 *   reports at the same node (DESIGN.md 7.7);
 * - the answer headers stay removed from every client request in every spelling on the routes of
 *   schemes that do not need them (Kong's kong-oracle, AWS REST's request oracle, HTTP API mapping).
 * nginx and Traefik call such a service beside their own check (redteam10-forward-fallback-nginx,
 * -traefik).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const spec = (security: string, schemes: string) => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt10
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
  consumers:
    c1: { credentials: { hk: '\${env:A1}' } }
    c2: { credentials: { hr: '\${env:A2}' } }
    c3: { credentials: { hs: '\${env:A3}' } }
    c4: { credentials: { hso: '\${env:A4}' } }
    c5: { credentials: { bs: { username: alice, password: '\${env:P}' } } }
paths:
  /r: { get: { operationId: r, security: ${security}, responses: ${ok} } }
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
${schemes}`;
const SCHEMES = `    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
    hr: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k', responseHeaders: [X-User-Id] } } }
    hs: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k', requestHeaders: [X-Session] } } }
    hso: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k', requestHeaders: [X-Api-Key] } } }
    bs: { type: http, scheme: basic, x-gateway: { forwardAuth: { url: 'http://auth.internal/b', responseHeaders: [X-User-Id] } } }
    lf: { type: http, scheme: bearer, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/f', requestHeaders: [X-Session] }, lambdaAuthorizer: { arn: '${ARN}', type: request, identitySource: [method.request.header.Authorization, method.request.header.X-Session] } } }
    lr: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/f', responseHeaders: [X-User-Id] }, lambdaAuthorizer: { arn: '${ARN}' } } }
`;

type Where = { target: string; options?: Record<string, string> };
const KONG: Where = { target: 'kong' };
const AWS: Where = { target: 'aws' };
const HTTP: Where = { target: 'aws', options: { api: 'http' } };

async function both(w: Where, security: string) {
  const file = writeSpec(spec(security, SCHEMES));
  const b = await buildTarget(file, { target: w.target, options: w.options ?? {} });
  const l = await lint(file, { target: w.target, ...(w.options ? { targetOptions: { [w.target]: w.options } } : {}) } as Parameters<typeof lint>[1]);
  const mine = (ds: Array<{ severity: string; code: unknown; params?: unknown; loc?: { pointer: string } }>) =>
    ds
      .map((d) => [String((d.params as { code?: string } | undefined)?.code ?? d.code), d.severity, d.loc?.pointer ?? ''])
      .filter(([c]) => c!.startsWith('forward-auth'));
  return { built: mine(b.diagnostics), linted: mine(l.diagnostics), files: b.files?.length ?? 0, errors: b.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) };
}

const FA = (s: string, part = '') => `/components/securitySchemes/${s}/x-gateway/forwardAuth${part}`;

describe('red team 10, Kong and AWS: forwardAuth on a scheme the target verifies itself', () => {
  // Mechanism: keys.ts answered scheme.forwardAuth `ignored`; nothing said it at build or lint.
  it.each([
    ['kong', KONG],
    ['aws', AWS],
  ] as const)('%s: a service sent only the key is not called, and build and lint say so at its forwardAuth', async (_n, w) => {
    const r = await both(w, '[{ hk: [] }]');
    expect(r.errors).toEqual([]);
    expect(r.built).toEqual([['forward-auth-not-called', 'warn', FA('hk')]]);
    expect(r.linted).toEqual(r.built);
  });

  it('kong: a key whose service also reads its own header (requestHeaders: [X-Api-Key]) is a fallback, not a refusal', async () => {
    const r = await both(KONG, '[{ hso: [] }]');
    expect(r.errors).toEqual([]);
    expect(r.built).toEqual([['forward-auth-not-called', 'warn', FA('hso')]]);
  });

  // Mechanism: responseHeaders answered `emulated` (removed from clients): the build passed and the
  // backend relying on X-User-Id never got it on Kong or AWS.
  it.each([
    ['kong hr', KONG, 'hr', '/responseHeaders'],
    ['kong bs', KONG, 'bs', '/responseHeaders'],
    ['kong hs', KONG, 'hs', '/requestHeaders'],
    ['aws hr', AWS, 'hr', '/responseHeaders'],
    ['aws hs', AWS, 'hs', '/requestHeaders'],
    ['aws lr (a Lambda authorizer cannot answer X-User-Id)', AWS, 'lr', '/responseHeaders'],
    ['aws http lr', HTTP, 'lr', '/responseHeaders'],
  ] as const)('%s: a service the backend relies on is refused at that list, by build and lint alike', async (_n, w, s, part) => {
    const r = await both(w, `[{ ${s}: [] }]`);
    expect(r.built).toEqual([['forward-auth-not-callable', 'error', FA(s, part)]]);
    expect(r.files).toBe(0);
    expect(r.linted.filter((d) => d[1] === 'error')).toEqual(r.built);
  });

  it.each([
    ['aws', AWS],
    ['aws http', HTTP],
  ] as const)("%s: a Lambda authorizer given the service's request headers (identitySource) verifies them: a warning only", async (_n, w) => {
    const r = await both(w, '[{ lf: [] }]');
    expect(r.errors).toEqual([]);
    expect(r.built).toEqual([['forward-auth-not-called', 'warn', FA('lf')]]);
  });

  it('a scheme no route requires is not said (its answer headers are still removed from clients)', async () => {
    const r = await both(KONG, '[{ hk: [] }]');
    expect(r.built.map((d) => d[2])).toEqual([FA('hk')]);
  });
});
