/**
 * Red team 12, every target: `x-gateway.header` on a bearer scheme its forwardAuth service verifies
 * (no issuer, jwksUri or publicKeys: model kind `forward`) was dropped without a word (class: a
 * scheme setting that moves the credential, silently not applied; DESIGN.md 7.1, 7.3).
 *
 * Mechanism: model/normalise/security.ts reads `header` only inside jwtConfig, which returns
 * undefined without a key source, so the scheme becomes kind `forward` with no header at all; every
 * target then takes a forward scheme's credential to be `Authorization` (nginx security.ts
 * forwardView/hiddenHeaders, runtime.js present(); Traefik credentials.ts credentialHeader answers
 * nothing for `forward`, authRequestHeaders is Authorization). The spec says the token travels in
 * X-Token and is stripped before the backend: instead the service is sent Authorization, a caller
 * holding ANY token the service accepts (their own) passes with it in Authorization, and X-Token,
 * never verified and never removed, reaches the backend with whatever claims the caller wrote
 * (the header the spec names as the caller's credential). A client sending the token where the spec
 * says is refused (fail closed), which is how it goes unnoticed in a happy-path test.
 *
 * FIXED (model/normalise/security.ts headerNotRead): `header` on a scheme that is not a JWT the
 * gateway verifies itself is refused at the `header` line (schema-invalid) on every target and in
 * lint, unless it names what the scheme reads anyway (Authorization for basic, forward and Lambda
 * bearers; an API key's own header). The attacks below stay: each builds only if the header is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, unsecuredPublic, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';
import { HOST, NGINX, compileSpec, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 12 forward header, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt12h
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /me: { get: { operationId: me, security: [{ tok: [] }], responses: ${ok} } }
components:
  securitySchemes:
    tok:
      type: http
      scheme: bearer
      x-gateway:
        header: X-Token
        forwardAuth: { url: "http://tok.internal:9000/verify" }
`;
const POINTER = '/components/securitySchemes/tok/x-gateway/header';
/** A token the service accepts: the caller's own, low-privilege one. */
const MINE = 'Bearer GOOD-mallory-1201';
/** What the caller writes in the header the spec names: claims nobody verified. */
const FORGED = 'Bearer FORGED-admin-1202';
const verifier = (header: string) => (call: AuthCall) => (call.headers.values(header).some((v) => v.includes('GOOD')) ? { status: 200 } : { status: 401 });

describe('red team 12: header on a bearer scheme only its forwardAuth service verifies', () => {
  it('is refused at the header line on every target, and lint says so at the same line', async () => {
    const loaded = await gatewayOf(SPEC);
    const model = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.loc?.pointer]);
    const byTarget: Record<string, unknown> = {};
    for (const target of ['nginx', 'traefik', 'kong', 'aws']) {
      const r = loaded.gateway ? compileGateway(unsecuredPublic(loaded.gateway), target) : undefined;
      const at = [...model, ...(r?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => [d.code, d.loc?.pointer])].filter(([, p]) => p === POINTER);
      byTarget[target] = at.length > 0;
    }
    expect(byTarget).toEqual({ nginx: true, traefik: true, kong: true, aws: true });
    const linted = (await lint(writeSpec(SPEC), { target: 'nginx' })).diagnostics.filter((d) => d.severity === 'error' && d.loc?.pointer === POINTER);
    expect(linted.length).toBeGreaterThan(0);
  });

  // The same mechanism on every scheme that is not a JWT the gateway verifies: basic and a Lambda
  // authorizer's token are read from Authorization, an API key from its OpenAPI name.
  it.each([
    ['basic', '{ type: http, scheme: basic, x-gateway: { header: X-Basic } }', true],
    ['a Lambda-authorized bearer', '{ type: http, scheme: bearer, x-gateway: { header: X-Token, lambdaAuthorizer: { arn: "arn:aws:lambda:eu-west-1:123456789012:function:auth" } } }', true],
    ['an API key in another header', '{ type: apiKey, in: header, name: X-Api-Key, x-gateway: { header: X-Other } }', true],
    ['an API key in the query', '{ type: apiKey, in: query, name: api_key, x-gateway: { header: X-Api-Key } }', true],
    ['control: an API key naming its own header', '{ type: apiKey, in: header, name: X-Api-Key, x-gateway: { header: x-api-key } }', false],
    ['control: a JWT verified here', '{ type: http, scheme: bearer, x-gateway: { header: X-Token, issuer: "https://id.test/", audiences: [shop], jwksUri: "https://id.test/jwks" } }', false],
  ])('%s with a header of its own: refused at the header line (%s)', async (_what, def, refused) => {
    const loaded = await gatewayOf(SPEC.replace(/    tok:\n[\s\S]*$/, `    tok: ${def}\n`));
    const at = loaded.diagnostics.filter((d) => d.severity === 'error' && d.loc?.pointer === POINTER);
    expect(at.length > 0).toBe(refused);
  });

  it('header: Authorization (what the service is sent anyway) still builds', async () => {
    const loaded = await gatewayOf(SPEC.replace('header: X-Token', 'header: Authorization'));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(compileGateway(unsecuredPublic(loaded.gateway!), 'nginx').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('traefik (oracle): when it builds, the service verifies X-Token and a forged X-Token never reaches the backend', async () => {
    const c = await compileCase(writeSpec(SPEC));
    const config = c.built?.config as TraefikConfig | undefined;
    if (!config || c.built!.result.diagnostics.some((d) => d.severity === 'error')) return; // refused: secure
    const both = send(config, { method: 'GET', host: HOST, target: '/v1/me', headers: { Authorization: MINE, 'X-Token': FORGED }, tls: true }, { auth: verifier('Authorization') });
    expect(JSON.stringify(both.backend?.headers.values('X-Token') ?? []), 'a forged X-Token reached the backend').not.toContain('FORGED');
    const own = send(config, { method: 'GET', host: HOST, target: '/v1/me', headers: { 'X-Token': MINE }, tls: true }, { auth: verifier('X-Token') });
    expect(own.status, 'the token where the spec says it is').toBe(200);
  });
});

describe.skipIf(!NGINX)('red team 12, nginx (real): header on a forward-verified bearer scheme', () => {
  let lab: AuthLab | undefined;
  let refused = false;
  beforeAll(async () => {
    const { result } = await compileSpec(SPEC, {}).catch(() => ({ result: { diagnostics: [{ severity: 'error' }] } }));
    refused = result.diagnostics.some((d) => d.severity === 'error');
    if (!refused) lab = await startLab(SPEC, { forward: { tok: (e) => ({ status: JSON.stringify(e.headers).includes('GOOD') ? 204 : 401 }) } });
  });
  afterAll(async () => lab?.stop());

  it('when it builds: the token in X-Token opens the route, and a forged X-Token never reaches the backend', async () => {
    if (refused || !lab) return; // refused: secure
    const both = await lab.call('GET', '/v1/me', { authorization: MINE, 'x-token': FORGED });
    for (const h of both.hits) expect(h.headers['x-token'] ?? '', 'a forged X-Token reached the backend').not.toContain('FORGED');
    const own = await lab.call('GET', '/v1/me', { 'x-token': MINE });
    expect(own.r.status, 'the token where the spec says it is').toBe(200);
  });
});
