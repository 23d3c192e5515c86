/**
 * `gwc diff --base` and a JWT scheme's audiences (DESIGN.md 7.8; src/diff/trust.ts): `anyAudience:
 * true` states the issuer mints tokens for this API alone, so the gateway (or the service it
 * delegates to) checks no audience and a token the provider minted for any other application
 * passes. Where the output shows no audience check (Traefik hands the token to a forward-auth
 * service; a Cognito pool authorizer admits any app client) the change leaves no trace in the
 * output, so only the compiled sides of `--base` can tell. Attack: each spec weakened in place
 * (anyAudience added to a scheme that had none, audiences replaced by anyAudience, an audience
 * added); the diff must hold a security finding on the scheme. Controls: an audience dropped of
 * two and an unchanged spec show none.
 */
import { describe, expect, it } from 'vitest';
import { securityFindings, type Edit } from '../helpers/diff-edits.js';
import { HEAD } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const spec = (scheme: string) => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: aud
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /orders:
    get: { operationId: getOrders, security: [{ bearer: [] }], responses: ${ok} }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { ${scheme} } }
`;

const TRAEFIK_NONE = spec("issuer: 'https://id.example.com/', forwardAuth: { url: 'https://auth.internal/jwt' }");
const TRAEFIK_AUD = spec("issuer: 'https://id.example.com/', audiences: [shop], forwardAuth: { url: 'https://auth.internal/jwt' }");
const NGINX_AUD = spec("issuer: 'https://id.example.com/', audiences: [shop], algorithms: [RS256], jwksUri: 'https://id.example.com/jwks'");

const cases: Array<[string, string, string, readonly Edit[], string]> = [
  ['traefik', 'anyAudience: true added to a delegated scheme that named none', TRAEFIK_NONE, [["issuer: 'https://id.example.com/',", "issuer: 'https://id.example.com/', anyAudience: true,"]], 'trust-added scheme bearer'],
  ['traefik', 'audiences replaced by anyAudience: true', TRAEFIK_AUD, [['audiences: [shop]', 'anyAudience: true']], 'jwt-audience-widened scheme bearer'],
  ['traefik', 'an audience added', TRAEFIK_AUD, [['audiences: [shop]', 'audiences: [shop, partner]']], 'jwt-audience-widened scheme bearer'],
  ['nginx', 'audiences replaced by anyAudience: true', NGINX_AUD, [['audiences: [shop]', 'anyAudience: true']], 'trust-added scheme bearer'],
];

describe('gwc diff --base: a JWT scheme accepting more audiences is security', () => {
  for (const [target, what, base, edits, finding] of cases) {
    it(`${target}: ${what}`, async () => {
      expect(await securityFindings(target, base, edits)).toContain(finding);
    });
  }

  it('controls: an audience dropped of two, and the same spec, show no security finding', async () => {
    const two = TRAEFIK_AUD.replace('audiences: [shop]', 'audiences: [shop, partner]');
    expect(await securityFindings('traefik', two, [['audiences: [shop, partner]', 'audiences: [shop]']])).toEqual([]);
    expect(await securityFindings('nginx', NGINX_AUD, [])).toEqual([]);
  });
});
