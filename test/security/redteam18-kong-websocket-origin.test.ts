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
 * Closed (src/targets/kong/websocket-guard.ts): a pre-function chunk answers 403, before auth, to a
 * request carrying Upgrade whose Origin is present and not allowed: on a route with a CORS policy,
 * one of cors.origins exactly (as nginx and Traefik); on a route with security and no CORS policy,
 * the request's own origin (host[:port] of the Host line). Kong upgrades on every route, so every
 * such route carries it. No Origin (a non-browser client) and a plain request pass.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { editChunks, kongSecurityRules } from '../helpers/kong-chunks.js';
import { WS_GUARD_MARK } from '../../src/targets/kong/websocket-guard.js';

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
  /live: { get: { operationId: live, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
  /plain: { get: { operationId: plain, security: [{ basic: [] }], responses: { "200": { description: ok } } } }
  /open: { get: { operationId: open, x-gateway: { public: true, websocket: true }, responses: { "101": { description: upgraded } } } }
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

  it("Origin https://evil.test with alice's credentials never reaches the upstream (403 before basic-auth)", () => {
    const o = call('https://evil.test');
    expect(o.upstream).toBeUndefined();
    expect(o.status).toBe(403);
    expect(o.ran).not.toContain('basic-auth');
  });

  const send = (path: string, headers: Record<string, string>) => evaluate(doc, { method: 'GET', host: 'api.test', path, headers }, ENV);

  it('the class on the CORS route: every Origin but the listed one, exactly, is 403, with or without credentials, in any Upgrade spelling', () => {
    for (const origin of ['https://evil.test', 'https://app.test.evil.test', 'null', 'https://app.test/', 'http://app.test', 'https://app.test:8443', 'https://APP.test', 'https://api.test']) {
      expect(call(origin).status, origin).toBe(403);
      expect(send('/v1/feed', { upgrade: 'websocket', origin }).status, `${origin} no credentials: 403 not 401`).toBe(403);
      expect(send('/v1/feed', { Upgrade: 'WebSocket', Connection: 'upgrade', origin, ...auth }).status, origin).toBe(403);
    }
    // No Origin (a non-browser client) and a plain request from another page (CORS's part) pass.
    expect(send('/v1/feed', { upgrade: 'websocket', ...auth }).status).toBe(200);
    expect(send('/v1/feed', { origin: 'https://evil.test', ...auth }).status).toBe(200);
  });

  it("a route with credentials and no CORS policy, websocket declared or not (Kong upgrades on every route): the request's own origin only (its scheme, Host, case-blind)", () => {
    for (const path of ['/v1/live', '/v1/plain']) {
      for (const origin of ['https://api.test', 'https://API.test']) expect(send(path, { upgrade: 'websocket', origin, ...auth }).status, `${path} ${origin}`).toBe(200);
      for (const origin of ['https://evil.test', 'https://app.test', 'https://api.test:8443', 'https://api.test.evil.test', 'null', 'http://api.test']) {
        const o = send(path, { upgrade: 'websocket', origin, ...auth });
        expect([o.status, o.upstream], `${path} ${origin}`).toEqual([403, undefined]);
      }
      // The Host line as sent, port included (the oracle routes on the host name).
      expect(send(path, { host: 'api.test:8443', upgrade: 'websocket', origin: 'https://api.test:8443', ...auth }).status, path).toBe(200);
      expect(send(path, { host: 'api.test:8443', upgrade: 'websocket', origin: 'https://api.test', ...auth }).status, path).toBe(403);
      expect(send(path, { upgrade: 'websocket', ...auth }).status, path).toBe(200);
    }
    // Without credentials, from another page: 403 before basic-auth's 401.
    expect(send('/v1/plain', { upgrade: 'websocket', origin: 'https://evil.test' }).status).toBe(403);
  });

  it('a public route without a CORS policy carries no origin check (nothing of the user is sent that the route reads)', () => {
    expect(send('/v1/open', { upgrade: 'websocket', origin: 'https://evil.test' }).status).toBe(200);
  });

  it('gwc diff: the chunk removed or its origins edited is a security change (request-header-passed)', () => {
    const edit = (f: (c: string) => string | undefined) => editChunks(doc, WS_GUARD_MARK, f);
    const rules = kongSecurityRules;
    expect(rules(doc, doc)).toEqual([]);
    expect(rules(doc, edit(() => undefined))).toContain('request-header-passed');
    // Another origin allowed by hand: not gwc's text for any list.
    expect(rules(doc, edit((c) => c.replace('local origin_check = {', 'local origin_check = {["https://evil.test"] = true, ')))).toContain('request-header-passed');
    expect(rules(doc, edit((c) => c.replace('local origin_check = "own"', 'local origin_check = false')))).toContain('request-header-passed');
  });
});
