/**
 * Red team 3, `gwc diff` on nginx (DESIGN.md 7.8): every change that widens who can call what, or
 * weakens how a credential, a limit or a cache key is checked, is a security finding. The compiled
 * states of two specs (compiledState, as `gwc diff --base` builds both sides) are compared; each
 * case edits one line of a spec whose nginx output carries the setting.
 */
import { describe, expect, it } from 'vitest';
import { HEAD } from '../helpers/spec.js';
import { securityFindings, type Edit } from '../helpers/diff-edits.js';


const ok = "{ '200': { description: ok } }";
const BASE = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: d3n
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [ops], credentials: { key: '\${env:ALICE_KEY}' } }
    bob: { groups: [admin], credentials: { key: '\${env:BOB_KEY}' } }
paths:
  /admin:
    get: { operationId: admin, security: [{ key: [admin] }], responses: ${ok} }
  /tok:
    get: { operationId: tok, security: [{ jwt: [] }], responses: ${ok} }
  /limited:
    get: { operationId: limited, security: [{ key: [] }], x-gateway: { rateLimit: { requests: 10, per: minute, by: consumer } }, responses: ${ok} }
  /cached:
    get: { operationId: cached, security: [{ key: [] }], x-gateway: { cache: { ttl: 60s, keyHeaders: [X-Tenant] } }, responses: ${ok} }
  /fwd:
    get: { operationId: fwd, security: [{ fwd: [] }], responses: ${ok} }
  /news:
    get: { operationId: news, x-gateway: { public: true, cache: { ttl: 60s, keyHeaders: [X-Session] } }, parameters: [{ name: account, in: query, schema: { type: string } }], responses: ${ok} }
  /jw:
    get: { operationId: jw, security: [{ jwks: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: 'https://id.example/', audiences: [api], algorithms: [RS256], publicKeys: ['\${file:keys/rs.pem}'], clockSkew: 10s }
    jwks:
      type: http
      scheme: bearer
      x-gateway: { issuer: 'https://id.example/', jwksUri: 'https://id.example/.well-known/jwks.json', audiences: [api], algorithms: [RS256] }
    fwd:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check', responseHeaders: [X-User-Id] } }
`;

const CASES: Array<{ name: string; edits: Edit[]; broke?: string }> = [
  { name: 'a group given to a consumer (the admin route now admits alice)', edits: [["alice: { groups: [ops],", "alice: { groups: [ops, admin],"]] },
  { name: 'a consumer added', edits: [["    bob: { groups: [admin], credentials: { key: '${env:BOB_KEY}' } }\n", "    bob: { groups: [admin], credentials: { key: '${env:BOB_KEY}' } }\n    carol: { credentials: { key: '${env:CAROL_KEY}' } }\n"]] },
  // Dropping every audience is refused at build since nginx-jwt-audience-missing; a second one widens.
  { name: 'a JWT audience added (tokens minted for another application accepted)', edits: [["audiences: [api], algorithms: [RS256], publicKeys", "audiences: [api, other], algorithms: [RS256], publicKeys"]] },
  // Dropping the issuer of a public-key scheme is refused by build since jwt-issuer-missing: swapped instead.
  { name: 'a JWT issuer swapped for another', edits: [["issuer: 'https://id.example/', audiences", "issuer: 'https://other-tenant.example/', audiences"]] },
  { name: 'a JWT clock skew raised (expired tokens accepted for longer)', edits: [['clockSkew: 10s', 'clockSkew: 1h']] },
  { name: 'a JWT algorithm added', edits: [['algorithms: [RS256], publicKeys', 'algorithms: [RS256, RS512], publicKeys']] },
  { name: 'a JWT key swapped for another file', edits: [["publicKeys: ['${file:keys/rs.pem}']", "publicKeys: ['${file:keys/other.pem}']"]] },
  { name: 'optional auth added to a keyed route', edits: [['operationId: admin, security: [{ key: [admin] }]', 'operationId: admin, security: [{}, { key: [admin] }]']] },
  { name: 'a per-consumer limit raised', edits: [['requests: 10, per: minute, by: consumer', 'requests: 1000, per: minute, by: consumer']] },
  { name: 'a per-consumer limit turned per client address', edits: [['requests: 10, per: minute, by: consumer', 'requests: 10, per: minute, by: ip']] },
  { name: 'a cache key header dropped on a keyed route', edits: [['keyHeaders: [X-Tenant]', 'keyHeaders: []']], broke: 'the nginx reader compares no cache key parts (AWS has cache-key-narrowed)' },
  { name: 'a cache key header dropped on a public route (every session now shares one entry)', edits: [['keyHeaders: [X-Session]', 'keyHeaders: []']], broke: 'the nginx reader compares no cache key parts (AWS has cache-key-narrowed)' },
  { name: 'the query dropped from a public cache key', edits: [['cache: { ttl: 60s, keyHeaders: [X-Session] }', 'cache: { ttl: 60s, keyHeaders: [X-Session], keyQuery: false }']], broke: 'the nginx reader compares no cache key parts (AWS has cache-key-narrowed)' },
  { name: 'the JWKS location swapped for another host', edits: [["jwksUri: 'https://id.example/.well-known/jwks.json'", "jwksUri: 'https://keys.attacker.example/jwks.json'"]] },
  { name: 'the credential no longer stripped (hideCredentials: false)', edits: [['key: { type: apiKey, in: header, name: x-api-key }', 'key: { type: apiKey, in: header, name: x-api-key, x-gateway: { hideCredentials: false } }']] },
  { name: 'the forward-auth service swapped', edits: [['http://auth.internal:9000/check', 'http://auth.internal:9000/allow']], broke: 'the forward-auth URL (proxy_pass of the internal /_gwc_internal/f/N location) is no auth fact of the route (Traefik: auth-weakened)' },
  { name: 'the API key moved from a header to the query (logged in URLs, Referer)', edits: [['key: { type: apiKey, in: header, name: x-api-key }', 'key: { type: apiKey, in: query, name: api_key }']] },
];

describe('red team 3a: gwc diff on nginx classes every widening as security', () => {
  it('the same spec on both sides has no security finding', async () => {
    expect(await securityFindings('nginx', BASE, [])).toEqual([]);
  });
  for (const c of CASES) {
    // c.broke: the mechanism of a case that was no finding before src/diff read it (fixed since).
    it(`nginx: ${c.name}`, async () => {
      const found = await securityFindings('nginx', BASE, c.edits);
      expect(found.length, `${c.name}: ${JSON.stringify(found)}`).toBeGreaterThan(0);
    });
  }
});
