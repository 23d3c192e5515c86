/**
 * Red team 16, nginx (real traffic), DESIGN.md 7.1: a JWT scheme without an issuer builds on nginx
 * with no diagnostic, and nginx then admits a token of ANY issuer signed by the scheme's keys.
 *
 * Mechanism. runtime.js checkJwt checks `iss` only when the scheme has one
 * (`if (s.issuer !== null && s.issuer !== undefined && claims.iss !== s.issuer) return deny`), and
 * the model gives a scheme an issuer only from x-gateway.issuer or an openIdConnectUrl. Identity
 * providers sign the tokens of many issuers with one key set: Microsoft Entra ID publishes one
 * JWKS for every tenant (login.microsoftonline.com/common/discovery/v2.0/keys; iss names the
 * tenant), and a multi-tenant application's tokens carry the same aud in every tenant. A spec
 * that names the key set and its audience but no issuer (here the set as publicKeys, a jwksUri is
 * read the same way) admits a token that another tenant's user obtained for the application:
 * `Authorization: Bearer <RS256 {iss: "https://login.example/other-tenant/v2.0", aud: "api://shop"}>`
 * -> 200, backend told X-Consumer `entra:<sub>`. Kong and the AWS HTTP API refuse the same scheme
 * at build (kong-jwt-issuer-missing where Kong's jwt plugin is usable, aws-http-jwt-issuer-missing;
 * controls below); nginx and lint
 * for nginx say nothing. (The audience check holds; anyAudience has its own warning, a missing
 * issuer none.)
 *
 * Safe behaviour: refuse (or at least warn, as for anyAudience) a JWT scheme without an issuer on
 * nginx, at the scheme, by build and lint alike, as Kong and the AWS HTTP API do; the fix class
 * is the model's JWT scheme (issuer required unless the user states anyIssuer), not per target.
 *
 * Fixed: jwt-issuer-missing (src/targets/jwt-issuer.ts) refuses, at the scheme, a JWT scheme that a
 * target verifies with public keys or a jwksUri and that names no issuer; lint relays it. No
 * anyIssuer opt-out: every OpenID provider writes iss, and the scheme should name the one it trusts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { now, rsaKeys, token } from '../targets/nginx/jwt.js';
import { bearer, compileSpec, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ok = '{ "200": { description: ok } }';
const idp = rsaKeys();
const MINE = 'https://login.example/shop-tenant/v2.0';
const OTHER = 'https://login.example/other-tenant/v2.0';
const SPEC = `openapi: 3.1.0
info: { title: rt16 jwt issuer, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt16i
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /orders: { get: { operationId: orders, security: [{ entra: [] }], responses: ${ok} } }
  /pinned: { get: { operationId: pinned, security: [{ pinned: [] }], responses: ${ok} } }
components:
  securitySchemes:
    entra: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { audiences: [api://shop], publicKeys: ["\${file:keys/idp.pem}"] } }
    pinned: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: "${MINE}", audiences: [api://shop], publicKeys: ["\${file:keys/idp.pem}"] } }
`;
const tok = (iss: string) => token('RS256', { iss, aud: 'api://shop', sub: 'outsider-1', exp: now() + 300 }, idp.privateKey);

describe('red team 16: a JWT scheme without an issuer (build)', () => {
  // Kong OSS has no JWT verification gwc builds on (capability-unsupported on both routes here;
  // where its jwt plugin is usable, kong-jwt-issuer-missing refuses a scheme without an issuer).
  it('control: Kong and the AWS HTTP API refuse the issuer-less scheme at build', async () => {
    const g = (await gatewayOf(SPEC)).gateway!;
    expect(compileGateway(g, 'kong', {}).diagnostics.filter((d) => d.severity === 'error').length).toBeGreaterThan(0);
    expect(compileGateway(g, 'aws', { api: 'http', publicHosts: 'echo.internal' }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('aws-http-jwt-issuer-missing');
  });

  // Mechanism: no nginx rule or model rule asks for an issuer; checkJwt skips the iss check without one.
  it('nginx build and lint --target nginx say the entra scheme checks no issuer', async () => {
    const { result } = await compileSpec(SPEC, {});
    const built = result.diagnostics.filter((d) => d.severity !== 'info' && /issuer/i.test(`${String(d.code)} ${d.message}`));
    const linted = (await lint(writeSpec(SPEC), { target: 'nginx' })).diagnostics.filter((d) => d.severity !== 'info' && /issuer/i.test(`${String(d.code)} ${d.message}`));
    expect(built.map((d) => d.loc?.pointer)).toContain('/components/securitySchemes/entra');
    expect(linted.length).toBeGreaterThan(0);
    // Lint parity: lint relays the build's code (target-compile, params.code) at the same node.
    const code = (d: (typeof built)[number]) => (d.code === 'target-compile' ? (d.params as { code?: string }).code : d.code);
    const at = (ds: typeof built) => ds.filter((d) => code(d) === 'jwt-issuer-missing').map((d) => d.loc?.pointer);
    expect(at(linted)).toEqual(at(built));
    expect(at(built)).toEqual(['/components/securitySchemes/entra']);
    expect(at((await lint(writeSpec(SPEC), {})).diagnostics)).toContain('/components/securitySchemes/entra');
  });
});

// The spec with the issuer-less scheme no longer builds; the pinned scheme alone runs on nginx.
const PINNED_ONLY = SPEC.replace(/^  \/orders:.*\n/m, '').replace(/^    entra:.*\n/m, '');

describe.skipIf(!NGINX)('red team 16, nginx: a token of another issuer signed by the shared key set', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(PINNED_ONLY, { files: { 'keys/idp.pem': idp.publicPem } });
  });
  afterAll(async () => lab?.stop());

  it('control: the pinned scheme admits its issuer and refuses the other tenant', async () => {
    expect((await lab.call('GET', '/v1/pinned', bearer(tok(MINE)))).r.status).toBe(200);
    const other = await lab.call('GET', '/v1/pinned', bearer(tok(OTHER)));
    expect(other.r.status).toBe(401);
    expect(other.hits).toEqual([]);
  });

  // Was: the issuer-less scheme built and admitted the other tenant's token (200, X-Consumer entra:outsider-1).
  it("the issuer-less scheme never admits the other tenant's token: no nginx configuration is built for it", async () => {
    const { result } = await compileSpec(SPEC, {});
    const refused = result.diagnostics.filter((d) => d.severity === 'error');
    expect(refused.map((d) => [d.code, d.params, d.loc?.pointer])).toEqual([['jwt-issuer-missing', { scheme: 'entra', keys: 'public keys (RS256)' }, '/components/securitySchemes/entra']]);
  });
});
