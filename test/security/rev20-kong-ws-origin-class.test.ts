/**
 * REV20 on 0f4d4c94 / 68d8c453 (WS3 across targets): Kong's websocket guard (kong/websocket-guard.ts
 * wsGuard) decides which origins may upgrade by its own rule, not websocket-origin.ts
 * upgradeOrigins (which nginx and Traefik read):
 * - a route with an IP allow list and no scheme (public: true, ipAllow) gets no origin check at
 *   all (`route.security.some(alt => alt.length > 0)` only), while upgradeOrigins says `same`
 *   (ambientRoute: the caller's network address is a credential the browser sends by itself): any
 *   page a user inside 10.0.0.0/8 opens reads the office stream (nginx and Traefik refuse it:
 *   ws3-traefik-websocket-same-origin `/office`);
 * - a route whose cors policy lists origins with credentials: false while its credential is
 *   ambient (basic) compares with the cors list, where 0f4d4c94 made Traefik (and nginx) answer
 *   `same`: the listed partner page's handshake carries alice's cached basic credentials, the
 *   credentialed call the policy withholds.
 * - likewise a basic route with cors origins `*` (credentials: false): no check at all on Kong.
 * Suggested fix: wsGuard's origin = upgradeOrigins(route, schemes) ('listed' -> cors list,
 * 'same' -> 'own', undefined -> none), as nginx and Traefik. Oracle: kong-oracle.ts evaluate.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const SPEC = `openapi: 3.1.0
info: { title: rev20 kong ws origin, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rev20ko
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:ALICE_PW}" } } }
paths:
  /office: { get: { operationId: office, security: [], x-gateway: { public: true, ipAllow: [10.0.0.0/8], websocket: true }, responses: { "101": { description: upgraded } } } }
  /partner: { get: { operationId: partner, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ["https://partner.test"], credentials: false } }, responses: { "101": { description: upgraded } } } }
  /feed: { get: { operationId: feed, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ["*"], credentials: false } }, responses: { "101": { description: upgraded } } } }
  /room: { get: { operationId: room, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

describe('REV20: Kong\'s websocket origin check reads another rule than upgradeOrigins', async () => {
  const r = compileGateway((await gatewayOf(SPEC)).gateway!, 'kong', {});
  const doc = parse(r.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const ENV = { DECK_ALICE_PW: 'alice-password-0123' };
  const auth = { authorization: `Basic ${Buffer.from(`alice:${ENV.DECK_ALICE_PW}`).toString('base64')}` };
  const call = (route: string, origin: string) =>
    evaluate(doc, { method: 'GET', host: 'api.test', path: `/v1/${route}`, client: '10.1.2.3', headers: { upgrade: 'websocket', connection: 'Upgrade', origin, ...auth } }, ENV);

  it('controls: builds; a basic route without cors refuses another site (403), own origin upgrades; the office route answers its own page from inside', () => {
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(call('room', 'https://evil.test').status).toBe(403);
    expect(call('room', 'https://api.test').status).toBe(200);
    expect(call('office', 'https://api.test').status).toBe(200);
    // The oracle runs ip-restriction (KN21): from outside the office the route is refused whatever the page.
    expect(evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/office', client: '203.0.113.7', headers: { upgrade: 'websocket', connection: 'Upgrade', origin: 'https://api.test' } }, ENV).status).toBe(403);
    const office = JSON.stringify((doc as { services?: Array<{ routes?: Array<{ name?: string }> }> }).services?.flatMap((s) => s.routes ?? []).find((x) => /office/.test(String(x.name))));
    expect(office).toMatch(/"ip-restriction"/);
    expect(office).toMatch(/"10\.0\.0\.0\/8"/);
  });

  it('BREAK (closed): an IP-restricted public websocket route upgrades for any page a user inside the network opens', () => {
    const o = call('office', 'https://evil.test');
    expect(o.status).toBe(403);
  });

  it('BREAK (closed): a basic route whose cors withholds credentials lets the listed page upgrade with alice\'s cached credentials', () => {
    const o = call('partner', 'https://partner.test');
    expect(o.status).toBe(403);
  });

  it('BREAK (closed): a basic route whose cors is `*` without credentials lets any page upgrade with alice\'s cached credentials (upgradeOrigins: same)', () => {
    expect(call('feed', 'https://evil.test').status).toBe(403);
  });
});
