/**
 * Secure by default (product decision after red team 3, redteam3-nginx-jwt): a JWT scheme verified
 * with a key the API does not own alone (public keys RS/ES/PS/EdDSA, a jwksUri, a Cognito pool's or
 * an OIDC issuer's published keys) that names no audiences admits a token the same issuer minted for
 * any other application. Every target that verifies such a token itself refuses it at the scheme
 * with one code (jwt-audience-missing, src/targets/jwt-audience.ts), and lint says the same at the
 * same line and column; `anyAudience: true` is the visible opt-out (a lint warning where written).
 * HS* secrets keep building; a scheme a target hands to a forwardAuth service is the service's.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "responses: { '200': { description: ok } }";
const COGNITO = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123';
/** `idp:` (the scheme's own line) is line 12, its x-gateway line 15; an accept block adds one. */
const spec = (xg: string, accept = '') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: aud
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }${accept}
paths:
  /me: { get: { operationId: me, security: [{ idp: [] }], ${ok} } }
components:
  securitySchemes:
    idp:
      type: http
      scheme: bearer
      x-gateway: { ${xg} }
`;
const KONG = "\n  accept: { kong: [{ feature: auth.jwt, reason: 'static keys, exp only' }] }";
const PEM = 'publicKeys: ["${env:IDP_PEM}"]';
/** Each target verifying the token itself, with the spec it builds and what it says it verifies with. */
const CASES = [
  { target: 'nginx', options: {}, xg: `issuer: https://id.example/, ${PEM}`, accept: '', keys: 'public keys (RS256)' },
  { target: 'nginx', options: {}, xg: 'issuer: https://id.example/, jwksUri: https://id.example/jwks.json', accept: '', keys: 'a key set (jwksUri)' },
  { target: 'nginx', options: {}, xg: `issuer: https://id.example/, algorithms: [ES384, RS512], ${PEM}`, accept: '', keys: 'public keys (ES384, RS512)' },
  { target: 'kong', options: {}, xg: `issuer: https://id.example/, algorithms: [ES256], ${PEM}`, accept: KONG, keys: 'public keys (ES256)' },
  { target: 'aws', options: {}, xg: `issuer: ${COGNITO}`, accept: '', keys: "its Cognito user pool's keys" },
  { target: 'aws', options: { api: 'http' }, xg: 'issuer: https://id.example/', accept: '', keys: "its issuer's published keys" },
] as const;
type D = { severity: string; code: unknown; params?: Record<string, unknown>; loc?: { pointer: string }; position?: { line: number; column: number } };
const found = (ds: D[]) => ds.filter((d) => d.code === 'jwt-audience-missing').map((d) => ({ severity: d.severity, params: d.params, pointer: d.loc?.pointer, line: d.position?.line, column: d.position?.column }));
const at = (c: { accept: string }) => ({ pointer: '/components/securitySchemes/idp', line: c.accept ? 13 : 12, column: 5 });

describe('jwt-audience-missing: one refusal on every target that would accept any audience', () => {
  it.each(CASES)('$target $options.api: $keys without audiences is refused at the scheme; lint says it at the same line', async (c) => {
    const file = writeSpec(spec(c.xg, c.accept));
    const built = await buildTarget(file, { target: c.target, options: c.options });
    expect(found(built.diagnostics as D[])).toEqual([{ severity: 'error', params: { scheme: 'idp', keys: c.keys }, ...at(c) }]);
    expect(built.files).toEqual([]);
    const linted = (await lint(file, { target: c.target, targetOptions: { [c.target]: c.options } })).diagnostics as D[];
    const relayed = linted.filter((d) => d.code === 'target-compile' && d.params?.code === 'jwt-audience-missing');
    expect(relayed.map((d) => ({ severity: d.severity, pointer: d.loc?.pointer, line: d.position?.line, column: d.position?.column }))).toEqual([{ severity: 'error', ...at(c) }]);
  });

  it.each(CASES)('$target $options.api: with audiences it is not refused for them', async (c) => {
    // Cognito's authorizer cannot check an audience at all: audiences there are its own refusal.
    const xg = `${c.xg}, audiences: [shop-api]`;
    const built = await buildTarget(writeSpec(spec(xg, c.accept)), { target: c.target, options: c.options });
    expect(found(built.diagnostics as D[])).toEqual([]);
    if (c.keys.includes('Cognito')) expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('aws-cognito-audiences');
  });

  it.each(CASES)('$target $options.api: anyAudience: true is the opt-out; lint warns at its line', async (c) => {
    const file = writeSpec(spec(`${c.xg}, anyAudience: true`, c.accept));
    const built = await buildTarget(file, { target: c.target, options: c.options });
    const errors = built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    // An HTTP API JWT authorizer requires a list of audiences: it cannot take any.
    expect(errors).toEqual('api' in c.options ? ['aws-http-jwt-audience-missing'] : []);
    const linted = (await lint(file, { target: c.target, targetOptions: { [c.target]: c.options } })).diagnostics as D[];
    expect(linted.filter((d) => d.code === 'jwt-any-audience').map((d) => ({ severity: d.severity, line: d.position?.line, pointer: d.loc?.pointer }))).toEqual([
      { severity: 'warn', line: c.accept ? 16 : 15, pointer: '/components/securitySchemes/idp/x-gateway/anyAudience' },
    ]);
  });

  it('HS* shared secrets keep building without audiences (nginx, Kong)', async () => {
    const xg = 'issuer: https://id.example/, algorithms: [HS256], publicKeys: ["${env:IDP_SECRET}"]';
    for (const [target, accept] of [['nginx', ''], ['kong', KONG]] as const) {
      const built = await buildTarget(writeSpec(spec(xg, accept)), { target });
      expect(found(built.diagnostics as D[]), target).toEqual([]);
    }
  });

  it('a scheme handed to its forwardAuth service (Traefik; nginx without keys) is the service\'s to check', async () => {
    const xg = "issuer: https://id.example/, forwardAuth: { url: 'http://auth.internal/check' }";
    for (const target of ['traefik', 'nginx']) {
      const built = await buildTarget(writeSpec(spec(xg)), { target });
      expect(found(built.diagnostics as D[]), target).toEqual([]);
    }
  });

  it('audiences and anyAudience: true together are refused at anyAudience (which one is meant is not ours to guess)', async () => {
    const built = await buildTarget(writeSpec(spec(`issuer: https://id.example/, ${PEM}, audiences: [a], anyAudience: true`)), { target: 'nginx' });
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, (d as D).loc?.pointer])).toEqual([['schema-invalid', '/components/securitySchemes/idp/x-gateway/anyAudience']]);
  });
});
