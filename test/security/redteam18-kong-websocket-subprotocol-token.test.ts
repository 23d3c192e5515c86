/**
 * Red team 18, Kong (request oracle): the Sec-WebSocket-Protocol bearer carrier
 * (redteam18-nginx-websocket-subprotocol-token.test.ts gives the mechanism). Kong proxies a
 * WebSocket upgrade on every route (runloop handler: `Upgrade: websocket` -> upstream_upgrade), its
 * jwt plugin reads a token from header_names / uri_param_names / cookie_names only
 * (kong/plugins/jwt/handler.lua retrieve_tokens), and gwc's request-transformer strips the
 * verified Authorization but leaves Sec-WebSocket-Protocol as sent.
 *
 * Attack (target kong, accept auth.jwt): GET /v1/chat, `Authorization: Bearer <alice's valid token>`
 * (verified, stripped) + `Upgrade: websocket` + `Sec-WebSocket-Protocol: access_token, <bob's or a
 * forged JWT>`: the backend, which reads the browser carrier because a browser cannot set
 * Authorization on a WebSocket, gets the token Kong never verified.
 *
 * Closed (src/targets/kong/websocket-guard.ts): every route with a bearer scheme (Kong upgrades on
 * every route) carries a pre-function chunk that answers 400, before jwt runs, to a request whose
 * subprotocol list carries a token as src/targets/subprotocol-token.ts reads it (the shared table,
 * test/helpers/subprotocol-cases.ts), on any line in any -/_ spelling of the header's name.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { SUBPROTOCOL_PASSED, SUBPROTOCOL_REFUSED } from '../helpers/subprotocol-cases.js';
import { editChunks, kongSecurityRules } from '../helpers/kong-chunks.js';
import { WS_GUARD_MARK } from '../../src/targets/kong/websocket-guard.js';

const ISS = 'https://id.example/';
const SPEC = `openapi: 3.1.0
info: { title: rt18 kong ws, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt18kw
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
paths:
  /chat: { get: { operationId: chat, security: [{ jwt: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
  /feed: { get: { operationId: feed, security: [{ jwt: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "${ISS}", algorithms: [RS256], publicKeys: ["\${env:JWT_PEM}"] }
`;
const FORGED = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.Zm9yZ2Vk';

describe('red team 18, kong: a bearer token in Sec-WebSocket-Protocol never reaches the backend unverified', async () => {
  const g = (await gatewayOf(SPEC)).gateway!;
  const r = compileGateway(g, 'kong', {});
  const doc = parse(r.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const call = (headers: Record<string, string>) => evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/chat', headers: { upgrade: 'websocket', connection: 'Upgrade', ...headers } });

  it('control: builds; a valid token passes and is stripped, none is 401', () => {
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ok = call({ authorization: `Bearer valid:${ISS}` });
    expect(ok.status).toBe(200);
    expect(ok.upstream?.headers.authorization).toBeUndefined();
    expect(call({}).status).toBe(401);
  });

  // Mechanism above: nothing on the route read or removed the subprotocol carrier.
  it("beside alice's verified token, a forged subprotocol token is refused (400) before jwt runs", () => {
    const o = call({ authorization: `Bearer valid:${ISS}`, 'sec-websocket-protocol': `access_token, ${FORGED}` });
    expect(o.upstream).toBeUndefined();
    expect(o.status).toBe(400);
    expect(o.ran).not.toContain('jwt');
  });

  it('the class: every refused row of the shared table, with or without a header token, on the websocket route and a route not declared one (Kong upgrades on every route); other spellings and lines of the header', () => {
    const send = (path: string, headers: Record<string, string>, repeated?: Record<string, string[]>) =>
      evaluate(doc, { method: 'GET', host: 'api.test', path, headers: { upgrade: 'websocket', connection: 'Upgrade', ...headers }, ...(repeated ? { repeated } : {}) });
    for (const proto of SUBPROTOCOL_REFUSED) {
      for (const [path, auth] of [['/v1/chat', { authorization: `Bearer valid:${ISS}` }], ['/v1/chat', {}], ['/v1/feed', { authorization: `Bearer valid:${ISS}` }]] as const) {
        const o = send(path, { ...auth, 'sec-websocket-protocol': proto });
        expect([o.status, o.upstream], `${path} ${proto}`).toEqual([400, undefined]);
      }
      // Not an upgrade: refused all the same (nginx's map and Traefik's rule read the header alone).
      expect(evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/feed', headers: { authorization: `Bearer valid:${ISS}`, 'sec-websocket-protocol': proto } }).status, proto).toBe(400);
    }
    expect(send('/v1/feed', { authorization: `Bearer valid:${ISS}`, Sec_WebSocket_Protocol: `access_token, ${FORGED}` }).status).toBe(400);
    expect(send('/v1/feed', { authorization: `Bearer valid:${ISS}`, 'SEC-WEBSOCKET-PROTOCOL': `Bearer, ${FORGED}` }).status).toBe(400);
    expect(send('/v1/feed', { authorization: `Bearer valid:${ISS}` }, { 'sec-websocket-protocol': ['graphql-ws', `access_token, ${FORGED}`] }).status).toBe(400);
  });

  it('plain subprotocol lists (every passed row of the shared table) reach the backend untouched', () => {
    for (const proto of SUBPROTOCOL_PASSED) {
      for (const path of ['/v1/chat', '/v1/feed']) {
        const auth = { authorization: `Bearer valid:${ISS}` };
        const o = evaluate(doc, { method: 'GET', host: 'api.test', path, headers: { upgrade: 'websocket', connection: 'Upgrade', ...auth, 'sec-websocket-protocol': proto } });
        expect(o.status, `${path} ${proto}`).toBe(200);
        expect(o.upstream?.headers['sec-websocket-protocol'], proto).toBe(proto);
      }
    }
  });

  it('gwc diff: the chunk removed, or edited, is a security change (credential-unverified-passed)', () => {
    const edit = (f: (c: string) => string | undefined) => editChunks(doc, WS_GUARD_MARK, f);
    const rules = kongSecurityRules;
    expect(JSON.stringify(doc)).toContain('-- gwc: a WebSocket handshake');
    expect(rules(doc, doc)).toEqual([]);
    expect(rules(doc, edit(() => undefined))).toContain('credential-unverified-passed');
    expect(rules(doc, edit((c) => c.replace('local token_check = true', 'local token_check = false')))).toContain('credential-unverified-passed');
    expect(rules(doc, edit((c) => c.replace('kong.response.exit(400', 'kong.response.exit(200')))).toContain('credential-unverified-passed');
  });
});
