/**
 * Red team 8, `gwc diff --base` and JWT audiences (src/diff/trust.ts schemeEntities): audiences are
 * compared per SCHEME entity (`scheme NAME`). On Traefik the route's own facts hold no audience (the
 * token goes to a forwardAuth service), so a route moved from a scheme accepting [shop] to another
 * scheme of the same issuer and service accepting [shop, partner] (already in the spec, or the
 * scheme renamed in the same change) widens what opens the route while neither scheme entity
 * changes in a comparable way: no jwt-audience-widened, no auth-weakened. The only security finding
 * is request-header-passed "X-Forwarded-* to the auth service" because the forwardAuth middleware's
 * NAME changed (aud-auth-bearer -> aud-auth-wide): an artefact that says nothing of audiences, and
 * would vanish for a reader that matched middlewares by contents. nginx (njs CFG holds audiences)
 * reports auth-weakened on the route: the control.
 * Fix: put each route's accepted audiences (per alternative, from its schemes) into the compiled
 * route facts on every target (as nginx's reader does from the CFG), so --base compares them per
 * route; or compare the trust entities by route usage.
 */
import { describe, expect, it } from 'vitest';
import { diffState, edit, type Edit } from '../helpers/diff-edits.js';
import { diffStates } from '../../src/diff/plan.js';
import { HEAD } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const spec = (schemes: string, use = 'bearer') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: aud
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /orders:
    get: { operationId: getOrders, security: [{ ${use}: [] }], responses: ${ok} }
components:
  securitySchemes:
${schemes}
`;
const TRAEFIK = (name: string, aud: string) => `    ${name}: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: 'https://id.example.com/', audiences: [${aud}], forwardAuth: { url: 'https://auth.internal/jwt' } } }`;
const NGINX = (name: string, aud: string) => `    ${name}: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: 'https://id.example.com/', audiences: [${aud}], algorithms: [RS256], jwksUri: 'https://id.example.com/jwks' } }`;

const findings = async (target: string, base: string, edits: readonly Edit[], options: Record<string, string> = {}) =>
  diffStates(await diffState(base, target, options), await diffState(edit(base, edits), target, options)).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key} :: ${f.old ?? ''} => ${f.new ?? ''}`);
/** A finding that says the route now admits another audience. */
const audienceFinding = (fs: string[]) => fs.filter((f) => /^(jwt-audience-widened|auth-weakened|auth-removed|trust-added) /.test(f) || /partner/.test(f));

describe('red team 8, gwc diff --base: a route moved to a wider-audience scheme', () => {
  const both = (S: typeof TRAEFIK) => spec(`${S('bearer', 'shop')}\n${S('wide', 'shop, partner')}`);
  const moved: Edit[] = [['security: [{ bearer: [] }]', 'security: [{ wide: [] }]']];

  it('control (nginx): the route moved to the wider scheme is auth-weakened on the route', async () => {
    expect(audienceFinding(await findings('nginx', both(NGINX), moved))).not.toEqual([]);
  });

  // Mechanism: trust.ts compares audiences per scheme entity only; Traefik's route facts hold no
  // audience, so the move reads as the forwardAuth middleware renamed (request-header-passed on
  // X-Forwarded-*), nothing about the audience `partner` now admitted.
  it('traefik: the route moved to an existing scheme accepting [shop, partner] names the widened audience', async () => {
    const fs = await findings('traefik', both(TRAEFIK), moved);
    expect(fs.some((f) => f.startsWith('request-header-passed aud-getorders'))).toBe(true);
    expect(audienceFinding(fs)).not.toEqual([]);
  });
  it('traefik: the scheme renamed and widened in one change names the widened audience', async () => {
    const base = spec(TRAEFIK('bearer', 'shop'));
    const fs = await findings('traefik', base, [[TRAEFIK('bearer', 'shop'), TRAEFIK('bearer2', 'shop, partner')], ['security: [{ bearer: [] }]', 'security: [{ bearer2: [] }]']]);
    expect(audienceFinding(fs)).not.toEqual([]);
  });

  // The class: each route's accepted audiences per issuer are a compiled fact of the route
  // (trust.ts routeAudienceEntities), read the same way on every target.
  const ROUTE = 'jwt-audience-widened route getOrders audiences';
  // AWS REST: a JWT scheme is a Cognito pool authorizer, which checks no audience (anyAudience: true
  // is required), so there is no list to widen; its route entity is the same and reads the same.
  for (const target of ['kong', 'nginx', 'traefik', 'aws-http']) {
    const S = target === 'traefik' ? TRAEFIK : target === 'nginx' ? NGINX : (name: string, aud: string) => NGINX(name, aud).replace("jwksUri: 'https://id.example.com/jwks'", target === 'kong' ? 'publicKeys: ["${env:IDP_PEM}"]' : 'hideCredentials: false');
    // Kong's jwt plugin reads no JWKS (accepted gap); API Gateway reaches only public hosts.
    const fit = (text: string) => (target === 'kong' ? text.replace('  defaults: { backend: app }', "  defaults: { backend: app }\n  accept: { kong: [{ feature: auth.jwt, reason: 'static keys, exp only' }] }") : target.startsWith('aws') ? text.replace('app.internal', 'app.example.com') : text);
    const options: Record<string, string> = target === 'aws-http' ? { api: 'http' } : {};
    it(`${target}: moved, renamed and widened, or anyAudience: each is jwt-audience-widened on the route`, async () => {
      const has = async (base: string, edits: readonly Edit[]) => (await findings(target.replace('-http', ''), fit(base), edits, options)).filter((f) => f.startsWith(`${ROUTE} `));
      expect(await has(both(S), moved)).toEqual([`${ROUTE} :: jwt issued by https://id.example.com/: shop => jwt issued by https://id.example.com/: partner, shop`]);
      const base = spec(S('bearer', 'shop'));
      expect(await has(base, [[S('bearer', 'shop'), S('bearer2', 'shop, partner')], ['security: [{ bearer: [] }]', 'security: [{ bearer2: [] }]']])).not.toEqual([]);
      // An HTTP API JWT authorizer requires audiences (aws-http-jwt-audience-missing).
      if (target !== 'aws-http') expect(await has(base, [['audiences: [shop]', 'anyAudience: true']])).not.toEqual([]);
      // Controls: narrowed, or moved to a scheme of the same audiences, is no audience finding.
      expect(await has(spec(`${S('bearer', 'shop, partner')}\n${S('wide', 'shop')}`), moved)).toEqual([]);
      expect(await has(spec(`${S('bearer', 'shop')}\n${S('wide', 'shop')}`), moved)).toEqual([]);
    });
  }
});
