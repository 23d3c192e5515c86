/**
 * Red team 3b, Traefik (DESIGN.md 7.3: what the gateway verified is what reaches the backend as the
 * credential). A header API key (X-Api-Key) verified by forwardAuth is stripped from the headers,
 * but a query parameter of the same name (`?x-api-key=`, `?X-Api-Key=`) reaches the backend as
 * sent, with no diagnostic. Many API-key readers take the header OR the query parameter of one
 * name (FastAPI APIKeyHeader/APIKeyQuery pairs, DRF API key libraries, Spring filters reading
 * getParameter as a fallback): with the header stripped they read the unverified query value as
 * the caller's key. Kong removes that query name on a header-key route (request oracle: held
 * below), and Traefik already refuses the bearer form (?access_token= beside a header token,
 * redteam2-traefik-credentials). Fix: keep such a request off the route (a router rule
 * `!QueryRegexp(name, ...)` answering 400, as for access_token), or refuse header keys whose name
 * a backend could read from the query unless hideCredentials: false.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { compileCase, ownSchema } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt3t
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: '\${env:A}' } }
paths:
  /h: { get: { operationId: h, security: [{ hk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
`;
/** The key service: alice's key only, read from the header it is sent. */
const auth = (call: AuthCall) => (call.headers.get('X-Api-Key') === 'key-a' ? { status: 200 } : { status: 401 });

describe('red team 3b: Traefik header API key and a query parameter of the same name', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const go = (target: string, headers: Record<string, string> = {}) => send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth });

  it('control: builds a schema-valid file; the verified header key opens /h and is stripped', () => {
    expect(ownSchema(config)).toBe(true);
    const o = go('/v1/h', { 'X-Api-Key': 'key-a' });
    expect(o.status).toBe(200);
    expect(o.backend?.headers.get('X-Api-Key')).toBe('');
    expect(go('/v1/h').status).toBe(401);
  });

  it('held on Kong: the same-name query parameter beside the verified header key is removed (Kong oracle)', async () => {
    const loaded = await gatewayOf(SPEC);
    const k = compileGateway(loaded.gateway!, 'kong', {});
    const doc = parse(k.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    const o = evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/h', headers: { 'x-api-key': 'key-a' }, rawQuery: 'x-api-key=forged' }, { DECK_A: 'key-a' });
    expect(o.status).toBe(200);
    expect(o.upstream?.query['x-api-key']).toBeUndefined();
  });

  for (const q of ['x-api-key', 'X-Api-Key']) {
    // Fixed: the router rule keeps the header's name off the query (src/targets/traefik/bearer-query.ts headerQueryForms).
    it(`FIXED: ?${q}=forged beside the verified header key never reaches the backend as sent`, () => {
      const o = go(`/v1/h?${q}=forged`, { 'X-Api-Key': 'key-a' });
      if (o.status >= 400) return; // kept off the route: held
      expect(o.backend?.rawQuery ?? '').not.toMatch(/(^|&)x-api-key=/i);
    });
  }
});
