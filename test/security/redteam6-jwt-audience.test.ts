/**
 * Red team 6, jwt-audience-missing (0f29464) on every target: lint = build (same codes, same lines)
 * for the spellings of a scheme without a usable audience, and no spelling that silences the
 * refusal while checking nothing. `audiences: [""]` did: a non-empty list, so no
 * jwt-audience-missing, and nginx then admits only a token whose aud is "" (none an issuer mints
 * for an application) while Kong, which checks no aud, built the scheme as if it named one. The
 * schema now refuses an empty audience (minLength 1) at the item.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "responses: { '200': { description: ok } }";
const spec = (scheme: string, accept = '') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: aud
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }${accept}
paths:
  /me: { get: { operationId: me, security: [{ idp: [] }], ${ok} } }
components:
  securitySchemes:
    idp:
${scheme}
`;
const KONG = "\n  accept: { kong: [{ feature: auth.jwt, reason: 'static keys, exp only' }] }";
const PEM = 'publicKeys: ["${env:IDP_PEM}"]';
const bearer = (xg: string) => `      type: http\n      scheme: bearer\n      x-gateway: { issuer: https://id.example/, ${xg} }`;
const TARGETS: Array<[string, Record<string, string>, string]> = [['nginx', {}, ''], ['kong', {}, KONG], ['aws', {}, ''], ['aws', { api: 'http' }, ''], ['traefik', {}, '']];
type D = { severity: string; code: unknown; params?: Record<string, unknown>; position?: { line: number } };
const errors = (ds: D[], relayed: boolean) => ds.filter((d) => d.severity === 'error').map((d) => `${String(relayed && d.params?.code ? d.params.code : d.code)}@${d.position?.line}`).sort();

async function both(scheme: string, target: string, options: Record<string, string>, accept: string) {
  const file = writeSpec(spec(scheme, accept));
  const built = await buildTarget(file, { target, options });
  const linted = await lint(file, { target, targetOptions: { [target]: options } });
  return { built: errors(built.diagnostics as D[], false), files: built.files.length, linted: errors(linted.diagnostics as D[], true) };
}

describe('red team 6: jwt-audience-missing, lint = build on every target', () => {
  const CASES: Array<[string, string]> = [
    ['anyAudience: false', bearer(`anyAudience: false, ${PEM}`)],
    ['openIdConnect with a public key', `      type: openIdConnect\n      openIdConnectUrl: https://id.example/.well-known/openid-configuration\n      x-gateway: { ${PEM} }`],
    ['oauth2 with a jwksUri', `      type: oauth2\n      flows: { clientCredentials: { tokenUrl: https://id.example/t, scopes: {} } }\n      x-gateway: { issuer: https://id.example/, jwksUri: https://id.example/jwks }`],
    ['HS256 over a jwksUri', bearer('algorithms: [HS256], jwksUri: https://id.example/jwks')],
    ['algorithms: []', bearer(`algorithms: [], ${PEM}`)],
  ];
  for (const [label, scheme] of CASES) {
    it.each(TARGETS)(`${label}: %s %o builds nothing, lint says what build says`, async (target, options, accept) => {
      const r = await both(scheme, target, options, accept);
      expect(r.files).toBe(0);
      expect(r.built.length).toBeGreaterThan(0);
      expect(r.linted).toEqual(r.built);
    });
  }

  it.each(TARGETS)('audiences: [""] is refused at the item (schema), lint = build: %s %o', async (target, options, accept) => {
    const r = await both(bearer(`audiences: [""], ${PEM}`), target, options, accept);
    expect(r.files).toBe(0);
    expect(r.built).toContain(`schema-invalid@${accept ? 16 : 15}`);
    expect(r.linted).toEqual(r.built);
  });

  it('control: a named audience still builds on nginx and Kong', async () => {
    for (const [target, accept] of [['nginx', ''], ['kong', KONG]] as const) {
      const r = await both(bearer(`audiences: [shop-api], ${PEM}`), target, {}, accept);
      expect(r.built, target).toEqual([]);
      expect(r.files, target).toBeGreaterThan(0);
    }
  });
});
