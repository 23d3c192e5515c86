/**
 * Red team 18, Kong (request oracle): Cross-Site WebSocket Hijacking
 * (redteam18-nginx-websocket-origin.test.ts gives the mechanism). Kong proxies `Upgrade: websocket`
 * on every route, and its cors plugin acts on a preflight only: on any other request it adds
 * headers, never refuses an origin (kong/plugins/cors/handler.lua access: returns unless OPTIONS +
 * Origin + Access-Control-Request-Method). A browser sends cached basic credentials (and cookies)
 * with a cross-site WebSocket handshake and applies no CORS to it.
 *
 * Attack (target kong): GET /v1/feed, `Upgrade: websocket`, `Origin: https://evil.test`, alice's
 * basic credentials (what her browser holds for api.test): reaches the upstream, so evil.test reads
 * the upgraded stream, though the spec's cors.origins lists only https://app.test.
 *
 * Suggested fix: as for nginx (refuse an upgrade whose Origin is present and not allowed; Kong: a
 * pre-function on routes with a CORS policy, every route since Kong upgrades everywhere).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const SPEC = `openapi: 3.1.0
info: { title: rt18 kong ws origin, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt18ko
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:ALICE_PW}" } } }
paths:
  /feed: { get: { operationId: feed, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ["https://app.test"], credentials: true } }, responses: { "101": { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

describe('red team 18, kong: an upgrade from another origin with the user\'s credentials is refused', async () => {
  const r = compileGateway((await gatewayOf(SPEC)).gateway!, 'kong', {});
  const doc = parse(r.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  // decK renders the password from DECK_ALICE_PW (kong/secrets.ts); the oracle takes that env.
  const ENV = { DECK_ALICE_PW: 'alice-password-0123' };
  const auth = { authorization: `Basic ${Buffer.from(`alice:${ENV.DECK_ALICE_PW}`).toString('base64')}` };
  const call = (origin: string) => evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/feed', headers: { upgrade: 'websocket', connection: 'Upgrade', origin, ...auth } }, ENV);

  it('control: builds; the allowed origin reaches the upstream; no credentials is 401', () => {
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(call('https://app.test').status).toBe(200);
    expect(evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/feed', headers: { upgrade: 'websocket', connection: 'Upgrade', origin: 'https://app.test' } }, ENV).status).toBe(401);
  });

  it.fails('FAILS (open): Origin https://evil.test with alice\'s credentials never reaches the upstream', () => {
    const o = call('https://evil.test');
    expect(o.upstream).toBeUndefined();
    expect(o.status).toBeGreaterThanOrEqual(400);
  });
});
